import type { Kysely } from 'kysely';
import { runStatements } from './run.js';

// Evidence files: one record per upload or per announced file (content shared by hash, stored
// once on disk), the fetch state of files being pulled from a peer, and which peer may pull
// which content from this node.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `
    CREATE TABLE evidence (
      id uuid PRIMARY KEY,
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      size bigint NOT NULL CHECK (size >= 0),
      name text NOT NULL,
      media_type text NOT NULL,
      malware boolean NOT NULL,
      origin_state text NOT NULL,
      uploaded_by text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('stored', 'expected', 'transferring', 'received', 'failed')),
      received_bytes bigint NOT NULL DEFAULT 0 CHECK (received_bytes >= 0),
      error text,
      case_id uuid,
      salt text,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz
    );
    CREATE INDEX evidence_sha256 ON evidence (sha256);
    CREATE INDEX evidence_case ON evidence (case_id);
    CREATE INDEX evidence_due ON evidence (next_attempt_at) WHERE status IN ('expected', 'transferring');
    CREATE TABLE evidence_grants (
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      recipient text NOT NULL,
      granted_at timestamptz NOT NULL,
      PRIMARY KEY (sha256, recipient)
    )
  `);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `DROP TABLE evidence_grants, evidence`);
}
