import { randomUUID } from 'node:crypto';
import { tlpLabel, type CustodyRecord, type Envelope, type MessageBody, type RequestAction, type RequestDecision, type RequestForm, type RequestKind } from '@parley/protocol';
import type { CaseFile } from '../api/case-file.js';
import type { CooperationRequest, CreateRequest, LegalBasis, RequestDetail, RequestStats, RequestStep, UpdateRequest } from '../api/cooperation.js';
import { caseStatusWords, requestLabels as L } from '../api/labels.js';
import { conflict, forbidden, invalid, notFound, type FieldIssue } from '../errors.js';
import { assertMay, record } from './audit.js';
import { caseDeadline, caseEvidenceStatus, caseTime, caseTimeOrDash, labelOf } from './case-file-words.js';
import { annexHashes, stateNames, threadEnvelopes, type ExportedEnvelope } from './consultation-export.js';
import type { ConsultationEventRecord, ConsultationRecord, ConsultationSide, ConsultationStatus, LegalBasisRecord } from './consultation-ports.js';
import { actorName, assertDeadlineAhead, caseTimeline, deleteCaseDraft, editCaseDraft, evidenceReceived, evidenceRefs, evidenceSent, loadCase, localEvent, PLAIN_EVENT, selfCode, type CaseNames } from './consultations.js';
import type { DomainContext, RequestMeta } from './context.js';
import { enqueue, notify } from './federation.js';
import type { Actor } from './policies.js';
import type { Store } from './ports.js';

/*
 * Cooperation requests on information crimes: expedited preservation, expedited disclosure of
 * preserved traffic data, mutual legal assistance, emergency requests, and spontaneous
 * information. Each is a case in the same store as consultations (same thread, timeline,
 * evidence, integrity and proofs); what differs is the form, who may take which step, the
 * requested state's decision, the preservation clock and the chain of custody of returned
 * evidence. `side: 'raiser'` is the requesting state; `'recipient'` the requested state.
 */

export const REQUEST_KINDS: readonly RequestKind[] = ['preservation', 'disclosure', 'mla', 'emergency', 'spontaneous'];

/** Hours the requested state has to acknowledge, by kind. Emergency requests go to the 24/7 contact. */
export const REQUEST_ACK_HOURS: Record<RequestKind, number> = { emergency: 1, preservation: 24, disclosure: 72, mla: 240, spontaneous: 240 };
/** Hours to a decision when the requesting state names no earlier time; none for MLA and spontaneous information. */
export const REQUEST_DECISION_HOURS: Record<RequestKind, number | null> = { emergency: 8, preservation: 72, disclosure: 240, mla: null, spontaneous: null };
/** Preserved data is kept at least this long (UN Convention art. 42, Budapest art. 29(7)). */
export const PRESERVATION_DAYS = 60;
/** Both sides are warned this long before a preservation lapses. */
export const LAPSE_WARNING_DAYS = 7;

const DAY = 86_400_000;
const OPEN: ConsultationStatus[] = ['sent', 'acknowledged', 'postponed', 'executed'];
const UNDECIDED: ConsultationStatus[] = ['sent', 'acknowledged', 'postponed'];
const DECIDING: RequestKind[] = ['preservation', 'disclosure', 'mla', 'emergency'];

/** Who may take each step, from which statuses and on which kinds; the same table decides on both nodes. */
const RULES: Record<RequestAction, { by: ConsultationSide | 'either'; from: ConsultationStatus[]; kinds: readonly RequestKind[] }> = {
  acknowledge: { by: 'recipient', from: ['sent'], kinds: REQUEST_KINDS },
  request_info: { by: 'either', from: OPEN, kinds: REQUEST_KINDS },
  message: { by: 'either', from: OPEN, kinds: REQUEST_KINDS },
  consult: { by: 'recipient', from: UNDECIDED, kinds: DECIDING },
  decide: { by: 'recipient', from: UNDECIDED, kinds: DECIDING },
  return_evidence: { by: 'recipient', from: ['executed'], kinds: DECIDING },
  request_extension: { by: 'raiser', from: ['executed'], kinds: ['preservation'] },
  extend: { by: 'recipient', from: ['executed'], kinds: ['preservation'] },
  close: { by: 'raiser', from: ['acknowledged', 'postponed', 'executed'], kinds: REQUEST_KINDS },
  withdraw: { by: 'raiser', from: OPEN, kinds: REQUEST_KINDS },
};

export const KIND_WORDS: Record<RequestKind, string> = {
  preservation: 'expedited preservation request',
  disclosure: 'expedited disclosure request',
  mla: 'mutual legal assistance request',
  emergency: 'emergency request',
  spontaneous: 'spontaneous information',
};

/** The kinds as a sentence names them, with their article. */
const KIND_WITH_ARTICLE: Record<RequestKind, string> = {
  preservation: 'an expedited preservation request',
  disclosure: 'an expedited disclosure request',
  mla: 'a mutual legal assistance request',
  emergency: 'an emergency request',
  spontaneous: 'spontaneous information',
};

const STATUS_WORDS: Record<ConsultationStatus, string> = {
  draft: 'a draft',
  sent: 'sent and not yet acknowledged',
  acknowledged: 'acknowledged and awaiting a decision',
  in_progress: 'in progress',
  responded: 'answered',
  postponed: 'postponed',
  executed: 'executed',
  closed: 'closed',
};

const STEP_WORDS: Record<RequestAction, string> = {
  acknowledge: 'acknowledge',
  request_info: 'ask for more information on',
  message: 'write on',
  consult: 'consult on',
  decide: 'decide on',
  return_evidence: 'return evidence on',
  request_extension: 'ask to extend',
  extend: 'extend',
  close: 'close',
  withdraw: 'withdraw',
};

/** Why `side` may not take `action` on `c` now, or null when it may. */
export function requestRefusal(c: Pick<ConsultationRecord, 'status' | 'kind'>, side: ConsultationSide, action: RequestAction): { code: string; message: string } | null {
  const rule = RULES[action];
  const kind = c.kind as RequestKind;
  if (!rule.kinds.includes(kind)) {
    return { code: 'not_for_this_kind', message: kind === 'spontaneous' ? `Spontaneous information asks for no decision, so it cannot be the subject of “${action.replace('_', ' ')}”.` : `Only a preservation can be extended; this is a ${KIND_WORDS[kind]}.` };
  }
  if (rule.by !== 'either' && rule.by !== side) {
    return rule.by === 'recipient'
      ? { code: 'wrong_side', message: `Only the requested state can ${STEP_WORDS[action]} the request; your state made it.` }
      : { code: 'wrong_side', message: `Only the requesting state can ${STEP_WORDS[action]} the request; your state received it.` };
  }
  if (!rule.from.includes(c.status)) return { code: 'invalid_transition', message: `The request is ${STATUS_WORDS[c.status]}; you cannot ${STEP_WORDS[action]} it now.` };
  return null;
}

export function allowedRequestActions(c: ConsultationRecord): RequestAction[] {
  if (c.status === 'draft') return [];
  return (Object.keys(RULES) as RequestAction[]).filter((a) => requestRefusal(c, c.side, a) === null);
}

// ---- content checks -------------------------------------------------------------------------

type Draftish = { kind: RequestKind; title: string; summary: string; form: RequestForm };

/**
 * What a request of its kind must contain before it is sent (after the T-CY preservation and
 * subscriber-information forms and the content of a mutual legal assistance request), and what
 * is recommended. Field paths name the input, so the form can link to them.
 */
