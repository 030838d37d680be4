export * from './client.js';
export * from './node.js';
export * from './postgres.js';
export * from './network.js';
export * from './cli.js';
export * from './tcp-proxy.js';
