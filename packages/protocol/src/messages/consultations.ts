import { z } from 'zod';
import { isoTime } from './time.js';
import { limits } from '../limits.js';
import { indicatorSchema } from '../indicators.js';
import { TLP_LEVELS } from '../tlp.js';

/*
 * Consultations on ICT incidents between two states. A consultation is one thread between a
 * raising state and a recipient state: the envelope's `thread` is the consultation id and each
 * envelope's `prev` names the one before it in the thread, whichever side sent it. Raising the
 * same matter with several states opens one consultation per state, sharing a `group` id.
 */

/** Critical-infrastructure sectors, after the sector lists of the UN GGE reports and NIS2. */
export const sectors = [
  'energy',
  'transport',
  'banking',
  'financial_market_infrastructure',
  'health',
  'drinking_water',
  'waste_water',
  'digital_infrastructure',
  'telecommunications',
  'ict_service_management',
  'public_administration',
  'elections',
  'emergency_services',
  'space',
  'food',
  'manufacturing',
  'chemicals',
  'research',
  'postal',
  'other',
] as const;

export const severities = ['low', 'moderate', 'high', 'critical'] as const;
export const urgencies = ['urgent', 'high', 'routine'] as const;

/** The kinds of communication in the UN points-of-contact communication template. */
export const communicationKinds = ['notification', 'request_for_information', 'request_for_assistance', 'request_to_mitigate', 'response'] as const;

export const tlpLevels = TLP_LEVELS;

export const attributionBases = ['technical_analysis', 'intelligence', 'law_enforcement_investigation', 'third_party_report', 'self_attribution'] as const;
export const confidenceLevels = ['low', 'moderate', 'high'] as const;
export const attributionReplies = ['accepts', 'disputes', 'under_investigation'] as const;
export const outcomes = ['resolved_or_mitigated', 'unfounded', 'no_agreement', 'withdrawn'] as const;

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

/** A typed technical indicator; the receiving node checks each value again. */
export const wireIndicator = indicatorSchema;

/**
 * An evidence file sent with a message: what it is, and the salt of its log commitment
 * (SHA-256(salt || SHA-256(file))). The receiver fetches the bytes from the sender's node and
 * checks them against `sha256` before its officers see the file as received.
 */
export const evidenceRef = z.strictObject({
  sha256: sha256Hex,
  size: z.number().int().nonnegative(),
  name: z.string().min(1).max(255),
  mediaType: z.string().max(255),
  malware: z.boolean(),
  salt: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
});

export const attributionClaim = z.strictObject({
  to: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('state'), state: z.string().regex(/^[A-Z]{3}$/) }),
    z.strictObject({ kind: z.literal('group'), name: z.string().min(1).max(limits.consultation.attributionGroup) }),
    z.strictObject({ kind: z.literal('unknown') }),
  ]),
  basis: z.array(z.enum(attributionBases)).min(1).max(attributionBases.length),
  confidence: z.enum(confidenceLevels),
  /** SHA-256 of the evidence items the claim rests on, among those sent in the thread. */
  evidence: z.array(sha256Hex).max(100),
  statement: z.string().max(limits.consultation.attributionStatement),
});

export const attributionReply = z.strictObject({
  position: z.enum(attributionReplies),
  reasons: z.string().max(limits.consultation.attributionReasons),
});

/** The step a message takes in the consultation; who may take which step is part of the protocol. */
export const consultationActions = [
  'acknowledge', // recipient, from sent
  'start', // recipient: work in progress, from acknowledged
  'respond', // recipient, from acknowledged or in progress
  'request_info', // either side, while open
  'message', // either side, while open
  'reply_attribution', // recipient, while open
  'close', // raiser, with an outcome, once acknowledged
  'withdraw', // raiser, while open
] as const;

export const consultationMessages = {
  /** Opens a consultation at the recipient. The first message of its thread. */
  'consultation.open': z.strictObject({
    consultation: z.uuid(),
    group: z.uuid(),
    /** Every state the raiser addressed on this matter, this recipient included. */
    addressees: z.array(z.string().regex(/^[A-Z]{3}$/)).min(1).max(200),
    title: z.string().min(1).max(limits.consultation.title),
    summary: z.string().max(limits.consultation.summary),
    periodStart: isoTime.nullable(),
    periodEnd: isoTime.nullable(),
    sectors: z.array(z.enum(sectors)).max(sectors.length),
    severity: z.enum(severities),
    urgency: z.enum(urgencies),
    communicationKind: z.enum(communicationKinds),
    ackDeadline: isoTime,
    norms: z.array(z.string().min(1).max(64)).max(100),
    actionsRequested: z.string().max(limits.consultation.actionsRequested),
    responseRequestedBy: isoTime.nullable(),
    tlp: z.enum(tlpLevels),
    indicators: z.array(wireIndicator).max(10_000),
    attribution: attributionClaim.nullable(),
    evidence: z.array(evidenceRef).max(1000),
    raisedBy: z.string().max(limits.account.displayName),
  }),
  /** Every later step in a consultation, from either side. */
  'consultation.step': z.strictObject({
    consultation: z.uuid(),
    action: z.enum(consultationActions),
    text: z.string().max(limits.consultation.message),
    evidence: z.array(evidenceRef).max(1000),
    outcome: z.enum(outcomes).nullable(),
    attributionReply: attributionReply.nullable(),
    by: z.string().max(limits.account.displayName),
  }),
} as const;

export type EvidenceRef = z.infer<typeof evidenceRef>;
export type AttributionClaim = z.infer<typeof attributionClaim>;
export type AttributionReply = z.infer<typeof attributionReply>;
export type ConsultationAction = (typeof consultationActions)[number];
export type Outcome = (typeof outcomes)[number];
export type TlpLevel = (typeof tlpLevels)[number];
