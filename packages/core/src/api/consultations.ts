import {
  attributionBases,
  attributionReplies,
  communicationKinds,
  confidenceLevels,
  consultationActions,
  limits,
  outcomes,
  sectors,
  severities,
  tlpLevels,
  urgencies,
  wireIndicator,
} from '@parley/protocol';
import { z } from 'zod';
import { requiredText, stateCode, text, timeInput, uuid } from './fields.js';

/** The HTTP contract of consultations: what an officer submits and what the node shows. */

const time = timeInput;
const normId = z.string().regex(/^[a-z0-9][a-z0-9.:_-]{0,63}$/i, 'A norm is named by its catalogue identifier, such as gge2015-13f.');

export const attributionInput = z.strictObject({
  to: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('state'), state: stateCode }),
    z.strictObject({ kind: z.literal('group'), name: requiredText(limits.consultation.attributionGroup, 'The group name') }),
    z.strictObject({ kind: z.literal('unknown') }),
  ]),
  basis: z.array(z.enum(attributionBases)).min(1, 'Say on what basis the activity is attributed.').max(attributionBases.length),
  confidence: z.enum(confidenceLevels),
  /** SHA-256 of evidence items sent with the consultation that the claim rests on. */
  evidence: z.array(z.string().regex(/^[0-9a-f]{64}$/, 'Name evidence by its SHA-256.')).max(100).default([]),
  statement: text(limits.consultation.attributionStatement, 'The attribution statement').default(''),
});

const consultationFields = {
  addressees: z.array(stateCode).min(1, 'Choose at least one state to consult.').max(200),
  title: requiredText(limits.consultation.title, 'The title'),
  summary: text(limits.consultation.summary, 'The summary').default(''),
  periodStart: time.nullable().default(null),
  periodEnd: time.nullable().default(null),
  sectors: z.array(z.enum(sectors)).max(sectors.length).default([]),
  severity: z.enum(severities),
  urgency: z.enum(urgencies),
  communicationKind: z.enum(communicationKinds),
  norms: z.array(normId).max(100).default([]),
  actionsRequested: text(limits.consultation.actionsRequested, 'The actions requested').default(''),
  responseRequestedBy: time.nullable().default(null),
  tlp: z.enum(tlpLevels),
  indicators: z.array(wireIndicator).max(10_000).default([]),
  attribution: attributionInput.nullable().default(null),
  /** Ids of evidence files uploaded to this node. */
  evidence: z.array(uuid).max(1000).default([]),
};

const periodInOrder = (c: { periodStart: string | null; periodEnd: string | null }) => !c.periodStart || !c.periodEnd || c.periodStart <= c.periodEnd;
const periodIssue = { message: 'The activity cannot end before it starts.', path: ['periodEnd'] };

export const createConsultationRequest = z.strictObject({ ...consultationFields, send: z.boolean().default(false) }).refine(periodInOrder, periodIssue);
export const updateDraftRequest = z.strictObject({ ...consultationFields, version: z.number().int().positive() }).refine(periodInOrder, periodIssue);

export const consultationStepRequest = z.strictObject({
  action: z.enum(consultationActions),
  text: text(limits.consultation.message, 'The message').default(''),
  evidence: z.array(uuid).max(1000).default([]),
  outcome: z.enum(outcomes).nullable().default(null),
  attributionReply: z
    .strictObject({ position: z.enum(attributionReplies), reasons: text(limits.consultation.attributionReasons, 'The reasons').default('') })
    .nullable()
    .default(null),
});

export const evidenceItem = z.object({
  sha256: z.string(),
  size: z.number(),
  name: z.string(),
  mediaType: z.string(),
  malware: z.boolean(),
  /** Present on the node that sent it, and to a verifier it is disclosed to. */
  salt: z.string().optional(),
  /** Transfer state on this node: the sender holds it; the receiver has it once its hash matched. */
  status: z.string(),
  evidenceId: z.string().nullable(),
});