export function completeness(r: Draftish): { missing: FieldIssue[]; warnings: FieldIssue[] } {
  const missing: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const f = r.form;
  const need = (ok: boolean, path: string, message: string) => {
    if (!ok) missing.push({ path, message });
  };
  const advise = (ok: boolean, path: string, message: string) => {
    if (!ok) warnings.push({ path, message });
  };
  need(r.title.length > 0, 'title', 'Give the request a subject line.');
  need(r.summary.length > 0, 'summary', 'Summarise the facts.');
  if (r.kind !== 'spontaneous') {
    need(f.requestingAuthority.length > 0, 'form.requestingAuthority', 'Name the requesting authority.');
    need(f.contact.name.length > 0, 'form.contact.name', 'Name the officer the requested state can reach about this request.');
    need(f.contact.phone.length > 0 || f.contact.email.length > 0, 'form.contact.phone', 'Give a phone number or an e-mail address for the requesting officer.');
    need(f.contact.timeZone.length > 0, 'form.contact.timeZone', 'Give the requesting officer’s time zone.');
    advise(f.contact.officeHours.length > 0, 'form.contact.officeHours', 'Give the requesting officer’s office hours, or say the contact is reachable around the clock.');
    advise(f.reference.length > 0, 'form.reference', 'Give your reference number, so both states can cite the request.');
  }
  switch (r.kind) {
    case 'preservation':
      need(f.offence.length > 0, 'form.offence', 'Name the offence under investigation.');
      need(f.dataSought.length > 0, 'form.dataSought', 'Describe the stored data to be preserved.');
      need(f.linkToOffence.length > 0, 'form.linkToOffence', 'Explain how the data relates to the offence.');
      need(f.custodianOrLocation.length > 0, 'form.custodianOrLocation', 'Name the custodian of the data or the location of the computer system.');
      need(f.necessity.length > 0, 'form.necessity', 'Explain why the data must be preserved.');
      need(f.mlaToFollow !== null, 'form.mlaToFollow', 'Say whether a request for mutual legal assistance will follow.');
      break;
    case 'disclosure':
      need(f.offence.length > 0, 'form.offence', 'Name the offence under investigation.');
      need(f.dataSought.length > 0, 'form.dataSought', 'Describe the traffic data to be disclosed.');
      need(f.linkToOffence.length > 0, 'form.linkToOffence', 'Explain how the data relates to the offence.');
      advise(f.related.some((x) => x.kind === 'preservation'), 'form.related', 'Name the preservation request whose traffic data is to be disclosed.');
      break;
    case 'mla':
      need(f.proceedings.length > 0, 'form.proceedings', 'Describe the subject and nature of the investigation or proceedings, and the authority conducting them.');
      need(f.offence.length > 0, 'form.offence', 'Name the offence and the provisions of law.');
      need(f.legalBasis.instruments.length > 0, 'form.legalBasis.instruments', 'Name the instrument the request is made under.');
      need(f.dataSought.length > 0, 'form.dataSought', 'Describe the assistance sought.');
      need(f.linkToOffence.length > 0, 'form.linkToOffence', 'Explain the purpose of the evidence and its relation to the offence.');
      advise(f.persons.length > 0, 'form.persons', 'Identify the persons, items or accounts concerned, with their location and nationality where possible.');
      advise(f.custodianOrLocation.length > 0, 'form.custodianOrLocation', 'Name the custodian or location of the data.');
      advise(f.timeLimits.length > 0, 'form.timeLimits', 'Say by when the assistance is needed and why.');
      break;
    case 'emergency':
      need(f.riskToLife.length > 0, 'form.riskToLife', 'Describe the significant and imminent risk to the life or safety of a person.');
      need(f.dataSought.length > 0, 'form.dataSought', 'Describe the data or measure needed.');
      need(f.custodianOrLocation.length > 0, 'form.custodianOrLocation', 'Name the custodian of the data or the location of the system.');
      advise(f.offence.length > 0, 'form.offence', 'Name the offence, if one is known.');
      break;
    case 'spontaneous':
      advise(f.requestingAuthority.length > 0, 'form.requestingAuthority', 'Name the authority sending the information.');
      break;
  }
  advise(f.confidentiality.length > 0 || r.kind === 'spontaneous', 'form.confidentiality', 'Say whether the request must be kept confidential.');
  return { missing, warnings };
}

/** Checks a decision against what the instruments require; returns the problem or null. */
export function decisionProblem(kind: RequestKind, d: RequestDecision, at: Date, consulted: boolean): { code: string; message: string } | null {
  if (d.decision !== 'refuse' && d.grounds.length > 0) return { code: 'grounds_not_expected', message: 'Grounds for refusal are given only with a refusal.' };
  switch (d.decision) {
    case 'refuse':
      if (d.grounds.length === 0) return { code: 'grounds_required', message: 'Choose at least one ground for the refusal from the list the instruments allow.' };
      if (!d.reasons) return { code: 'reasons_required', message: 'Give the reasons for the refusal; the instruments require them to be given to the requesting state.' };
      break;
    case 'postpone':
      if (!d.reasons) return { code: 'reasons_required', message: 'Give the reason for postponing, such as an ongoing investigation it would interfere with.' };
      if (!d.until) return { code: 'until_required', message: 'Say until when execution is postponed.' };
      if (new Date(d.until) <= at) return { code: 'until_in_past', message: 'A postponement runs until a date in the future.' };
      break;
    case 'execute_in_part':
      if (!d.reasons) return { code: 'reasons_required', message: 'Say which part of the request is not executed, and why.' };
      break;
    case 'execute_under_conditions':
      if (!d.conditions) return { code: 'conditions_required', message: 'State the conditions under which the request is executed.' };
      break;
    case 'execute':
      break;
  }
  if ((d.decision === 'refuse' || d.decision === 'postpone') && !consulted && kind !== 'emergency') {
    return {
      code: 'consultation_required',
      message: `Before refusing or postponing, consult the requesting state on whether the request can be executed under conditions or later (use “Consult the requesting state” first).`,
    };
  }
  const executes = d.decision.startsWith('execute');
  if (kind === 'preservation' && executes) {
    if (!d.until) return { code: 'until_required', message: 'Say until when the data is preserved.' };
    if (new Date(d.until).getTime() < at.getTime() + PRESERVATION_DAYS * DAY - 60_000) {
      return { code: 'preservation_too_short', message: `Preserved data is kept for at least ${PRESERVATION_DAYS} days; choose a date on or after ${new Date(at.getTime() + PRESERVATION_DAYS * DAY).toISOString().slice(0, 10)}.` };
    }
  } else if (executes && d.until) {
    return { code: 'until_not_expected', message: 'An end date is given only for a preservation or a postponement.' };
  }
  return null;
}

/** Checks a chain of custody: in time order, none in the future. */
function custodyProblem(custody: CustodyRecord[], at: Date): { code: string; message: string } | null {
  for (const r of custody) {
    let last = 0;
    for (const e of r.entries) {
      const t = new Date(e.at).getTime();
      if (t > at.getTime() + 60_000) return { code: 'custody_time_in_future', message: `A link of the chain of custody of ${r.sha256.slice(0, 12)}… is dated in the future (${e.at}).` };
      if (t < last) return { code: 'custody_out_of_order', message: `The chain of custody of ${r.sha256.slice(0, 12)}… is not in time order; list who held the item from first to last.` };
      last = t;
    }
  }
  return null;
}

