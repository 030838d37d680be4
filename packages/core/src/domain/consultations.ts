import { createHash, randomUUID } from 'node:crypto';
import { evidenceCommitment, mayShareOnward, newEvidenceSalt, type ConsultationAction, type Envelope, type EvidenceRef, type MessageBody } from '@parley/protocol';
import type {
  Consultation,
  ConsultationDetail,
  ConsultationEvent,
  ConsultationStep,
  CreateConsultation,
  UpdateDraft,
} from '../api/consultations.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import { assertMay, record } from './audit.js';
import type { CaseKind, ConsultationEventRecord, ConsultationRecord, ConsultationSide, ConsultationStatus, ThreadMessage } from './consultation-ports.js';
import { assertKnownNorms, isKnownNorm, recordNormInvocations } from '../norms/index.js';
import type { DomainContext, RequestMeta } from './context.js';
import { evidenceByHashes, evidenceRefOf, expectEvidence, grantEvidence } from './evidence.js';
import { logEvidenceCommitments } from './proofs.js';
import { decodeStoredEnvelope, enqueue, notify } from './federation.js';
import { consultationLabels } from '../api/labels.js';
import { caseTimeOrDash, labelOf } from './case-file-words.js';
import type { Actor } from './policies.js';
import type { Store } from './ports.js';

/*
 * Consultations: a state raises an ICT incident with another state's point of contact and both
 * work it to an outcome. Each consultation is a thread between two states; every step is a
 * signed envelope naming the one before it, so both nodes hold the same thread and can show it.
 */

export type Urgency = ConsultationRecord['urgency'];

/** Hours the recipient has to acknowledge, by urgency; a node may configure its own. */
export const DEFAULT_ACK_HOURS: Record<Urgency, number> = { urgent: 24, high: 72, routine: 240 };

/**
 * A deadline asked of the other state must lie ahead, or the case arrives overdue. It may lie a
 * few minutes behind this node's clock, which the officer's computer may not share exactly.
 */
const DEADLINE_SKEW_MS = 5 * 60_000;

/** Refuses a date by which an answer is asked for that has already passed, naming the field. */
export function assertDeadlineAhead(by: string | Date | null | undefined, now: Date): void {
  if (!by) return;
  if (new Date(by).getTime() >= now.getTime() - DEADLINE_SKEW_MS) return;
  const message = 'The date must be in the future.';
  throw invalid('deadline_passed', 'That date has passed: a deadline asked of the other state must be in the future. Choose a later date, or leave the field empty.', [{ path: 'responseRequestedBy', message }]);
}

const OPEN: ConsultationStatus[] = ['sent', 'acknowledged', 'in_progress', 'responded'];

/** Who may take each step, and from which states; the same table decides on both nodes. */
const RULES: Record<ConsultationAction, { by: ConsultationSide | 'either'; from: ConsultationStatus[]; to?: ConsultationStatus }> = {
  acknowledge: { by: 'recipient', from: ['sent'], to: 'acknowledged' },
  start: { by: 'recipient', from: ['acknowledged'], to: 'in_progress' },
  respond: { by: 'recipient', from: ['acknowledged', 'in_progress'], to: 'responded' },
  request_info: { by: 'either', from: OPEN },
  message: { by: 'either', from: OPEN },
  reply_attribution: { by: 'recipient', from: ['acknowledged', 'in_progress', 'responded'] },
  close: { by: 'raiser', from: ['acknowledged', 'in_progress', 'responded'], to: 'closed' },
  withdraw: { by: 'raiser', from: OPEN, to: 'closed' },
};

const STATUS_WORDS: Record<ConsultationStatus, string> = {
  draft: 'a draft',
  sent: 'sent and not yet acknowledged',
  acknowledged: 'acknowledged',
  in_progress: 'in progress',
  responded: 'responded to',
  postponed: 'postponed',
  executed: 'executed',
  closed: 'closed',
};

/** What a case of each kind is called in notices, and where its page is. */
export const CASE_NOUN: Record<CaseKind, string> = {
  consultation: 'consultation',
  preservation: 'preservation request',
  disclosure: 'disclosure request',
  mla: 'mutual legal assistance request',
  emergency: 'emergency request',
  spontaneous: 'spontaneous information',
};
export const casePath = (c: Pick<ConsultationRecord, 'kind' | 'id'>) => (c.kind === 'consultation' ? `/consultations/${c.id}` : `/requests/${c.id}`);

/** Why `side` may not take `action` on `c` now, or null when it may. */
export function refusal(c: Pick<ConsultationRecord, 'status' | 'attribution'>, side: ConsultationSide, action: ConsultationAction): string | null {
  const rule = RULES[action];
  if (rule.by !== 'either' && rule.by !== side) {
    return rule.by === 'recipient'
      ? `Only the state the consultation was raised with can ${action.replace('_', ' ')} it.`
      : `Only the state that raised the consultation can ${action} it.`;
  }
  if (!rule.from.includes(c.status)) return `The consultation is ${STATUS_WORDS[c.status]}; it cannot be ${pastTense(action)} now.`;
  if (action === 'reply_attribution' && !c.attribution) return 'The consultation attributes the activity to no one, so there is no attribution to reply to.';
  return null;
}

