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

/**
 * The log head this process last committed or read, kept between transactions so an append can
 * be sent without first reading the head (`LogRepo.cachedHead`). Sizes only grow: an older head
 * offered after a newer one (answers from two connections can arrive in either order) is ignored.
 */
export class LogHeadCache {
  private head: LogHead | undefined;
  get(): LogHead | undefined {
    return this.head;
  }
  offer(head: LogHead): void {
    if (!this.head || head.size > this.head.size) this.head = head;
  }
  clear(): void {
    this.head = undefined;
  }
}

/** What a repo bound to a transaction can ask of it: to run something once it has committed, or once it has failed. */
export interface TransactionHooks {
  onCommit(fn: () => void): void;
  onFailure(fn: () => void): void;
}

export function logRepo(db: Db, cache: LogHeadCache, transaction?: TransactionHooks): LogRepo {
  const readHead = async (lock: boolean): Promise<LogHead> => {
    const query = db.selectFrom('log_head').select(['size', 'frontier']).where('id', '=', true);
    const row = await (lock ? query.forUpdate() : query).executeTakeFirstOrThrow();
    const head = { size: Number(row.size), frontier: splitFrontier(row.frontier) };
    cache.offer(head);
    return head;
  };
  return {
    lockHead: () => readHead(true),
    head: () => readHead(false),
    cachedHead: () => cache.get(),

    async write({ entries, nodes, head }) {
      // One statement, its rows packed into a few scalar parameters (hashes back to back in one
      // bytea, text joined by a separator none of the values can hold): PGlite serialises array
      // parameters slowly, and this is the hot path of every append.
      const data = entries.map((e) => e.data.toString('utf8'));
      if (data.some((d) => d.includes('\n'))) throw new Error('log leaf data must be single-line canonical JSON');
      if (entries.some((e, i) => e.index !== entries[0]!.index + i)) throw new Error('log entries are written with consecutive indexes');
      // No entries: the head alone is set, as it is given (nothing appends that way; a repair could).
      const from = entries[0]?.index ?? null;
      if (from !== null && head.size !== from + entries.length) throw new Error(`${entries.length} entries from index ${from} make a log of ${from + entries.length}, not ${head.size}`);
      // The head moves first, and only from the size the entries start at: were it anywhere else
      // (another appender got there first) the new size is NULL, which the column refuses, and
      // the statement fails before any entry is written (LogHeadMoved). Both inserts read the
      // head's row, so its update, and its row lock, come before either writes a row: every
      // appender locks the head before the entries, as `lockHead` does, so none can deadlock.
      const written = sql`
        WITH h AS (
          UPDATE log_head SET size = CASE WHEN size = coalesce(${from}::bigint, size) THEN ${head.size}::bigint END, frontier = ${Buffer.concat(head.frontier)} WHERE id
          RETURNING size
        ), e AS (
          INSERT INTO log_entries (idx, kind, hash, data, leaf_hash, created_at)
          SELECT ${from}::bigint + i - 1, k, hs, d, substring(${Buffer.concat(entries.map((e) => e.leafHash))}::bytea FROM (i::int - 1) * 32 + 1 FOR 32), c::timestamptz
          FROM h, unnest(
            string_to_array(${entries.map((e) => e.kind).join(',')}::text, ','),
            string_to_array(${entries.map((e) => e.hash).join(',')}::text, ','),
            string_to_array(${data.join('\n')}::text, E'\n'),
            string_to_array(${entries.map((e) => e.createdAt.toISOString()).join(',')}::text, ',')
          ) WITH ORDINALITY AS u(k, hs, d, c, i)
        )
        INSERT INTO log_subtrees (level, idx, hash)
        SELECT l, x, substring(${Buffer.concat(nodes.map((n) => n.hash))}::bytea FROM (i::int - 1) * 32 + 1 FOR 32)
        FROM h, unnest(
          string_to_array(${nodes.map((n) => n.level).join(',')}::text, ',')::smallint[],
          string_to_array(${nodes.map((n) => n.index).join(',')}::text, ',')::bigint[]
        ) WITH ORDINALITY AS u(l, x, i)
      `.execute(db);
      // The head is this process's to start from once the transaction has committed (a head set
      // without entries may be smaller: it is read again); if it failed, whatever was remembered
      // may be what failed it, so the next append reads it.
      const committed = () => (from === null ? cache.clear() : cache.offer(head));
      if (transaction) {
        transaction.onCommit(committed);
        transaction.onFailure(() => cache.clear());
        await written;
      } else {
        await written;
        committed();
      }
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
