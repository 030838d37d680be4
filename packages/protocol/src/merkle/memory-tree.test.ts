import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidLeafHashError, MerkleInputError } from './errors.js';
import { emptyRootHash, leafHash } from './hash.js';
import { MemoryMerkleTree } from './memory-tree.js';
import { consistencyProof, inclusionProof } from './prove.js';
import { merkleRoot, treeRoot, type SubtreeHashSource } from './subtree.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

/** Wraps a source to count the hash lookups proofs make. */
function counting(source: SubtreeHashSource): { source: SubtreeHashSource; lookups: () => number } {
  let lookups = 0;
  return {
    source: {
      size: source.size,
      subtreeHash(level, index) {
        lookups++;
        return source.subtreeHash(level, index);
      },
    },
    lookups: () => lookups,
  };
}

describe('MemoryMerkleTree', () => {
  it('has the empty root and no subtrees when empty', () => {
    const tree = new MemoryMerkleTree();
    expect(tree.size).toBe(0);
    expect(tree.root().equals(emptyRootHash())).toBe(true);
    expect(() => tree.leafHash(0)).toThrow(MerkleInputError);
  });

  it('returns the index of each appended leaf and accepts precomputed leaf hashes', () => {
    const tree = new MemoryMerkleTree();
    expect(tree.append(Buffer.from('a'))).toBe(0);
    expect(tree.appendLeafHash(leafHash(Buffer.from('b')))).toBe(1);
    expect(tree.root().equals(merkleRoot([leafHash(Buffer.from('a')), leafHash(Buffer.from('b'))]))).toBe(true);
    expect(() => tree.appendLeafHash(Buffer.alloc(20))).toThrow(InvalidLeafHashError);
  });

  it('serves only subtrees that are complete', () => {
    const tree = new MemoryMerkleTree();
    for (let i = 0; i < 6; i++) tree.append(Buffer.from([i]));
    expect(() => tree.subtreeHash(1, 2)).not.toThrow();
    expect(() => tree.subtreeHash(2, 1)).toThrow(MerkleInputError);
    expect(() => tree.subtreeHash(3, 0)).toThrow(MerkleInputError);
    expect(() => tree.subtreeHash(-1, 0)).toThrow(MerkleInputError);
  });

  it('hands out copies, so callers cannot corrupt the tree', () => {
    const tree = new MemoryMerkleTree();
    tree.append(Buffer.from('x'));
    const before = tree.root();
    tree.leafHash(0).fill(0);
    expect(tree.root().equals(before)).toBe(true);
  });

  it('keeps every historical root as it grows', () => {
    const tree = new MemoryMerkleTree();
    const leafHashes: Buffer[] = [];
    for (let i = 0; i < 100; i++) {
      leafHashes.push(leafHash(Buffer.from(`leaf ${i}`)));
      tree.append(Buffer.from(`leaf ${i}`));
    }
    for (let size = 0; size <= 100; size++) {
      expect(tree.root(size).equals(merkleRoot(leafHashes.slice(0, size))), `size ${size}`).toBe(true);
    }
  });
});

describe('a million-leaf tree', () => {
  const SIZE = 1_000_000;
  // Distinct 32-byte leaf hashes without hashing a million entries: the tree treats them
  // as opaque, and building it still computes every one of its ~1,000,000 interior nodes.
  const leafHashAt = (index: number): Buffer => {
    const hash = Buffer.alloc(32, 0xab);
    hash.writeUInt32BE(index);
    return hash;
  };
  const tree = new MemoryMerkleTree();
  let root: Buffer;
  // A proof has at most one hash per level plus the right edge, itself at most one node per level.
  const bound = 2 * Math.ceil(Math.log2(SIZE)) + 2;

  beforeAll(() => {
    for (let i = 0; i < SIZE; i++) tree.appendLeafHash(leafHashAt(i));
    root = tree.root();
  });

  it('holds every leaf', () => {
    expect(tree.size).toBe(SIZE);
    expect(tree.leafHash(999_999).equals(leafHashAt(999_999))).toBe(true);
  });

  it('proves inclusion in O(log n) hash lookups', () => {
    for (const index of [0, 1, 524_287, 524_288, 999_998, 999_999, 123_456]) {
      const { source, lookups } = counting(tree);
      const proof = inclusionProof(source, index);
      expect(lookups(), `leaf ${index}`).toBeLessThanOrEqual(bound);
      verifyInclusion(index, SIZE, leafHashAt(index), proof, root);
    }
  });

  it('proves consistency from past sizes in O(log n) hash lookups', () => {
    for (const size1 of [1, 2, 3, 1000, 524_288, 524_289, 777_777, 999_999]) {
      const { source, lookups } = counting(tree);
      const proof = consistencyProof(source, size1);
      expect(lookups(), `from ${size1}`).toBeLessThanOrEqual(bound);
      verifyConsistency(size1, SIZE, proof, tree.root(size1), root);
    }
  });

  it('computes a past root in O(log n) hash lookups', () => {
    const { source, lookups } = counting(tree);
    const past = treeRoot(source, 1000);
    expect(lookups()).toBeLessThanOrEqual(Math.ceil(Math.log2(SIZE)));
    expect(past.equals(merkleRoot(Array.from({ length: 1000 }, (_, i) => leafHashAt(i))))).toBe(true);
  });
});
