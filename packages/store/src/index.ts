export { openStore, pgliteDir, type StoreOptions } from './store.js';
export * from './data-dir.js';
