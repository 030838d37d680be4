import { z } from 'zod';
import { isoTime } from './time.js';
import { limits } from '../limits.js';
import { TLP_LEVELS } from '../tlp.js';
import { evidenceRef, urgencies } from './consultations.js';

/*
 * Cooperation requests on information crimes between the 24/7 points of contact and central
 * authorities of two states: expedited preservation, expedited disclosure of preserved traffic
 * data, mutual legal assistance, emergency requests and spontaneous information (UN Convention
 * against Cybercrime arts. 40–44, Budapest Convention arts. 26 and 29–31, Second Additional
 * Protocol arts. 9–10). A request is a case like a consultation: one thread between the
 * requesting state and the requested state, `thread` = request id, `prev` = previous envelope.
 */

export const requestKinds = ['preservation', 'disclosure', 'mla', 'emergency', 'spontaneous'] as const;

/** The instruments that can found cooperation between two states. */
export const legalInstruments = [
  'un_cybercrime_2024',
  'budapest_2001',
  'budapest_protocol2_2022',
  'untoc_2000',
  'bilateral_treaty',
  'regional_instrument',
  'reciprocity',
  'domestic_law',
] as const;

/** How a request travels between the two states' authorities (recorded, not enforced). */
export const requestChannels = ['network_24_7', 'central_authority', 'diplomatic', 'direct_authority', 'police_cooperation'] as const;

/** Grounds on which the requested state may refuse (UN art. 40, after UNTOC art. 18(21); Budapest arts. 27(4), 29(5)). */
export const refusalGrounds = [
  'sovereignty_security_ordre_public', // prejudice to sovereignty, security, ordre public or other essential interests
  'political_offence',
  'domestic_law_bars', // domestic law would bar the measure for a similar domestic offence
  'non_conformity', // the request does not conform to the instrument
  'discrimination', // aims to punish a person for sex, race, language, religion, nationality, ethnic origin or political opinions
] as const;

export const decisionKinds = ['execute', 'execute_in_part', 'execute_under_conditions', 'postpone', 'refuse'] as const;

export const requestOutcomes = ['completed', 'refused', 'withdrawn'] as const;

export const custodyActions = ['collected', 'handled', 'analysed', 'transferred', 'sent'] as const;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const line = (max: number) => z.string().max(max);

/** What the requesting officer can be reached by, as the T-CY forms ask. */
export const requestContact = z.strictObject({
  name: line(limits.requestContact.name),
  position: line(limits.requestContact.position),
  phone: line(limits.requestContact.phone),
  email: line(limits.requestContact.email),
  officeHours: line(limits.requestContact.officeHours),
  timeZone: line(limits.requestContact.timeZone),
  preferredChannel: line(limits.requestContact.preferredChannel),
});

/** An earlier request the new one follows or relates to. */
export const relatedRequest = z.strictObject({
  /** The request's id in Parley, only for a request between the same two states (never a third state's: protocol §7.3). */
  request: z.uuid().nullable(),
  reference: line(limits.request.reference),
  kind: z.enum(requestKinds).nullable(),
  note: line(limits.request.relatedNote),
});

/** The structured content of a request; which fields are required depends on its kind. */
export const requestForm = z.strictObject({
  reference: line(limits.request.reference),
  requestingAuthority: line(limits.request.authority),
  investigatingAuthority: line(limits.request.authority),
  prosecutorOrCourt: line(limits.request.authority),
  caseNumber: line(limits.request.caseNumber),
  proceedings: line(limits.request.proceedings), // subject and nature of the investigation or proceeding
  offence: line(limits.request.offence), // offence and the provisions of law
  legalBasis: z.strictObject({ instruments: z.array(z.enum(legalInstruments)).max(legalInstruments.length), articles: line(limits.request.articles), channel: z.enum(requestChannels).nullable() }),
  dataSought: line(limits.request.dataSought), // the data or measure sought
  linkToOffence: line(limits.request.particulars),
  custodianOrLocation: line(limits.request.particulars),
  persons: line(limits.request.particulars), // identity, location, nationality of persons, items or accounts
  necessity: line(limits.request.particulars), // why preservation is necessary; purpose of the evidence
  procedure: line(limits.request.particulars), // any particular procedure to follow
  riskToLife: line(limits.request.particulars), // emergency: the imminent risk to life or safety
  mlaToFollow: z.boolean().nullable(), // preservation: a mutual legal assistance request will follow
  confidentiality: line(limits.request.confidentiality),
  timeLimits: line(limits.request.timeLimits), // the time limits requested and why
  related: z.array(relatedRequest).max(50),
  contact: requestContact,
});

