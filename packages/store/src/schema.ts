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

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  setup_links: SetupLinksTable;
  contacts: ContactsTable;
  audit_log: AuditLogTable;
}
