import { InvalidLeafHashError, MerkleInputError } from './errors.js';
import { emptyRootHash, HASH_SIZE, nodeHash } from './hash.js';

/**
 * A perfect subtree: the 2^level leaves starting at index * 2^level. Once the log has
 * grown past its last leaf its hash never changes, which is what lets a store keep it.
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * Whatever holds the log's hashes, seen through the one question proofs need answered:
 * the hash of a perfect subtree lying wholly within the first `size` leaves.
 * Level 0 is the leaf hashes themselves.
 */
export interface SubtreeHashSource {
  readonly size: number;
  subtreeHash(level: number, index: number): Uint8Array;
}

/** Sizes and indexes are kept as exact JavaScript integers; 2^53 leaves is beyond any log. */
export function checkTreeInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new MerkleInputError(`${what} must be a non-negative safe integer, got ${String(value)}`);
  }
}

/** Number of significant bits; bitwise operators would truncate above 2^32. */
export function bitLength(value: number): number {
  return value < 2 ** 32 ? 32 - Math.clz32(value) : 32 + bitLength(Math.floor(value / 2 ** 32));
}

/** k in RFC 9162 §2.1.1: the largest power of two smaller than n, for n > 1. */
export function splitPoint(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}

/**
 * The perfect subtrees that make up leaves [start, end), largest first. The ranges the
 * RFC 9162 algorithms visit always start at a multiple of their own rounded-up size, so
 * this walk lands on real nodes.
 */
export function perfectSubtrees(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  let cursor = start;
  let remaining = end - start;
  while (remaining > 0) {
    const level = bitLength(remaining) - 1;
    const width = 2 ** level;
    const index = cursor / width;
    if (!Number.isInteger(index)) throw new Error(`range [${start}, ${end}) is not aligned to the tree`);
    nodes.push({ level, index });
    cursor += width;
    remaining -= width;
  }
  return nodes;
}

/**
 * MTH over a range from the hashes of its perfect subtrees, largest first. Folding from
 * the right reproduces the RFC's split at the largest power of two below the range size.
 */
export function foldSubtrees(hashes: readonly Uint8Array[]): Buffer {
  const last = hashes[hashes.length - 1];
  if (last === undefined) return emptyRootHash();
  let hash: Buffer = Buffer.from(last);
  for (let i = hashes.length - 2; i >= 0; i--) hash = nodeHash(hashes[i] as Uint8Array, hash);
  return hash;
}

/** The root of the first `size` leaves of `source`, in O(log size) lookups. */
export function treeRoot(source: SubtreeHashSource, size: number = source.size): Buffer {
  checkTreeInteger(size, 'tree size');
  if (size > source.size) throw new MerkleInputError(`tree size ${size} exceeds the ${source.size} leaves available`);
  return foldSubtrees(perfectSubtrees(0, size).map(({ level, index }) => source.subtreeHash(level, index)));
}

/** MTH(D[n]) of RFC 9162 §2.1.1 over a list of leaf hashes. */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Buffer {
  for (const hash of leafHashes) {
    if (hash.length !== HASH_SIZE) throw new InvalidLeafHashError(hash.length);
  }
  const mth = (start: number, end: number): Buffer => {
    if (end - start === 1) return Buffer.from(leafHashes[start] as Uint8Array);
    const k = splitPoint(end - start);
    return nodeHash(mth(start, start + k), mth(start + k, end));
  };
  return leafHashes.length === 0 ? emptyRootHash() : mth(0, leafHashes.length);
}
