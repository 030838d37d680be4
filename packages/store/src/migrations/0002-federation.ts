import type { Kysely } from 'kysely';
import { runStatements } from './run.js';

// Peers, the durable outbox and inbox of signed envelopes, peers' published directories,
// communication checks, and the verification mark on this state's own points of contact.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE peers (
      state_code text PRIMARY KEY,
      name text NOT NULL,
      url text NOT NULL,
      public_key text NOT NULL,
      fingerprint text NOT NULL,
      is_test_state boolean NOT NULL,
      status text NOT NULL CHECK (status IN ('trusted', 'suspended')),
      added_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    );
    CREATE TABLE peer_keys (
      state_code text NOT NULL REFERENCES peers(state_code) ON DELETE CASCADE,
      fingerprint text NOT NULL,
      public_key text NOT NULL,
      valid_from timestamptz NOT NULL,
      valid_until timestamptz,
      PRIMARY KEY (state_code, fingerprint)
    );
    CREATE TABLE outbox (
      id uuid PRIMARY KEY,
      recipient text NOT NULL,
      type text NOT NULL,
      thread uuid,
      jws text NOT NULL,
      hash text NOT NULL UNIQUE,
      status text NOT NULL CHECK (status IN ('queued', 'delivered', 'failed')),
      attempts integer NOT NULL,
      next_attempt_at timestamptz NOT NULL,
      last_error text,
      created_at timestamptz NOT NULL,
      delivered_at timestamptz,
      receipt text
    );
    CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'queued';
    CREATE INDEX outbox_thread ON outbox (thread, created_at);
    CREATE TABLE inbox (
      id uuid PRIMARY KEY,
      hash text NOT NULL UNIQUE,
      sender text NOT NULL,
      type text NOT NULL,
      thread uuid,
      prev text,
      jws text NOT NULL,
      received_at timestamptz NOT NULL,
      receipt text NOT NULL,
      applied_at timestamptz,
      apply_error text
    );
    CREATE INDEX inbox_waiting ON inbox (prev) WHERE applied_at IS NULL;
    CREATE TABLE peer_directories (
      state_code text PRIMARY KEY,
      published_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      contacts jsonb NOT NULL,
      envelope_hash text NOT NULL
    );
    CREATE TABLE checks (
      id uuid PRIMARY KEY,
      direction text NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
      peer text NOT NULL,
      started_by text NOT NULL,
      started_at timestamptz NOT NULL,
      deadline timestamptz NOT NULL,
      note text NOT NULL,
      delivered_at timestamptz,
      confirmed_at timestamptz,
      confirmed_by text,
      confirmed_contact uuid
    );
    CREATE INDEX checks_peer ON checks (peer, started_at);
    CREATE TABLE notifications (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      audience text NOT NULL,
      kind text NOT NULL,
      message text NOT NULL,
      link text,
      read_at timestamptz
    );
    ALTER TABLE contacts ADD COLUMN verified_at timestamptz
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    ALTER TABLE contacts DROP COLUMN verified_at;
    DROP TABLE notifications, checks, peer_directories, inbox, outbox, peer_keys, peers
  `);
}
