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
  given_up_at: Timestamp | null;
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

export interface ConsultationsTable {
  id: string;
  group_id: string;
  side: 'raiser' | 'recipient';
  raiser: string;
  recipient: string | null;
  addressees: unknown;
  status: 'draft' | 'sent' | 'acknowledged' | 'in_progress' | 'responded' | 'postponed' | 'executed' | 'closed';
  outcome: 'resolved_or_mitigated' | 'unfounded' | 'no_agreement' | 'withdrawn' | 'completed' | 'refused' | null;
  awaiting: 'raiser' | 'recipient' | null;
  title: string;
  summary: string;
  period_start: Timestamp | null;
  period_end: Timestamp | null;
  sectors: unknown;
  severity: string;
  urgency: 'urgent' | 'high' | 'routine';
  communication_kind: string;
  norms: unknown;
  actions_requested: string;
  response_requested_by: Timestamp | null;
  tlp: 'CLEAR' | 'GREEN' | 'AMBER' | 'AMBER+STRICT' | 'RED';
  indicators: unknown;
  attribution: unknown;
  attribution_reply: unknown;
  evidence: unknown;
  raised_by: string;
  ack_deadline: Timestamp | null;
  sent_at: Timestamp | null;
  acknowledged_at: Timestamp | null;
  responded_at: Timestamp | null;
  closed_at: Timestamp | null;
  ack_overdue_notified_at: Timestamp | null;
  kind: Generated<'consultation' | 'preservation' | 'disclosure' | 'mla' | 'emergency' | 'spontaneous'>;
  request: unknown;
  decision: unknown;
  preserve_until: Timestamp | null;
  lapse_warned_for: Timestamp | null;
  consulted_at: Timestamp | null;
  decision_overdue_notified_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: number;
  /** to_tsvector('simple', searchDocument(...)) of the title, summary, actions requested and reference (search-text.ts). */
  search: string;
}

export interface LegalBasesTable {
  state: string;
  instruments: unknown;
  articles: string;
  channel: string | null;
  notes: string;
  updated_at: Timestamp;
  updated_by: string;
}

export interface ConsultationEventsTable {
  id: string;
  consultation_id: string;
  seq: Generated<string>;
  at: Timestamp;
  side: 'raiser' | 'recipient';
  actor: string;
  action: string;
  text: string;
  evidence: unknown;
  outcome: string | null;
  attribution_reply: unknown;
  decision: unknown;
  custody: Generated<unknown>;
  until: Timestamp | null;
  envelope_hash: string | null;
  not_applied: string | null;
  /** to_tsvector('simple', searchDocument([text])) (search-text.ts). */
  search: string;
}

export interface WitnessLogsTable {
  state_code: string;
  origin: string | null;
  size: ColumnType<number | string | null, number | null, number | null>;
  root: Uint8Array | null;
  checkpoint: string | null;
  cosigned: string | null;
  witnessed_at: Date | null;
  checked_at: Timestamp;
  status: string;
  problem: string | null;
  refused: string | null;
  failures: number;
}

export interface WitnessCosignaturesTable {
  witness: string;
  size: ColumnType<number | string, number, number>;
  key_name: string;
  key_id: ColumnType<number | string, number, number>;
  line: string;
  signed_at: Timestamp;
  received_at: Timestamp;
}

export interface WitnessForksTable {
  id: string;
  origin: string;
  state_code: string;
  reason: string;
  first_checkpoint: string;
  first_source: string;
  first_seen_at: Timestamp;
  second_checkpoint: string;
  second_source: string;
  second_seen_at: Timestamp;
  detected_at: Timestamp;
  pair: string;
}

// ---- norms (migration 0004) ----
export interface NormPositionsTable {
  state_code: string;
  norm_id: string;
  origin: 'own' | 'recorded';
  position: 'endorses' | 'endorses_with_reservations' | 'does_not_endorse' | 'no_stated_position';
  statement: string;
  source: string;
  stated_on: string | null;
  recorded_at: Timestamp;
  recorded_by: string;
}
export interface NormPositionHistoryTable extends NormPositionsTable {
  id: Generated<string>;
}
export interface NormNotesTable {
  norm_id: string;
  text: string;
  sources: unknown;
  updated_at: Timestamp;
  updated_by: string;
}
export interface PeerNormsTable {
  state_code: string;
  published_at: Timestamp;
  received_at: Timestamp;
  positions: unknown;
  notes: unknown;
  envelope_hash: string;
}
export interface NormInvocationsTable {
  norm_id: string;
  case_type: string;
  case_id: string;
  case_title: string;
  case_created_at: Timestamp;
}
export interface NormSettingsTable {
  id: boolean;
  published: boolean;
  changed_at: Timestamp | null;
  changed_by: string | null;
}

export interface EvidenceTable {
  id: string;
  sha256: string;
  /** bigint: a number from PGlite, a string from pg. */
  size: ColumnType<number | string, number, number>;
  name: string;
  media_type: string;
  malware: boolean;
  origin_state: string;
  uploaded_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  status: 'stored' | 'expected' | 'transferring' | 'received' | 'failed';
  received_bytes: ColumnType<number | string, number, number>;
  error: string | null;
  case_id: string | null;
  salt: string | null;
  attempts: number;
  next_attempt_at: Timestamp | null;
}

export interface EvidenceGrantsTable {
  sha256: string;
  recipient: string;
  granted_at: Timestamp;
}

// ---- notification e-mail (migration 0009) ----
export interface MailPreferencesTable {
  user_id: string;
  email_notifications: boolean;
  updated_at: Timestamp;
}

export interface MailFanoutTable {
  /** bigint: a number from PGlite, a string from pg. */
  notification_id: ColumnType<number | string, number | string, never>;
  queued_at: Timestamp;
  recipients: number;
}

export interface MailQueueTable {
  id: Generated<string>;
  notification_id: ColumnType<number | string, number | string, never>;
  user_id: string;
  created_at: Timestamp;
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  last_error: string | null;
  done_at: Timestamp | null;
}

export interface SignInAttemptsTable {
  key_hash: string;
  points: number;
  expires_at: Timestamp;
}

export interface Database {
  evidence: EvidenceTable;
  evidence_grants: EvidenceGrantsTable;
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
  witness_logs: WitnessLogsTable;
  witness_cosignatures: WitnessCosignaturesTable;
  witness_forks: WitnessForksTable;
  consultations: ConsultationsTable;
  consultation_events: ConsultationEventsTable;
  legal_bases: LegalBasesTable;
  norm_positions: NormPositionsTable;
  norm_position_history: NormPositionHistoryTable;
  norm_notes: NormNotesTable;
  peer_norms: PeerNormsTable;
  norm_invocations: NormInvocationsTable;
  norm_settings: NormSettingsTable;
  mail_preferences: MailPreferencesTable;
  mail_fanout: MailFanoutTable;
  mail_queue: MailQueueTable;
  sign_in_attempts: SignInAttemptsTable;
}
