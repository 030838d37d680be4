import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MerkleError } from './errors.js';
import { leafHash, nodeHash } from './hash.js';
import { MemoryMerkleTree } from './memory-tree.js';
import { consistencyProof, inclusionProof } from './prove.js';
import { merkleRoot } from './subtree.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

// Vectors from transparency-dev/merkle; fixtures/merkle/README.md names each file's source.
const FIXTURES = fileURLToPath(new URL('../../../../fixtures/merkle/', import.meta.url));

interface KnownAnswers {
  leafInputs: string[];
  nodeHashes: string[][];
  rootHashes: string[];
  inclusionProofs: { leaf: number; size: number; proof: string[] }[];
  consistencyProofs: { size1: number; size2: number; proof: string[] }[];
}

const known = JSON.parse(readFileSync(join(FIXTURES, 'known-answers.json'), 'utf8')) as KnownAnswers;
const hex = (value: string): Buffer => Buffer.from(value, 'hex');
const b64 = (value: string): Buffer => Buffer.from(value, 'base64');
const leaves = known.leafInputs.map(hex);

function eightLeafTree(): MemoryMerkleTree {
  const tree = new MemoryMerkleTree();
  for (const leaf of leaves) tree.append(leaf);
  return tree;
}

function listJson(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listJson(join(dir, entry.name)) : entry.name.endsWith('.json') ? [join(dir, entry.name)] : [],
  );
}

/** Upstream writes uint64 values (one is 2^64 - 1); read them as bigint rather than rounding. */
function readVector(file: string, integerFields: string[]): Record<string, unknown> {
  const fields = integerFields.join('|');
  const text = readFileSync(file, 'utf8').replace(new RegExp(`"(${fields})":\\s*(\\d+)`, 'g'), '"$1":"$2"');
  const parsed = JSON.parse(text) as Record<string, unknown>;
  for (const field of integerFields) parsed[field] = BigInt(parsed[field] as string);
  return parsed;
}

const decodeProof = (proof: unknown): Buffer[] => ((proof as string[] | null) ?? []).map(b64);

describe('eight-leaf known answers (testonly/constants.go, proof/verify_test.go)', () => {
  it('hashes every leaf input to the published level-0 node hash', () => {
    expect(leaves.map((leaf) => leafHash(leaf).toString('hex'))).toEqual(known.nodeHashes[0]);
  });

  it('computes the published root for every tree size 0 to 8', () => {
    const leafHashes = leaves.map((leaf) => leafHash(leaf));
    known.rootHashes.forEach((root, size) => {
      expect(merkleRoot(leafHashes.slice(0, size)).toString('hex'), `size ${size}`).toBe(root);
    });
  });

  it('keeps every published perfect-subtree hash and historical root in the memory tree', () => {
    const tree = eightLeafTree();
    known.nodeHashes.forEach((row, level) =>
      row.forEach((hash, index) => expect(tree.subtreeHash(level, index).toString('hex')).toBe(hash)),
    );
    known.rootHashes.forEach((root, size) => expect(tree.root(size).toString('hex')).toBe(root));
  });

  it('generates and verifies the published inclusion proofs', () => {
    const tree = eightLeafTree();
    for (const { leaf, size, proof } of known.inclusionProofs) {
      const index = leaf - 1;
      const generated = inclusionProof(tree, index, size).map((hash) => hash.toString('hex'));
      expect(generated, `leaf ${leaf} in ${size}`).toEqual(proof);
      verifyInclusion(index, size, leafHash(leaves[index] as Buffer), proof.map(hex), hex(known.rootHashes[size] as string));
    }
  });

  it('generates and verifies the published consistency proofs', () => {
    const tree = eightLeafTree();
    for (const { size1, size2, proof } of known.consistencyProofs) {
      const generated = consistencyProof(tree, size1, size2).map((hash) => hash.toString('hex'));
      expect(generated, `${size1} to ${size2}`).toEqual(proof);
      verifyConsistency(size1, size2, proof.map(hex), hex(known.rootHashes[size1] as string), hex(known.rootHashes[size2] as string));
    }
  });

  it('derives each interior node hash from its children', () => {
    known.nodeHashes.slice(1).forEach((row, above) =>
      row.forEach((hash, index) => {
        const children = known.nodeHashes[above] as string[];
        expect(nodeHash(hex(children[2 * index] as string), hex(children[2 * index + 1] as string)).toString('hex')).toBe(hash);
      }),
    );
  });
});

describe('testdata/inclusion vectors', () => {
  const files = listJson(join(FIXTURES, 'inclusion'));

  it('has the vectors the README lists', () => {
    expect(files.length).toBe(82);
  });

  it.each(files.map((file) => [relative(FIXTURES, file), file]))('%s', (_name, file) => {
    const vector = readVector(file, ['leafIdx', 'treeSize']);
    const run = () =>
      verifyInclusion(
        vector.leafIdx as bigint,
        vector.treeSize as bigint,
        b64(vector.leafHash as string),
        decodeProof(vector.proof),
        b64(vector.root as string),
      );
    if (vector.wantErr) {
      expect(run).toThrow(MerkleError);
    } else {
      expect(run).not.toThrow();
      const generated = inclusionProof(eightLeafTree(), Number(vector.leafIdx), Number(vector.treeSize));
      expect(generated.map((hash) => hash.toString('base64'))).toEqual(vector.proof ?? []);
    }
  });
});

describe('testdata/consistency vectors', () => {
  const files = listJson(join(FIXTURES, 'consistency'));

  it('has the vectors the README lists', () => {
    expect(files.length).toBe(84);
  });

  it.each(files.map((file) => [relative(FIXTURES, file), file]))('%s', (_name, file) => {
    const vector = readVector(file, ['size1', 'size2']);
    const run = () =>
      verifyConsistency(
        vector.size1 as bigint,
        vector.size2 as bigint,
        decodeProof(vector.proof),
        b64(vector.root1 as string),
        b64(vector.root2 as string),
      );
    if (vector.wantErr) {
      expect(run).toThrow(MerkleError);
    } else {
      expect(run).not.toThrow();
      const generated = consistencyProof(eightLeafTree(), Number(vector.size1), Number(vector.size2));
      expect(generated.map((hash) => hash.toString('base64'))).toEqual(vector.proof ?? []);
    }
  });
});

describe('fixtures/merkle/README.md', () => {
  it('names the source of exactly the vector files in the folder', () => {
    const readme = readFileSync(join(FIXTURES, 'README.md'), 'utf8');
    const listed = [...readme.matchAll(/^\| `((?:inclusion|consistency)\/[^`]+)` \| `testdata\/[^`]+` \| `[0-9a-f]{40}` \|$/gm)].map(
      (match) => match[1],
    );
    const present = listJson(FIXTURES)
      .map((file) => relative(FIXTURES, file))
      .filter((file) => file !== 'known-answers.json');
    expect([...listed].sort()).toEqual(present.sort());
  });
});
