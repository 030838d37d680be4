export * from './catalogue.js';
export * from './ports.js';
export * from './schemas.js';
export * from './positions.js';
export * from './csv.js';