function pastTense(action: ConsultationAction): string {
  const words: Record<ConsultationAction, string> = {
    acknowledge: 'acknowledged',
    start: 'marked in progress',
    respond: 'responded to',
    request_info: 'the subject of a request for information',
    message: 'written to',
    reply_attribution: 'answered on attribution',
    close: 'closed',
    withdraw: 'withdrawn',
  };
  return words[action];
}

export function allowedActions(c: ConsultationRecord, side: ConsultationSide): ConsultationAction[] {
  if (c.status === 'draft') return [];
  return (Object.keys(RULES) as ConsultationAction[]).filter((a) => refusal(c, side, a) === null);
}

/** The consultation after `side` took `action` at `at`; the caller has checked it may. */
function advance(c: ConsultationRecord, side: ConsultationSide, step: { action: ConsultationAction; outcome: ConsultationRecord['outcome']; attributionReply: ConsultationRecord['attributionReply'] }, at: Date): ConsultationRecord {
  const next: ConsultationRecord = { ...c, updatedAt: at, version: c.version + 1 };
  const to = RULES[step.action].to;
  if (to) next.status = to;
  const other: ConsultationSide = side === 'raiser' ? 'recipient' : 'raiser';
  switch (step.action) {
    case 'acknowledge':
      next.acknowledgedAt = at;
      break;
    case 'respond':
      next.respondedAt = at;
      next.awaiting = null;
      break;
    case 'request_info':
      next.awaiting = other;
      break;
    case 'close':
      next.closedAt = at;
      next.outcome = step.outcome;
      next.awaiting = null;
      break;
    case 'withdraw':
      next.closedAt = at;
      next.outcome = 'withdrawn';
      next.awaiting = null;
      break;
    case 'reply_attribution':
      next.attributionReply = step.attributionReply;
      break;
    default:
      break;
  }
  // A side asked for information answers by writing anything.
  if (c.awaiting === side && step.action !== 'request_info') next.awaiting = null;
  return next;
}

function checkStepInput(c: ConsultationRecord, input: ConsultationStep): void {
  if (input.action === 'close') {
    if (!input.outcome || input.outcome === 'withdrawn') {
      const message = 'Choose the outcome to close with: resolved or mitigated, unfounded, or no agreement. To withdraw, use Withdraw.';
      throw invalid('outcome_required', message, [{ path: 'outcome', message }]);
    }
  } else if (input.outcome) {
    throw invalid('outcome_not_expected', 'An outcome is given only when closing a consultation.');
  }
  if (input.action === 'reply_attribution' && !input.attributionReply) throw invalid('attribution_reply_required', 'Say whether your state accepts or disputes the attribution, or is investigating it.');
  if (input.action !== 'reply_attribution' && input.attributionReply) throw invalid('attribution_reply_not_expected', 'A reply on attribution is sent with the action "reply on attribution".');
  if (input.action === 'reply_attribution' && input.attributionReply?.position === 'disputes' && !input.attributionReply.reasons) {
    throw invalid('reasons_required', 'Give the reasons for disputing the attribution; they become part of the record.');
  }
  // A response is the signed answer to the consultation, so it says something, as a message does.
  if ((input.action === 'message' || input.action === 'request_info' || input.action === 'respond') && !input.text && input.evidence.length === 0) {
    const message = input.action === 'respond' ? 'Write your response or attach evidence.' : 'Write a message or attach evidence.';
    throw invalid('empty_message', message, [{ path: 'text', message }]);
  }
  void c;
}

// ---- evidence and norms ---------------------------------------------------------------------

/**
 * Uploaded files as a message carries them: each with a fresh random salt, so the commitment in
 * the logs, SHA-256(salt || SHA-256(file)), cannot be tested against guesses of known files or
 * linked across messages.
 */
export async function evidenceRefs(tx: Store, ids: string[], share?: { recipient: string; self: string }): Promise<EvidenceRef[]> {
  const refs: EvidenceRef[] = [];
  for (const id of [...new Set(ids)]) {
    const r = await tx.evidence.byId(id);
    if (!r) throw invalid('evidence_not_found', `No evidence file with id ${id} is on this node; upload it first.`);
    if (r.status !== 'stored' && r.status !== 'received') throw invalid('evidence_not_held', `The file “${r.name}” has not fully arrived on this node (it is ${r.status}); it can be sent on once it has.`);
    if (share) await checkOnwardSharing(tx, r, share.recipient, share.self);
    refs.push({ ...evidenceRefOf(r), salt: newEvidenceSalt() });
  }
  return refs;
}

/**
 * TLP travels with what a state received: a file that came from another state in a consultation
 * or request marked AMBER, AMBER+STRICT or RED stays within this state's organisation, so it is
 * not sent on to a third state. (GREEN allows the community, which other states' contacts are
 * part of.) The marking is the thread's, whichever side raised it: the other state answers under
 * it, so a file it returns to a request this state sent is bound as much as one it raised with.
 */
