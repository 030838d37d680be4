import { randomUUID, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { NonceMemory } from './delivery.js';
import { decodeCompact, verifyDecoded, signCompact, type DecodedCompact } from './compact-jws.js';
import { jsonRefusal, parseJsonStrict } from './strict-json.js';

/**
 * Evidence between nodes (protocol §10). A message carries only a reference to a file; the
 * receiving node then pulls the bytes from the owner at EVIDENCE_PATH/<sha256>, in ranges, each
 * request signed by a fresh fetch token. The owner serves a content only to a trusted peer it
 * has granted it to (by sending that peer a message that refers to it).
 */
export const EVIDENCE_PATH = '/federation/v1/evidence';
export const FETCH_HEADER = 'parley-fetch';
export const FETCH_TYP = 'parley-fetch+jws';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 in lowercase hexadecimal (64 characters)');

// How a message refers to a file (`evidenceRef`: hash, size, name, media type, malware mark, salt)
// is part of the consultation messages, in messages/consultations.ts.

export const fetchClaims = z.strictObject({
  /** The state asking for the content. */
  from: z.string().regex(/^[A-Z]{3}$/),
  /** The state asked (the owner of the content). */
  to: z.string().regex(/^[A-Z]{3}$/),
  sha256: sha256Hex,
  /** When the request was made, RFC 3339 UTC. */
  sent: z.iso.datetime({ offset: false }),
  /** Unique per request; an owner refuses a nonce it has seen. */
  nonce: z.uuid(),
});
export type FetchClaims = z.infer<typeof fetchClaims>;

export async function signFetch(input: { from: string; to: string; sha256: string; sent: Date }, key: KeyObject, kid: string): Promise<string> {
  const claims: FetchClaims = { from: input.from, to: input.to, sha256: input.sha256, sent: input.sent.toISOString(), nonce: randomUUID() };
  return signCompact({ kid, typ: FETCH_TYP }, JSON.stringify(claims), key);
}

export class FetchTokenError extends Error {
  constructor(
    readonly code: 'fetch_token_missing' | 'fetch_token_malformed' | 'bad_signature' | 'fetch_token_mismatch' | 'stale' | 'from_future' | 'replayed',
    message: string,
  ) {
    super(message);
    this.name = 'FetchTokenError';
  }
}

/** The claims of a fetch token before its signature is checked: only to find the requester's keys. */
export function peekFetch(token: string): { from: string; kid: string } {
  try {
    const { header, payload } = decodeCompact(token);
    const claims = parseJsonStrict(payload.toString('utf8')) as { from?: unknown };
    if (typeof claims.from !== 'string' || typeof header.kid !== 'string') throw new Error('incomplete');
    return { from: claims.from, kid: header.kid };
  } catch {
    throw new FetchTokenError('fetch_token_malformed', 'The fetch token is not a compact JWS with a requesting state and key id.');
  }
}

/** Checks a fetch token: signature by the requester's key, for this owner and this content, fresh, not replayed. */
export async function verifyFetch(
  token: string | undefined | null,
  expected: { sha256: string; owner: string; key: (kid: string) => KeyObject | undefined; now: Date; maxSkewMs: number; nonces: NonceMemory },
): Promise<FetchClaims> {
  if (!token) throw new FetchTokenError('fetch_token_missing', `A request for evidence needs a signed ${FETCH_HEADER} header.`);
  let decoded: DecodedCompact;
  try {
    decoded = decodeCompact(token);
  } catch {
    throw new FetchTokenError('fetch_token_malformed', 'The fetch token is not a compact JWS.');
  }
  const { header } = decoded;
  if (header.alg !== 'EdDSA' || header.typ !== FETCH_TYP || 'crit' in header) throw new FetchTokenError('fetch_token_malformed', 'The fetch token has the wrong algorithm or type.');
  const key = expected.key(String(header.kid ?? ''));
  if (!key) throw new FetchTokenError('bad_signature', 'The fetch token is signed with a key this node does not know for the requesting state.');
  try {
    await verifyDecoded(decoded, key);
  } catch {
    throw new FetchTokenError('bad_signature', 'The fetch token’s signature does not verify with the requesting state’s key.');
  }
  let parsed;
  try {
    parsed = fetchClaims.safeParse(parseJsonStrict(decoded.payload.toString('utf8')));
  } catch (cause) {
    throw new FetchTokenError('fetch_token_malformed', `The fetch token’s payload ${jsonRefusal(cause)}.`);
  }
  if (!parsed.success) throw new FetchTokenError('fetch_token_malformed', 'The fetch token’s claims are not valid.');
  const claims = parsed.data;
  if (claims.sha256 !== expected.sha256 || claims.to !== expected.owner) {
    throw new FetchTokenError('fetch_token_mismatch', 'The fetch token was made for another content or another node.');
  }
  const sent = Date.parse(claims.sent);
  const now = expected.now.getTime();
  if (sent < now - expected.maxSkewMs) throw new FetchTokenError('stale', `The request was made at ${claims.sent}, outside the accepted clock window.`);
  if (sent > now + expected.maxSkewMs) throw new FetchTokenError('from_future', `The request claims ${claims.sent}, ahead of this node's clock beyond the accepted window.`);
  if (!expected.nonces.remember(claims.nonce, sent + 2 * expected.maxSkewMs, now)) {
    throw new FetchTokenError('replayed', 'This request for evidence has been received before.');
  }
  return claims;
}
