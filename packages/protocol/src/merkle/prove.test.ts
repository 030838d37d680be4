import { describe, expect, it } from 'vitest';
import {
  EmptyTreeConsistencyError,
  IndexOutOfRangeError,
  MerkleError,
  MerkleInputError,
  ProofSizeError,
  RootMismatchError,
  TreeSizeOrderError,
} from './errors.js';
import { leafHash, nodeHash } from './hash.js';
import { MemoryMerkleTree } from './memory-tree.js';
import { consistencyProof, consistencyProofPlan, inclusionProof, inclusionProofPlan } from './prove.js';
import { treeRoot, type SubtreeHashSource } from './subtree.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

// A direct transcription of RFC 9162 §2.1 over the full list of leaves: slow, obviously right.
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 1) return leafHash(leaves[0] as Buffer);
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

function rfcPath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length === 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...rfcPath(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...rfcPath(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

function rfcSubproof(m: number, leaves: Buffer[], known: boolean): Buffer[] {
  if (m === leaves.length) return known ? [] : [mth(leaves)];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m <= k
    ? [...rfcSubproof(m, leaves.slice(0, k), known), mth(leaves.slice(k))]
    : [...rfcSubproof(m - k, leaves.slice(k), false), mth(leaves.slice(0, k))];
}

const hexes = (hashes: Buffer[]): string[] => hashes.map((hash) => hash.toString('hex'));

describe('proof generation against the RFC 9162 definitions', () => {
  const leaves = Array.from({ length: 40 }, (_, i) => Buffer.from(`leaf ${i}`));
  const tree = new MemoryMerkleTree();
  for (const leaf of leaves) tree.append(leaf);

  it('matches PATH for every leaf of every tree size up to 40', () => {
    for (let size = 1; size <= 40; size++) {
      for (let index = 0; index < size; index++) {
        expect(hexes(inclusionProof(tree, index, size)), `leaf ${index} of ${size}`).toEqual(
          hexes(rfcPath(index, leaves.slice(0, size))),
        );
      }
    }
  });

  it('matches PROOF for every pair of tree sizes up to 40', () => {
    for (let size2 = 1; size2 <= 40; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const expected = size1 === size2 ? [] : rfcSubproof(size1, leaves.slice(0, size2), true);
        expect(hexes(consistencyProof(tree, size1, size2)), `${size1} to ${size2}`).toEqual(hexes(expected));
      }
    }
  });

  it('computes MTH for every tree size up to 40', () => {
    for (let size = 1; size <= 40; size++) {
      expect(treeRoot(tree, size).equals(mth(leaves.slice(0, size)))).toBe(true);
    }
  });

  it('refuses impossible requests with the error a verifier would give', () => {
    expect(() => inclusionProof(tree, 40)).toThrow(IndexOutOfRangeError);
    expect(() => inclusionProof(tree, 0, 41)).toThrow(MerkleInputError);
    expect(() => consistencyProof(tree, 0, 10)).toThrow(EmptyTreeConsistencyError);
    expect(() => consistencyProof(tree, 11, 10)).toThrow(TreeSizeOrderError);
    expect(() => consistencyProof(tree, 10, 41)).toThrow(MerkleInputError);
    expect(() => inclusionProofPlan(1.5, 10)).toThrow(MerkleInputError);
  });
});

describe('proof plans', () => {
  it('lists the nodes to fetch so a store can serve them in one query', () => {
    const tree = new MemoryMerkleTree();
    for (let i = 0; i < 7; i++) tree.append(Buffer.from([i]));
    const plan = inclusionProofPlan(2, 7);
    // Leaf 3, the pair [0, 2), and the right edge [4, 7) made of [4, 6) and leaf 6.
    expect(plan.nodes).toEqual([
      { level: 0, index: 3 },
      { level: 1, index: 0 },
      { level: 1, index: 2 },
      { level: 0, index: 6 },
    ]);
    const hashes = plan.nodes.map(({ level, index }) => tree.subtreeHash(level, index));
    expect(hexes(plan.assemble(hashes))).toEqual(hexes(tree.inclusionProof(2)));
    expect(() => plan.assemble(hashes.slice(1))).toThrow(MerkleInputError);
    expect(() => plan.assemble([Buffer.alloc(31), ...hashes.slice(1)])).toThrow(MerkleInputError);
  });

  it('needs no nodes for a consistency proof between equal sizes', () => {
    expect(consistencyProofPlan(5, 5).nodes).toEqual([]);
  });
});

/**
 * A consistent tree far larger than memory: every leaf is the same except one, so any
 * perfect subtree hash is computed along a single path. It checks the index arithmetic
 * above 2^32, where JavaScript's bitwise operators would silently truncate.
 */
class VirtualTree implements SubtreeHashSource {
  readonly #plain: Buffer[] = [leafHash(Buffer.from('plain'))];
  constructor(
    readonly size: number,
    readonly special: number,
  ) {}

  #plainAt(level: number): Buffer {
    for (let l = this.#plain.length; l <= level; l++) {
      const below = this.#plain[l - 1] as Buffer;
      this.#plain.push(nodeHash(below, below));
    }
    return this.#plain[level] as Buffer;
  }

  subtreeHash(level: number, index: number): Buffer {
    const width = 2 ** level;
    const start = index * width;
    if (this.special < start || this.special >= start + width) return this.#plainAt(level);
    if (level === 0) return leafHash(Buffer.from('special'));
    return nodeHash(this.subtreeHash(level - 1, 2 * index), this.subtreeHash(level - 1, 2 * index + 1));
  }
}

describe('trees beyond 2^32 leaves', () => {
  const size = 2 ** 45 + 2 ** 33 + 12_345;
  const special = 2 ** 44 + 2 ** 32 + 7;
  const tree = new VirtualTree(size, special);
  const root = treeRoot(tree);
  const specialHash = leafHash(Buffer.from('special'));

  it('proves and verifies inclusion of a leaf far past 2^32', () => {
    const proof = inclusionProof(tree, special);
    expect(proof).toHaveLength(46);
    expect(() => verifyInclusion(special, size, specialHash, proof, root)).not.toThrow();
    expect(() => verifyInclusion(BigInt(special), BigInt(size), specialHash, proof, root)).not.toThrow();
    expect(() => verifyInclusion(special + 2 ** 32, size, specialHash, proof, root)).toThrow(RootMismatchError);
    expect(() => verifyInclusion(special, size + 2 ** 45, specialHash, proof, root)).toThrow(ProofSizeError);
  });

  it('proves and verifies consistency between sizes far past 2^32', () => {
    for (const size1 of [special + 1, 2 ** 40, 2 ** 44 + 3, size - 1]) {
      const proof = consistencyProof(tree, size1);
      expect(() => verifyConsistency(size1, size, proof, treeRoot(tree, size1), root), `from ${size1}`).not.toThrow();
      expect(() => verifyConsistency(size1 - 2 ** 32, size, proof, treeRoot(tree, size1), root)).toThrow(MerkleError);
    }
  });
});
