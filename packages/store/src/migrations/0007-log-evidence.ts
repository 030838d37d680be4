import type { Kysely } from 'kysely';
import { runStatements } from './run.js';

// Evidence commitments in the transparency log (protocol §9.1), and finding every entry about
// one envelope (GET /log/lookup, proof bundles).
// - The kind CHECK gains `evidence.committed`; such a row's hash is the commitment.
// - A commitment may travel again in a later envelope, so (hash, kind) stays unique for the
//   other kinds only.
// - Receipt and evidence entries name their envelope inside the leaf data; an expression index
//   on that member, for those kinds only, finds them without widening the append statement.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    ALTER TABLE log_entries DROP CONSTRAINT log_entries_kind_check;
    ALTER TABLE log_entries ADD CONSTRAINT log_entries_kind_check
      CHECK (kind IN ('envelope.sent', 'envelope.received', 'receipt.received', 'receipt.issued', 'evidence.committed'));
    DROP INDEX log_entries_hash;
    CREATE UNIQUE INDEX log_entries_hash ON log_entries (hash, kind) WHERE kind <> 'evidence.committed';
    CREATE INDEX log_entries_commitment ON log_entries (hash) WHERE kind = 'evidence.committed';
    CREATE INDEX log_entries_envelope ON log_entries (((data::jsonb) ->> 'envelope'))
      WHERE kind IN ('receipt.received', 'receipt.issued', 'evidence.committed')
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    DROP INDEX log_entries_envelope;
    DROP INDEX log_entries_commitment;
    DROP INDEX log_entries_hash;
    DELETE FROM log_entries WHERE kind = 'evidence.committed';
    CREATE UNIQUE INDEX log_entries_hash ON log_entries (hash, kind);
    ALTER TABLE log_entries DROP CONSTRAINT log_entries_kind_check;
    ALTER TABLE log_entries ADD CONSTRAINT log_entries_kind_check CHECK (kind IN ('envelope.sent', 'envelope.received', 'receipt.received', 'receipt.issued'))
  `);
}