async function checkOnwardSharing(tx: Store, r: { name: string; originState: string; caseId: string | null }, recipient: string, self: string): Promise<void> {
  // The marking binds what this state received, not what it holds of its own.
  if (!r.caseId || r.originState === recipient || r.originState === self) return;
  const source = await tx.consultations.byId(r.caseId);
  if (!source) return;
  if (!mayShareOnward(source.tlp, 'community')) {
    throw invalid(
      'tlp_forbids_sharing',
      `The file “${r.name}” came from ${r.originState} marked TLP:${source.tlp}, which does not allow sharing it with another state. Ask ${r.originState} for permission, or leave it out.`,
    );
  }
}

const commitments = (refs: EvidenceRef[]) => refs.map((r) => evidenceCommitment(r.salt, r.sha256));

/** Sender side, beside `enqueue`: the recipient may fetch the files; their commitments enter the log. */
export async function evidenceSent(tx: Store, ctx: DomainContext, msg: { recipient: string; envelope: string; evidence: EvidenceRef[] }): Promise<void> {
  if (msg.evidence.length === 0) return;
  for (const r of msg.evidence) await grantEvidence(tx, ctx, { sha256: r.sha256, recipient: msg.recipient });
  await logEvidenceCommitments(tx, ctx, { envelope: msg.envelope, sender: selfCode(ctx), recipient: msg.recipient, commitments: commitments(msg.evidence) });
}

/** Receiver side, in the inbound handler: the files are expected from the sender and fetched; commitments logged. */
export async function evidenceReceived(tx: Store, ctx: DomainContext, msg: { sender: string; envelope: string; consultation: string; evidence: EvidenceRef[] }): Promise<void> {
  if (msg.evidence.length === 0) return;
  for (const r of msg.evidence) await expectEvidence(tx, ctx, { ...r, from: msg.sender, caseId: msg.consultation });
  await logEvidenceCommitments(tx, ctx, { envelope: msg.envelope, sender: msg.sender, recipient: selfCode(ctx), commitments: commitments(msg.evidence) });
}

// ---- reading ------------------------------------------------------------------------------

const iso = (d: Date | null) => d?.toISOString() ?? null;

function deadlineState(due: Date | null, metAt: Date | null, closed: boolean, now: Date): 'met' | 'due' | 'overdue' | 'none' {
  if (!due) return 'none';
  if (metAt) return 'met';
  if (closed) return 'none';
  return now > due ? 'overdue' : 'due';
}

export function presentConsultation(c: ConsultationRecord, now: Date, self: string): Consultation {
  const counterpart = c.side === 'raiser' ? c.recipient : c.raiser;
  void self;
  return {
    id: c.id,
    groupId: c.groupId,
    side: c.side,
    raiser: c.raiser,
    recipient: c.recipient,
    counterpart,
    addressees: c.addressees,
    status: c.status as Consultation['status'],
    outcome: c.outcome,
    awaiting: c.awaiting,
    title: c.title,
    summary: c.summary,
    periodStart: iso(c.periodStart),
    periodEnd: iso(c.periodEnd),
    sectors: c.sectors,
    severity: c.severity,
    urgency: c.urgency,
    communicationKind: c.communicationKind,
    norms: c.norms,
    actionsRequested: c.actionsRequested,
    responseRequestedBy: iso(c.responseRequestedBy),
    tlp: c.tlp,
    indicators: c.indicators,
    attribution: c.attribution,
    attributionReply: c.attributionReply,
    raisedBy: c.raisedBy,
    ackDeadline: iso(c.ackDeadline),
    ackState: c.status === 'draft' ? 'none' : deadlineState(c.ackDeadline, c.acknowledgedAt, c.status === 'closed', now),
    responseState: c.status === 'draft' ? 'none' : deadlineState(c.responseRequestedBy, c.respondedAt, c.status === 'closed', now),
    sentAt: iso(c.sentAt),
    acknowledgedAt: iso(c.acknowledgedAt),
    respondedAt: iso(c.respondedAt),
    closedAt: iso(c.closedAt),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    version: c.version,
    allowedActions: allowedActions(c, c.side),
  };
}

export async function listConsultations(
  ctx: DomainContext,
  actor: Actor,
  q: { box: 'inbox' | 'outbox' | 'drafts' | 'all'; state?: string | undefined; status?: ConsultationStatus | undefined; urgency?: string | undefined; overdue?: 'true' | 'false' | undefined; norm?: string | undefined; tlp?: string | undefined; q?: string | undefined; limit: number },
): Promise<Consultation[]> {
  assertMay(actor, 'consultations.read');
  const now = ctx.now();
  const side = q.box === 'inbox' ? 'recipient' : q.box === 'outbox' ? 'raiser' : q.box === 'drafts' ? 'draft' : undefined;
  const rows = await ctx.store.consultations.list({
    side,
    state: q.state,
    status: q.status,
    urgency: q.urgency,
    overdueAt: q.overdue === 'true' ? now : undefined,
    norm: q.norm,
    tlp: q.tlp,
    text: q.q || undefined,
    limit: q.limit,
  });
  return rows.map((c) => presentConsultation(c, now, selfCode(ctx)));
}

