export { CONNECT_TIMEOUT_MS, openStore, pgliteDir, type Reachability, type StoreOptions } from './store.js';
export * from './data-dir.js';
export { FsBlobStore, formatBytes } from './blob-store.js';
