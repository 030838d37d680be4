export { ANSWER_TIMEOUT_MS, CONNECT_TIMEOUT_MS, KEEPALIVE_IDLE_MS, openStore, pgliteDir, type Reachability, type StoreOptions } from './store.js';
export * from './data-dir.js';
export { FsBlobStore, formatBytes } from './blob-store.js';
