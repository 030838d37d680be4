import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { ENVELOPE_HASH_PATTERN, MESSAGE_TYPE_PATTERN, STATE_CODE_PATTERN } from './envelope/schema.js';
import { EVIDENCE_COMMITMENT_PATTERN } from './evidence-commitment.js';
import { leafHash } from './merkle/hash.js';

/**
 * What a node records in its transparency log: one small JSON object per event, holding
 * hashes and metadata only, never content. The leaf data hashed into the Merkle tree is the
 * RFC 8785 (JSON Canonicalization Scheme) serialisation of the object in UTF-8, so anyone
 * holding the object can rebuild the exact bytes in any language without our code.
 */
export const LOG_ENTRY_KINDS = ['envelope.sent', 'envelope.received', 'receipt.received', 'receipt.issued', 'evidence.committed'] as const;
export type LogEntryKind = (typeof LOG_ENTRY_KINDS)[number];

const stateCode = z.string().regex(STATE_CODE_PATTERN).describe('ISO 3166-1 alpha-3 code of a state');
const hash = z.string().regex(ENVELOPE_HASH_PATTERN);
// The form Date#toISOString writes, so the same instant always has the same bytes.
const at = z.iso.datetime({ precision: 3 }).describe('When this node recorded the event, by its own clock: RFC 3339 UTC with milliseconds');

const envelopeEntry = z
  .strictObject({
    kind: z.enum(['envelope.sent', 'envelope.received']).describe('This node sent the envelope, or accepted it from a peer'),
    hash: hash.describe('The envelope hash (protocol §3.2)'),
    sender: stateCode,
    recipient: stateCode,
    type: z.string().max(64).regex(MESSAGE_TYPE_PATTERN).describe('The envelope type'),
    at,
  })
  .meta({ title: 'Log entry for an envelope' });

const receiptEntry = z
  .strictObject({
    kind: z
      .enum(['receipt.received', 'receipt.issued'])
      .describe('The receipt this node got back for an envelope it sent, or the receipt it signed for an envelope it accepted'),
    hash: hash.describe('SHA-256 of the exact compact JWS of the receipt, written like an envelope hash'),
    envelope: hash.describe('The hash of the envelope the receipt acknowledges'),
    sender: stateCode.describe('Who sent the envelope'),
    receiver: stateCode.describe('Who received it and signed the receipt'),
    at,
  })
  .meta({ title: 'Log entry for a receipt' });

const evidenceEntry = z
  .strictObject({
    kind: z.literal('evidence.committed').describe('An evidence item travelled in an envelope this node sent or accepted'),
    commitment: z
      .string()
      .regex(EVIDENCE_COMMITMENT_PATTERN)
      .describe('SHA-256(salt || SHA-256(file)) over the raw bytes, written like an envelope hash; never the file hash or the salt'),
    envelope: hash.describe('The hash of the envelope the evidence travelled in'),
    sender: stateCode.describe('Who sent the envelope'),
    recipient: stateCode.describe('To whom'),
    at,
  })
  .meta({ title: 'Log entry for an evidence commitment' });

export const logEntrySchema = z.union([envelopeEntry, receiptEntry, evidenceEntry]).meta({
  title: 'Parley transparency log entry',
  description: 'Leaf data of a node\u2019s log: the RFC 8785 canonical JSON of this object, in UTF-8',
});

export type EnvelopeLogEntry = z.infer<typeof envelopeEntry>;
export type ReceiptLogEntry = z.infer<typeof receiptEntry>;
export type EvidenceLogEntry = z.infer<typeof evidenceEntry>;
export type LogEntry = z.infer<typeof logEntrySchema>;

export class LogEntryError extends Error {
  override readonly name = 'LogEntryError';
  readonly code = 'invalid_log_entry';
}

/** The leaf data of an entry: RFC 8785 canonical JSON, UTF-8. */
export function encodeLogEntry(entry: LogEntry): Buffer {
  const checked = logEntrySchema.safeParse(entry);
  if (!checked.success) throw new LogEntryError(`not a log entry: ${checked.error.issues[0]?.message ?? 'invalid'}`);
  // zod returns a copy with the schema's fields only; canonicalize sorts the keys.
  return Buffer.from(canonicalize(checked.data) as string, 'utf8');
}

/**
 * Reads leaf data back, accepting only the canonical bytes: two encodings of one entry would
 * give two leaf hashes for the same claim.
 */
export function decodeLogEntry(data: Uint8Array): LogEntry {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
  } catch {
    throw new LogEntryError('leaf data is not UTF-8 JSON');
  }
  const checked = logEntrySchema.safeParse(parsed);
  if (!checked.success) throw new LogEntryError(`not a log entry: ${checked.error.issues[0]?.message ?? 'invalid'}`);
  if (!encodeLogEntry(checked.data).equals(data)) throw new LogEntryError('leaf data is not in RFC 8785 canonical form');
  return checked.data;
}

/**
 * The hash an entry is about, by which a node indexes it: the envelope's or the receipt's hash,
 * or an evidence commitment.
 */
export function logEntrySubject(entry: LogEntry): string {
  return entry.kind === 'evidence.committed' ? entry.commitment : entry.hash;
}

/** The RFC 9162 leaf hash of an entry: SHA-256(0x00 || canonical JSON). */
export function logEntryLeafHash(entry: LogEntry): Buffer {
  return leafHash(encodeLogEntry(entry));
}

/**
 * The origin a node gives its log when the log is created, and keeps for good:
 * `parley.<state code, lower case>.<first 4 bytes of SHA-256 of the node key, hex>`. It names
 * the state, is unique in practice, and survives a change of URL or a key rotation (the
 * verifier key changes, the log does not). Verifiers read it from the discovery document.
 */
export function logOrigin(stateCode: string, publicKey: Uint8Array): string {
  if (!STATE_CODE_PATTERN.test(stateCode)) throw new LogEntryError(`not a state code: ${stateCode}`);
  return `parley.${stateCode.toLowerCase()}.${createHash('sha256').update(publicKey).digest('hex').slice(0, 8)}`;
}

/** Public, unauthenticated paths where a node serves its log. */
export const LOG_PATHS = {
  checkpoint: '/log/checkpoint',
  inclusion: '/log/proof/inclusion',
  consistency: '/log/proof/consistency',
  entries: '/log/entries',
  /** `?hash=<envelope hash>`: the entries about one envelope (itself, its receipt, its evidence). */
  lookup: '/log/lookup',
} as const;

/** The most entries one `GET /log/entries` returns. */
export const LOG_ENTRIES_PAGE = 1000;
