import { createHash } from 'node:crypto';
import { MemoryMerkleTree, perfectSubtrees } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { extendLog, headRoot } from './log.js';
import type { LogHead } from './ports.js';

const leaf = (i: number) => createHash('sha256').update(`leaf ${i}`).digest();

describe('extending the log from its head', () => {
  it('yields the same subtree hashes and roots as the in-memory tree, batch after batch', () => {
    const memory = new MemoryMerkleTree();
    let head: LogHead = { size: 0, frontier: [] };
    let n = 0;
    for (const batch of [1, 2, 1, 3, 8, 5, 16, 1, 31, 33, 64, 7, 128, 2]) {
      const leaves = Array.from({ length: batch }, (_, k) => leaf(n + k));
      const next = extendLog(head, leaves);
      leaves.forEach((l) => memory.appendLeafHash(l));
      // Every interior subtree the batch completed, and nothing else.
      const expected = [];
      for (let level = 1; 2 ** level <= memory.size; level++) {
        for (let index = Math.floor(n / 2 ** level); (index + 1) * 2 ** level <= memory.size; index++) {
          if ((index + 1) * 2 ** level > n) expected.push(`${level}/${index}`);
        }
      }
      expect(next.nodes.map((node) => `${node.level}/${node.index}`).sort()).toEqual(expected.sort());
      for (const node of next.nodes) expect(node.hash.equals(memory.subtreeHash(node.level, node.index))).toBe(true);
      n += batch;
      expect(next.head.size).toBe(n);
      expect(next.head.frontier).toEqual(perfectSubtrees(0, n).map(({ level, index }) => memory.subtreeHash(level, index)));
      expect(headRoot(next.head).equals(memory.root())).toBe(true);
      head = next.head;
    }
  });

  it('refuses a head whose frontier does not fit its size', () => {
    expect(() => extendLog({ size: 3, frontier: [leaf(0)] }, [leaf(1)])).toThrow(/frontier/);
  });
});
