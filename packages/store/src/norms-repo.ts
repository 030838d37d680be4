import { sql, type Kysely, type Selectable } from 'kysely';
import type { NormPositionRecord, NormRepo } from '@parley/core';
import type { Database, NormPositionsTable } from './schema.js';

type Db = Kysely<Database>;

const toPosition = (r: Selectable<NormPositionsTable>): NormPositionRecord => ({
  stateCode: r.state_code,
  normId: r.norm_id,
  origin: r.origin,
  position: r.position,
  statement: r.statement,
  source: r.source,
  statedOn: r.stated_on,
  recordedAt: r.recorded_at,
  recordedBy: r.recorded_by,
});

export function normRepo(db: Db): NormRepo {
  return {
    async positions(filter) {
      let q = db.selectFrom('norm_positions').selectAll();
      if (filter.stateCode) q = q.where('state_code', '=', filter.stateCode);
      if (filter.normId) q = q.where('norm_id', '=', filter.normId);
      return (await q.orderBy('state_code').orderBy('norm_id').execute()).map(toPosition);
    },
    async position(stateCode, normId) {
      const r = await db.selectFrom('norm_positions').selectAll().where('state_code', '=', stateCode).where('norm_id', '=', normId).executeTakeFirst();
      return r ? toPosition(r) : undefined;
    },
    async putPosition(p) {
      const row = {
        state_code: p.stateCode,
        norm_id: p.normId,
        origin: p.origin,
        position: p.position,
        statement: p.statement,
        source: p.source,
        stated_on: p.statedOn,
        recorded_at: p.recordedAt,
        recorded_by: p.recordedBy,
      };
      await db
        .insertInto('norm_positions')
        .values(row)
        .onConflict((oc) => oc.columns(['state_code', 'norm_id']).doUpdateSet({ ...row }))
        .execute();
      await db.insertInto('norm_position_history').values(row).execute();
    },
    async history(stateCode, normId) {
      const rows = await db
        .selectFrom('norm_position_history')
        .selectAll()
        .where('state_code', '=', stateCode)
        .where('norm_id', '=', normId)
        .orderBy('id', 'desc')
        .execute();
      return rows.map(toPosition);
    },
    async notes() {
      const rows = await db.selectFrom('norm_notes').selectAll().orderBy('norm_id').execute();
      return rows.map((r) => ({ normId: r.norm_id, text: r.text, sources: r.sources as string[], updatedAt: r.updated_at, updatedBy: r.updated_by }));
    },
    async note(normId) {
      const r = await db.selectFrom('norm_notes').selectAll().where('norm_id', '=', normId).executeTakeFirst();
      return r ? { normId: r.norm_id, text: r.text, sources: r.sources as string[], updatedAt: r.updated_at, updatedBy: r.updated_by } : undefined;
    },
    async putNote(n) {
      const row = { norm_id: n.normId, text: n.text, sources: JSON.stringify(n.sources), updated_at: n.updatedAt, updated_by: n.updatedBy };
      await db
        .insertInto('norm_notes')
        .values(row)
        .onConflict((oc) => oc.column('norm_id').doUpdateSet({ text: row.text, sources: row.sources, updated_at: row.updated_at, updated_by: row.updated_by }))
        .execute();
    },
    async putPeer(d) {
      const row = {
        state_code: d.stateCode,
        published_at: d.publishedAt,
        received_at: d.receivedAt,
        positions: JSON.stringify(d.positions),
        notes: JSON.stringify(d.notes),
        envelope_hash: d.envelopeHash,
      };
      const r = await db
        .insertInto('peer_norms')
        .values(row)
        .onConflict((oc) =>
          oc
            .column('state_code')
            .doUpdateSet({ published_at: row.published_at, received_at: row.received_at, positions: row.positions, notes: row.notes, envelope_hash: row.envelope_hash })
            .where('peer_norms.published_at', '<', d.publishedAt),
        )
        .returning('state_code')
        .executeTakeFirst();
      return r !== undefined;
    },
    async peers() {
      const rows = await db.selectFrom('peer_norms').selectAll().orderBy('state_code').execute();
      return rows.map((r) => ({
        stateCode: r.state_code,
        publishedAt: r.published_at,
        receivedAt: r.received_at,
        positions: r.positions as unknown[],
        notes: r.notes as unknown[],
        envelopeHash: r.envelope_hash,
      }));
    },
    async setInvocations(c, normIds) {
      let del = db.deleteFrom('norm_invocations').where('case_type', '=', c.caseType).where('case_id', '=', c.caseId);
      if (normIds.length) del = del.where('norm_id', 'not in', [...normIds]);
      await del.execute();
      if (normIds.length === 0) return;
      await db
        .insertInto('norm_invocations')
        .values(normIds.map((id) => ({ norm_id: id, case_type: c.caseType, case_id: c.caseId, case_title: c.caseTitle, case_created_at: c.caseCreatedAt })))
        .onConflict((oc) => oc.columns(['norm_id', 'case_type', 'case_id']).doUpdateSet({ case_title: c.caseTitle, case_created_at: c.caseCreatedAt }))
        .execute();
    },
    async invocations(normId) {
      const rows = await db.selectFrom('norm_invocations').selectAll().where('norm_id', '=', normId).orderBy('case_created_at', 'desc').execute();
      return rows.map((r) => ({ normId: r.norm_id, caseType: r.case_type, caseId: r.case_id, caseTitle: r.case_title, caseCreatedAt: r.case_created_at }));
    },
    async invocationCounts() {
      const rows = await db
        .selectFrom('norm_invocations')
        .select(['norm_id', sql<string>`count(*)`.as('n')])
        .groupBy('norm_id')
        .execute();
      return rows.map((r) => ({ normId: r.norm_id, count: Number(r.n) }));
    },
    async settings() {
      const r = await db.selectFrom('norm_settings').selectAll().executeTakeFirstOrThrow();
      return { published: r.published, changedAt: r.changed_at, changedBy: r.changed_by };
    },
    async setPublished(published, at, by) {
      await db.updateTable('norm_settings').set({ published, changed_at: at, changed_by: by }).where('id', '=', true).execute();
    },
  };
}
