import { createPublicKey, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import { CompactJwsError, signCompact, verifyDecoded, type DecodedCompact } from '../compact-jws.js';
import { decodeBase64UrlStrict } from '../encoding.js';
import { jsonRefusal, parseJsonStrict } from '../strict-json.js';
import { fingerprint, isFingerprint, type NodeKeyPair } from '../keys.js';
import { EnvelopeError } from './errors.js';
import { PROTOCOL_VERSION, STATE_CODE_PATTERN } from './schema.js';

/** Larger compact JWS are refused before any parsing. */
export const MAX_JWS_LENGTH = 1024 * 1024;

export const ENVELOPE_TYP = 'parley-envelope+jws';
export const RECEIPT_TYP = 'parley-receipt+jws';

/** Finds the public key for a key ID claimed by a state; undefined or null when there is none. */
export type PublicKeyLookup = (
  kid: string,
  state: string,
) => KeyObject | null | undefined | Promise<KeyObject | null | undefined>;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const HEADER_KEYS = ['alg', 'kid', 'typ'];

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/** Key IDs by signing key: deriving one exports and hashes the public key. */
const kids = new WeakMap<KeyObject, string>();

function kidOf(privateKey: KeyObject): string {
  let kid = kids.get(privateKey);
  if (kid === undefined) {
    kid = fingerprint(createPublicKey(privateKey));
    kids.set(privateKey, kid);
  }
  return kid;
}

/** Validates `value` against `schema`, signs its JSON with EdDSA and returns the compact JWS. */
export async function signPayload<T extends object>(
  value: unknown,
  schema: z.ZodType<T>,
  typ: string,
  key: Pick<NodeKeyPair, 'privateKey'>,
): Promise<string> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new EnvelopeError('schema_invalid', `cannot sign: ${describeIssues(parsed.error)}`);
  if (key.privateKey.type !== 'private' || key.privateKey.asymmetricKeyType !== 'ed25519') {
    throw new TypeError('signing needs an Ed25519 private key');
  }
  // The key ID is derived from the signing key itself, so it cannot name another key.
  const jws = await signCompact({ kid: kidOf(key.privateKey), typ }, JSON.stringify(parsed.data), key.privateKey);
  if (jws.length > MAX_JWS_LENGTH) {
    throw new EnvelopeError('schema_invalid', `cannot sign: the signed form is larger than ${MAX_JWS_LENGTH} bytes`);
  }
  return jws;
}

function decodeSegment(segment: string, what: string): Buffer {
  const bytes = decodeBase64UrlStrict(segment);
  if (bytes === undefined) throw new EnvelopeError('malformed', `the ${what} is not base64url`);
  return bytes;
}