/** One link of an item's chain of custody. */
export const custodyEntry = z.strictObject({
  action: z.enum(custodyActions),
  by: line(limits.request.custodyBy),
  organisation: line(limits.request.custodyOrganisation),
  at: isoTime,
  note: line(limits.request.custodyNote),
});

/** The chain of custody of one returned evidence item, named by its SHA-256. */
export const custodyRecord = z.strictObject({
  sha256: sha256Hex,
  entries: z.array(custodyEntry).min(1).max(100),
});

export const requestDecision = z.strictObject({
  decision: z.enum(decisionKinds),
  grounds: z.array(z.enum(refusalGrounds)).max(refusalGrounds.length),
  reasons: line(limits.request.reasons),
  conditions: line(limits.request.conditions),
  /** Postponed until; for an executed preservation, preserved until. */
  until: isoTime.nullable(),
});

/** The steps of a request; who may take which is part of the protocol (docs/protocol.md §7.3). */
export const requestActions = [
  'acknowledge', // requested state, from sent
  'request_info', // either side, while open
  'message', // either side, while open
  'consult', // requested state: consultation before refusing or postponing
  'decide', // requested state: execute, in part, under conditions, postpone or refuse
  'return_evidence', // requested state, once executed: results with their chain of custody
  'request_extension', // requesting state: a preservation's extension
  'extend', // requested state: preservation extended to a later date
  'close', // requesting state, with an outcome
  'withdraw', // requesting state, while open
] as const;

export const cooperationMessages = {
  /** Opens a request at the requested state; the first message of its thread. */
  'request.open': z.strictObject({
    request: z.uuid(),
    kind: z.enum(requestKinds),
    title: z.string().min(1).max(limits.request.title),
    summary: z.string().max(limits.request.summary), // summary of the facts
    urgency: z.enum(urgencies),
    tlp: z.enum(TLP_LEVELS),
    form: requestForm,
    ackDeadline: isoTime,
    responseRequestedBy: isoTime.nullable(),
    evidence: z.array(evidenceRef).max(1000),
    raisedBy: z.string().max(limits.account.displayName),
  }),
  /** Every later step of a request, from either side. */
  'request.step': z.strictObject({
    request: z.uuid(),
    action: z.enum(requestActions),
    text: z.string().max(limits.request.message),
    decision: requestDecision.nullable(),
    /** The new preservation end date of an `extend` step. */
    until: isoTime.nullable(),
    outcome: z.enum(requestOutcomes).nullable(),
    evidence: z.array(evidenceRef).max(1000),
    custody: z.array(custodyRecord).max(1000),
    by: z.string().max(limits.account.displayName),
  }),
} as const;

export type RequestKind = (typeof requestKinds)[number];
export type RequestAction = (typeof requestActions)[number];
export type RequestForm = z.infer<typeof requestForm>;
export type RequestDecision = z.infer<typeof requestDecision>;
export type CustodyRecord = z.infer<typeof custodyRecord>;
export type CustodyEntry = z.infer<typeof custodyEntry>;
export type RefusalGround = (typeof refusalGrounds)[number];
export type DecisionKind = (typeof decisionKinds)[number];
export type RequestOutcome = (typeof requestOutcomes)[number];
