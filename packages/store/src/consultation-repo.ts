import { sql, type Kysely, type Selectable } from 'kysely';
import type { CaseKind, ConsultationEventRecord, ConsultationRecord, ConsultationRepo, LegalBasisRepo } from '@parley/core';
import type { ConsultationEventsTable, ConsultationsTable, Database, LegalBasesTable } from './schema.js';
import { searchDocument, searchQuery } from './search-text.js';

type Db = Kysely<Database>;
const json = (v: unknown) => JSON.stringify(v);

type CaseRow = Omit<Selectable<ConsultationsTable>, 'search'>;
type EventRow = Omit<Selectable<ConsultationEventsTable>, 'search'>;
// Every column but the search vector, which only the database reads: for a long text, and for
// Chinese indexed by pairs of characters, it is longer than the text itself.
const CASE_COLUMNS = Object.keys({
  id: 1, group_id: 1, side: 1, raiser: 1, recipient: 1, addressees: 1, status: 1, outcome: 1, awaiting: 1, title: 1, summary: 1,
  period_start: 1, period_end: 1, sectors: 1, severity: 1, urgency: 1, communication_kind: 1, norms: 1, actions_requested: 1,
  response_requested_by: 1, tlp: 1, indicators: 1, attribution: 1, attribution_reply: 1, evidence: 1, raised_by: 1, ack_deadline: 1,
  sent_at: 1, acknowledged_at: 1, responded_at: 1, closed_at: 1, ack_overdue_notified_at: 1, kind: 1, request: 1, decision: 1,
  preserve_until: 1, lapse_warned_for: 1, consulted_at: 1, decision_overdue_notified_at: 1, created_at: 1, updated_at: 1, version: 1,
} satisfies Record<keyof CaseRow, 1>) as (keyof CaseRow)[];
const EVENT_COLUMNS = Object.keys({
  id: 1, consultation_id: 1, seq: 1, at: 1, side: 1, actor: 1, action: 1, text: 1, evidence: 1, outcome: 1, attribution_reply: 1,
  decision: 1, custody: 1, until: 1, envelope_hash: 1, not_applied: 1,
} satisfies Record<keyof EventRow, 1>) as (keyof EventRow)[];

const toRecord = (r: CaseRow): ConsultationRecord => ({
  id: r.id,
  groupId: r.group_id,
  side: r.side,
  raiser: r.raiser,
  recipient: r.recipient,
  addressees: r.addressees as string[],
  status: r.status,
  outcome: r.outcome,
  awaiting: r.awaiting,
  title: r.title,
  summary: r.summary,
  periodStart: r.period_start,
  periodEnd: r.period_end,
  sectors: r.sectors as string[],
  severity: r.severity,
  urgency: r.urgency,
  communicationKind: r.communication_kind,
  norms: r.norms as string[],
  actionsRequested: r.actions_requested,
  responseRequestedBy: r.response_requested_by,
  tlp: r.tlp,
  indicators: r.indicators as ConsultationRecord['indicators'],
  attribution: r.attribution as ConsultationRecord['attribution'],
  attributionReply: r.attribution_reply as ConsultationRecord['attributionReply'],
  evidence: r.evidence as ConsultationRecord['evidence'],
  raisedBy: r.raised_by,
  ackDeadline: r.ack_deadline,
  sentAt: r.sent_at,
  acknowledgedAt: r.acknowledged_at,
  respondedAt: r.responded_at,
  closedAt: r.closed_at,
  ackOverdueNotifiedAt: r.ack_overdue_notified_at,
  kind: r.kind,
  request: r.request as ConsultationRecord['request'],
  decision: r.decision as ConsultationRecord['decision'],
  preserveUntil: r.preserve_until,
  lapseWarnedFor: r.lapse_warned_for,
  consultedAt: r.consulted_at,
  decisionOverdueNotifiedAt: r.decision_overdue_notified_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  version: r.version,
});

/** The words a consultation or request is found by; its messages are indexed with their events. */
export const caseSearchFields = (c: Pick<ConsultationRecord, 'title' | 'summary' | 'actionsRequested' | 'request'>) => [c.title, c.summary, c.actionsRequested, c.request?.reference ?? ''];
const searchVector = (fields: readonly string[]) => sql<string>`to_tsvector('simple', ${searchDocument(fields)})`;

