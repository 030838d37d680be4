import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendToLog,
  claimLogOrigin,
  extendLog,
  headRoot,
  latestCheckpoint,
  LogHeadMoved,
  LogInconsistencyError,
  proveConsistency,
  proveInclusion,
  readLogEntries,
  rootAt,
  signNextCheckpoint,
  type CheckpointRecord,
  type DomainContext,
  type NodeSelf,
  type Store,
} from '@parley/core';
import {
  decodeLogEntry,
  ed25519NoteVerifier,
  fingerprint,
  leafHash,
  MemoryMerkleTree,
  openCheckpoint,
  rawPublicKey,
  verifyConsistency,
  verifyInclusion,
  type LogEntry,
} from '@parley/protocol';
import { freshDatabase } from '@parley/testkit';
import { openStore } from '@parley/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

export type Engine = 'pglite' | 'postgres';

/** A store on its own fresh database, removed by `drop`. */
export async function throwawayStore(engine: Engine): Promise<{ store: Store; drop(): Promise<void>; url?: string }> {
  if (engine === 'postgres') {
    const db = await freshDatabase();
    const store = await openStore({ engine: 'postgres', url: db.url, maxConnections: 8 });
    return { store, drop: async () => (await store.close(), await db.drop()), url: db.url };
  }
  const dir = await mkdtemp(join(tmpdir(), 'parley-log-'));
  const store = await openStore({ engine: 'pglite', dataDir: dir });
  return { store, drop: async () => (await store.close(), await rm(dir, { recursive: true, force: true })) };
}

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');

/** A distinct, valid entry for each number. */
export function entry(i: number): LogEntry {
  return i % 3 === 2
    ? { kind: 'receipt.received', hash: `sha256:${digest(`receipt ${i}`)}`, envelope: `sha256:${digest(`envelope ${i - 1}`)}`, sender: 'XAA', receiver: 'XAB', at: new Date(Date.UTC(2026, 10, 25, 12, 0, 0, i)).toISOString() }
    : { kind: i % 3 === 0 ? 'envelope.sent' : 'envelope.received', hash: `sha256:${digest(`envelope ${i}`)}`, sender: 'XAA', recipient: 'XAB', type: 'check.request', at: new Date(Date.UTC(2026, 10, 25, 12, 0, 0, i)).toISOString() };
}

export function testSelf(): NodeSelf {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { stateCode: 'XAA', name: 'Test node XAA', privateKey, fingerprint: fingerprint(rawPublicKey(publicKey)), previousKeys: new Map() };
}