/** A step's content, whichever node checks it. Returns the problem or null. */
function stepProblem(c: ConsultationRecord, step: { action: RequestAction; text: string; decision: RequestDecision | null; until: string | null; outcome: string | null; evidence: unknown[]; custody: CustodyRecord[] }, at: Date): { code: string; message: string } | null {
  const kind = c.kind as RequestKind;
  if (step.action === 'decide') {
    if (!step.decision) return { code: 'decision_required', message: 'Choose the decision: execute, execute in part, execute under conditions, postpone or refuse.' };
    const p = decisionProblem(kind, step.decision, at, c.consultedAt !== null);
    if (p) return p;
    if (step.evidence.length > 0 && !step.decision.decision.startsWith('execute')) return { code: 'evidence_not_expected', message: 'Evidence is returned only when the request is executed.' };
  } else if (step.decision) {
    return { code: 'decision_not_expected', message: 'A decision is sent with the step “decide”.' };
  }
  if (step.action === 'close' && step.outcome !== 'completed') return { code: 'outcome_required', message: 'Close the request as completed; to stop it before then, withdraw it.' };
  if (step.action !== 'close' && step.outcome) return { code: 'outcome_not_expected', message: 'An outcome is given only when closing the request.' };
  if (step.action === 'extend') {
    if (!step.until) return { code: 'until_required', message: 'Give the new date until which the data is preserved.' };
    if (c.preserveUntil && new Date(step.until) <= c.preserveUntil) return { code: 'extension_not_later', message: `An extension must run past the current end, ${c.preserveUntil.toISOString().slice(0, 10)}.` };
  } else if (step.until) {
    return { code: 'until_not_expected', message: 'A date is given with a decision or an extension only.' };
  }
  if ((step.action === 'request_info' || step.action === 'consult') && !step.text) {
    return { code: 'text_required', message: step.action === 'consult' ? 'Write what you propose to the requesting state: the difficulty, and conditions or timing under which the request could be executed.' : 'Say what information is needed.' };
  }
  if (step.action === 'message' && !step.text && step.evidence.length === 0) return { code: 'empty_message', message: 'Write a message or attach evidence.' };
  if (step.action === 'return_evidence' && step.evidence.length === 0) return { code: 'evidence_required', message: 'Attach the files to return.' };
  const returning = step.action === 'return_evidence' || (step.action === 'decide' && step.evidence.length > 0);
  if (!returning && step.custody.length > 0) return { code: 'custody_not_expected', message: 'A chain of custody goes with evidence returned by the requested state.' };
  return custodyProblem(step.custody, at);
}

// ---- reading ------------------------------------------------------------------------------

const iso = (d: Date | null) => d?.toISOString() ?? null;

function deadlineState(due: Date | null, metAt: Date | null, closed: boolean, now: Date): 'met' | 'due' | 'overdue' | 'none' {
  if (!due) return 'none';
  if (metAt) return 'met';
  if (closed) return 'none';
  return now > due ? 'overdue' : 'due';
}

export function preservationState(c: Pick<ConsultationRecord, 'preserveUntil' | 'status'>, now: Date): CooperationRequest['preservation'] {
  if (!c.preserveUntil || c.status === 'draft') return 'none';
  const left = c.preserveUntil.getTime() - now.getTime();
  if (left <= 0) return 'lapsed';
  return left <= LAPSE_WARNING_DAYS * DAY ? 'lapsing' : 'running';
}

/** The state a case is held with (null for a draft not yet addressed). */
const counterpartOf = (c: ConsultationRecord): string | null => (c.side === 'raiser' ? c.recipient : c.raiser);

export function presentRequest(c: ConsultationRecord, now: Date): CooperationRequest {
  return {
    id: c.id,
    kind: c.kind as RequestKind,
    side: c.side,
    raiser: c.raiser,
    recipient: c.recipient,
    counterpart: counterpartOf(c),
    status: c.status as CooperationRequest['status'],
    outcome: c.outcome,
    awaiting: c.awaiting,
    title: c.title,
    summary: c.summary,
    urgency: c.urgency,
    tlp: c.tlp,
    form: c.request,
    decision: c.decision,
    preserveUntil: iso(c.preserveUntil),
    preservation: preservationState(c, now),
    consultedAt: iso(c.consultedAt),
    raisedBy: c.raisedBy,
    ackDeadline: iso(c.ackDeadline),
    ackState: c.status === 'draft' ? 'none' : deadlineState(c.ackDeadline, c.acknowledgedAt, c.status === 'closed', now),
    responseRequestedBy: iso(c.responseRequestedBy),
    responseState: c.status === 'draft' ? 'none' : deadlineState(c.responseRequestedBy, c.respondedAt, c.status === 'closed', now),
    sentAt: iso(c.sentAt),
    acknowledgedAt: iso(c.acknowledgedAt),
    decidedAt: iso(c.respondedAt),
    closedAt: iso(c.closedAt),
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    version: c.version,
    allowedActions: allowedRequestActions(c),
  };
}

const load = (store: Store, id: string) => loadCase(store, id, REQUEST_KINDS);
const REQUEST: CaseNames = { kinds: REQUEST_KINDS, noun: 'request', entity: 'request' };

export async function listRequests(
  ctx: DomainContext,
  actor: Actor,
  q: { box: 'inbox' | 'outbox' | 'drafts' | 'all'; kind?: RequestKind | undefined; state?: string | undefined; status?: ConsultationStatus | undefined; overdue?: 'true' | 'false' | undefined; q?: string | undefined; sort?: 'updated' | 'deadline' | undefined; limit: number },
): Promise<CooperationRequest[]> {
  assertMay(actor, 'requests.read');
  const now = ctx.now();
  const side = q.box === 'inbox' ? 'recipient' : q.box === 'outbox' ? 'raiser' : q.box === 'drafts' ? 'draft' : undefined;
  const rows = await ctx.store.consultations.list({
    kinds: q.kind ? [q.kind] : [...REQUEST_KINDS],
    side,
    state: q.state,
    status: q.status,
    overdueAt: q.overdue === 'true' ? now : undefined,
    text: q.q || undefined,
    sort: q.sort,
    limit: q.limit,
  });
  return rows.map((c) => presentRequest(c, now));
}

const toLegalBasis = (r: LegalBasisRecord): LegalBasis => ({ ...r, updatedAt: r.updatedAt.toISOString() });

export async function getRequest(ctx: DomainContext, actor: Actor, id: string): Promise<RequestDetail> {
  assertMay(actor, 'requests.read');
  const { store } = ctx;
  const c = await load(store, id);
  const form = c.request as RequestForm;
  const timeline = await caseTimeline(ctx, c);
  const counterpart = counterpartOf(c);
  const [basis, referencing] = await Promise.all([counterpart ? store.legalBases.byState(counterpart) : undefined, store.consultations.referencing(c.id)]);
  const named = await Promise.all(form.related.filter((r) => r.request).map((r) => store.consultations.byId(r.request as string)));
  const isRequest = (r: ConsultationRecord | undefined): r is ConsultationRecord => r !== undefined && r.kind !== 'consultation' && r.id !== c.id;
  const related = [...named.filter(isRequest).filter((r) => believedLink(c, r)), ...referencing.filter(isRequest).filter((r) => believedLink(r, c))]
    .filter((r, i, all) => all.findIndex((x) => x.id === r.id) === i)
    .map((r) => ({ id: r.id, kind: r.kind, title: r.title, status: r.status, reference: r.request?.reference ?? '' }));
  const files = new Map(timeline.evidence.map((e) => [e.sha256, e]));
  const custody = timeline.events.flatMap((e) =>
    e.custody.map((k) => ({ sha256: k.sha256, name: files.get(k.sha256)?.name ?? k.sha256, size: files.get(k.sha256)?.size ?? 0, entries: k.entries, envelopeHash: e.envelopeHash })),
  );
  const check = c.status === 'draft' ? completeness({ kind: c.kind as RequestKind, title: c.title, summary: c.summary, form }) : { missing: [], warnings: [] };
  return {
    ...presentRequest(c, ctx.now()),
    ...timeline,
    draftEvidence: c.status === 'draft' ? c.evidence.map((e) => ('id' in e ? e.id : '')).filter(Boolean) : [],
    missing: check.missing.map((m) => ({ field: m.path, message: m.message })),
    warnings: check.warnings.map((m) => ({ field: m.path, message: m.message })),
    custody,
    related,
    legalBasis: basis ? toLegalBasis(basis) : null,
  };
}

