import { sql, type Kysely, type Selectable } from 'kysely';
import type { CheckpointRecord, LogEntryRecord, LogHead, LogRepo } from '@parley/core';
import type { LogEntryKind } from '@parley/protocol';
import type { Database, LogEntriesTable } from './schema.js';

type Db = Kysely<Database>;

const HASH_SIZE = 32;

/** bytea arrives as a Buffer from pg and as a Uint8Array from PGlite; wrap without copying. */
const bytes = (value: Uint8Array): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength));

function splitFrontier(frontier: Uint8Array): Buffer[] {
  const all = bytes(frontier);
  const out: Buffer[] = [];
  for (let i = 0; i < all.length; i += HASH_SIZE) out.push(all.subarray(i, i + HASH_SIZE));
  return out;
}

const toEntry = (r: Selectable<LogEntriesTable>): LogEntryRecord => ({
  index: Number(r.idx),
  kind: r.kind as LogEntryKind,
  hash: r.hash,
  data: Buffer.from(r.data, 'utf8'),
  leafHash: bytes(r.leaf_hash),
  createdAt: r.created_at,
});

export function logRepo(db: Db): LogRepo {
  const readHead = async (lock: boolean): Promise<LogHead> => {
    const query = db.selectFrom('log_head').select(['size', 'frontier']).where('id', '=', true);
    const row = await (lock ? query.forUpdate() : query).executeTakeFirstOrThrow();
    return { size: Number(row.size), frontier: splitFrontier(row.frontier) };
  };
  return {
    lockHead: () => readHead(true),
    head: () => readHead(false),

    async write({ entries, nodes, head }) {
      // One statement, its rows packed into a few scalar parameters (hashes back to back in one
      // bytea, text joined by a separator none of the values can hold): PGlite serialises array
      // parameters slowly, and this is the hot path of every append.
      const data = entries.map((e) => e.data.toString('utf8'));
      if (data.some((d) => d.includes('\n'))) throw new Error('log leaf data must be single-line canonical JSON');
      if (entries.some((e, i) => e.index !== entries[0]!.index + i)) throw new Error('log entries are written with consecutive indexes');
      await sql`
        WITH e AS (
          INSERT INTO log_entries (idx, kind, hash, data, leaf_hash, created_at)
          SELECT ${entries[0]?.index ?? 0}::bigint + i - 1, k, h, d, substring(${Buffer.concat(entries.map((e) => e.leafHash))}::bytea FROM (i::int - 1) * 32 + 1 FOR 32), c::timestamptz
          FROM unnest(
            string_to_array(${entries.map((e) => e.kind).join(',')}::text, ','),
            string_to_array(${entries.map((e) => e.hash).join(',')}::text, ','),
            string_to_array(${data.join('\n')}::text, E'\n'),
            string_to_array(${entries.map((e) => e.createdAt.toISOString()).join(',')}::text, ',')
          ) WITH ORDINALITY AS u(k, h, d, c, i)
        ), s AS (
          INSERT INTO log_subtrees (level, idx, hash)
          SELECT l, x, substring(${Buffer.concat(nodes.map((n) => n.hash))}::bytea FROM (i::int - 1) * 32 + 1 FOR 32)
          FROM unnest(
            string_to_array(${nodes.map((n) => n.level).join(',')}::text, ',')::smallint[],
            string_to_array(${nodes.map((n) => n.index).join(',')}::text, ',')::bigint[]
          ) WITH ORDINALITY AS u(l, x, i)
        )
        UPDATE log_head SET size = ${head.size}, frontier = ${Buffer.concat(head.frontier)} WHERE id
      `.execute(db);
    },

    async subtreeHashes(wanted) {
      if (wanted.length === 0) return [];
      const leaves = wanted.filter((n) => n.level === 0).map((n) => n.index);
      const inner = wanted.filter((n) => n.level > 0);
      const { rows } = await sql<{ level: number; idx: number | string; hash: Uint8Array }>`
        SELECT 0 AS level, idx, leaf_hash AS hash FROM log_entries WHERE idx = ANY(${leaves}::bigint[])
        UNION ALL
        SELECT s.level, s.idx, s.hash
        FROM unnest(${inner.map((n) => n.level)}::smallint[], ${inner.map((n) => n.index)}::bigint[]) AS q(level, idx)
        JOIN log_subtrees s ON s.level = q.level AND s.idx = q.idx
      `.execute(db);
      const found = new Map(rows.map((r) => [`${r.level}/${Number(r.idx)}`, bytes(r.hash)]));
      return wanted.map(({ level, index }) => {
        const hash = found.get(`${level}/${index}`);
        if (!hash) throw new Error(`the log has no subtree hash at level ${level}, index ${index}`);
        return hash;
      });
    },

    async entries(start, end) {
      const rows = await db.selectFrom('log_entries').selectAll().where('idx', '>=', start).where('idx', '<', end).orderBy('idx').execute();
      return rows.map(toEntry);
    },

    async find(kind, hash) {
      const row = await db.selectFrom('log_entries').selectAll().where('hash', '=', hash).where('kind', '=', kind).executeTakeFirst();
      return row && toEntry(row);
    },

    async claimOrigin(origin) {
      await db.updateTable('log_head').set({ origin }).where('id', '=', true).where('origin', 'is', null).execute();
      const row = await db.selectFrom('log_head').select('origin').where('id', '=', true).executeTakeFirstOrThrow();
      return row.origin ?? origin;
    },

    async latestCheckpoint() {
      const row = await db.selectFrom('log_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
      return row && { size: Number(row.size), root: bytes(row.root), note: row.note, createdAt: row.created_at };
    },

    async addCheckpoint(c: CheckpointRecord) {
      await db.insertInto('log_checkpoints').values({ size: c.size, root: c.root, note: c.note, created_at: c.createdAt }).execute();
    },
  };
}
