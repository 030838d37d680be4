/** Stable codes, one per way a Merkle computation or proof can fail. */
export type MerkleErrorCode =
  | 'invalid_input'
  | 'index_out_of_range'
  | 'invalid_leaf_hash'
  | 'invalid_hash'
  | 'wrong_proof_size'
  | 'root_mismatch'
  | 'size_order'
  | 'empty_tree'
  | 'proof_not_empty'
  | 'empty_proof';

export abstract class MerkleError extends Error {
  abstract readonly code: MerkleErrorCode;
}

/** An index or size that is not an unsigned integer we can represent, or a size beyond the tree. */
export class MerkleInputError extends MerkleError {
  readonly code = 'invalid_input';
  override readonly name = 'MerkleInputError';
}

export class IndexOutOfRangeError extends MerkleError {
  readonly code = 'index_out_of_range';
  override readonly name = 'IndexOutOfRangeError';
  constructor(
    readonly index: bigint,
    readonly size: bigint,
  ) {
    super(`leaf index ${index} is not below tree size ${size}`);
  }
}

export class InvalidLeafHashError extends MerkleError {
  readonly code = 'invalid_leaf_hash';
  override readonly name = 'InvalidLeafHashError';
  constructor(readonly length: number) {
    super(`a leaf hash is 32 bytes, got ${length}`);
  }
}

/** A proof element or root that is not a 32-byte hash. */
export class InvalidHashError extends MerkleError {
  readonly code = 'invalid_hash';
  override readonly name = 'InvalidHashError';
  constructor(
    readonly what: string,
    readonly length: number,
  ) {
    super(`${what} must be a 32-byte hash, got ${length} bytes`);
  }
}

export class ProofSizeError extends MerkleError {
  readonly code = 'wrong_proof_size';
  override readonly name = 'ProofSizeError';
  constructor(
    readonly actual: number,
    readonly expected: number,
  ) {
    super(`the proof has ${actual} hashes where ${expected} are needed`);
  }
}

export class RootMismatchError extends MerkleError {
  readonly code = 'root_mismatch';
  override readonly name = 'RootMismatchError';
  constructor(
    readonly what: string,
    readonly expected: Buffer,
    readonly calculated: Buffer,
  ) {
    super(`${what}: calculated ${calculated.toString('hex')}, expected ${expected.toString('hex')}`);
  }
}

/** A consistency proof asked to go from a larger tree to a smaller one. */
export class TreeSizeOrderError extends MerkleError {
  readonly code = 'size_order';
  override readonly name = 'TreeSizeOrderError';
  constructor(
    readonly size1: bigint,
    readonly size2: bigint,
  ) {
    super(`the second tree size ${size2} is smaller than the first ${size1}`);
  }
}

/** Every tree extends the empty one, so a proof from size 0 proves nothing and is refused. */
export class EmptyTreeConsistencyError extends MerkleError {
  readonly code = 'empty_tree';
  override readonly name = 'EmptyTreeConsistencyError';
  constructor() {
    super('a consistency proof from the empty tree is meaningless');
  }
}

export class NonEmptyProofError extends MerkleError {
  readonly code = 'proof_not_empty';
  override readonly name = 'NonEmptyProofError';
  constructor(readonly length: number) {
    super(`the tree sizes are equal, so the proof must be empty, but it has ${length} hashes`);
  }
}

export class EmptyProofError extends MerkleError {
  readonly code = 'empty_proof';
  override readonly name = 'EmptyProofError';
  constructor() {
    super('the consistency proof is empty but the tree sizes differ');
  }
}
