import { createHash, randomBytes } from 'node:crypto';
import { decodeBase64UrlStrict } from './encoding.js';

/**
 * Salted evidence commitments (docs/protocol.md §9.1). A log entry names an evidence file by
 * `SHA-256(salt || SHA-256(file))`, never by the file's own hash: without the salt, a reader
 * of the public log cannot test guesses about which known file was sent. The salt travels
 * inside the (signed, private) message with the file hash, and its holder may disclose it to
 * let a third party check the file.
 */

/** A salt: 32 random bytes, unpadded base64url (43 characters). */
export const EVIDENCE_SALT_PATTERN = /^[A-Za-z0-9_-]{43}$/;
/** The SHA-256 of a file as 64 lower-case hex digits. */
export const FILE_SHA256_PATTERN = /^[0-9a-f]{64}$/;
/** A commitment, written like an envelope hash: `sha256:` and unpadded base64url. */
export const EVIDENCE_COMMITMENT_PATTERN = /^sha256:[A-Za-z0-9_-]{43}$/;

export class EvidenceCommitmentError extends Error {
  override readonly name = 'EvidenceCommitmentError';
  readonly code = 'invalid_evidence_commitment';
}

/** A fresh random salt for one evidence item. */
export function newEvidenceSalt(): string {
  return randomBytes(32).toString('base64url');
}

/** The SHA-256 of a file's bytes, hex, as messages carry it. */
export function fileSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * `sha256:` + base64url of SHA-256(salt || SHA-256(file)), over the raw bytes: the 32 bytes
 * of the salt (given as base64url) then the 32 bytes of the file hash (given as hex).
 */
export function evidenceCommitment(salt: string, fileHashHex: string): string {
  const saltBytes = EVIDENCE_SALT_PATTERN.test(salt) ? decodeBase64UrlStrict(salt) : undefined;
  if (saltBytes === undefined || saltBytes.length !== 32) {
    throw new EvidenceCommitmentError('an evidence salt is 32 bytes in unpadded base64url (43 characters)');
  }
  if (!FILE_SHA256_PATTERN.test(fileHashHex)) throw new EvidenceCommitmentError('a file hash is the SHA-256 of the file in 64 lower-case hex digits');
  return `sha256:${createHash('sha256').update(saltBytes).update(Buffer.from(fileHashHex, 'hex')).digest('base64url')}`;
}
