import type { Kysely } from 'kysely';
import { runStatements } from './run.js';

// Sign-in attempts counted per account (server/src/store-limiter.ts), kept in the store so that
// restarting the node does not lift a lockout. One row per key and window: the SHA-256 of the key
// (the address typed, never stored as such), the attempts counted and when the window ends.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE sign_in_attempts (
      key_hash text PRIMARY KEY,
      points integer NOT NULL,
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX sign_in_attempts_expiry ON sign_in_attempts (expires_at)
  `);
}
