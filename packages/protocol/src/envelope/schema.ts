import { z } from 'zod';
import { UUID_PATTERN, UUID_V7_PATTERN } from './uuid.js';

/** The version of the federation protocol this package speaks. */
export const PROTOCOL_VERSION = 1;

/** ISO 3166-1 alpha-3, the code each state's node is known by. */
export const STATE_CODE_PATTERN = /^[A-Z]{3}$/;
/** `sha256:` and the unpadded base64url SHA-256 of a compact JWS. */
export const ENVELOPE_HASH_PATTERN = /^sha256:[A-Za-z0-9_-]{43}$/;
/** Dotted lowercase names such as `contacts.update` or `check.request`. */
export const MESSAGE_TYPE_PATTERN = /^[a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+$/;

const stateCode = z.string().regex(STATE_CODE_PATTERN).describe('ISO 3166-1 alpha-3 code of a state');
const envelopeHash = z
  .string()
  .regex(ENVELOPE_HASH_PATTERN)
  .describe('SHA-256 of the exact compact JWS of an envelope: sha256:<base64url, unpadded>');
// RFC 3339 in UTC with exactly three fractional digits, the form Date#toISOString writes.
const timestamp = z.iso.datetime({ precision: 3 }).describe('RFC 3339 time in UTC with milliseconds');

export const envelopeSchema = z
  .strictObject({
    v: z.literal(PROTOCOL_VERSION).describe('Protocol version'),
    id: z.string().regex(UUID_V7_PATTERN).describe('UUIDv7 naming this envelope; receivers refuse one they have seen'),
    sender: stateCode,
    recipient: stateCode,
    type: z.string().max(64).regex(MESSAGE_TYPE_PATTERN).describe('Message type, e.g. contacts.update'),
    created: timestamp,
    thread: z.string().regex(UUID_PATTERN).optional().describe('UUID of the conversation this envelope belongs to'),
    prev: envelopeHash.optional().describe('Hash of the previous envelope in the thread'),
    body: z.record(z.string(), z.json()).describe('Message content, shaped by type'),
  })
  .meta({ title: 'Parley federation envelope', description: 'Payload of a parley-envelope+jws compact JWS' });

/**
 * A federation envelope. `body` may hold JSON values only; the type stays open so typed
 * message bodies fit, and signing checks the values at run time.
 */
export type Envelope = Omit<z.infer<typeof envelopeSchema>, 'body'> & { body: Record<string, unknown> };

export const receiptSchema = z
  .strictObject({
    v: z.literal(PROTOCOL_VERSION).describe('Protocol version'),
    envelope: envelopeHash,
    receiver: stateCode,
    received: timestamp,
    status: z.literal('accepted'),
  })
  .meta({ title: 'Parley receipt', description: 'Payload of a parley-receipt+jws compact JWS' });

export type Receipt = z.infer<typeof receiptSchema>;

/** The published JSON Schema (draft 2020-12) of the envelope payload. */
export function envelopeJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(envelopeSchema) as Record<string, unknown>;
}

/** The published JSON Schema (draft 2020-12) of the receipt payload. */
export function receiptJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(receiptSchema) as Record<string, unknown>;
}
