export { openStore, pgliteDir, type StoreOptions } from './store.js';
export * from './data-dir.js';
export { FsBlobStore, formatBytes } from './blob-store.js';
