import type { ColumnType, Generated } from 'kysely';

/** Row types of the database, as Kysely sees them. */

type Timestamp = ColumnType<Date, Date, Date>;

export interface UsersTable {
  id: string;
  email: string;
  display_name: string;
  role: 'admin' | 'officer' | 'viewer';
  status: 'active' | 'disabled' | 'invited';
  password_hash: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  prefix: string;
  token_hash: string;
  created_at: Timestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface SetupLinksTable {
  token_hash: string;
  purpose: 'first-admin' | 'invite' | 'reset';
  user_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface ContactsTable {
  id: string;
  kind: 'diplomatic' | 'technical' | 'law_enforcement_24_7' | 'central_authority';
  name: string;
  organisation: string;
  position: string;
  email: string;
  phone: string;
  languages: string[];
  time_zone: string;
  hours: string;
  available_24x7: boolean;
  status: 'active' | 'retired';
  version: number;
  created_at: Timestamp;
  updated_at: Timestamp;
  retired_at: Timestamp | null;
  verified_at: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: Timestamp;
  actor: string;
  action: string;
  entity_type: string;
  entity_id: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
}

export interface PeersTable {
  state_code: string;
  name: string;
  url: string;
  public_key: string;
  fingerprint: string;
  is_test_state: boolean;
  status: 'trusted' | 'suspended';
  added_at: Timestamp;
  updated_at: Timestamp;
}

export interface PeerKeysTable {
  state_code: string;
  fingerprint: string;
  public_key: string;
  valid_from: Timestamp;
  valid_until: Timestamp | null;
}

export interface OutboxTable {
  id: string;
  recipient: string;
  type: string;
  thread: string | null;
  jws: string;
  hash: string;
  status: 'queued' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Timestamp;
  last_error: string | null;
  created_at: Timestamp;
  delivered_at: Timestamp | null;
  receipt: string | null;
}

export interface InboxTable {
  id: string;
  hash: string;
  sender: string;
  type: string;
  thread: string | null;
  prev: string | null;
  jws: string;
  received_at: Timestamp;
  receipt: string;
  applied_at: Timestamp | null;
  apply_error: string | null;
}

export interface PeerDirectoriesTable {
  state_code: string;
  published_at: Timestamp;
  received_at: Timestamp;
  contacts: unknown;
  envelope_hash: string;
}

export interface ChecksTable {
  id: string;
  direction: 'outgoing' | 'incoming';
  peer: string;
  started_by: string;
  started_at: Timestamp;
  deadline: Timestamp;
  note: string;
  delivered_at: Timestamp | null;
  confirmed_at: Timestamp | null;
  confirmed_by: string | null;
  confirmed_contact: string | null;
}

export interface NotificationsTable {
  id: Generated<string>;
  at: Timestamp;
  audience: 'officer' | 'admin';
  kind: string;
  message: string;
  link: string | null;
  read_at: Timestamp | null;
}

export interface LogEntriesTable {
  /** bigint: a number from PGlite, a string from pg. */
  idx: ColumnType<number | string, number, never>;
  kind: string;
  hash: string;
  data: string;
  leaf_hash: Uint8Array;
  created_at: Timestamp;
}

export interface LogSubtreesTable {
  level: number;
  idx: ColumnType<number | string, number, never>;
  hash: Uint8Array;
}

export interface LogHeadTable {
  id: boolean;
  size: ColumnType<number | string, number, number>;
  frontier: Uint8Array;
  origin: string | null;
}

export interface LogCheckpointsTable {
  size: ColumnType<number | string, number, never>;
  root: Uint8Array;
  note: string;
  created_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  setup_links: SetupLinksTable;
  contacts: ContactsTable;
  audit_log: AuditLogTable;
  peers: PeersTable;
  peer_keys: PeerKeysTable;
  outbox: OutboxTable;
  inbox: InboxTable;
  peer_directories: PeerDirectoriesTable;
  checks: ChecksTable;
  notifications: NotificationsTable;
  log_entries: LogEntriesTable;
  log_subtrees: LogSubtreesTable;
  log_head: LogHeadTable;
  log_checkpoints: LogCheckpointsTable;
}
