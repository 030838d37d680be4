import { sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64UrlStrict } from './encoding.js';
import { jsonRefusal, parseJsonStrict } from './strict-json.js';

/**
 * JWS compact serialization (RFC 7515 §7.1) with EdDSA over Ed25519 (RFC 8037 §3.1), the one
 * form every Parley signature outside signed notes takes: envelopes, receipts, delivery and fetch
 * tokens. The signature is node:crypto's Ed25519 over the ASCII signing input
 * `BASE64URL(header) || '.' || BASE64URL(payload)`; this module only encodes and splits.
 *
 * Why not `jose`, which the protocol used before: in Node 20 jose signs and verifies through
 * WebCrypto, whose promise and job machinery cost about 1.6 times node:crypto's own call for the
 * same Ed25519 operation (bench/federation.mjs prints both), on every envelope, receipt and token.
 * The bytes are the same: tests check RFC 8037's example (Appendix A.4) and that jose verifies
 * what this signs, and this verifies what jose signs.
 *
 * Operations asked for together (a batch's envelopes and receipts) run in libuv's thread pool
 * (node:crypto's callback form), so on every core at once while the event loop serves other
 * requests and the database; on the 2-core bench machine ten verifications at once take about
 * 0.65 of the time the same ten one after another do, for about 1.15 times the CPU
 * (bench/federation.mjs prints both as baselines). A lone operation runs inline (see `ed25519`).
 *
 * Narrower than jose on purpose: the protected header must be a JSON object with `alg: "EdDSA"`
 * and no `crit` (RFC 7515 §4.1.11: a verifier must refuse extensions it does not understand, and
 * Parley defines none), every part must be canonical unpadded base64url, and the signature 64 bytes.
 */

export class CompactJwsError extends Error {
  constructor(
    readonly code: 'malformed' | 'bad_signature',
    message: string,
  ) {
    super(message);
    this.name = 'CompactJwsError';
  }
}

export interface DecodedCompact {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: Buffer;
  /** The first two parts with their dot: the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function part(text: string, what: string): Buffer {
  const bytes = decodeBase64UrlStrict(text);
  if (bytes === undefined || text === '') throw new CompactJwsError('malformed', `the ${what} is not canonical base64url`);
  return bytes;
}

/** Splits a compact JWS and decodes its header, payload and signature, checking form only. */
export function decodeCompact(jws: unknown): DecodedCompact {
  if (typeof jws !== 'string') throw new CompactJwsError('malformed', 'a compact JWS is a string');
  const first = jws.indexOf('.');
  const second = jws.indexOf('.', first + 1);
  if (first < 0 || second < 0 || jws.indexOf('.', second + 1) >= 0) throw new CompactJwsError('malformed', 'not a compact JWS (three base64url parts)');
  const signature = part(jws.slice(second + 1), 'signature');
  if (signature.length !== 64) throw new CompactJwsError('malformed', 'the signature is not 64 bytes');
  let header: unknown;
  try {
    header = parseJsonStrict(utf8.decode(part(jws.slice(0, first), 'protected header')));
  } catch (cause) {
    if (cause instanceof CompactJwsError) throw cause;
    throw new CompactJwsError('malformed', `the protected header ${jsonRefusal(cause)}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new CompactJwsError('malformed', 'the protected header is not a JSON object');
  return { header: header as Record<string, unknown>, payload: part(jws.slice(first + 1, second), 'payload'), signingInput: jws.slice(0, second), signature };
}

function checkKey(key: KeyObject, type: 'public' | 'private'): void {
  if (key.type !== type || key.asymmetricKeyType !== 'ed25519') throw new TypeError(`EdDSA needs an Ed25519 ${type} key`);
}

/** Operations asked for in the current run of the microtask queue, waiting to be started together. */
let asked: { inline: () => void; pooled: () => void }[] | undefined;

/**
 * Runs one Ed25519 operation: inline when it is the only one asked for in this run of the
 * microtask queue, in the thread pool with the others when several are (a batch's signatures,
 * checked at once). A lone operation gains nothing from another core, and handing it to a thread
 * and back costs 0.04 to 0.09 ms of CPU and wait, against 0.13 to 0.19 ms for a verification on the
 * bench machine.
 */
function ed25519<T>(inline: () => T, pooled: (done: (error: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const job = {
      inline: () => {
        try {
          resolve(inline());
        } catch (e) {
          reject(e);
        }
      },
      pooled: () => pooled((error, value) => (error ? reject(error) : resolve(value))),
    };
    if (asked) {
      asked.push(job);
      return;
    }
    asked = [job];
    queueMicrotask(() => {
      const jobs = asked!;
      asked = undefined;
      if (jobs.length === 1) jobs[0]!.inline();
      else for (const j of jobs) j.pooled();
    });
  });
}

/** Signs `payload` with header `{alg: "EdDSA", ...fields}` (in that order) and returns the compact JWS. */
export async function signCompact(fields: Readonly<Record<string, string>>, payload: string | Uint8Array, privateKey: KeyObject): Promise<string> {
  checkKey(privateKey, 'private');
  const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', ...fields }), 'utf8').toString('base64url');
  const signingInput = `${header}.${Buffer.from(payload).toString('base64url')}`;
  const data = Buffer.from(signingInput, 'ascii');
  const signature = await ed25519(
    () => sign(null, data, privateKey),
    (done) => sign(null, data, privateKey, done),
  );
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Checks an already decoded compact JWS: EdDSA, no critical extension, and the signature under `publicKey`. */
export async function verifyDecoded(decoded: DecodedCompact, publicKey: KeyObject): Promise<void> {
  checkKey(publicKey, 'public');
  if (decoded.header.alg !== 'EdDSA') throw new CompactJwsError('malformed', 'the alg header must be EdDSA');
  if ('crit' in decoded.header) throw new CompactJwsError('malformed', 'the protected header names critical extensions, and none is understood');
  const data = Buffer.from(decoded.signingInput, 'ascii');
  const valid = await ed25519(
    () => verify(null, data, publicKey, decoded.signature),
    (done) => verify(null, data, publicKey, decoded.signature, done),
  );
  if (!valid) throw new CompactJwsError('bad_signature', 'the signature does not verify');
}

/** Decodes and verifies a compact JWS; returns it decoded. */
export async function verifyCompact(jws: unknown, publicKey: KeyObject): Promise<DecodedCompact> {
  const decoded = decodeCompact(jws);
  await verifyDecoded(decoded, publicKey);
  return decoded;
}