const toRow = (c: ConsultationRecord) => ({
  id: c.id,
  group_id: c.groupId,
  side: c.side,
  raiser: c.raiser,
  recipient: c.recipient,
  addressees: json(c.addressees),
  status: c.status,
  outcome: c.outcome,
  awaiting: c.awaiting,
  title: c.title,
  summary: c.summary,
  period_start: c.periodStart,
  period_end: c.periodEnd,
  sectors: json(c.sectors),
  severity: c.severity,
  urgency: c.urgency,
  communication_kind: c.communicationKind,
  norms: json(c.norms),
  actions_requested: c.actionsRequested,
  response_requested_by: c.responseRequestedBy,
  tlp: c.tlp,
  indicators: json(c.indicators),
  attribution: c.attribution === null ? null : json(c.attribution),
  attribution_reply: c.attributionReply === null ? null : json(c.attributionReply),
  evidence: json(c.evidence),
  raised_by: c.raisedBy,
  ack_deadline: c.ackDeadline,
  sent_at: c.sentAt,
  acknowledged_at: c.acknowledgedAt,
  responded_at: c.respondedAt,
  closed_at: c.closedAt,
  ack_overdue_notified_at: c.ackOverdueNotifiedAt,
  kind: c.kind,
  request: c.request === null ? null : json(c.request),
  decision: c.decision === null ? null : json(c.decision),
  preserve_until: c.preserveUntil,
  lapse_warned_for: c.lapseWarnedFor,
  consulted_at: c.consultedAt,
  decision_overdue_notified_at: c.decisionOverdueNotifiedAt,
  created_at: c.createdAt,
  updated_at: c.updatedAt,
  version: c.version,
  search: searchVector(caseSearchFields(c)),
});

const toEvent = (r: EventRow): ConsultationEventRecord => ({
  id: r.id,
  consultationId: r.consultation_id,
  at: r.at,
  side: r.side,
  actor: r.actor,
  action: r.action,
  text: r.text,
  evidence: r.evidence as ConsultationEventRecord['evidence'],
  outcome: r.outcome,
  attributionReply: r.attribution_reply as ConsultationEventRecord['attributionReply'],
  decision: r.decision as ConsultationEventRecord['decision'],
  custody: r.custody as ConsultationEventRecord['custody'],
  until: r.until,
  envelopeHash: r.envelope_hash,
  notApplied: r.not_applied,
});