export const selfCode = (ctx: DomainContext) => ctx.self?.stateCode ?? '';

/** A case of one of `kinds`; any other id is not found, so a request is never worked as a consultation. */
export async function loadCase(store: Store, id: string, kinds: readonly CaseKind[]): Promise<ConsultationRecord> {
  const c = await store.consultations.byId(id);
  if (!c || !kinds.includes(c.kind)) {
    throw kinds.includes('consultation') ? notFound('consultation_not_found', 'No such consultation on this node.') : notFound('request_not_found', 'No such request on this node.');
  }
  return c;
}

const load = (store: Store, id: string) => loadCase(store, id, ['consultation']);

/** The thread's hash chain: a digest both nodes can compare, and anything that breaks the chain. */
export function threadIntegrity(messages: ThreadMessage[]): ConsultationDetail['integrity'] {
  const settled = messages.filter((m) => m.status === 'delivered' || m.status === 'applied' || m.status === 'waiting');
  const held = new Set(messages.map((m) => m.hash));
  const problems: string[] = [];
  for (const m of messages) {
    const prev = decodeStoredEnvelope(m.jws).prev;
    if (prev && !held.has(prev)) problems.push(`Message ${m.hash.slice(0, 12)}… follows message ${prev.slice(0, 12)}…, which this node does not hold.`);
    if (m.status === 'waiting') problems.push(`Message ${m.hash.slice(0, 12)}… is held until the message before it arrives.`);
  }
  const digest = settled.length === 0 ? null : createHash('sha256').update(settled.map((m) => m.hash).sort().join('\n')).digest('hex');
  return { messages: settled.length, digest, problems };
}

export async function getConsultation(ctx: DomainContext, actor: Actor, id: string): Promise<ConsultationDetail> {
  assertMay(actor, 'consultations.read');
  const c = await load(ctx.store, id);
  return {
    ...presentConsultation(c, ctx.now(), selfCode(ctx)),
    ...(await caseTimeline(ctx, c)),
    draftEvidence: c.status === 'draft' ? c.evidence.map((e) => ('id' in e ? e.id : '')).filter(Boolean) : [],
  };
}

/** A case's timeline as this node holds it: every step with its delivery, the evidence, and the thread's integrity. */
export async function caseTimeline(ctx: DomainContext, c: ConsultationRecord): Promise<Pick<ConsultationDetail, 'evidence' | 'events' | 'integrity'>> {
  const { store } = ctx;
  const counterpart = c.side === 'raiser' ? c.recipient : c.raiser;
  const [events, thread] = await Promise.all([store.consultations.events(c.id), counterpart ? store.consultations.thread(c.id, counterpart) : []]);
  const byHash = new Map(thread.map((m) => [m.hash, m]));
  const allRefs = events.flatMap((e) => e.evidence);
  const status = await evidenceByHashes(ctx, allRefs.map((r) => r.sha256));
  const item = (r: EvidenceRef, side: ConsultationSide) => {
    const s = status.get(r.sha256);
    return {
      sha256: r.sha256,
      size: r.size,
      name: r.name,
      mediaType: r.mediaType,
      malware: r.malware,
      // The salt is the sender's to disclose; the receiving node holds it too, having received it.
      salt: r.salt,
      status: s?.status ?? (side === c.side ? 'stored' : 'expected'),
      evidenceId: s?.id ?? null,
    };
  };
  const present = (e: ConsultationEventRecord): ConsultationEvent => {
    const m = e.envelopeHash ? byHash.get(e.envelopeHash) : undefined;
    return {
      id: e.id,
      at: e.at.toISOString(),
      side: e.side,
      state: e.side === 'raiser' ? c.raiser : (c.recipient ?? ''),
      actor: e.actor,
      action: e.action,
      text: e.text,
      evidence: e.evidence.map((r) => item(r, e.side)),
      outcome: e.outcome,
      attributionReply: e.attributionReply,
      decision: e.decision,
      custody: e.custody,
      until: iso(e.until),
      envelopeHash: e.envelopeHash,
      delivery: m && m.direction === 'sent' ? { status: m.status as 'queued', at: m.status === 'delivered' ? m.at.toISOString() : null, error: m.error } : null,
      notApplied: e.notApplied,
    };
  };
  const seen = new Set<string>();
  const evidence = events
    .flatMap((e) => e.evidence.map((r) => item(r, e.side)))
    .filter((r) => (seen.has(r.sha256) ? false : (seen.add(r.sha256), true)));
  return { evidence, events: events.map(present), integrity: threadIntegrity(thread) };
}

// ---- writing ------------------------------------------------------------------------------

