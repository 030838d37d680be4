import { sql, type Kysely, type Selectable } from 'kysely';
import type { ForkEvidenceRecord, ReceivedCosignatureRecord, WitnessedLogRecord, WitnessRepo, WitnessStatus } from '@parley/core';
import type { Database, WitnessCosignaturesTable, WitnessForksTable, WitnessLogsTable } from './schema.js';

type Db = Kysely<Database>;

/** bytea arrives as a Buffer from pg and as a Uint8Array from PGlite; wrap without copying. */
const bytes = (value: Uint8Array): Buffer => (Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength));

const toLog = (r: Selectable<WitnessLogsTable>): WitnessedLogRecord => ({
  stateCode: r.state_code,
  origin: r.origin,
  size: r.size === null ? null : Number(r.size),
  root: r.root === null ? null : bytes(r.root),
  checkpoint: r.checkpoint,
  cosigned: r.cosigned,
  witnessedAt: r.witnessed_at,
  checkedAt: r.checked_at,
  status: r.status as WitnessStatus,
  problem: r.problem,
  refused: r.refused,
  failures: r.failures,
});

const toCosignature = (r: Selectable<WitnessCosignaturesTable>): ReceivedCosignatureRecord => ({
  witness: r.witness,
  size: Number(r.size),
  keyName: r.key_name,
  keyId: Number(r.key_id),
  line: r.line,
  signedAt: r.signed_at,
  receivedAt: r.received_at,
});

const toFork = (r: Selectable<WitnessForksTable>): ForkEvidenceRecord => ({
  id: r.id,
  origin: r.origin,
  stateCode: r.state_code,
  reason: r.reason,
  first: { checkpoint: r.first_checkpoint, source: r.first_source, seenAt: r.first_seen_at },
  second: { checkpoint: r.second_checkpoint, source: r.second_source, seenAt: r.second_seen_at },
  detectedAt: r.detected_at,
});

export function witnessRepo(db: Db): WitnessRepo {
  return {
    async get(stateCode) {
      const row = await db.selectFrom('witness_logs').selectAll().where('state_code', '=', stateCode).executeTakeFirst();
      return row && toLog(row);
    },

    async list() {
      return (await db.selectFrom('witness_logs').selectAll().orderBy('state_code').execute()).map(toLog);
    },

    async put(r) {
      const values = {
        state_code: r.stateCode,
        origin: r.origin,
        size: r.size,
        root: r.root,
        checkpoint: r.checkpoint,
        cosigned: r.cosigned,
        witnessed_at: r.witnessedAt,
        checked_at: r.checkedAt,
        status: r.status,
        problem: r.problem,
        refused: r.refused,
        failures: r.failures,
      };
      const { state_code: _key, ...rest } = values;
      await db
        .insertInto('witness_logs')
        .values(values)
        .onConflict((oc) => oc.column('state_code').doUpdateSet(rest))
        .execute();
    },

    async addCosignature(c) {
      const values = {
        witness: c.witness,
        size: c.size,
        key_name: c.keyName,
        key_id: c.keyId,
        line: c.line,
        signed_at: c.signedAt,
        received_at: c.receivedAt,
      };
      await db
        .insertInto('witness_cosignatures')
        .values(values)
        .onConflict((oc) => oc.columns(['witness', 'size']).doUpdateSet({ key_name: c.keyName, key_id: c.keyId, line: c.line, signed_at: c.signedAt, received_at: c.receivedAt }))
        .execute();
    },

    async cosignaturesAt(size) {
      return (await db.selectFrom('witness_cosignatures').selectAll().where('size', '=', size).orderBy('witness').execute()).map(toCosignature);
    },

    async latestCosignatures() {
      const rows = await db
        .selectFrom('witness_cosignatures')
        .selectAll()
        .distinctOn('witness')
        .orderBy('witness')
        .orderBy('size', 'desc')
        .execute();
      return rows.map(toCosignature);
    },

    async largestCosignedSize(minSize) {
      const row = await db
        .selectFrom('witness_cosignatures')
        .select(sql<string | number | null>`max(size)`.as('size'))
        .where('size', '>=', minSize)
        .executeTakeFirst();
      return row?.size === null || row?.size === undefined ? undefined : Number(row.size);
    },

    async checkpointAt(size) {
      const row = await db.selectFrom('log_checkpoints').selectAll().where('size', '=', size).executeTakeFirst();
      return row && { size: Number(row.size), root: bytes(row.root), note: row.note, createdAt: row.created_at };
    },

    async addFork(f, pair) {
      const inserted = await db
        .insertInto('witness_forks')
        .values({
          id: f.id,
          origin: f.origin,
          state_code: f.stateCode,
          reason: f.reason,
          first_checkpoint: f.first.checkpoint,
          first_source: f.first.source,
          first_seen_at: f.first.seenAt,
          second_checkpoint: f.second.checkpoint,
          second_source: f.second.source,
          second_seen_at: f.second.seenAt,
          detected_at: f.detectedAt,
          pair,
        })
        .onConflict((oc) => oc.column('pair').doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async forks() {
      return (await db.selectFrom('witness_forks').selectAll().orderBy('detected_at', 'desc').execute()).map(toFork);
    },
  };
}
