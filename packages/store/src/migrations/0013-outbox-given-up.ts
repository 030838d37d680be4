import type { Kysely } from 'kysely';
import { runStatements } from './run.js';

// When the node gave a message up (its peer removed, or the delivery period over). A receipt can
// still arrive for a message given up while its delivery was in flight: the message is then
// delivered, and this time, with the reason kept in last_error, says it had been given up first.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    ALTER TABLE outbox ADD COLUMN given_up_at timestamptz
  `);
}