/** A signed part's JSON: a member named twice in one object is refused, as parsers disagree on which value it has, and so is nesting deeper than any message needs. */
function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return parseJsonStrict(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (cause) {
    throw new EnvelopeError('malformed', `the ${what} ${jsonRefusal(cause)}`, { cause });
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The protected header must be exactly {alg: EdDSA, kid: <fingerprint>, typ}: nothing a verifier would have to interpret. */
function checkHeader(header: unknown, typ: string): string {
  if (!isPlainObject(header)) throw new EnvelopeError('malformed', 'the protected header is not a JSON object');
  const keys = Object.keys(header).sort();
  if (keys.length !== HEADER_KEYS.length || keys.some((key, i) => key !== HEADER_KEYS[i])) {
    throw new EnvelopeError('malformed', 'the protected header must hold exactly alg, kid and typ');
  }
  if (header.typ !== typ) throw new EnvelopeError('malformed', `the typ header must be ${typ}`);
  if (header.alg !== 'EdDSA') throw new EnvelopeError('malformed', 'the alg header must be EdDSA');
  if (typeof header.kid !== 'string' || !isFingerprint(header.kid)) {
    throw new EnvelopeError('malformed', 'the kid header must be a key fingerprint (SHA256:...)');
  }
  return header.kid;
}

interface ReadCompact {
  readonly decoded: DecodedCompact;
  readonly kid: string;
  readonly signer: string;
  readonly claimed: Record<string, unknown>;
}

/** Everything that can be checked without a key: syntax, header, version and who claims to sign. */
function readCompact(jws: unknown, typ: string, signerField: string): ReadCompact {
  if (typeof jws !== 'string') throw new EnvelopeError('malformed', 'a compact JWS is a string');
  if (jws.length > MAX_JWS_LENGTH) throw new EnvelopeError('malformed', `larger than ${MAX_JWS_LENGTH} bytes`);
  if (!COMPACT_JWS.test(jws)) throw new EnvelopeError('malformed', 'not a compact JWS (three base64url parts)');
  const [headerPart, payloadPart, signaturePart] = jws.split('.') as [string, string, string];
  // A non-canonical signature encoding would verify too and give the same envelope a second hash.
  const signature = decodeBase64UrlStrict(signaturePart);
  if (signature?.length !== 64) {
    throw new EnvelopeError('malformed', 'the signature is not the canonical base64url of 64 bytes');
  }
  const header = parseJson(decodeSegment(headerPart, 'protected header'), 'protected header');
  const kid = checkHeader(header, typ);
  const payload = decodeSegment(payloadPart, 'payload');
  const claimed = parseJson(payload, 'payload');
  if (!isPlainObject(claimed)) throw new EnvelopeError('malformed', 'the payload is not a JSON object');

  if (!Number.isInteger(claimed.v)) throw new EnvelopeError('schema_invalid', 'v: the protocol version is missing or not an integer');
  if (claimed.v !== PROTOCOL_VERSION) {
    throw new EnvelopeError('unsupported_version', `protocol version ${String(claimed.v)} is not supported (this node speaks ${PROTOCOL_VERSION})`);
  }
  const signer = claimed[signerField];
  if (typeof signer !== 'string' || !STATE_CODE_PATTERN.test(signer)) {
    throw new EnvelopeError('schema_invalid', `${signerField}: must be an ISO 3166-1 alpha-3 code`);
  }
  const decoded = { header: header as Record<string, unknown>, payload, signingInput: `${headerPart}.${payloadPart}`, signature };
  return { decoded, kid, signer, claimed };
}

function validate<T>(schema: z.ZodType<T>, claimed: unknown): T {
  const parsed = schema.safeParse(claimed);
  if (!parsed.success) throw new EnvelopeError('schema_invalid', describeIssues(parsed.error));
  return parsed.data;
}

/**
 * A compact JWS read for its form, its signature not yet checked: who claims to have signed it,
 * by which key, and what it claims. Reading once serves both the look-up of the signer's key and
 * the verification after it.
 */
export class ReadPayload<T> {
  #payload: { value: T } | undefined;

  constructor(
    readonly kid: string,
    readonly signer: string,
    readonly decoded: DecodedCompact,
    private readonly claimed: Record<string, unknown>,
    private readonly schema: z.ZodType<T>,
  ) {}

  /** The claimed payload validated by the schema (once; later calls reuse it). Not to act on before `verifyRead`. */
  get payload(): T {
    this.#payload ??= { value: validate(this.schema, this.claimed) };
    return this.#payload.value;
  }
}

/** Reads a compact JWS of kind `typ` for its form; nothing in it is trusted until `verifyRead` has checked it. */
export function readPayload<T>(jws: unknown, schema: z.ZodType<T>, typ: string, signerField: string): ReadPayload<T> {
  const { decoded, kid, signer, claimed } = readCompact(jws, typ, signerField);
  return new ReadPayload(kid, signer, decoded, claimed, schema);
}

/** Checks the signature of what `readPayload` read, under the key its signer has by that key ID, then returns the payload validated. */
export async function verifyRead<T>(read: ReadPayload<T>, publicKeyFor: PublicKeyLookup): Promise<T> {
  const { decoded, kid, signer } = read;
  const key = await publicKeyFor(kid, signer);
  if (key === null || key === undefined) throw new EnvelopeError('unknown_sender', `no key ${kid} is known for ${signer}`);
  if (key.type !== 'public' || key.asymmetricKeyType !== 'ed25519' || fingerprint(key) !== kid) {
    throw new EnvelopeError('unknown_sender', `the key found for ${signer} is not key ${kid}`);
  }
  try {
    await verifyDecoded(decoded, key);
  } catch (cause) {
    if (cause instanceof CompactJwsError && cause.code === 'bad_signature') {
      throw new EnvelopeError('bad_signature', `the signature does not verify under ${signer}'s key ${kid}`, { cause });
    }
    throw new EnvelopeError('malformed', 'the JWS could not be verified', { cause });
  }
  return read.payload;
}

/**
 * Checks a compact JWS of kind `typ` and returns its payload validated by `schema`.
 * The payload is read before verification only to learn which state signed it, so the
 * right key can be looked up; nothing else is trusted until the signature checks.
 */
export async function openPayload<T>(
  jws: unknown,
  schema: z.ZodType<T>,
  typ: string,
  signerField: string,
  publicKeyFor: PublicKeyLookup,
): Promise<T> {
  return verifyRead(readPayload(jws, schema, typ, signerField), publicKeyFor);
}
