import { InvalidLeafHashError, MerkleInputError } from './errors.js';
import { HASH_SIZE, leafHash, nodeHash } from './hash.js';
import { consistencyProof, inclusionProof } from './prove.js';
import { checkTreeInteger, treeRoot, type SubtreeHashSource } from './subtree.js';

/** One level of the tree: its perfect-subtree hashes back to back in a growable buffer. */
class HashRow {
  #bytes = Buffer.alloc(HASH_SIZE * 16);
  count = 0;

  push(hash: Uint8Array): void {
    const end = (this.count + 1) * HASH_SIZE;
    if (end > this.#bytes.length) {
      const grown = Buffer.alloc(this.#bytes.length * 2);
      this.#bytes.copy(grown);
      this.#bytes = grown;
    }
    this.#bytes.set(hash, this.count * HASH_SIZE);
    this.count++;
  }

  /** A view into the row; callers that hand it out must copy. */
  view(index: number): Buffer {
    return this.#bytes.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }
}

/**
 * An append-only Merkle tree in memory that keeps the hash of every perfect subtree as it
 * completes (about 2n hashes, 64 MB for a million leaves), so roots and proofs for any
 * past size take O(log n) lookups.
 */
export class MemoryMerkleTree implements SubtreeHashSource {
  readonly #rows: HashRow[] = [new HashRow()];

  get size(): number {
    return (this.#rows[0] as HashRow).count;
  }

  /** Appends a leaf by its data and returns its index. */
  append(data: Uint8Array): number {
    return this.appendLeafHash(leafHash(data));
  }

  /** Appends a leaf whose hash was computed elsewhere and returns its index. */
  appendLeafHash(hash: Uint8Array): number {
    if (hash.length !== HASH_SIZE) throw new InvalidLeafHashError(hash.length);
    const index = this.size;
    let row = this.#rows[0] as HashRow;
    row.push(hash);
    // Each right child completes its parent; climb while we are a right child.
    for (let level = 0, position = index; position % 2 === 1; level++, position = (position - 1) / 2) {
      const parent = nodeHash(row.view(position - 1), row.view(position));
      row = this.#rows[level + 1] ?? this.#addRow();
      row.push(parent);
    }
    return index;
  }

  #addRow(): HashRow {
    const row = new HashRow();
    this.#rows.push(row);
    return row;
  }

  leafHash(index: number): Buffer {
    return this.subtreeHash(0, index);
  }

  subtreeHash(level: number, index: number): Buffer {
    checkTreeInteger(level, 'level');
    checkTreeInteger(index, 'index');
    const row = this.#rows[level];
    if (row === undefined || index >= row.count) {
      throw new MerkleInputError(`no complete subtree at level ${level}, index ${index} in a tree of ${this.size} leaves`);
    }
    return Buffer.from(row.view(index));
  }

  /** The root of the tree as it was at `size` leaves (by default, now). */
  root(size: number = this.size): Buffer {
    return treeRoot(this, size);
  }

  inclusionProof(index: number, size: number = this.size): Buffer[] {
    return inclusionProof(this, index, size);
  }

  consistencyProof(size1: number, size2: number = this.size): Buffer[] {
    return consistencyProof(this, size1, size2);
  }
}
