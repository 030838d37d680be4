import { EmptyTreeConsistencyError, IndexOutOfRangeError, MerkleInputError, TreeSizeOrderError } from './errors.js';
import { HASH_SIZE } from './hash.js';
import {
  checkTreeInteger,
  foldSubtrees,
  perfectSubtrees,
  splitPoint,
  type NodeId,
  type SubtreeHashSource,
} from './subtree.js';

/**
 * What a proof needs from storage, worked out before touching it: the perfect subtrees
 * to fetch, and how to turn their hashes into the proof. A store can fetch `nodes` in
 * one query (synchronously or not) and then call `assemble`.
 */
export interface ProofPlan {
  readonly nodes: readonly NodeId[];
  assemble(hashes: readonly Uint8Array[]): Buffer[];
}

type Range = readonly [start: number, end: number];

/** PATH(m, D[start:end]) of RFC 9162 §2.1.3.1, as the ranges whose MTH forms the proof. */
function pathRanges(m: number, start: number, end: number, out: Range[]): void {
  const n = end - start;
  if (n === 1) return;
  const k = splitPoint(n);
  if (m < k) {
    pathRanges(m, start, start + k, out);
    out.push([start + k, end]);
  } else {
    pathRanges(m - k, start + k, end, out);
    out.push([start, start + k]);
  }
}

/** SUBPROOF(m, D[start:end], b) of RFC 9162 §2.1.4.1. */
function subproofRanges(m: number, start: number, end: number, known: boolean, out: Range[]): void {
  const n = end - start;
  if (m === n) {
    if (!known) out.push([start, end]);
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproofRanges(m, start, start + k, known, out);
    out.push([start + k, end]);
  } else {
    subproofRanges(m - k, start + k, end, false, out);
    out.push([start, start + k]);
  }
}

/**
 * Each range is a perfect subtree except at most one on the right edge of the tree,
 * so a plan holds O(log n) nodes.
 */
function planFromRanges(ranges: readonly Range[]): ProofPlan {
  const groups = ranges.map(([start, end]) => perfectSubtrees(start, end));
  const nodes = groups.flat();
  return {
    nodes,
    assemble(hashes) {
      if (hashes.length !== nodes.length) {
        throw new MerkleInputError(`the plan needs ${nodes.length} hashes, got ${hashes.length}`);
      }
      for (const hash of hashes) {
        if (hash.length !== HASH_SIZE) throw new MerkleInputError(`a subtree hash is ${HASH_SIZE} bytes, got ${hash.length}`);
      }
      let offset = 0;
      return groups.map((group) => {
        const slice = hashes.slice(offset, offset + group.length);
        offset += group.length;
        return foldSubtrees(slice);
      });
    },
  };
}

/** Which subtree hashes an inclusion proof for leaf `index` in a tree of `size` leaves needs. */
export function inclusionProofPlan(index: number, size: number): ProofPlan {
  checkTreeInteger(index, 'leaf index');
  checkTreeInteger(size, 'tree size');
  if (index >= size) throw new IndexOutOfRangeError(BigInt(index), BigInt(size));
  const ranges: Range[] = [];
  pathRanges(index, 0, size, ranges);
  return planFromRanges(ranges);
}

/** Which subtree hashes a consistency proof from `size1` leaves to `size2` leaves needs. */
export function consistencyProofPlan(size1: number, size2: number): ProofPlan {
  checkTreeInteger(size1, 'first tree size');
  checkTreeInteger(size2, 'second tree size');
  if (size1 > size2) throw new TreeSizeOrderError(BigInt(size1), BigInt(size2));
  if (size1 === 0) throw new EmptyTreeConsistencyError();
  const ranges: Range[] = [];
  if (size1 < size2) subproofRanges(size1, 0, size2, true, ranges);
  return planFromRanges(ranges);
}

function fetchAndAssemble(source: SubtreeHashSource, plan: ProofPlan, size: number): Buffer[] {
  if (size > source.size) throw new MerkleInputError(`tree size ${size} exceeds the ${source.size} leaves available`);
  return plan.assemble(plan.nodes.map(({ level, index }) => source.subtreeHash(level, index)));
}

/** The RFC 9162 §2.1.3 inclusion proof of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(source: SubtreeHashSource, index: number, size: number = source.size): Buffer[] {
  return fetchAndAssemble(source, inclusionProofPlan(index, size), size);
}

/** The RFC 9162 §2.1.4 consistency proof between the trees of the first `size1` and `size2` leaves. */
export function consistencyProof(source: SubtreeHashSource, size1: number, size2: number = source.size): Buffer[] {
  return fetchAndAssemble(source, consistencyProofPlan(size1, size2), size2);
}
