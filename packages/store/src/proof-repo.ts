import { sql, type Kysely } from 'kysely';
import type { LogEntryRecord, ProofRepo } from '@parley/core';
import type { LogEntryKind } from '@parley/protocol';
import { outboxRepo } from './federation-repos.js';
import type { Database } from './schema.js';

const bytes = (value: Uint8Array): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength));

/** Reads for proofs; every query is served by an index of migrations 0003 and 0007. */
export function proofRepo(db: Kysely<Database>): ProofRepo {
  return {
    async entriesAbout(envelopeHash) {
      const { rows } = await sql<{ idx: number | string; kind: string; hash: string; data: string; leaf_hash: Uint8Array; created_at: Date }>`
        SELECT idx, kind, hash, data, leaf_hash, created_at FROM log_entries
        WHERE hash = ${envelopeHash} AND kind IN ('envelope.sent', 'envelope.received')
        UNION ALL
        SELECT idx, kind, hash, data, leaf_hash, created_at FROM log_entries
        WHERE ((data::jsonb) ->> 'envelope') = ${envelopeHash} AND kind IN ('receipt.received', 'receipt.issued', 'evidence.committed')
        ORDER BY idx
        LIMIT 200
      `.execute(db);
      return rows.map(
        (r): LogEntryRecord => ({
          index: Number(r.idx),
          kind: r.kind as LogEntryKind,
          hash: r.hash,
          data: Buffer.from(r.data, 'utf8'),
          leafHash: bytes(r.leaf_hash),
          createdAt: r.created_at,
        }),
      );
    },

    async sentByHash(hash) {
      const row = await db.selectFrom('outbox').select('id').where('hash', '=', hash).executeTakeFirst();
      return row ? outboxRepo(db).byId(row.id) : undefined;
    },
  };
}