export const consultationEvent = z.object({
  id: z.string(),
  at: z.string(),
  side: z.enum(['raiser', 'recipient']),
  state: z.string(),
  actor: z.string(),
  action: z.string(),
  text: z.string(),
  evidence: z.array(evidenceItem),
  outcome: z.string().nullable(),
  attributionReply: z.object({ position: z.string(), reasons: z.string() }).nullable(),
  /** A cooperation request's decision, with its grounds, reasons, conditions and date. */
  decision: z
    .object({ decision: z.string(), grounds: z.array(z.string()), reasons: z.string(), conditions: z.string(), until: z.string().nullable() })
    .nullable(),
  /** The chain of custody of each item returned by the step. */
  custody: z.array(z.object({ sha256: z.string(), entries: z.array(z.object({ action: z.string(), by: z.string(), organisation: z.string(), at: z.string(), note: z.string() })) })),
  /** A preservation's new end date (extension). */
  until: z.string().nullable(),
  envelopeHash: z.string().nullable(),
  /** For a step sent by this node: delivery to the other state, with the time its receipt names. */
  delivery: z.object({ status: z.enum(['queued', 'delivered', 'failed']), at: z.string().nullable(), error: z.string().nullable() }).nullable(),
  notApplied: z.string().nullable(),
});

export const deadlineState = z.enum(['met', 'due', 'overdue', 'none']);

export const consultation = z.object({
  id: z.string(),
  groupId: z.string(),
  side: z.enum(['raiser', 'recipient']),
  raiser: z.string(),
  recipient: z.string().nullable(),
  counterpart: z.string().nullable(),
  addressees: z.array(z.string()),
  status: z.enum(['draft', 'sent', 'acknowledged', 'in_progress', 'responded', 'closed']),
  outcome: z.string().nullable(),
  awaiting: z.enum(['raiser', 'recipient']).nullable(),
  title: z.string(),
  summary: z.string(),
  periodStart: z.string().nullable(),
  periodEnd: z.string().nullable(),
  sectors: z.array(z.string()),
  severity: z.string(),
  urgency: z.string(),
  communicationKind: z.string(),
  norms: z.array(z.string()),
  actionsRequested: z.string(),
  responseRequestedBy: z.string().nullable(),
  tlp: z.enum(tlpLevels),
  indicators: z.array(z.object({ type: z.string(), value: z.string() })),
  attribution: z.unknown().nullable(),
  attributionReply: z.object({ position: z.string(), reasons: z.string() }).nullable(),
  raisedBy: z.string(),
  ackDeadline: z.string().nullable(),
  ackState: deadlineState,
  responseState: deadlineState,
  sentAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  respondedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
  /** What the signed-in user may do next. */
  allowedActions: z.array(z.string()),
});

export const consultationDetail = consultation.extend({
  evidence: z.array(evidenceItem),
  draftEvidence: z.array(z.string()),
  events: z.array(consultationEvent),
  /** The thread's hash chain as this node holds it; both nodes show the same digest when their threads agree. */
  integrity: z.object({
    messages: z.number(),
    digest: z.string().nullable(),
    problems: z.array(z.string()),
  }),
});

export const consultationList = z.object({ consultations: z.array(consultation) });
export const consultationListQuery = z.strictObject({
  box: z.enum(['inbox', 'outbox', 'drafts', 'all']).default('all'),
  state: stateCode.optional(),
  status: z.enum(['draft', 'sent', 'acknowledged', 'in_progress', 'responded', 'closed']).optional(),
  urgency: z.enum(urgencies).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  norm: normId.optional(),
  tlp: z.enum(tlpLevels).optional(),
  q: z.string().trim().max(limits.search).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export type CreateConsultation = z.infer<typeof createConsultationRequest>;
export type UpdateDraft = z.infer<typeof updateDraftRequest>;
export type ConsultationStep = z.infer<typeof consultationStepRequest>;
export type Consultation = z.infer<typeof consultation>;
export type ConsultationDetail = z.infer<typeof consultationDetail>;
export type ConsultationEvent = z.infer<typeof consultationEvent>;

export const parseIndicatorsRequest = z.strictObject({ text: z.string().max(2_000_000, 'Paste at most 2 MB of text at a time.') });
export const importStixRequest = z.strictObject({ bundle: z.unknown() });
export const parsedIndicators = z.object({
  indicators: z.array(z.object({ type: z.string(), value: z.string() })),
  rejected: z.array(z.object({ where: z.string(), text: z.string(), reason: z.string() })),
  /** The strictest TLP marking found in an imported bundle. */
  tlp: z.enum(tlpLevels).nullable(),
});