export function consultationRepo(db: Db): ConsultationRepo {
  return {
    async insert(c) {
      await db.insertInto('consultations').values(toRow(c)).execute();
    },
    async update(c) {
      const { id, ...row } = toRow(c);
      const r = await db.updateTable('consultations').set(row).where('id', '=', id).where('version', '=', c.version - 1).returning('id').executeTakeFirst();
      return r !== undefined;
    },
    async byId(id) {
      const r = await db.selectFrom('consultations').select(CASE_COLUMNS).where('id', '=', id).executeTakeFirst();
      return r && toRecord(r);
    },
    async remove(id) {
      await db.deleteFrom('consultations').where('id', '=', id).execute();
    },
    async list(f) {
      let q = db.selectFrom('consultations').select(CASE_COLUMNS).where('kind', 'in', f.kinds ?? ['consultation']);
      if (f.side === 'draft') q = q.where('status', '=', 'draft');
      else if (f.side) q = q.where('side', '=', f.side).where('status', '!=', 'draft');
      if (f.state) {
        const state = f.state;
        q = q.where((eb) => eb.or([eb('raiser', '=', state), eb('recipient', '=', state)]));
      }
      if (f.status) q = q.where('status', '=', f.status);
      if (f.urgency) q = q.where('urgency', '=', f.urgency as ConsultationRecord['urgency']);
      if (f.tlp) q = q.where('tlp', '=', f.tlp as ConsultationRecord['tlp']);
      if (f.norm) q = q.where(sql<boolean>`norms @> ${json([f.norm])}::jsonb`);
      if (f.overdueAt) {
        const at = f.overdueAt;
        // A request is also overdue when its decision is: not decided by the time the requesting state asked for.
        q = f.kinds?.some((k) => k !== 'consultation')
          ? q.where((eb) =>
              eb.or([
                eb.and([eb('status', '=', 'sent'), eb('ack_deadline', '<', at)]),
                eb.and([eb('status', 'in', ['sent', 'acknowledged']), eb('responded_at', 'is', null), eb('response_requested_by', '<', at)]),
              ]),
            )
          : q.where('status', '=', 'sent').where('ack_deadline', '<', at);
      }
      if (f.text) {
        const query = sql`websearch_to_tsquery('simple', ${searchQuery(f.text)})`;
        q = q.where(
          sql<boolean>`(consultations.search @@ ${query} or exists (select 1 from consultation_events e where e.consultation_id = consultations.id and e.search @@ ${query}))`,
        );
      }
      // By deadline: the next thing due first (acknowledgement, then decision, then a preservation's end); closed last.
      const ordered =
        f.sort === 'deadline'
          ? q
              .orderBy(
                sql`case when status = 'sent' then ack_deadline when status in ('acknowledged', 'postponed') and responded_at is null then response_requested_by when status = 'executed' then preserve_until end`,
                (ob) => ob.asc().nullsLast(),
              )
              .orderBy('updated_at', 'desc')
          : q.orderBy('updated_at', 'desc');
      return (await ordered.limit(f.limit).execute()).map(toRecord);
    },
    async overdue(now, limit) {
      const rows = await db
        .selectFrom('consultations')
        .select(CASE_COLUMNS)
        .where('status', '=', 'sent')
        .where('ack_overdue_notified_at', 'is', null)
        .where('ack_deadline', '<', now)
        .orderBy('ack_deadline')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
    async lapsing(before, limit) {
      const rows = await db
        .selectFrom('consultations')
        .select(CASE_COLUMNS)
        .where('kind', '=', 'preservation')
        .where('status', '=', 'executed')
        .where('preserve_until', '<', before)
        .where((eb) => eb.or([eb('lapse_warned_for', 'is', null), eb('lapse_warned_for', '<>', eb.ref('preserve_until'))]))
        .orderBy('preserve_until')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
    async decisionsOverdue(now, limit) {
      const rows = await db
        .selectFrom('consultations')
        .select(CASE_COLUMNS)
        .where('kind', '!=', 'consultation')
        .where('status', 'in', ['sent', 'acknowledged'])
        .where('responded_at', 'is', null)
        .where('decision_overdue_notified_at', 'is', null)
        .where('response_requested_by', '<', now)
        .orderBy('response_requested_by')
        .limit(limit)
        .execute();
      return rows.map(toRecord);
    },
    async referencing(id) {
      const rows = await db
        .selectFrom('consultations')
        .select(CASE_COLUMNS)
        .where(sql<boolean>`request->'related' @> ${json([{ request: id }])}::jsonb`)
        .orderBy('created_at')
        .limit(100)
        .execute();
      return rows.map(toRecord);
    },
    async sentRequests(kinds: CaseKind[], limit: number) {
      const rows = await db.selectFrom('consultations').select(CASE_COLUMNS).where('kind', 'in', kinds).where('status', '!=', 'draft').orderBy('sent_at', 'desc').limit(limit).execute();
      return rows.map(toRecord);
    },
    async addEvent(e) {
      await db
        .insertInto('consultation_events')
        .values({
          id: e.id,
          consultation_id: e.consultationId,
          at: e.at,
          side: e.side,
          actor: e.actor,
          action: e.action,
          text: e.text,
          evidence: json(e.evidence),
          outcome: e.outcome,
          attribution_reply: e.attributionReply === null ? null : json(e.attributionReply),
          decision: e.decision === null ? null : json(e.decision),
          custody: json(e.custody),
          until: e.until,
          envelope_hash: e.envelopeHash,
          not_applied: e.notApplied,
          search: searchVector([e.text]),
        })
        .execute();
    },
    async thread(consultationId, counterpart) {
      // Only the envelopes between this node and the counterpart: a third state's envelope that
      // names the thread is kept in the inbox, but is no part of it.
      const r = await sql<{ hash: string; jws: string; direction: 'sent' | 'received'; status: string; at: Date; error: string | null; receipt: string | null }>`
        select hash, jws, 'sent' as direction, status, coalesce(delivered_at, created_at) as at, last_error as error, receipt
          from outbox where thread = ${consultationId} and recipient = ${counterpart}
        union all
        select hash, jws, 'received' as direction, case when applied_at is null then 'waiting' else 'applied' end, received_at, apply_error, receipt
          from inbox where thread = ${consultationId} and sender = ${counterpart}
        order by at`.execute(db);
      return r.rows.map((m) => ({ ...m, status: m.status as 'queued', at: new Date(m.at) }));
    },
    async events(consultationId) {
      const rows = await db.selectFrom('consultation_events').select(EVENT_COLUMNS).where('consultation_id', '=', consultationId).orderBy('seq').execute();
      return rows.map(toEvent);
    },
  };
}

export function legalBasisRepo(db: Db): LegalBasisRepo {
  const toRecord = (r: Selectable<LegalBasesTable>) => ({
    state: r.state,
    instruments: r.instruments as string[],
    articles: r.articles,
    channel: r.channel,
    notes: r.notes,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  });
  return {
    async list() {
      return (await db.selectFrom('legal_bases').selectAll().orderBy('state').execute()).map(toRecord);
    },
    async byState(state) {
      const r = await db.selectFrom('legal_bases').selectAll().where('state', '=', state).executeTakeFirst();
      return r && toRecord(r);
    },
    async put(r) {
      const row = { instruments: json(r.instruments), articles: r.articles, channel: r.channel, notes: r.notes, updated_at: r.updatedAt, updated_by: r.updatedBy };
      await db
        .insertInto('legal_bases')
        .values({ state: r.state, ...row })
        .onConflict((oc) => oc.column('state').doUpdateSet(row))
        .execute();
    },
    async remove(state) {
      const r = await db.deleteFrom('legal_bases').where('state', '=', state).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
  };
}