/**
 * Whether this node shows the link `from`'s form makes to `to`. Its own officers link what they
 * like; a received form is the other state's word, believed only about a case held with that
 * same state, so a state cannot attach its request to a case this node holds with another.
 */
const believedLink = (from: ConsultationRecord, to: ConsultationRecord): boolean => from.side !== 'recipient' || counterpartOf(from) === counterpartOf(to);

/**
 * The form as `recipient` receives it: a related request keeps its id only when it is a request
 * sent to or received from that same state, which knows the id already. The id of a case with a
 * third state would tell the recipient that the case exists, and let it open a case under that id
 * at the third state before the real one arrives (a peer that is down, a queued message), so that
 * state would refuse the real request and every step after it. The reference, type and note stay;
 * the link itself is kept on this node.
 */
async function formFor(tx: Store, form: RequestForm, recipient: string): Promise<RequestForm> {
  const related = await Promise.all(form.related.map(async (r) => (r.request && (await knownTo(tx, r.request, recipient)) ? r : { ...r, request: null })));
  return { ...form, related };
}

/** Whether `state` knows of the request `id`: it is sent (not a draft) and held with that state. */
async function knownTo(tx: Store, id: string, state: string | null): Promise<boolean> {
  const held = await tx.consultations.byId(id);
  return held !== undefined && held.status !== 'draft' && counterpartOf(held) === state;
}

// ---- writing ------------------------------------------------------------------------------

function draftFields(input: Omit<CreateRequest, 'send'> | UpdateRequest) {
  return {
    kind: input.kind,
    addressees: [input.recipient],
    recipient: input.recipient,
    title: input.title,
    summary: input.summary,
    urgency: input.kind === 'emergency' ? ('urgent' as const) : input.urgency,
    tlp: input.tlp,
    responseRequestedBy: input.responseRequestedBy ? new Date(input.responseRequestedBy) : null,
    request: input.form,
    // What the search index reads besides title and summary.
    actionsRequested: input.form.dataSought,
    communicationKind: input.kind,
    evidence: [...new Set(input.evidence)].map((id) => ({ id })),
  };
}

async function checkDraft(tx: Store, ctx: DomainContext, input: { recipient: string; evidence: string[]; responseRequestedBy: string | null }): Promise<void> {
  if (input.recipient === selfCode(ctx)) throw invalid('self_addressed', `${input.recipient} is this node's own state; address the request to another state.`);
  assertDeadlineAhead(input.responseRequestedBy, ctx.now());
  if (input.evidence.length > 0) await evidenceRefs(tx, input.evidence);
}

