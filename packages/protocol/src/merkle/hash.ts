import { createHash } from 'node:crypto';

/** Every hash in the log is SHA-256 (RFC 9162 §2.1 with the RFC 6962 hash). */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** MTH({d}) = SHA-256(0x00 || d): the domain byte keeps a leaf from passing for an interior node. */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/** SHA-256(0x01 || left || right) for an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH({}) = SHA-256 of the empty string, the root of an empty log. */
export function emptyRootHash(): Buffer {
  return createHash('sha256').digest();
}
