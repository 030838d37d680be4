import type { Kysely } from 'kysely';
import { runStatements } from './run.js';

// Witnessing between peers (core/src/domain/witness.ts, protocol §9.5).
// - witness_logs: per peer, the latest checkpoint of its log this node verified (verbatim, as the
//   log signed it, and with this node's cosignature), its origin once learned (then pinned), and
//   the outcome of the last attempt in plain language, with the last refused checkpoint.
// - witness_cosignatures: cosignatures peers gave this node's own checkpoints, one per peer and
//   size; a checkpoint row must exist for the size, so a cosignature of a checkpoint this node
//   never signed cannot be stored here (it is fork evidence instead).
// - witness_forks: evidence that a log showed two histories: both signed checkpoints verbatim,
//   where and when each was seen. Kept for good: nothing in Parley updates or deletes a row.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE witness_logs (
      state_code text PRIMARY KEY,
      origin text UNIQUE,
      size bigint CHECK (size >= 0),
      root bytea CHECK (length(root) = 32),
      checkpoint text,
      cosigned text,
      witnessed_at timestamptz,
      checked_at timestamptz NOT NULL,
      status text NOT NULL,
      problem text,
      refused text,
      failures integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
      CHECK ((size IS NULL) = (checkpoint IS NULL) AND (size IS NULL) = (root IS NULL))
    );
    CREATE TABLE witness_cosignatures (
      witness text NOT NULL,
      size bigint NOT NULL REFERENCES log_checkpoints(size),
      key_name text NOT NULL,
      key_id bigint NOT NULL,
      line text NOT NULL,
      signed_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL,
      PRIMARY KEY (witness, size)
    );
    CREATE INDEX witness_cosignatures_size ON witness_cosignatures (size);
    CREATE TABLE witness_forks (
      id uuid PRIMARY KEY,
      origin text NOT NULL,
      state_code text NOT NULL,
      reason text NOT NULL,
      first_checkpoint text NOT NULL,
      first_source text NOT NULL,
      first_seen_at timestamptz NOT NULL,
      second_checkpoint text NOT NULL,
      second_source text NOT NULL,
      second_seen_at timestamptz NOT NULL,
      detected_at timestamptz NOT NULL,
      pair text NOT NULL UNIQUE
    )
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `DROP TABLE witness_forks, witness_cosignatures, witness_logs`);
}
