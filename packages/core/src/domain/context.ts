import type { Store } from './ports.js';

/** What every domain operation needs: the store, the time, and where the node is reachable. */
export interface DomainContext {
  store: Store;
  now(): Date;
  /** Base URL that people use to reach this node's web interface, without a trailing slash. */
  publicUrl: string;
}

/** Facts about the request an operation serves, kept in the audit trail. */
export interface RequestMeta {
  requestId: string | null;
}
