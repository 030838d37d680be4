import {
  EmptyProofError,
  EmptyTreeConsistencyError,
  IndexOutOfRangeError,
  InvalidHashError,
  InvalidLeafHashError,
  MerkleInputError,
  NonEmptyProofError,
  ProofSizeError,
  RootMismatchError,
  TreeSizeOrderError,
} from './errors.js';
import { HASH_SIZE, nodeHash } from './hash.js';

// Verification follows the reference verifier transparency-dev/merkle proof/verify.go,
// edge rules and order of checks included. It works on bigint so that indexes and
// sizes from other logs (uint64 there) are compared exactly rather than rounded.

/** A leaf index or tree size: a safe integer, or a bigint up to 2^64 - 1. */
export type TreeInteger = number | bigint;

const UINT64_MAX = 2n ** 64n - 1n;

function toUint64(value: TreeInteger, what: string): bigint {
  if (typeof value === 'bigint') {
    if (value >= 0n && value <= UINT64_MAX) return value;
  } else if (Number.isSafeInteger(value) && value >= 0) {
    return BigInt(value);
  }
  throw new MerkleInputError(`${what} must be an unsigned 64-bit integer, got ${String(value)}`);
}

function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

function onesCount(value: bigint): number {
  let count = 0;
  for (const digit of value.toString(2)) if (digit === '1') count++;
  return count;
}

function trailingZeros(value: bigint): number {
  let zeros = 0;
  while (value > 0n && (value & 1n) === 0n) {
    value >>= 1n;
    zeros++;
  }
  return zeros;
}

function checkHash(hash: Uint8Array, what: string): void {
  if (hash.length !== HASH_SIZE) throw new InvalidHashError(what, hash.length);
}

function checkProofHashes(proof: readonly Uint8Array[]): void {
  proof.forEach((hash, i) => checkHash(hash, `proof[${i}]`));
}

/**
 * Splits an inclusion proof at the level where the paths to `index` and to the last
 * leaf diverge: `inner` siblings below that point, `border` left siblings above it.
 */
function decomposeInclusionProof(index: bigint, size: bigint): { inner: number; border: number } {
  const inner = bitLength(index ^ (size - 1n));
  const border = onesCount(index >> BigInt(inner));
  return { inner, border };
}

function chainInner(seed: Buffer, proof: readonly Uint8Array[], index: bigint): Buffer {
  let hash = seed;
  proof.forEach((sibling, i) => {
    hash = ((index >> BigInt(i)) & 1n) === 0n ? nodeHash(hash, sibling) : nodeHash(sibling, hash);
  });
  return hash;
}

/** Like chainInner, but only left siblings count: the result is the older version of the subtree. */
function chainInnerRight(seed: Buffer, proof: readonly Uint8Array[], index: bigint): Buffer {
  let hash = seed;
  proof.forEach((sibling, i) => {
    if (((index >> BigInt(i)) & 1n) === 1n) hash = nodeHash(sibling, hash);
  });
  return hash;
}

function chainBorderRight(seed: Buffer, proof: readonly Uint8Array[]): Buffer {
  let hash = seed;
  for (const sibling of proof) hash = nodeHash(sibling, hash);
  return hash;
}

function checkMatch(what: string, calculated: Buffer, expected: Uint8Array): void {
  if (!calculated.equals(expected)) throw new RootMismatchError(what, Buffer.from(expected), calculated);
}

/** The root implied by an inclusion proof of `leafHash` at `index` in a tree of `size` leaves. */
export function rootFromInclusionProof(
  index: TreeInteger,
  size: TreeInteger,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer {
  const i = toUint64(index, 'leaf index');
  const n = toUint64(size, 'tree size');
  if (i >= n) throw new IndexOutOfRangeError(i, n);
  if (leafHash.length !== HASH_SIZE) throw new InvalidLeafHashError(leafHash.length);
  const { inner, border } = decomposeInclusionProof(i, n);
  if (proof.length !== inner + border) throw new ProofSizeError(proof.length, inner + border);
  checkProofHashes(proof);
  const below = chainInner(Buffer.from(leafHash), proof.slice(0, inner), i);
  return chainBorderRight(below, proof.slice(inner));
}

/** RFC 9162 §2.1.3.2: throws a MerkleError unless the proof puts `leafHash` at `index` under `root`. */
export function verifyInclusion(
  index: TreeInteger,
  size: TreeInteger,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const calculated = rootFromInclusionProof(index, size, leafHash, proof);
  checkHash(root, 'root');
  checkMatch('inclusion proof root', calculated, root);
}

/**
 * The root of the tree of `size2` leaves implied by a consistency proof from the tree of
 * `size1` leaves with root `root1`; throws if the proof does not reproduce `root1`.
 */
export function rootFromConsistencyProof(
  size1: TreeInteger,
  size2: TreeInteger,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
): Buffer {
  const m = toUint64(size1, 'first tree size');
  const n = toUint64(size2, 'second tree size');
  checkHash(root1, 'root1');
  if (n < m) throw new TreeSizeOrderError(m, n);
  if (m === n) {
    if (proof.length > 0) throw new NonEmptyProofError(proof.length);
    return Buffer.from(root1);
  }
  if (m === 0n) throw new EmptyTreeConsistencyError();
  if (proof.length === 0) throw new EmptyProofError();

  const decomposition = decomposeInclusionProof(m - 1n, n);
  const shift = trailingZeros(m);
  // The subtree of 2^shift leaves ending at m is perfect in both trees: start from it.
  const inner = decomposition.inner - shift;
  const seededByRoot1 = m === 1n << BigInt(shift);
  const start = seededByRoot1 ? 0 : 1;
  const expected = start + inner + decomposition.border;
  if (proof.length !== expected) throw new ProofSizeError(proof.length, expected);
  checkProofHashes(proof);

  const seed = Buffer.from(seededByRoot1 ? root1 : (proof[0] as Uint8Array));
  const rest = proof.slice(start);
  const mask = (m - 1n) >> BigInt(shift);

  const hash1 = chainBorderRight(chainInnerRight(seed, rest.slice(0, inner), mask), rest.slice(inner));
  checkMatch('consistency proof root1', hash1, root1);
  return chainBorderRight(chainInner(seed, rest.slice(0, inner), mask), rest.slice(inner));
}

/**
 * RFC 9162 §2.1.4.2: throws a MerkleError unless the tree of `size2` leaves with `root2`
 * is an append-only extension of the tree of `size1` leaves with `root1`.
 */
export function verifyConsistency(
  size1: TreeInteger,
  size2: TreeInteger,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  const calculated = rootFromConsistencyProof(size1, size2, proof, root1);
  checkHash(root2, 'root2');
  checkMatch('consistency proof root2', calculated, root2);
}
