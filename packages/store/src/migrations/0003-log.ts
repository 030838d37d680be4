import type { Kysely } from 'kysely';
import { runStatements } from './run.js';

// The transparency log (core/src/domain/log.ts). Hashes and metadata only, never content.
// - log_entries: one row per leaf, from index 0, with its exact leaf data (RFC 8785 JSON kept
//   as text, not jsonb, which would reorder it) and RFC 9162 leaf hash.
// - log_subtrees: the hash of every complete perfect subtree above the leaves, by (level,
//   index); level 0 is log_entries.leaf_hash. A proof reads O(log n) rows by primary key.
// - log_head: one row, the size and the frontier (the subtree hashes covering the whole log,
//   largest first). Appenders lock it, which serialises them, and extend the tree from it.
// - log_checkpoints: every checkpoint signed, so the next is checked against the last.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE log_entries (
      idx bigint PRIMARY KEY CHECK (idx >= 0),
      kind text NOT NULL CHECK (kind IN ('envelope.sent', 'envelope.received', 'receipt.received', 'receipt.issued')),
      hash text NOT NULL,
      data text NOT NULL,
      leaf_hash bytea NOT NULL CHECK (length(leaf_hash) = 32),
      created_at timestamptz NOT NULL
    );
    CREATE UNIQUE INDEX log_entries_hash ON log_entries (hash, kind);
    CREATE TABLE log_subtrees (
      level smallint NOT NULL CHECK (level BETWEEN 1 AND 63),
      idx bigint NOT NULL CHECK (idx >= 0),
      hash bytea NOT NULL CHECK (length(hash) = 32),
      PRIMARY KEY (level, idx)
    );
    CREATE TABLE log_head (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      size bigint NOT NULL CHECK (size >= 0),
      frontier bytea NOT NULL,
      origin text
    );
    INSERT INTO log_head (id, size, frontier) VALUES (true, 0, ''::bytea);
    CREATE TABLE log_checkpoints (
      size bigint PRIMARY KEY CHECK (size >= 0),
      root bytea NOT NULL CHECK (length(root) = 32),
      note text NOT NULL,
      created_at timestamptz NOT NULL
    )
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `DROP TABLE log_checkpoints, log_head, log_subtrees, log_entries`);
}
