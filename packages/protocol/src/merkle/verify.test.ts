import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
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
import { leafHash } from './hash.js';
import { MemoryMerkleTree } from './memory-tree.js';
import { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify.js';

function treeOf(size: number): MemoryMerkleTree {
  const tree = new MemoryMerkleTree();
  for (let i = 0; i < size; i++) tree.append(Buffer.from(`entry ${i}`));
  return tree;
}

const tree = treeOf(13);
const root = tree.root();
const someHash = createHash('sha256').update('some other hash').digest();

describe('verifyInclusion', () => {
  it('accepts a genuine proof and names the computed root', () => {
    const proof = tree.inclusionProof(6);
    expect(() => verifyInclusion(6, 13, tree.leafHash(6), proof, root)).not.toThrow();
    expect(rootFromInclusionProof(6, 13, tree.leafHash(6), proof).equals(root)).toBe(true);
  });

  it('rejects an index at or beyond the tree size', () => {
    expect(() => verifyInclusion(13, 13, tree.leafHash(0), [], root)).toThrow(IndexOutOfRangeError);
    expect(() => verifyInclusion(20, 13, tree.leafHash(0), [], root)).toThrow(IndexOutOfRangeError);
    expect(() => verifyInclusion(0, 0, tree.leafHash(0), [], root)).toThrow(IndexOutOfRangeError);
  });

  it('rejects a leaf hash that is not exactly 32 bytes, even with a matching root', () => {
    const short = Buffer.from('WrongLeaf');
    expect(() => verifyInclusion(0, 1, short, [], short)).toThrow(InvalidLeafHashError);
    expect(() => verifyInclusion(0, 1, Buffer.alloc(33), [], Buffer.alloc(33))).toThrow(InvalidLeafHashError);
  });

  it('rejects a proof with a hash missing or added', () => {
    const proof = tree.inclusionProof(6);
    expect(() => verifyInclusion(6, 13, tree.leafHash(6), proof.slice(1), root)).toThrow(ProofSizeError);
    expect(() => verifyInclusion(6, 13, tree.leafHash(6), [...proof, someHash], root)).toThrow(ProofSizeError);
  });

  it('rejects a proof element that is not a 32-byte hash', () => {
    const proof = tree.inclusionProof(6);
    proof[1] = Buffer.alloc(31);
    expect(() => verifyInclusion(6, 13, tree.leafHash(6), proof, root)).toThrow(InvalidHashError);
  });

  it('rejects a root of the wrong length and a root that does not match', () => {
    const proof = tree.inclusionProof(6);
    expect(() => verifyInclusion(6, 13, tree.leafHash(6), proof, Buffer.alloc(0))).toThrow(InvalidHashError);
    expect(() => verifyInclusion(6, 13, tree.leafHash(6), proof, someHash)).toThrow(RootMismatchError);
    expect(() => verifyInclusion(6, 13, leafHash(Buffer.from('forged')), proof, root)).toThrow(RootMismatchError);
  });

  it('rejects indexes and sizes that are not unsigned 64-bit integers', () => {
    const proof = tree.inclusionProof(6);
    expect(() => verifyInclusion(-1, 13, tree.leafHash(6), proof, root)).toThrow(MerkleInputError);
    expect(() => verifyInclusion(6.5, 13, tree.leafHash(6), proof, root)).toThrow(MerkleInputError);
    expect(() => verifyInclusion(6, 2 ** 64, tree.leafHash(6), proof, root)).toThrow(MerkleInputError);
    expect(() => verifyInclusion(6, 2n ** 64n, tree.leafHash(6), proof, root)).toThrow(MerkleInputError);
  });
});

describe('verifyConsistency', () => {
  const root5 = tree.root(5);

  it('accepts a genuine proof between every pair of sizes', () => {
    for (let size1 = 1; size1 <= 13; size1++) {
      for (let size2 = size1; size2 <= 13; size2++) {
        const proof = tree.consistencyProof(size1, size2);
        expect(() => verifyConsistency(size1, size2, proof, tree.root(size1), tree.root(size2))).not.toThrow();
      }
    }
  });

  it('rejects a second size smaller than the first', () => {
    expect(() => verifyConsistency(13, 5, [], root, root5)).toThrow(TreeSizeOrderError);
  });

  it('rejects a proof from the empty tree', () => {
    expect(() => verifyConsistency(0, 5, tree.consistencyProof(1, 5), tree.root(0), root5)).toThrow(
      EmptyTreeConsistencyError,
    );
  });

  it('accepts equal sizes only with an empty proof and equal roots', () => {
    expect(() => verifyConsistency(5, 5, [], root5, root5)).not.toThrow();
    expect(() => verifyConsistency(5, 5, [root5], root5, root5)).toThrow(NonEmptyProofError);
    expect(() => verifyConsistency(5, 5, [], root5, root)).toThrow(RootMismatchError);
  });

  it('follows the reference verifier in treating two empty trees as consistent', () => {
    const empty = tree.root(0);
    expect(() => verifyConsistency(0, 0, [], empty, empty)).not.toThrow();
  });

  it('rejects an empty proof between different sizes', () => {
    expect(() => verifyConsistency(5, 13, [], root5, root)).toThrow(EmptyProofError);
  });

  it('rejects a proof of the wrong length, a malformed hash and a forged old root', () => {
    const proof = tree.consistencyProof(5, 13);
    expect(() => verifyConsistency(5, 13, proof.slice(1), root5, root)).toThrow(ProofSizeError);
    expect(() => verifyConsistency(5, 13, [Buffer.alloc(3), ...proof.slice(1)], root5, root)).toThrow(InvalidHashError);
    expect(() => verifyConsistency(5, 13, proof, someHash, root)).toThrow(RootMismatchError);
    expect(() => verifyConsistency(5, 13, proof, root5, someHash)).toThrow(RootMismatchError);
    expect(() => verifyConsistency(5, 13, proof, Buffer.from('WrongRoot'), root)).toThrow(InvalidHashError);
  });

  it('gives each failure a stable code', () => {
    const codeOf = (run: () => void): string => {
      try {
        run();
      } catch (error) {
        return (error as { code: string }).code;
      }
      return 'none';
    };
    const proof = tree.consistencyProof(5, 13);
    expect([
      codeOf(() => verifyConsistency(13, 5, [], root, root5)),
      codeOf(() => verifyConsistency(0, 5, proof, root, root5)),
      codeOf(() => verifyConsistency(5, 5, proof, root5, root5)),
      codeOf(() => verifyConsistency(5, 13, [], root5, root)),
      codeOf(() => verifyConsistency(5, 13, proof.slice(1), root5, root)),
      codeOf(() => verifyConsistency(5, 13, proof, root5, someHash)),
      codeOf(() => verifyInclusion(13, 13, root, [], root)),
      codeOf(() => verifyInclusion(0, 13, Buffer.alloc(1), [], root)),
      codeOf(() => verifyInclusion(-1, 13, root, [], root)),
    ]).toEqual([
      'size_order',
      'empty_tree',
      'proof_not_empty',
      'empty_proof',
      'wrong_proof_size',
      'root_mismatch',
      'index_out_of_range',
      'invalid_leaf_hash',
      'invalid_input',
    ]);
  });
});
