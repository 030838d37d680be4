import { createHash } from 'node:crypto';
import { EnvelopeError } from './errors.js';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * The identity of a signed envelope or receipt in the log and in `prev` links:
 * SHA-256 over the exact compact JWS (ASCII), as `sha256:<base64url, unpadded>`.
 * Hashing the JWS rather than the JSON binds the signature too, and needs no canonical form.
 */
export function envelopeHash(jws: string): string {
  if (!COMPACT_JWS.test(jws)) throw new EnvelopeError('malformed', 'not a compact JWS');
  return `sha256:${createHash('sha256').update(jws, 'ascii').digest('base64url')}`;
}
