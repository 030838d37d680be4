import type { Kysely } from 'kysely';
import { runStatements } from './run.js';

// Rules of responsible state behaviour (core/src/norms). The catalogue itself is data shipped
// with the node (packages/core/data/norms); these tables hold what states say about it.
// - norm_positions: the current position of a state on an entry. `own` rows are this node's
//   state; `recorded` rows are other states' positions this node recorded from a source.
// - norm_position_history: every position ever set, own or recorded, newest by recorded_at.
// - norm_notes: this state's national implementation notes, one per entry.
// - peer_norms: each peer's latest published snapshot (positions and notes), as received.
// - norm_invocations: which entries the node's cases (consultations, requests) invoke.
// - norm_settings: one row; whether the public page is published.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE norm_positions (
      state_code text NOT NULL CHECK (state_code ~ '^[A-Z]{3}$'),
      norm_id text NOT NULL,
      origin text NOT NULL CHECK (origin IN ('own', 'recorded')),
      position text NOT NULL CHECK (position IN ('endorses', 'endorses_with_reservations', 'does_not_endorse', 'no_stated_position')),
      statement text NOT NULL,
      source text NOT NULL,
      stated_on text CHECK (stated_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      recorded_at timestamptz NOT NULL,
      recorded_by text NOT NULL,
      PRIMARY KEY (state_code, norm_id),
      CHECK (statement = '' OR source <> '')
    );
    CREATE TABLE norm_position_history (
      id bigserial PRIMARY KEY,
      state_code text NOT NULL,
      norm_id text NOT NULL,
      origin text NOT NULL,
      position text NOT NULL,
      statement text NOT NULL,
      source text NOT NULL,
      stated_on text,
      recorded_at timestamptz NOT NULL,
      recorded_by text NOT NULL
    );
    CREATE INDEX norm_position_history_entry ON norm_position_history (state_code, norm_id, id);
    CREATE TABLE norm_notes (
      norm_id text PRIMARY KEY,
      text text NOT NULL,
      sources jsonb NOT NULL,
      updated_at timestamptz NOT NULL,
      updated_by text NOT NULL
    );
    CREATE TABLE peer_norms (
      state_code text PRIMARY KEY,
      published_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      positions jsonb NOT NULL,
      notes jsonb NOT NULL,
      envelope_hash text NOT NULL
    );
    CREATE TABLE norm_invocations (
      norm_id text NOT NULL,
      case_type text NOT NULL,
      case_id uuid NOT NULL,
      case_title text NOT NULL,
      case_created_at timestamptz NOT NULL,
      PRIMARY KEY (norm_id, case_type, case_id)
    );
    CREATE INDEX norm_invocations_case ON norm_invocations (case_type, case_id);
    CREATE TABLE norm_settings (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      published boolean NOT NULL,
      changed_at timestamptz,
      changed_by text
    );
    INSERT INTO norm_settings (id, published) VALUES (true, false)
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `DROP TABLE norm_settings, norm_invocations, peer_norms, norm_notes, norm_position_history, norm_positions`);
}
