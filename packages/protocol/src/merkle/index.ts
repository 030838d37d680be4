export * from './errors.js';
export { emptyRootHash, HASH_SIZE, leafHash, nodeHash } from './hash.js';
export { MemoryMerkleTree } from './memory-tree.js';
export { consistencyProof, consistencyProofPlan, inclusionProof, inclusionProofPlan, type ProofPlan } from './prove.js';
export { foldSubtrees, merkleRoot, perfectSubtrees, treeRoot, type NodeId, type SubtreeHashSource } from './subtree.js';
export {
  rootFromConsistencyProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
  type TreeInteger,
} from './verify.js';
