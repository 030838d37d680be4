import {
  custodyActions,
  decisionKinds,
  legalInstruments,
  limits,
  refusalGrounds,
  requestActions,
  requestChannels,
  requestKinds,
  requestOutcomes,
  tlpLevels,
  urgencies,
} from '@parley/protocol';
import { z } from 'zod';
import { consultationEvent, deadlineState, evidenceItem } from './consultations.js';
import { requiredText, stateCode, text, timeInput, uuid } from './fields.js';

/**
 * The HTTP contract of cooperation requests on information crimes (domain/cooperation.ts):
 * preservation, disclosure, mutual legal assistance, emergency requests and spontaneous
 * information. A request is a case like a consultation and shares its timeline, evidence,
 * thread integrity and proofs.
 */

const time = timeInput;

export const requestContactInput = z.strictObject({
  name: text(limits.requestContact.name, 'The contact name').default(''),
  position: text(limits.requestContact.position, 'The position').default(''),
  phone: text(limits.requestContact.phone, 'The phone number').default(''),
  email: text(limits.requestContact.email, 'The e-mail address').default(''),
  officeHours: text(limits.requestContact.officeHours, 'The office hours').default(''),
  timeZone: text(limits.requestContact.timeZone, 'The time zone').default(''),
  preferredChannel: text(limits.requestContact.preferredChannel, 'The preferred channel').default(''),
});

export const relatedRequestInput = z.strictObject({
  request: uuid.nullable().default(null),
  reference: text(limits.request.reference, 'The reference').default(''),
  kind: z.enum(requestKinds).nullable().default(null),
  note: text(limits.request.relatedNote, 'The note').default(''),
});

/** The request form: every field may be left empty in a draft; sending checks what its kind requires. */
export const requestFormInput = z.strictObject({
  reference: text(limits.request.reference, 'The reference number').default(''),
  requestingAuthority: text(limits.request.authority, 'The requesting authority').default(''),
  investigatingAuthority: text(limits.request.authority, 'The investigating authority').default(''),
  prosecutorOrCourt: text(limits.request.authority, 'The prosecutor or court').default(''),
  caseNumber: text(limits.request.caseNumber, 'The case number').default(''),
  proceedings: text(limits.request.proceedings, 'The subject and nature of the proceedings').default(''),
  offence: text(limits.request.offence, 'The offence').default(''),
  legalBasis: z
    .strictObject({
      instruments: z.array(z.enum(legalInstruments)).max(legalInstruments.length).default([]),
      articles: text(limits.request.articles, 'The articles').default(''),
      channel: z.enum(requestChannels).nullable().default(null),
    })
    .default({ instruments: [], articles: '', channel: null }),
  dataSought: text(limits.request.dataSought, 'The data or measure sought').default(''),
  linkToOffence: text(limits.request.particulars, 'The link to the offence').default(''),
  custodianOrLocation: text(limits.request.particulars, 'The custodian or location').default(''),
  persons: text(limits.request.particulars, 'The persons, items or accounts').default(''),
  necessity: text(limits.request.particulars, 'The necessity').default(''),
  procedure: text(limits.request.particulars, 'The procedure to follow').default(''),
  riskToLife: text(limits.request.particulars, 'The risk to life or safety').default(''),
  mlaToFollow: z.boolean().nullable().default(null),
  confidentiality: text(limits.request.confidentiality, 'The confidentiality requirement').default(''),
  timeLimits: text(limits.request.timeLimits, 'The time limits').default(''),
  related: z.array(relatedRequestInput).max(50).default([]),
  contact: requestContactInput.default({ name: '', position: '', phone: '', email: '', officeHours: '', timeZone: '', preferredChannel: '' }),
});

const requestFields = {
  kind: z.enum(requestKinds),
  recipient: stateCode,
  title: requiredText(limits.request.title, 'The subject line'),
  summary: text(limits.request.summary, 'The summary of facts').default(''),
  urgency: z.enum(urgencies).default('routine'),
  tlp: z.enum(tlpLevels).default('AMBER+STRICT'),
  responseRequestedBy: time.nullable().default(null),
  form: requestFormInput.default(requestFormInput.parse({})),
  /** Ids of evidence files uploaded to this node, sent with the request. */
  evidence: z.array(uuid).max(1000).default([]),
};

export const createRequestBody = z.strictObject({ ...requestFields, send: z.boolean().default(false) });
export const updateRequestBody = z.strictObject({ ...requestFields, version: z.number().int().positive() });

export const custodyEntryInput = z.strictObject({
  action: z.enum(custodyActions),
  by: requiredText(limits.request.custodyBy, 'Who held the item'),
  organisation: text(limits.request.custodyOrganisation, 'The organisation').default(''),
  at: time,
  note: text(limits.request.custodyNote, 'The note').default(''),
});