export async function actorName(store: Store, actor: Actor): Promise<string> {
  if (actor.type === 'operator') return 'Node operator';
  const user = await store.users.byId(actor.userId);
  return user?.displayName || actor.email;
}

function draftFields(input: Omit<CreateConsultation, 'send'> | UpdateDraft) {
  assertKnownNorms(input.norms);
  return {
    addressees: [...new Set(input.addressees)],
    title: input.title,
    summary: input.summary,
    periodStart: input.periodStart ? new Date(input.periodStart) : null,
    periodEnd: input.periodEnd ? new Date(input.periodEnd) : null,
    sectors: [...new Set(input.sectors)],
    severity: input.severity,
    urgency: input.urgency,
    communicationKind: input.communicationKind,
    norms: [...new Set(input.norms)],
    actionsRequested: input.actionsRequested,
    responseRequestedBy: input.responseRequestedBy ? new Date(input.responseRequestedBy) : null,
    tlp: input.tlp,
    indicators: input.indicators,
    attribution: input.attribution,
    evidence: [...new Set(input.evidence)].map((id) => ({ id })),
  };
}

export async function createConsultation(ctx: DomainContext, actor: Actor, input: CreateConsultation, meta: RequestMeta): Promise<ConsultationDetail> {
  assertMay(actor, 'consultations.write');
  const self = selfCode(ctx);
  if (input.addressees.includes(self)) throw invalid('self_addressed', `${self} is this node's own state; consult other states.`);
  const now = ctx.now();
  assertDeadlineAhead(input.responseRequestedBy, now);
  const id = randomUUID();
  const draft: ConsultationRecord = {
    id,
    // Its own id, not the first thread's: every addressee is told the group, and a third state
    // that knew a thread's id could open a consultation of its own under it where this state's
    // has not yet arrived, so that the real one is refused there.
    groupId: randomUUID(),
    side: 'raiser',
    raiser: self,
    recipient: null,
    status: 'draft',
    outcome: null,
    awaiting: null,
    ...draftFields(input),
    attributionReply: null,
    raisedBy: await actorName(ctx.store, actor),
    ackDeadline: null,
    sentAt: null,
    acknowledgedAt: null,
    respondedAt: null,
    closedAt: null,
    ackOverdueNotifiedAt: null,
    ...NOT_A_REQUEST,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await ctx.store.transaction(async (tx) => {
    if (draft.evidence.length > 0) await evidenceRefs(tx, draft.evidence.map((e) => ('id' in e ? e.id : '')));
    await tx.consultations.insert(draft);
    await tx.consultations.addEvent(localEvent(draft, 'created', draft.raisedBy, now));
    await record(tx, ctx, actor, meta, { action: 'consultation.create', entityType: 'consultation', entityId: id, before: null, after: { title: draft.title, addressees: draft.addressees } });
  });
  if (input.send) return sendConsultation(ctx, actor, id, meta);
  return getConsultation(ctx, actor, id);
}

const NOT_A_REQUEST = { kind: 'consultation', request: null, decision: null, preserveUntil: null, lapseWarnedFor: null, consultedAt: null, decisionOverdueNotifiedAt: null } as const;

/** The fields of an event that only some steps carry, empty. */
export const PLAIN_EVENT: Pick<ConsultationEventRecord, 'outcome' | 'attributionReply' | 'decision' | 'custody' | 'until' | 'envelopeHash' | 'notApplied'> = {
  outcome: null,
  attributionReply: null,
  decision: null,
  custody: [],
  until: null,
  envelopeHash: null,
  notApplied: null,
};

export function localEvent(c: Pick<ConsultationRecord, 'id'>, action: string, actor: string, at: Date): ConsultationEventRecord {
  return { id: randomUUID(), consultationId: c.id, at, side: 'raiser', actor, action, text: '', evidence: [], ...PLAIN_EVENT };
}

export async function updateDraft(ctx: DomainContext, actor: Actor, id: string, input: UpdateDraft, meta: RequestMeta): Promise<ConsultationDetail> {
  assertMay(actor, 'consultations.write');
  if (input.addressees.includes(selfCode(ctx))) throw invalid('self_addressed', `${selfCode(ctx)} is this node's own state; consult other states.`);
  assertDeadlineAhead(input.responseRequestedBy, ctx.now());
  await ctx.store.transaction((tx) =>
    editCaseDraft(tx, ctx, actor, meta, CONSULTATION, id, input.version, async () => {
      const next = draftFields(input);
      if (next.evidence.length > 0) await evidenceRefs(tx, next.evidence.map((e) => ('id' in e ? e.id : '')));
      return next;
    }),
  );
  return getConsultation(ctx, actor, id);
}

export async function deleteDraft(ctx: DomainContext, actor: Actor, id: string, meta: RequestMeta): Promise<void> {
  assertMay(actor, 'consultations.write');
  await deleteCaseDraft(ctx, actor, meta, CONSULTATION, id);
}

/** How the draft operations name one kind of case: which kinds it covers, in words and in the audit log. */
export interface CaseNames {
  kinds: readonly CaseKind[];
  noun: string;
  entity: 'consultation' | 'request';
}
const CONSULTATION: CaseNames = { kinds: ['consultation'], noun: 'consultation', entity: 'consultation' };

/** Edits a draft case in `tx`, if it is still a draft at `version`; `fields` gives the new content. */
export async function editCaseDraft(
  tx: Store,
  ctx: DomainContext,
  actor: Actor,
  meta: RequestMeta,
  names: CaseNames,
  id: string,
  version: number,
  fields: () => Promise<Partial<ConsultationRecord>>,
): Promise<void> {
  const before = await loadCase(tx, id, names.kinds);
  if (before.status !== 'draft') throw conflict('not_a_draft', `This ${names.noun} has been sent; it can no longer be edited. Add a message instead.`);
  const stale = () => conflict('version_conflict', 'Someone changed this draft after you opened it. Reload to see their change, then edit again.');
  if (before.version !== version) throw stale();
  const next: ConsultationRecord = { ...before, ...(await fields()), updatedAt: ctx.now(), version: before.version + 1 };
  if (!(await tx.consultations.update(next))) throw stale();
  await record(tx, ctx, actor, meta, { action: `${names.entity}.edit`, entityType: names.entity, entityId: id, before: { title: before.title }, after: { title: next.title } });
}

/** Deletes a draft case; a sent one stays in the record. */
export async function deleteCaseDraft(ctx: DomainContext, actor: Actor, meta: RequestMeta, names: CaseNames, id: string): Promise<void> {
  await ctx.store.transaction(async (tx) => {
    const c = await loadCase(tx, id, names.kinds);
    if (c.status !== 'draft') throw conflict('not_a_draft', `Only a draft can be deleted; a sent ${names.noun} stays in the record. Withdraw it instead.`);
    await tx.consultations.remove(id);
    await record(tx, ctx, actor, meta, { action: `${names.entity}.delete_draft`, entityType: names.entity, entityId: id, before: { title: c.title }, after: null });
  });
}

/**
 * Sends a draft: one consultation per addressee, each opened by a signed envelope in the same
 * transaction as the record, with the acknowledgement deadline set by urgency.
 */
export async function sendConsultation(ctx: DomainContext, actor: Actor, id: string, meta: RequestMeta): Promise<ConsultationDetail> {
  assertMay(actor, 'consultations.write');
  const ackHours = ctx.consultationPolicy?.ackHours ?? DEFAULT_ACK_HOURS;
  await ctx.store.transaction(async (tx) => {
    const draft = await load(tx, id);
    if (draft.status !== 'draft') throw conflict('already_sent', 'This consultation has already been sent.');
    // A draft saved yesterday may hold a deadline that has passed since.
    assertDeadlineAhead(draft.responseRequestedBy, ctx.now());
    const peers = new Map((await tx.peers.list()).map((p) => [p.stateCode, p]));
    for (const state of draft.addressees) {
      const peer = peers.get(state);
      if (!peer) throw invalid('unknown_addressee', `${state} is not a peer of this node. An administrator must add it under Peers before it can be consulted.`);
      if (peer.status !== 'trusted') throw invalid('addressee_suspended', `${state} is suspended on this node; resume it under Peers first.`);
    }
    const ids = draft.evidence.map((e) => ('id' in e ? e.id : ''));
    const now = ctx.now();
    const ackDeadline = new Date(now.getTime() + ackHours[draft.urgency] * 3600_000);
    for (const [i, recipient] of draft.addressees.entries()) {
      // Fresh salts for each recipient: commitments in the log cannot be linked across states.
      const evidence = await evidenceRefs(tx, ids, { recipient, self: selfCode(ctx) });
      const c: ConsultationRecord = {
        ...draft,
        id: i === 0 ? draft.id : randomUUID(),
        recipient,
        status: 'sent',
        evidence,
        ackDeadline,
        sentAt: now,
        updatedAt: now,
        version: i === 0 ? draft.version + 1 : 1,
      };
      if (i === 0) {
        if (!(await tx.consultations.update(c))) throw conflict('version_conflict', 'Someone changed this draft while it was being sent. Reload and send again.');
      } else {
        await tx.consultations.insert(c);
      }
      const body: MessageBody<'consultation.open'> = {
        consultation: c.id,
        group: c.groupId,
        addressees: c.addressees,
        title: c.title,
        summary: c.summary,
        periodStart: iso(c.periodStart),
        periodEnd: iso(c.periodEnd),
        sectors: c.sectors as MessageBody<'consultation.open'>['sectors'],
        severity: c.severity as MessageBody<'consultation.open'>['severity'],
        urgency: c.urgency,
        communicationKind: c.communicationKind as MessageBody<'consultation.open'>['communicationKind'],
        ackDeadline: ackDeadline.toISOString(),
        norms: c.norms,
        actionsRequested: c.actionsRequested,
        responseRequestedBy: iso(c.responseRequestedBy),
        tlp: c.tlp,
        indicators: c.indicators as MessageBody<'consultation.open'>['indicators'],
        attribution: c.attribution,
        evidence,
        raisedBy: c.raisedBy,
      };
      const out = await enqueue(tx, ctx, { recipient, type: 'consultation.open', body, thread: c.id });
      await tx.consultations.addEvent({ ...localEvent(c, 'opened', c.raisedBy, now), text: c.summary, evidence, envelopeHash: out.hash });
      await evidenceSent(tx, ctx, { recipient, envelope: out.hash, evidence });
      await recordNormInvocations(tx, { caseType: 'consultation', caseId: c.id, title: c.title, createdAt: now, normIds: c.norms });
    }
    await record(tx, ctx, actor, meta, { action: 'consultation.send', entityType: 'consultation', entityId: id, before: { status: 'draft' }, after: { status: 'sent', addressees: draft.addressees } });
  });
  ctx.onQueued?.();
  return getConsultation(ctx, actor, id);
}

/** Takes one step on a consultation and sends it to the other state, in one transaction. */
export async function takeStep(ctx: DomainContext, actor: Actor, id: string, input: ConsultationStep, meta: RequestMeta): Promise<ConsultationDetail> {
  assertMay(actor, 'consultations.write');
  await ctx.store.transaction(async (tx) => {
    const c = await load(tx, id);
    if (c.status === 'draft') throw conflict('not_sent', 'This consultation is still a draft; send it first.');
    const why = refusal(c, c.side, input.action);
    if (why) throw conflict('invalid_transition', why);
    checkStepInput(c, input);
    const now = ctx.now();
    const by = await actorName(tx, actor);
    const next = advance(c, c.side, input, now);
    if (!(await tx.consultations.update(next))) throw conflict('version_conflict', 'Someone else acted on this consultation at the same moment. Reload and try again.');
    const counterpart = (c.side === 'raiser' ? c.recipient : c.raiser) as string;
    const evidence = await evidenceRefs(tx, input.evidence, { recipient: counterpart, self: selfCode(ctx) });
    const out = await enqueue(tx, ctx, {
      recipient: counterpart,
      type: 'consultation.step',
      thread: c.id,
      body: { consultation: c.id, action: input.action, text: input.text, evidence, outcome: input.outcome, attributionReply: input.attributionReply, by },
    });
    await tx.consultations.addEvent({
      id: randomUUID(),
      consultationId: c.id,
      at: now,
      side: c.side,
      actor: by,
      action: input.action,
      text: input.text,
      evidence,
      outcome: next.outcome === c.outcome ? null : next.outcome,
      attributionReply: input.attributionReply,
      decision: null,
      custody: [],
      until: null,
      envelopeHash: out.hash,
      notApplied: null,
    });
    await evidenceSent(tx, ctx, { recipient: counterpart, envelope: out.hash, evidence });
    await record(tx, ctx, actor, meta, { action: `consultation.${input.action}`, entityType: 'consultation', entityId: id, before: { status: c.status }, after: { status: next.status, outcome: next.outcome } });
  });
  ctx.onQueued?.();
  return getConsultation(ctx, actor, id);
}

// ---- receiving ----------------------------------------------------------------------------

export async function onConsultationOpen(tx: Store, ctx: DomainContext, envelope: Envelope, body: MessageBody<'consultation.open'>, hash: string): Promise<void> {
  if (envelope.thread !== body.consultation) throw invalid('wrong_thread', 'a consultation opens its own thread: thread and consultation id differ');
  if (await tx.consultations.byId(body.consultation)) throw conflict('id_taken', `consultation ${body.consultation} already exists on this node`);
  const at = new Date(envelope.created);
  const c: ConsultationRecord = {
    id: body.consultation,
    groupId: body.group,
    side: 'recipient',
    raiser: envelope.sender,
    recipient: envelope.recipient,
    addressees: body.addressees,
    status: 'sent',
    outcome: null,
    awaiting: null,
    title: body.title,
    summary: body.summary,
    periodStart: body.periodStart ? new Date(body.periodStart) : null,
    periodEnd: body.periodEnd ? new Date(body.periodEnd) : null,
    sectors: body.sectors,
    severity: body.severity,
    urgency: body.urgency,
    communicationKind: body.communicationKind,
    norms: body.norms,
    actionsRequested: body.actionsRequested,
    responseRequestedBy: body.responseRequestedBy ? new Date(body.responseRequestedBy) : null,
    tlp: body.tlp,
    indicators: body.indicators,
    attribution: body.attribution,
    attributionReply: null,
    evidence: body.evidence,
    raisedBy: body.raisedBy,
    ackDeadline: new Date(body.ackDeadline),
    sentAt: at,
    acknowledgedAt: null,
    respondedAt: null,
    closedAt: null,
    ackOverdueNotifiedAt: null,
    ...NOT_A_REQUEST,
    createdAt: ctx.now(),
    updatedAt: ctx.now(),
    version: 1,
  };
  await tx.consultations.insert(c);
  await tx.consultations.addEvent({ ...PLAIN_EVENT, id: randomUUID(), consultationId: c.id, at, side: 'raiser', actor: body.raisedBy, action: 'opened', text: body.summary, evidence: body.evidence, envelopeHash: hash });
  await evidenceReceived(tx, ctx, { sender: envelope.sender, envelope: hash, consultation: c.id, evidence: body.evidence });
  // A norm this node's catalogue does not know (a newer list at the sender) is kept on the case but not indexed.
  await recordNormInvocations(tx, { caseType: 'consultation', caseId: c.id, title: c.title, createdAt: c.createdAt, normIds: c.norms.filter(isKnownNorm) });
  await notify(tx, ctx, 'officer', 'consultation.received', `${envelope.sender} raised a consultation (${labelOf(consultationLabels.urgencies, c.urgency).toLowerCase()}, TLP:${c.tlp}): “${c.title}”. Acknowledge it by ${caseTimeOrDash(c.ackDeadline?.toISOString())}.`, `/consultations/${c.id}`);
}


const NOTIFY_ON: Partial<Record<ConsultationAction, string>> = {
  acknowledge: 'acknowledged',
  respond: 'responded to',
  request_info: 'asked for more information on',
  message: 'wrote on',
  reply_attribution: 'replied on the attribution in',
  close: 'closed',
  withdraw: 'withdrew',
  start: 'started work on',
};

export async function onConsultationStep(tx: Store, ctx: DomainContext, envelope: Envelope, body: MessageBody<'consultation.step'>, hash: string): Promise<void> {
  const c = await tx.consultations.byId(body.consultation);
  // A request's steps follow the requests' rules: a consultation step names a consultation or nothing.
  if (!c || c.status === 'draft' || c.kind !== 'consultation') throw notFound('unknown_case', `no consultation ${body.consultation} is held with ${envelope.sender}`);
  const counterpart = c.side === 'raiser' ? c.recipient : c.raiser;
  if (counterpart !== envelope.sender) throw forbidden('not_a_party', `${envelope.sender} is not a party to consultation ${c.id}`);
  if (envelope.thread !== c.id) throw invalid('wrong_thread', 'a consultation step must travel in the consultation thread');
  const side: ConsultationSide = c.side === 'raiser' ? 'recipient' : 'raiser';
  const at = new Date(envelope.created);
  const why = refusal(c, side, body.action);
  const valid = why === null && validStep(body);
  if (valid) {
    const next = advance(c, side, { action: body.action, outcome: body.outcome, attributionReply: body.attributionReply }, at);
    if (!(await tx.consultations.update(next))) throw new Error('consultation changed during apply');
  }
  await tx.consultations.addEvent({
    id: randomUUID(),
    consultationId: c.id,
    at,
    side,
    actor: body.by,
    action: body.action,
    text: body.text,
    evidence: body.evidence,
    outcome: body.outcome,
    attributionReply: body.attributionReply,
    decision: null,
    custody: [],
    until: null,
    envelopeHash: hash,
    // Steps that crossed in transit (a response to a consultation already withdrawn) stay in the thread.
    notApplied: valid ? null : (why ?? 'The step is not well formed.'),
  });
  await evidenceReceived(tx, ctx, { sender: envelope.sender, envelope: hash, consultation: c.id, evidence: body.evidence });
  const verb = NOTIFY_ON[body.action];
  if (verb) await notify(tx, ctx, 'officer', `consultation.${body.action}`, `${envelope.sender} ${verb} the consultation “${c.title}”.`, `/consultations/${c.id}`);
}

function validStep(body: MessageBody<'consultation.step'>): boolean {
  if (body.action === 'close') return body.outcome !== null && body.outcome !== 'withdrawn';
  if (body.action === 'reply_attribution') return body.attributionReply !== null;
  return body.outcome === null;
}

// ---- deadlines ----------------------------------------------------------------------------

/** Tells each side's officers, once, that an acknowledgement is overdue; returns how many were. */
export async function notifyOverdueAcknowledgements(ctx: DomainContext, limit = 100): Promise<number> {
  const now = ctx.now();
  return ctx.store.transaction(async (tx) => {
    const due = await tx.consultations.overdue(now, limit);
    for (const c of due) {
      await tx.consultations.update({ ...c, ackOverdueNotifiedAt: now, version: c.version + 1 });
      const noun = CASE_NOUN[c.kind];
      const message =
        c.side === 'raiser'
          ? `${c.recipient} has not acknowledged the ${noun} “${c.title}”; the deadline was ${caseTimeOrDash(c.ackDeadline?.toISOString())}.`
          : `The acknowledgement of ${c.raiser}'s ${noun} “${c.title}” is overdue; it was due by ${caseTimeOrDash(c.ackDeadline?.toISOString())}.`;
      await notify(tx, ctx, 'officer', c.kind === 'consultation' ? 'consultation.ack_overdue' : 'request.ack_overdue', message, casePath(c));
    }
    return due.length;
  });
}