export async function createRequest(ctx: DomainContext, actor: Actor, input: CreateRequest, meta: RequestMeta): Promise<RequestDetail> {
  assertMay(actor, 'requests.write');
  const now = ctx.now();
  const id = randomUUID();
  const draft: ConsultationRecord = {
    id,
    groupId: id,
    side: 'raiser',
    raiser: selfCode(ctx),
    status: 'draft',
    outcome: null,
    awaiting: null,
    ...draftFields(input),
    periodStart: null,
    periodEnd: null,
    sectors: [],
    severity: '',
    norms: [],
    indicators: [],
    attribution: null,
    attributionReply: null,
    raisedBy: await actorName(ctx.store, actor),
    ackDeadline: null,
    sentAt: null,
    acknowledgedAt: null,
    respondedAt: null,
    closedAt: null,
    ackOverdueNotifiedAt: null,
    decision: null,
    preserveUntil: null,
    lapseWarnedFor: null,
    consultedAt: null,
    decisionOverdueNotifiedAt: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await ctx.store.transaction(async (tx) => {
    await checkDraft(tx, ctx, input);
    await tx.consultations.insert(draft);
    await tx.consultations.addEvent(localEvent(draft, 'created', draft.raisedBy, now));
    await record(tx, ctx, actor, meta, { action: 'request.create', entityType: 'request', entityId: id, before: null, after: { kind: draft.kind, title: draft.title, recipient: draft.recipient } });
  });
  if (input.send) return sendRequest(ctx, actor, id, meta);
  return getRequest(ctx, actor, id);
}

export async function updateRequestDraft(ctx: DomainContext, actor: Actor, id: string, input: UpdateRequest, meta: RequestMeta): Promise<RequestDetail> {
  assertMay(actor, 'requests.write');
  await ctx.store.transaction((tx) =>
    editCaseDraft(tx, ctx, actor, meta, REQUEST, id, input.version, async () => {
      await checkDraft(tx, ctx, input);
      return draftFields(input);
    }),
  );
  return getRequest(ctx, actor, id);
}

export async function deleteRequestDraft(ctx: DomainContext, actor: Actor, id: string, meta: RequestMeta): Promise<void> {
  assertMay(actor, 'requests.write');
  await deleteCaseDraft(ctx, actor, meta, REQUEST, id);
}

/**
 * Sends a draft request: refused with every missing item when the form lacks what its kind
 * requires. The legal basis recorded for the requested state fills the form's when the officer
 * named none. Deadlines follow the kind (emergency requests: acknowledgement within the hour).
 */
export async function sendRequest(ctx: DomainContext, actor: Actor, id: string, meta: RequestMeta): Promise<RequestDetail> {
  assertMay(actor, 'requests.write');
  await ctx.store.transaction(async (tx) => {
    const draft = await load(tx, id);
    if (draft.status !== 'draft') throw conflict('already_sent', 'This request has already been sent.');
    // A draft saved yesterday may hold a deadline that has passed since.
    assertDeadlineAhead(draft.responseRequestedBy, ctx.now());
    const recipient = draft.recipient as string;
    const peer = (await tx.peers.list()).find((p) => p.stateCode === recipient);
    if (!peer) throw invalid('unknown_addressee', `${recipient} is not a peer of this node. An administrator must add it under Peers before a request can be sent to it.`);
    if (peer.status !== 'trusted') throw invalid('addressee_suspended', `${recipient} is suspended on this node; resume it under Peers first.`);
    let form = draft.request as RequestForm;
    const basis = await tx.legalBases.byState(recipient);
    if (basis && form.legalBasis.instruments.length === 0) {
      form = { ...form, legalBasis: { instruments: basis.instruments as RequestForm['legalBasis']['instruments'], articles: form.legalBasis.articles || basis.articles, channel: form.legalBasis.channel ?? (basis.channel as RequestForm['legalBasis']['channel']) } };
    }
    const kind = draft.kind as RequestKind;
    const { missing } = completeness({ kind, title: draft.title, summary: draft.summary, form });
    if (missing.length > 0) {
      throw invalid('request_incomplete', `The ${KIND_WORDS[kind]} lacks content the instruments require: ${missing.map((m) => m.message).join(' ')}`, missing);
    }
    const now = ctx.now();
    const ackDeadline = new Date(now.getTime() + REQUEST_ACK_HOURS[kind] * 3600_000);
    const decisionHours = REQUEST_DECISION_HOURS[kind];
    const responseRequestedBy = draft.responseRequestedBy ?? (decisionHours === null ? null : new Date(now.getTime() + decisionHours * 3600_000));
    const evidence = await evidenceRefs(tx, draft.evidence.map((e) => ('id' in e ? e.id : '')), { recipient, self: selfCode(ctx) });
    const c: ConsultationRecord = { ...draft, request: form, status: 'sent', evidence, ackDeadline, responseRequestedBy, sentAt: now, updatedAt: now, version: draft.version + 1 };
    if (!(await tx.consultations.update(c))) throw conflict('version_conflict', 'Someone changed this draft while it was being sent. Reload and send again.');
    const body: MessageBody<'request.open'> = {
      request: c.id,
      kind,
      title: c.title,
      summary: c.summary,
      urgency: c.urgency,
      tlp: c.tlp,
      form: await formFor(tx, form, recipient),
      ackDeadline: ackDeadline.toISOString(),
      responseRequestedBy: iso(responseRequestedBy),
      evidence,
      raisedBy: c.raisedBy,
    };
    const out = await enqueue(tx, ctx, { recipient, type: 'request.open', body, thread: c.id });
    await tx.consultations.addEvent({ ...localEvent(c, 'opened', c.raisedBy, now), text: c.summary, evidence, envelopeHash: out.hash });
    await evidenceSent(tx, ctx, { recipient, envelope: out.hash, evidence });
    await record(tx, ctx, actor, meta, { action: 'request.send', entityType: 'request', entityId: id, before: { status: 'draft' }, after: { status: 'sent', recipient, kind } });
  });
  ctx.onQueued?.();
  return getRequest(ctx, actor, id);
}

/** The request after `side` took a step at `at`; the caller has checked it may. */
function advance(c: ConsultationRecord, side: ConsultationSide, step: { action: RequestAction; decision: RequestDecision | null; until: string | null; outcome: string | null }, at: Date): ConsultationRecord {
  const next: ConsultationRecord = { ...c, updatedAt: at, version: c.version + 1 };
  const other: ConsultationSide = side === 'raiser' ? 'recipient' : 'raiser';
  switch (step.action) {
    case 'acknowledge':
      next.status = 'acknowledged';
      next.acknowledgedAt = at;
      break;
    case 'request_info':
      next.awaiting = other;
      break;
    case 'consult':
      next.consultedAt = at;
      break;
    case 'decide': {
      const d = step.decision as RequestDecision;
      next.decision = d;
      next.acknowledgedAt ??= at;
      next.respondedAt ??= at;
      next.awaiting = null;
      if (d.decision === 'refuse') {
        next.status = 'closed';
        next.outcome = 'refused';
        next.closedAt = at;
      } else if (d.decision === 'postpone') {
        next.status = 'postponed';
      } else {
        next.status = 'executed';
        if (c.kind === 'preservation') next.preserveUntil = new Date(d.until as string);
      }
      break;
    }
    case 'extend':
      next.preserveUntil = new Date(step.until as string);
      break;
    case 'close':
      next.status = 'closed';
      next.outcome = 'completed';
      next.closedAt = at;
      next.awaiting = null;
      break;
    case 'withdraw':
      next.status = 'closed';
      next.outcome = 'withdrawn';
      next.closedAt = at;
      next.awaiting = null;
      break;
    default:
      break;
  }
  // A side asked for information answers by writing anything.
  if (c.awaiting === side && step.action !== 'request_info') next.awaiting = null;
  return next;
}

/** The chain of custody as sent: the officer's links for each file, closed by the node's own “sent” link. */
async function custodyOf(tx: Store, ctx: DomainContext, input: RequestStep, by: string, at: Date): Promise<CustodyRecord[]> {
  const out: CustodyRecord[] = [];
  const given = new Map(input.custody.map((k) => [k.evidence, k.entries]));
  for (const evidenceId of given.keys()) {
    if (!input.evidence.includes(evidenceId)) throw invalid('custody_for_unknown_file', 'A chain of custody is given for a file that is not attached to this step.');
  }
  for (const evidenceId of [...new Set(input.evidence)]) {
    const r = await tx.evidence.byId(evidenceId);
    const entries = given.get(evidenceId);
    if (!r) throw invalid('evidence_not_found', `No evidence file with id ${evidenceId} is on this node; upload it first.`);
    if (!entries) throw invalid('custody_required', `Give the chain of custody of “${r.name}”: who collected and handled it, and when.`);
    const sent = { action: 'sent' as const, by, organisation: ctx.self?.name ?? selfCode(ctx), at: at.toISOString(), note: `Sent to ${'the requesting state'} through Parley` };
    out.push({ sha256: r.sha256, entries: [...entries, sent] });
  }
  return out;
}

/** Takes one step on a request and sends it to the other state, in one transaction. */
export async function takeRequestStep(ctx: DomainContext, actor: Actor, id: string, input: RequestStep, meta: RequestMeta): Promise<RequestDetail> {
  assertMay(actor, 'requests.write');
  await ctx.store.transaction(async (tx) => {
    const c = await load(tx, id);
    if (c.status === 'draft') throw conflict('not_sent', 'This request is still a draft; send it first.');
    const refusal = requestRefusal(c, c.side, input.action);
    if (refusal) throw refusal.code === 'wrong_side' ? forbidden(refusal.code, refusal.message) : conflict(refusal.code, refusal.message);
    const now = ctx.now();
    // A preservation executed without a date is kept for the minimum period.
    const decision = input.decision && c.kind === 'preservation' && input.decision.decision.startsWith('execute') && !input.decision.until ? { ...input.decision, until: new Date(now.getTime() + PRESERVATION_DAYS * DAY).toISOString() } : input.decision;
    const by = await actorName(tx, actor);
    const returning = input.action === 'return_evidence' || (input.action === 'decide' && input.evidence.length > 0);
    const custody = returning ? await custodyOf(tx, ctx, input, by, now) : [];
    if (!returning && input.custody.length > 0) throw invalid('custody_not_expected', 'A chain of custody goes with evidence returned by the requested state.');
    const step = { action: input.action, text: input.text, decision, until: input.until, outcome: input.outcome, evidence: input.evidence, custody };
    const problem = stepProblem(c, step, now);
    if (problem) throw invalid(problem.code, problem.message);
    const next = advance(c, c.side, step, now);
    if (!(await tx.consultations.update(next))) throw conflict('version_conflict', 'Someone else acted on this request at the same moment. Reload and try again.');
    const counterpart = counterpartOf(c) as string;
    const evidence = await evidenceRefs(tx, input.evidence, { recipient: counterpart, self: selfCode(ctx) });
    const out = await enqueue(tx, ctx, {
      recipient: counterpart,
      type: 'request.step',
      thread: c.id,
      body: { request: c.id, action: input.action, text: input.text, decision, until: input.until, outcome: input.outcome, evidence, custody, by },
    });
    await tx.consultations.addEvent(stepEvent(c, c.side, by, now, { action: input.action, text: input.text, evidence, decision, until: input.until, outcome: input.outcome, custody }, out.hash, null));
    await evidenceSent(tx, ctx, { recipient: counterpart, envelope: out.hash, evidence });
    await record(tx, ctx, actor, meta, { action: `request.${input.action}`, entityType: 'request', entityId: id, before: { status: c.status }, after: { status: next.status, outcome: next.outcome, decision: decision?.decision ?? null } });
  });
  ctx.onQueued?.();
  return getRequest(ctx, actor, id);
}

function stepEvent(
  c: ConsultationRecord,
  side: ConsultationSide,
  actor: string,
  at: Date,
  s: { action: string; text: string; evidence: ConsultationEventRecord['evidence']; decision: RequestDecision | null; until: string | null; outcome: string | null; custody: CustodyRecord[] },
  hash: string,
  notApplied: string | null,
): ConsultationEventRecord {
  return {
    ...PLAIN_EVENT,
    id: randomUUID(),
    consultationId: c.id,
    at,
    side,
    actor,
    action: s.action,
    text: s.text,
    evidence: s.evidence,
    decision: s.decision,
    custody: s.custody,
    until: s.action === 'decide' ? (s.decision?.until ? new Date(s.decision.until) : null) : s.until ? new Date(s.until) : null,
    outcome: s.outcome,
    envelopeHash: hash,
    notApplied,
  };
}

// ---- receiving ----------------------------------------------------------------------------

export async function onRequestOpen(tx: Store, ctx: DomainContext, envelope: Envelope, body: MessageBody<'request.open'>, hash: string): Promise<void> {
  if (envelope.thread !== body.request) throw invalid('wrong_thread', 'a request opens its own thread: thread and request id differ');
  if (await tx.consultations.byId(body.request)) throw conflict('id_taken', `request ${body.request} already exists on this node`);
  const at = new Date(envelope.created);
  const now = ctx.now();
  const c: ConsultationRecord = {
    id: body.request,
    groupId: body.request,
    kind: body.kind,
    side: 'recipient',
    raiser: envelope.sender,
    recipient: envelope.recipient,
    addressees: [envelope.recipient],
    status: 'sent',
    outcome: null,
    awaiting: null,
    title: body.title,
    summary: body.summary,
    periodStart: null,
    periodEnd: null,
    sectors: [],
    severity: '',
    urgency: body.urgency,
    communicationKind: body.kind,
    norms: [],
    actionsRequested: body.form.dataSought,
    responseRequestedBy: body.responseRequestedBy ? new Date(body.responseRequestedBy) : null,
    tlp: body.tlp,
    indicators: [],
    attribution: null,
    attributionReply: null,
    evidence: body.evidence,
    raisedBy: body.raisedBy,
    ackDeadline: new Date(body.ackDeadline),
    sentAt: at,
    acknowledgedAt: null,
    respondedAt: null,
    closedAt: null,
    ackOverdueNotifiedAt: null,
    request: body.form,
    decision: null,
    preserveUntil: null,
    lapseWarnedFor: null,
    consultedAt: null,
    decisionOverdueNotifiedAt: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await tx.consultations.insert(c);
  await tx.consultations.addEvent({ ...PLAIN_EVENT, id: randomUUID(), consultationId: c.id, at, side: 'raiser', actor: body.raisedBy, action: 'opened', text: body.summary, evidence: body.evidence, envelopeHash: hash });
  await evidenceReceived(tx, ctx, { sender: envelope.sender, envelope: hash, consultation: c.id, evidence: body.evidence });
  await notify(tx, ctx, 'officer', 'request.received', `${envelope.sender} sent ${KIND_WITH_ARTICLE[body.kind]} (TLP:${c.tlp}): “${c.title}”. Acknowledge it by ${caseTimeOrDash(c.ackDeadline?.toISOString())}.`, `/requests/${c.id}`);
}

const NOTIFY_ON: Record<RequestAction, string> = {
  acknowledge: 'acknowledged',
  request_info: 'asked for more information on',
  message: 'wrote on',
  consult: 'asks to consult before deciding on',
  decide: 'decided on',
  return_evidence: 'returned evidence for',
  request_extension: 'asks to extend the preservation of',
  extend: 'extended the preservation of',
  close: 'closed',
  withdraw: 'withdrew',
};

export async function onRequestStep(tx: Store, ctx: DomainContext, envelope: Envelope, body: MessageBody<'request.step'>, hash: string): Promise<void> {
  const c = await tx.consultations.byId(body.request);
  if (!c || c.status === 'draft' || c.kind === 'consultation') throw notFound('unknown_case', `no request ${body.request} is held with ${envelope.sender}`);
  const counterpart = counterpartOf(c);
  if (counterpart !== envelope.sender) throw forbidden('not_a_party', `${envelope.sender} is not a party to request ${c.id}`);
  if (envelope.thread !== c.id) throw invalid('wrong_thread', 'a request step must travel in the request thread');
  const side: ConsultationSide = c.side === 'raiser' ? 'recipient' : 'raiser';
  const at = new Date(envelope.created);
  // The same rules as on the sending node; a custody record must name a file the step carries.
  const why =
    requestRefusal(c, side, body.action)?.message ??
    stepProblem(c, body, at)?.message ??
    custodyMismatch(body);
  if (why === null) {
    const next = advance(c, side, body, at);
    if (!(await tx.consultations.update(next))) throw new Error('request changed during apply');
  }
  // Steps that crossed in transit (a decision on a request already withdrawn) stay in the thread.
  await tx.consultations.addEvent(stepEvent(c, side, body.by, at, body, hash, why));
  await evidenceReceived(tx, ctx, { sender: envelope.sender, envelope: hash, consultation: c.id, evidence: body.evidence });
  const what = body.action === 'decide' && body.decision ? ` (${body.decision.decision.replace(/_/g, ' ')})` : '';
  await notify(tx, ctx, 'officer', `request.${body.action}`, `${envelope.sender} ${NOTIFY_ON[body.action]} the ${KIND_WORDS[c.kind as RequestKind]} “${c.title}”${what}.`, `/requests/${c.id}`);
}

/** On receipt: every returned file has its chain of custody, and every chain names a file the step carries. */
function custodyMismatch(body: MessageBody<'request.step'>): string | null {
  if (!body.custody.every((k) => body.evidence.some((e) => e.sha256 === k.sha256))) return 'A chain of custody names a file the step does not carry.';
  const returning = body.action === 'return_evidence' || (body.action === 'decide' && body.evidence.length > 0);
  if (returning && !body.evidence.every((e) => body.custody.some((k) => k.sha256 === e.sha256))) return 'A returned file comes without its chain of custody.';
  return null;
}

// ---- the preservation clock ---------------------------------------------------------------

/** Warns each side's officers, once per end date, that a preservation lapses within the warning period. */
export async function notifyLapsingPreservations(ctx: DomainContext, limit = 100): Promise<number> {
  const now = ctx.now();
  return ctx.store.transaction(async (tx) => {
    const due = await tx.consultations.lapsing(new Date(now.getTime() + LAPSE_WARNING_DAYS * DAY), limit);
    for (const c of due) {
      await tx.consultations.update({ ...c, lapseWarnedFor: c.preserveUntil, version: c.version + 1 });
      const end = c.preserveUntil?.toISOString().slice(0, 10);
      const past = (c.preserveUntil?.getTime() ?? 0) <= now.getTime();
      const message =
        c.side === 'raiser'
          ? past
            ? `The preservation of data by ${c.recipient} for “${c.title}” ended on ${end}. Ask for an extension if the data is still needed.`
            : `The preservation of data by ${c.recipient} for “${c.title}” ends on ${end}. Send the mutual legal assistance request or ask for an extension before then.`
          : past
            ? `The preservation you executed for ${c.raiser}'s request “${c.title}” ended on ${end}.`
            : `The preservation you executed for ${c.raiser}'s request “${c.title}” ends on ${end}; ${c.raiser} has been told.`;
      await notify(tx, ctx, 'officer', 'request.preservation_lapsing', message, `/requests/${c.id}`);
    }
    return due.length;
  });
}

/** Tells each side's officers, once, that a request has not been decided by the time asked for. */
export async function notifyOverdueDecisions(ctx: DomainContext, limit = 100): Promise<number> {
  const now = ctx.now();
  return ctx.store.transaction(async (tx) => {
    const due = await tx.consultations.decisionsOverdue(now, limit);
    for (const c of due) {
      await tx.consultations.update({ ...c, decisionOverdueNotifiedAt: now, version: c.version + 1 });
      const noun = KIND_WORDS[c.kind as RequestKind];
      const when = caseTimeOrDash(c.responseRequestedBy?.toISOString());
      const message = c.side === 'raiser' ? `${c.recipient} has not decided on your ${noun} “${c.title}”; a decision was asked for by ${when}.` : `A decision on ${c.raiser}'s ${noun} “${c.title}” is overdue; it was asked for by ${when}.`;
      await notify(tx, ctx, 'officer', 'request.decision_overdue', message, `/requests/${c.id}`);
    }
    return due.length;
  });
}

// ---- statistics ---------------------------------------------------------------------------

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const m = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return Math.round(m * 10) / 10;
}

/** Response times per other state and kind of request: theirs to our requests, ours to theirs. */
export async function requestStatistics(ctx: DomainContext, actor: Actor): Promise<RequestStats> {
  assertMay(actor, 'requests.read');
  const rows = await ctx.store.consultations.sentRequests([...REQUEST_KINDS], 10_000);
  const groups = new Map<string, ConsultationRecord[]>();
  for (const c of rows) {
    const state = counterpartOf(c) ?? '';
    const key = `${state}|${c.kind}|${c.side === 'raiser' ? 'outgoing' : 'incoming'}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const hours = (from: Date | null, to: Date | null) => (from && to ? (to.getTime() - from.getTime()) / 3600_000 : null);
  const out: RequestStats['rows'] = [];
  for (const [key, cs] of groups) {
    const [state, kind, direction] = key.split('|') as [string, string, 'outgoing' | 'incoming'];
    const ack = cs.map((c) => hours(c.sentAt, c.acknowledgedAt)).filter((h): h is number => h !== null);
    const decided = cs.map((c) => hours(c.sentAt, c.respondedAt)).filter((h): h is number => h !== null);
    out.push({ state, kind, direction, requests: cs.length, acknowledged: ack.length, decided: decided.length, medianAckHours: median(ack), medianDecisionHours: median(decided), open: cs.filter((c) => c.status !== 'closed').length });
  }
  out.sort((a, b) => a.state.localeCompare(b.state) || a.kind.localeCompare(b.kind) || a.direction.localeCompare(b.direction));
  return { rows: out };
}

// ---- legal basis per pair of states ---------------------------------------------------------

export async function listLegalBases(ctx: DomainContext, actor: Actor): Promise<LegalBasis[]> {
  assertMay(actor, 'requests.read');
  return (await ctx.store.legalBases.list()).map(toLegalBasis);
}

export async function setLegalBasis(ctx: DomainContext, actor: Actor, state: string, input: { instruments: string[]; articles: string; channel: string | null; notes: string }, meta: RequestMeta): Promise<LegalBasis> {
  assertMay(actor, 'requests.configure');
  if (state === selfCode(ctx)) throw invalid('self_state', `${state} is this node's own state; record the legal basis for cooperation with other states.`);
  const rec: LegalBasisRecord = { state, instruments: [...new Set(input.instruments)], articles: input.articles, channel: input.channel, notes: input.notes, updatedAt: ctx.now(), updatedBy: await actorName(ctx.store, actor) };
  await ctx.store.transaction(async (tx) => {
    const before = await tx.legalBases.byState(state);
    await tx.legalBases.put(rec);
    await record(tx, ctx, actor, meta, { action: 'legal_basis.set', entityType: 'legal_basis', entityId: state, before: before ? { instruments: before.instruments, channel: before.channel } : null, after: { instruments: rec.instruments, channel: rec.channel } });
  });
  return toLegalBasis(rec);
}

export async function removeLegalBasis(ctx: DomainContext, actor: Actor, state: string, meta: RequestMeta): Promise<void> {
  assertMay(actor, 'requests.configure');
  await ctx.store.transaction(async (tx) => {
    if (!(await tx.legalBases.remove(state))) throw notFound('legal_basis_not_found', `No legal basis is recorded for ${state}.`);
    await record(tx, ctx, actor, meta, { action: 'legal_basis.remove', entityType: 'legal_basis', entityId: state, before: { state }, after: null });
  });
}

// ---- exports ------------------------------------------------------------------------------

export const REQUEST_EXPORT_FORMAT = 'parley-request-export/1';

/**
 * What leaves the node about a request: the JSON case file an officer hands on (to a prosecutor,
 * a court, the requested state), its envelopes as signed, and the printed form made from it. It
 * names related requests as the messages to the counterpart do (protocol §7.3), not as this node
 * links them: the id and details of a request only when the counterpart knows it (sent to or
 * received from that same state); any other, a draft or a case with a third state, by the
 * reference, type and note its officer wrote. The ids it keeps are those in its signed envelopes.
 */
export async function exportRequest(ctx: DomainContext, actor: Actor, id: string): Promise<{ format: string; marking: string; exportedAt: string; exportedBy: { state: string; node: string }; request: RequestDetail; envelopes: ExportedEnvelope[] }> {
  const local = await getRequest(ctx, actor, id);
  const shared = await Promise.all(local.related.map((r) => knownTo(ctx.store, r.id, local.counterpart)));
  const request: RequestDetail = {
    ...local,
    // A received form is the counterpart's own, as its envelope carries it.
    form: local.side === 'recipient' || !local.counterpart ? local.form : await formFor(ctx.store, local.form as RequestForm, local.counterpart),
    related: local.related.filter((_, i) => shared[i]),
  };
  return {
    format: REQUEST_EXPORT_FORMAT,
    marking: tlpLabel(request.tlp),
    exportedAt: ctx.now().toISOString(),
    exportedBy: { state: selfCode(ctx), node: ctx.publicUrl },
    request,
    envelopes: await threadEnvelopes(ctx, id, request.counterpart),
  };
}

/** How an executed preservation stands, after its end date. */
const PRESERVATION_WORDS: Record<string, string> = { running: 'running', lapsing: 'lapsing within a week', lapsed: 'lapsed' };

const GROUND_WORDS: Record<string, string> = {
  sovereignty_security_ordre_public: 'prejudice to sovereignty, security, ordre public or other essential interests',
  political_offence: 'political offence',
  domestic_law_bars: 'domestic law would bar the measure for a similar domestic offence',
  non_conformity: 'the request does not conform to the instrument',
  discrimination: 'substantial grounds to believe the request aims to punish a person on account of sex, race, language, religion, nationality, ethnic origin or political opinions',
};

export function decisionWords(d: RequestDecision): string {
  return [
    labelOf(L.decisions, d.decision),
    d.until ? (d.decision === 'postpone' ? `Postponed until ${caseTime(d.until)}` : `Data preserved until ${caseTime(d.until)}`) : '',
    d.grounds.length ? `Grounds: ${d.grounds.map((g) => GROUND_WORDS[g] ?? g).join('; ')}` : '',
    d.reasons ? `Reasons: ${d.reasons}` : '',
    d.conditions ? `Conditions: ${d.conditions}` : '',
  ]
    .filter(Boolean)
    .join('. ');
}

/** The printable request: numbered sections in the order of the T-CY and UNODC request forms. */
export async function requestCaseFile(ctx: DomainContext, actor: Actor, id: string): Promise<CaseFile> {
  const x = await exportRequest(ctx, actor, id);
  const r = x.request;
  const f = r.form as RequestForm;
  const names = await stateNames(ctx);
  const party = (state: string) => ({ state, name: names.get(state) ?? state });
  const receipts = new Map(x.envelopes.map((e) => [e.hash, e]));
  const or = (v: string) => v || '—';
  const numbered: Array<[string, string[]]> = [
    ['Requesting authority', [`Requesting authority: ${or(f.requestingAuthority)}`, `Investigating authority: ${or(f.investigatingAuthority)}`, `Prosecutor or court: ${or(f.prosecutorOrCourt)}; case number: ${or(f.caseNumber)}`]],
    ['Legal basis', [`Instruments: ${f.legalBasis.instruments.map((i) => labelOf(L.instruments, i)).join('; ') || '—'}`, `Articles: ${or(f.legalBasis.articles)}`, `Channel: ${f.legalBasis.channel ? labelOf(L.channels, f.legalBasis.channel) : '—'}`]],
    ['Subject and nature of the proceedings', [or(f.proceedings)]],
    ['Summary of the facts', [or(r.summary)]],
    ['Offence', [or(f.offence)]],
    [r.kind === 'mla' ? 'Assistance sought' : 'Data or measure sought', [or(f.dataSought)]],
    ['Relation to the offence and purpose', [or(f.linkToOffence)]],
    ['Custodian or location of the data', [or(f.custodianOrLocation)]],
    ['Persons, items or accounts concerned', [or(f.persons)]],
    r.kind === 'emergency' ? ['Imminent risk to life or safety', [or(f.riskToLife)]] : ['Necessity', [or(f.necessity)]],
    ...(r.kind === 'preservation' ? [['Mutual legal assistance to follow', [f.mlaToFollow === null ? '—' : f.mlaToFollow ? 'Yes: a request for mutual legal assistance will follow.' : 'No.']]] as Array<[string, string[]]> : []),
    ['Procedure to follow', [or(f.procedure)]],
    ['Confidentiality and time limits', [`Confidentiality: ${or(f.confidentiality)}`, `Time limits: ${or(f.timeLimits)}`]],
    // By reference only: the printed form may go to the requested state, and a Parley id may be a
    // third state's case (see formFor).
    ['Earlier related requests', f.related.map((x) => `${x.reference || '—'}${x.kind ? ` (${KIND_WORDS[x.kind]})` : ''}${x.note ? `: ${x.note}` : ''}`)],
    [
      'Contact of the requesting officer',
      [
        `${or(f.contact.name)}${f.contact.position ? `, ${f.contact.position}` : ''}`,
        `Phone: ${or(f.contact.phone)}; e-mail: ${or(f.contact.email)}`,
        `Office hours: ${or(f.contact.officeHours)}; time zone: ${or(f.contact.timeZone)}; preferred channel: ${or(f.contact.preferredChannel)}`,
      ],
    ],
  ];
  const sections: CaseFile['sections'] = numbered.map(([heading, paragraphs], i) => ({ heading: `${i + 1}. ${heading}`, paragraphs: paragraphs.length ? paragraphs : ['—'] }));
  if (r.decision) sections.push({ heading: 'Decision of the requested state', paragraphs: [decisionWords(r.decision as RequestDecision)] });
  if (r.custody.length) {
    sections.push({
      heading: 'Chain of custody of returned evidence',
      paragraphs: r.custody.flatMap((k) => [`${k.name} — SHA-256 ${k.sha256}`, ...k.entries.map((e) => `    ${caseTime(e.at)}  ${e.action} by ${e.by}${e.organisation ? ` (${e.organisation})` : ''}${e.note ? ` — ${e.note}` : ''}`)]),
    });
  }
  return {
    kind: 'cooperation-request',
    title: `${KIND_WORDS[r.kind][0]?.toUpperCase()}${KIND_WORDS[r.kind].slice(1)}: ${r.title}`,
    reference: f.reference ? `${f.reference} (${r.id})` : r.id,
    tlp: r.tlp,
    generatedAt: x.exportedAt,
    parties: { from: party(r.raiser), to: r.recipient ? [party(r.recipient)] : [] },
    fields: [
      // As the page of the node that prints it says it: to the requested state, not "Sent".
      { label: 'Status', value: caseStatusWords(L, { ...r, decision: (r.decision as RequestDecision | null)?.decision ?? null }) },
      { label: 'Urgency', value: labelOf(L.urgencies, r.urgency) },
      { label: 'Sent', value: caseTimeOrDash(r.sentAt) },
      { label: 'Acknowledgement due', value: caseDeadline(r.ackDeadline, r.ackState) },
      { label: 'Decision requested by', value: caseDeadline(r.responseRequestedBy, r.responseState) },
      ...(r.preserveUntil ? [{ label: 'Data preserved until', value: `${caseTime(r.preserveUntil)} (${PRESERVATION_WORDS[r.preservation] ?? r.preservation})` }] : []),
      { label: 'Made by', value: r.raisedBy },
      { label: 'Thread digest', value: r.integrity.digest ?? '—' },
    ],
    sections,
    timeline: r.events.map((e) => {
      const env = e.envelopeHash ? receipts.get(e.envelopeHash) : undefined;
      const detail = [
        e.text,
        e.decision ? decisionWords(e.decision as RequestDecision) : '',
        e.action === 'extend' && e.until ? `Preserved until ${caseTime(e.until)}` : '',
        e.outcome ? `Outcome: ${labelOf(L.outcomes, e.outcome)}` : '',
        e.custody.length ? `Chain of custody given for ${e.custody.length === 1 ? '1 item' : `${e.custody.length} items`}` : '',
        env?.receiptTime ? `Receipt: received ${caseTime(env.receiptTime)}` : '',
        e.notApplied ? `Not applied: ${e.notApplied}` : '',
      ]
        .filter(Boolean)
        .join('\n');
      return { at: e.at, actor: `${e.state} — ${e.actor}`, event: labelOf(L.events, e.action), ...(detail ? { detail } : {}), ...(e.envelopeHash ? { hashes: [{ label: 'Envelope', value: e.envelopeHash }] } : {}) };
    }),
    evidence: r.evidence.map((ev) => ({ name: ev.name, size: ev.size, sha256: ev.sha256, status: caseEvidenceStatus(ev) })),
    // The chain of custody is signed with its times to the second; the annex quotes them as signed.
    hashes: [
      ...annexHashes(x.envelopes),
      ...r.custody.map((k) => ({ label: `chain of custody of ${k.name} (SHA-256 ${k.sha256.slice(0, 12)}…), times as signed`, value: k.entries.map((e) => `${e.action} ${e.at}`).join('; ') })),
    ],
  };
}
