export * from './delivery.js';
export * from './discovery.js';
export * from './envelope/index.js';
export * from './keys.js';
export * from './merkle/index.js';
export * from './messages.js';
export * from './note/index.js';
export * from './schemas.js';