export function logSuite(engine: Engine): void {
  describe(`transparency log in the store (${engine})`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    let ctx: DomainContext & { self: NodeSelf };
    const memory = new MemoryMerkleTree();
    const checkpoints: CheckpointRecord[] = [];
    let origin: string;
    let url: string | undefined;
    // Batches of awkward sizes, so that appends start and end everywhere in the tree.
    const batches = [1, 1, 2, 3, 5, 8, 13, 1, 31, 64, 2, 100, 7, 129, 1, 40];

    beforeAll(async () => {
      ({ store, drop, url } = await throwawayStore(engine));
      ctx = { store, now: () => new Date(), publicUrl: 'http://127.0.0.1', self: testSelf() };
      origin = await claimLogOrigin(ctx);
      const first = await signNextCheckpoint(ctx, origin);
      checkpoints.push(first!);
      let n = 0;
      for (const size of batches) {
        const entries = Array.from({ length: size }, (_, k) => entry(n + k));
        const { first: at, size: after } = await appendToLog(store, ctx, entries);
        expect(at).toBe(n);
        n += size;
        expect(after).toBe(n);
        for (const e of entries) memory.append(Buffer.from(JSON.stringify(Object.fromEntries(Object.entries(e).sort(([a], [b]) => (a < b ? -1 : 1))))));
        const signed = await signNextCheckpoint(ctx, origin);
        checkpoints.push(signed!);
      }
    });
    afterAll(async () => {
      await drop?.();
    });

    it('holds every entry at its index with its canonical leaf data and leaf hash', async () => {
      const all = [];
      for (let start = 0; start < memory.size; start += 100) all.push(...(await readLogEntries(store, start, start + 100)));
      expect(all.map((e) => e.index)).toEqual(Array.from({ length: memory.size }, (_, i) => i));
      for (const e of all) {
        expect(decodeLogEntry(e.data)).toEqual(entry(e.index));
        expect(e.leafHash.equals(leafHash(e.data))).toBe(true);
        // The independent tree hashed a sorted-key JSON.stringify of the same object.
        expect(e.leafHash.equals(memory.leafHash(e.index))).toBe(true);
      }
    });

    it('computes the same root as an independent in-memory tree for every size', async () => {
      for (let size = 0; size <= memory.size; size++) {
        expect((await rootAt(store, size)).equals(memory.root(size)), `size ${size}`).toBe(true);
      }
    });

    it('serves inclusion proofs that verify against independently computed roots', async () => {
      const sizes = [...Array.from({ length: 33 }, (_, i) => i + 1), 64, 65, 100, 127, 128, 129, 255, 256, 257, memory.size - 1, memory.size];
      let checked = 0;
      for (const size of sizes) {
        const indexes = size <= 33 ? Array.from({ length: size }, (_, i) => i) : [0, 1, size >> 1, size - 2, size - 1];
        for (const index of indexes) {
          const { leafHash: leaf, proof } = await proveInclusion(store, index, size);
          expect(leaf.equals(memory.leafHash(index))).toBe(true);
          verifyInclusion(index, size, leaf, proof, memory.root(size));
          expect(proof).toEqual(memory.inclusionProof(index, size));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(600);
    });

    it('serves consistency proofs between every pair of the checkpoints it signed', async () => {
      const verifier = ed25519NoteVerifier(origin, ctx.self.privateKey);
      for (const c of checkpoints) {
        const opened = openCheckpoint(c.note, { origin, log: verifier });
        expect(opened.checkpoint.size).toBe(c.size);
        expect(opened.checkpoint.rootHash.equals(memory.root(c.size))).toBe(true);
      }
      let pairs = 0;
      for (const a of checkpoints) {
        for (const b of checkpoints) {
          if (a.size === 0 || a.size > b.size) continue;
          const { oldRoot, proof } = await proveConsistency(store, a.size, b.size);
          expect(oldRoot.equals(a.root)).toBe(true);
          verifyConsistency(a.size, b.size, proof, a.root, b.root);
          pairs++;
        }
      }
      expect(pairs).toBe((checkpoints.length - 1) * checkpoints.length / 2);
    });

    it('signs nothing new while the log has not grown', async () => {
      expect(await signNextCheckpoint(ctx, origin)).toBeUndefined();
      expect((await store.log.latestCheckpoint())?.size).toBe(memory.size);
    });

    it('keeps the origin it was first given', async () => {
      expect(await store.log.claimOrigin('parley.xaa.other')).toBe(origin);
    });

    it('finds an entry by what it is about', async () => {
      const e = entry(4);
      expect((await store.log.find(e.kind, e.hash))?.index).toBe(4);
      expect(await store.log.find('receipt.issued', e.hash)).toBeUndefined();
    });

    it('drops the entries of a transaction that rolls back, and reuses their indexes', async () => {
      const before = await store.log.head();
      await expect(
        store.transaction(async (tx) => {
          await appendToLog(tx, ctx, [entry(100_000)]);
          throw new Error('the envelope could not be stored');
        }),
      ).rejects.toThrow('could not be stored');
      expect((await store.log.head()).size).toBe(before.size);
      expect(await store.log.find(entry(100_000).kind, entry(100_000).hash)).toBeUndefined();
    });

    it('refuses to log the same claim twice', async () => {
      await expect(appendToLog(store, ctx, [entry(0)])).rejects.toThrow();
      expect((await store.log.head()).size).toBe(memory.size);
    });

    it('serialises concurrent appends into one gapless tree', async () => {
      const base = memory.size;
      const results = await Promise.all(
        Array.from({ length: 24 }, (_, k) => store.transaction((tx) => appendToLog(tx, ctx, [entry(200_000 + 2 * k), entry(200_000 + 2 * k + 1)]))),
      );
      const firsts = results.map((r) => r.first).sort((a, b) => a - b);
      expect(firsts).toEqual(Array.from({ length: 24 }, (_, k) => base + 2 * k));
      const added = await readLogEntries(store, base, base + 48);
      for (const e of added) memory.appendLeafHash(e.leafHash);
      expect((await rootAt(store, memory.size)).equals(memory.root())).toBe(true);
      const signed = await signNextCheckpoint(ctx, origin);
      expect(signed?.size).toBe(memory.size);
    });

    /** Reads the entries from `from` on into the independent tree. */
    const follow = async (from: number, through = store) => {
      for (const e of await readLogEntries(through, from, from + 100)) memory.appendLeafHash(e.leafHash);
    };

    it('appends, unlocked, from the head it last committed, and refuses a write that does not start at the head, writing none of it', async () => {
      const base = memory.size;
      expect(store.log.cachedHead()?.size).toBe(base);
      expect(await appendToLog(store, ctx, [entry(300_000)], { unlocked: true })).toEqual({ first: base, size: base + 1 });
      await follow(base);
      expect(store.log.cachedHead()?.size).toBe(base + 1);
      expect(headRoot(store.log.cachedHead()!).equals(memory.root())).toBe(true);

      // What an unlocked append sends when the head has moved since: entries from an old size.
      const old = extendLog({ size: 0, frontier: [] }, Array.from({ length: base }, (_, i) => memory.leafHash(i)));
      const data = Buffer.from(JSON.stringify(entry(300_001)));
      const stale = extendLog(old.head, [leafHash(data)]);
      const failure = await store
        .transaction(async (tx) => {
          tx.sent(() => tx.log.write({ entries: [{ index: base, kind: entry(300_001).kind, hash: entry(300_001).hash, data, leafHash: leafHash(data), createdAt: new Date() }], nodes: stale.nodes, head: stale.head }));
        })
        .catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(LogHeadMoved);
      // Nothing is remembered after a failed append: the next one reads the head.
      expect(store.log.cachedHead()).toBeUndefined();
      expect((await store.log.head()).size).toBe(base + 1);
      expect((await rootAt(store, base + 1)).equals(memory.root())).toBe(true);
      expect(await store.log.find(entry(300_001).kind, entry(300_001).hash)).toBeUndefined();
      expect(await appendToLog(store, ctx, [entry(300_002)], { unlocked: true })).toEqual({ first: base + 1, size: base + 2 });
      await follow(base + 1);
      expect((await rootAt(store, memory.size)).equals(memory.root())).toBe(true);
    });

    if (engine === 'postgres') {
      it('refuses an unlocked append once another process has appended, and extends its entries when run again with the lock', async () => {
        const other = await openStore({ engine: 'postgres', url: url!, maxConnections: 2 });
        try {
          const base = memory.size;
          expect(store.log.cachedHead()?.size).toBe(base);
          await appendToLog(other, ctx, [entry(400_000), entry(400_001)]);
          await follow(base, other); // read through the other store: reading the head through this one would bring it up to date
          const moved = await appendToLog(store, ctx, [entry(400_002)], { unlocked: true }).catch((e: unknown) => e);
          expect(moved).toBeInstanceOf(LogHeadMoved);
          expect(await store.log.find(entry(400_002).kind, entry(400_002).hash)).toBeUndefined();
          expect(await appendToLog(store, ctx, [entry(400_002)])).toEqual({ first: base + 2, size: base + 3 });
          await follow(base + 2);
          expect((await rootAt(store, memory.size)).equals(memory.root())).toBe(true);
          expect((await signNextCheckpoint(ctx, origin))?.size).toBe(memory.size);
        } finally {
          await other.close();
        }
      });
    }
  });

  describe(`checkpoint signing refuses a log that forks (${engine})`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    let ctx: DomainContext & { self: NodeSelf };
    let origin: string;

    beforeAll(async () => {
      ({ store, drop } = await throwawayStore(engine));
      ctx = { store, now: () => new Date(), publicUrl: 'http://127.0.0.1', self: testSelf() };
      origin = await claimLogOrigin(ctx);
      await appendToLog(store, ctx, Array.from({ length: 11 }, (_, i) => entry(i)));
    });
    afterAll(async () => {
      await drop?.();
    });

    it('has no checkpoint to serve before it signs the first', async () => {
      await expect(latestCheckpoint(store)).rejects.toMatchObject({ code: 'no_checkpoint', kind: 'not_found' });
      expect((await signNextCheckpoint(ctx, origin))?.size).toBe(11);
      expect((await latestCheckpoint(store)).size).toBe(11);
    });

    const fakeLeaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`forged ${i}`)));

    it('refuses when the head at the same size has another root', async () => {
      const head = await store.log.head();
      await store.log.write({ entries: [], nodes: [], head: { size: 11, frontier: head.frontier.map((h, i) => (i === 0 ? fakeLeaves(1)[0]! : h)) } });
      await expect(signNextCheckpoint(ctx, origin)).rejects.toThrow(LogInconsistencyError);
      await store.log.write({ entries: [], nodes: [], head });
      expect(await signNextCheckpoint(ctx, origin)).toBeUndefined();
    });

    it('refuses a larger tree that does not extend the last checkpoint', async () => {
      // A twelfth entry appended onto other history: what a rewrite of the log would leave.
      const other = extendLog({ size: 0, frontier: [] }, fakeLeaves(11));
      await store.transaction(async (tx) => {
        const data = Buffer.from(JSON.stringify(entry(11)));
        const forged = extendLog(other.head, [leafHash(data)]);
        await tx.log.write({ entries: [{ index: 11, kind: 'envelope.sent', hash: entry(11).hash, data, leafHash: leafHash(data), createdAt: new Date() }], nodes: forged.nodes, head: forged.head });
      });
      const err = await signNextCheckpoint(ctx, origin).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LogInconsistencyError);
      expect((err as LogInconsistencyError).checkpoint.size).toBe(11);
      expect((err as LogInconsistencyError).head.size).toBe(12);
      expect((await store.log.latestCheckpoint())?.size).toBe(11);
    });

    it('refuses a log smaller than its last checkpoint', async () => {
      // Runs after the forged twelfth entry: the signer still refuses, whatever the head says next.
      const saved = await store.log.head();
      await store.log.write({ entries: [], nodes: [], head: extendLog({ size: 0, frontier: [] }, fakeLeaves(3)).head });
      await expect(signNextCheckpoint(ctx, origin)).rejects.toThrow(/smaller than the checkpoint/);
      await store.log.write({ entries: [], nodes: [], head: saved });
      await expect(signNextCheckpoint(ctx, origin)).rejects.toThrow(LogInconsistencyError);
    });
  });
}