export const requestStepBody = z.strictObject({
  action: z.enum(requestActions),
  text: text(limits.request.message, 'The message').default(''),
  decision: z
    .strictObject({
      decision: z.enum(decisionKinds),
      grounds: z.array(z.enum(refusalGrounds)).max(refusalGrounds.length).default([]),
      reasons: text(limits.request.reasons, 'The reasons').default(''),
      conditions: text(limits.request.conditions, 'The conditions').default(''),
      until: time.nullable().default(null),
    })
    .nullable()
    .default(null),
  /** The new end of a preservation (extend). */
  until: time.nullable().default(null),
  outcome: z.enum(requestOutcomes).nullable().default(null),
  /** Ids of evidence files uploaded to this node. */
  evidence: z.array(uuid).max(1000).default([]),
  /** The chain of custody of each returned file, by its evidence id; the node adds the final “sent” link. */
  custody: z.array(z.strictObject({ evidence: uuid, entries: z.array(custodyEntryInput).min(1, 'Give at least one link of the chain of custody.').max(100) })).max(1000).default([]),
});

export const legalBasisBody = z.strictObject({
  instruments: z.array(z.enum(legalInstruments)).min(1, 'Choose at least one instrument, or “reciprocity”.').max(legalInstruments.length),
  articles: text(limits.legalBasis.articles, 'The articles').default(''),
  channel: z.enum(requestChannels).nullable().default(null),
  notes: text(limits.legalBasis.notes, 'The notes').default(''),
});

export const legalBasis = z.object({
  state: z.string(),
  instruments: z.array(z.string()),
  articles: z.string(),
  channel: z.string().nullable(),
  notes: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export const legalBasisList = z.object({ legalBases: z.array(legalBasis) });

/** A field the request's kind requires (blocks sending) or recommends (a warning). */
export const completenessItem = z.object({ field: z.string(), message: z.string() });

export const requestStatus = z.enum(['draft', 'sent', 'acknowledged', 'postponed', 'executed', 'closed']);

export const cooperationRequest = z.object({
  id: z.string(),
  kind: z.enum(requestKinds),
  side: z.enum(['raiser', 'recipient']),
  /** The requesting state. */
  raiser: z.string(),
  /** The requested state. */
  recipient: z.string().nullable(),
  counterpart: z.string().nullable(),
  status: requestStatus,
  outcome: z.string().nullable(),
  awaiting: z.enum(['raiser', 'recipient']).nullable(),
  title: z.string(),
  summary: z.string(),
  urgency: z.string(),
  tlp: z.enum(tlpLevels),
  form: z.unknown(),
  decision: z.unknown().nullable(),
  /** An executed preservation: kept until then; `preservation` says how that stands now. */
  preserveUntil: z.string().nullable(),
  preservation: z.enum(['none', 'running', 'lapsing', 'lapsed']),
  consultedAt: z.string().nullable(),
  raisedBy: z.string(),
  ackDeadline: z.string().nullable(),
  ackState: deadlineState,
  responseRequestedBy: z.string().nullable(),
  responseState: deadlineState,
  sentAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
  decidedAt: z.string().nullable(),
  closedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
  allowedActions: z.array(z.string()),
});

export const custodyView = z.object({
  sha256: z.string(),
  name: z.string(),
  size: z.number(),
  entries: z.array(z.object({ action: z.string(), by: z.string(), organisation: z.string(), at: z.string(), note: z.string() })),
  /** The envelope that returned the item, for its proof bundle. */
  envelopeHash: z.string().nullable(),
});

export const requestDetail = cooperationRequest.extend({
  evidence: z.array(evidenceItem),
  draftEvidence: z.array(z.string()),
  events: z.array(consultationEvent),
  integrity: z.object({ messages: z.number(), digest: z.string().nullable(), problems: z.array(z.string()) }),
  /** What sending requires and recommends for this kind of request. */
  missing: z.array(completenessItem),
  warnings: z.array(completenessItem),
  /** Every returned item's chain of custody as one record. */
  custody: z.array(custodyView),
  /** Other requests this one names, and those that name it, as held on this node. */
  related: z.array(z.object({ id: z.string(), kind: z.string(), title: z.string(), status: z.string(), reference: z.string() })),
  /** The instruments and channel recorded for the other state. */
  legalBasis: legalBasis.nullable(),
});

export const requestList = z.object({ requests: z.array(cooperationRequest) });
export const requestListQuery = z.strictObject({
  box: z.enum(['inbox', 'outbox', 'drafts', 'all']).default('all'),
  kind: z.enum(requestKinds).optional(),
  state: stateCode.optional(),
  status: requestStatus.optional(),
  overdue: z.enum(['true', 'false']).optional(),
  q: z.string().trim().max(limits.search).optional(),
  /** `deadline`: what falls due next first (acknowledgement, decision, end of a preservation); default: most recently changed first. */
  sort: z.enum(['updated', 'deadline']).default('updated'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const requestStats = z.object({
  rows: z.array(
    z.object({
      state: z.string(),
      kind: z.string(),
      /** outgoing: the other state's answers to ours; incoming: ours to theirs. */
      direction: z.enum(['outgoing', 'incoming']),
      requests: z.number(),
      acknowledged: z.number(),
      decided: z.number(),
      medianAckHours: z.number().nullable(),
      medianDecisionHours: z.number().nullable(),
      open: z.number(),
    }),
  ),
});

export type CreateRequest = z.infer<typeof createRequestBody>;
export type UpdateRequest = z.infer<typeof updateRequestBody>;
export type RequestStep = z.infer<typeof requestStepBody>;
export type CooperationRequest = z.infer<typeof cooperationRequest>;
export type RequestDetail = z.infer<typeof requestDetail>;
export type LegalBasis = z.infer<typeof legalBasis>;
export type RequestStats = z.infer<typeof requestStats>;
