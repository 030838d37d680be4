import { createHash } from 'node:crypto';
import { appendToLog } from '@parley/core';
import {
  leafHash,
  openCheckpoint,
  parseVerifierKey,
  ed25519NoteVerifier,
  verifyConsistency,
  verifyInclusion,
  type Checkpoint,
  type LogEntry,
} from '@parley/protocol';
import { Client, eventually, startTestNode, type Engine, type TestNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const digest = (text: string) => createHash('sha256').update(text).digest('base64url');
const entry = (i: number): LogEntry => ({
  kind: 'envelope.sent',
  hash: `sha256:${digest(`envelope ${i}`)}`,
  sender: 'XAA',
  recipient: 'XAB',
  type: 'check.request',
  at: new Date(Date.UTC(2026, 10, 25, 12, 0, 0, i)).toISOString(),
});
const b64 = (s: string) => Buffer.from(s, 'base64');

/** The public log endpoints over real loopback HTTP, against one storage engine. */
export function logHttpSuite(engine: Engine): void {
  describe(`transparency log over HTTP (${engine})`, () => {
    let node: TestNode;
    let anyone: Client;
    let appended = 0;
    const seen: Checkpoint[] = [];

    const append = async (n: number) => {
      await appendToLog(node.ctx.store, node.ctx.domain, Array.from({ length: n }, (_, k) => entry(appended + k)));
      appended += n;
    };
    /** The node's checkpoint, checked with the key its discovery document publishes. */
    const checkpoint = async (): Promise<Checkpoint> => {
      const { log } = (await anyone.get('/.well-known/parley')).body as { log: { origin: string; verifierKey: string } };
      const key = parseVerifierKey(log.verifierKey);
      const r = await anyone.get('/log/checkpoint');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      return openCheckpoint(r.body as string, { origin: log.origin, log: ed25519NoteVerifier(key.name, key.publicKey) }).checkpoint;
    };
    const checkpointAt = (size: number) =>
      eventually(async () => {
        const c = await checkpoint();
        return c.size === size && c;
      }, 15_000, `a checkpoint of size ${size}`);

    beforeAll(async () => {
      node = await startTestNode({ engine, context: { checkpointer: { intervalMs: 100 } } });
      anyone = new Client(node.url);
    });
    afterAll(async () => {
      await node?.close();
    });

    it('publishes the log origin and verifier key in the discovery document', async () => {
      const r = await anyone.get('/.well-known/parley');
      expect(r.body.log.origin).toMatch(/^parley\.xaa\.[0-9a-f]{8}$/);
      const key = parseVerifierKey(r.body.log.verifierKey);
      expect(key.name).toBe(r.body.log.origin);
      expect(key.publicKey.toString('base64url')).toBe(r.body.publicKey);
    });

    it('serves a signed checkpoint of the empty log as soon as the node is up', async () => {
      const c = await checkpointAt(0);
      expect(c.rootHash.toString('hex')).toBe(createHash('sha256').digest('hex'));
      seen.push(c);
    });

    it('signs checkpoints as the log grows, each consistent with every earlier one', async () => {
      for (const n of [1, 6, 9, 48, 1]) {
        await append(n);
        seen.push(await checkpointAt(appended));
      }
      for (const a of seen) {
        for (const b of seen) {
          if (a.size === 0 || a.size > b.size) continue;
          const r = await anyone.get(`/log/proof/consistency?old=${a.size}&new=${b.size}`);
          expect(r.status).toBe(200);
          expect(b64(r.body.oldRoot).equals(a.rootHash)).toBe(true);
          verifyConsistency(a.size, b.size, (r.body.proof as string[]).map(b64), a.rootHash, b.rootHash);
        }
      }
    });

    it('serves entries whose leaf hashes are the hash of their data, and inclusion proofs for each', async () => {
      const latest = seen.at(-1)!;
      const r = await anyone.get(`/log/entries?start=0&end=${latest.size}`);
      expect(r.status).toBe(200);
      expect(r.body.entries).toHaveLength(latest.size);
      for (const e of r.body.entries as { index: number; data: string; leafHash: string }[]) {
        expect(JSON.parse(e.data)).toEqual(entry(e.index));
        expect(leafHash(Buffer.from(e.data, 'utf8')).equals(b64(e.leafHash))).toBe(true);
        const p = await anyone.get(`/log/proof/inclusion?index=${e.index}&size=${latest.size}`);
        expect(p.status).toBe(200);
        expect(p.body.leafHash).toBe(e.leafHash);
        verifyInclusion(e.index, latest.size, b64(p.body.leafHash), (p.body.proof as string[]).map(b64), latest.rootHash);
      }
    });

    it('answers a consistency proof between equal sizes with the root and an empty proof', async () => {
      const latest = seen.at(-1)!;
      const r = await anyone.get(`/log/proof/consistency?old=${latest.size}&new=${latest.size}`);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ oldRoot: latest.rootHash.toString('base64'), proof: [] });
    });

    it('returns at most one page of entries, and never past the end of the log', async () => {
      await append(1_100);
      const page = await anyone.get(`/log/entries?start=10&end=5000`);
      expect(page.body.entries).toHaveLength(1000);
      expect(page.body.entries[0].index).toBe(10);
      const tail = await anyone.get(`/log/entries?start=${appended - 3}&end=${appended + 100}`);
      expect(tail.body.entries.map((e: { index: number }) => e.index)).toEqual([appended - 3, appended - 2, appended - 1]);
    });

    const problems: [string, string, number][] = [
      ['/log/proof/inclusion?index=5&size=5', 'index_beyond_size', 400],
      ['/log/proof/inclusion?index=0&size=0', 'index_beyond_size', 400],
      ['/log/proof/inclusion?index=0&size=999999', 'size_beyond_log', 400],
      ['/log/proof/inclusion?index=-1&size=3', 'validation_failed', 400],
      ['/log/proof/inclusion?index=01&size=3', 'validation_failed', 400],
      ['/log/proof/inclusion?index=1.5&size=3', 'validation_failed', 400],
      ['/log/proof/inclusion?index=1&size=99999999999999999999', 'validation_failed', 400],
      ['/log/proof/inclusion?size=3', 'validation_failed', 400],
      ['/log/proof/inclusion?index=0&size=3&extra=1', 'validation_failed', 400],
      ['/log/proof/consistency?old=5&new=3', 'old_beyond_new', 400],
      ['/log/proof/consistency?old=0&new=3', 'old_size_zero', 400],
      ['/log/proof/consistency?old=1&new=999999', 'size_beyond_log', 400],
      ['/log/proof/consistency?old=a&new=3', 'validation_failed', 400],
      ['/log/entries?start=999999&end=1000000', 'start_beyond_log', 400],
      ['/log/entries?start=4&end=4', 'empty_range', 400],
      ['/log/entries?start=4', 'validation_failed', 400],
    ];
    for (const [path, code, status] of problems) {
      it(`refuses ${path} with ${code}`, async () => {
        const r = await anyone.get(path);
        expect(r.status).toBe(status);
        expect(r.headers.get('content-type')).toBe('application/problem+json');
        expect(r.body).toMatchObject({ code, status, type: `urn:parley:problem:${code}` });
        expect(typeof r.body.detail).toBe('string');
      });
    }

    it('names the bad parameter in a validation problem', async () => {
      const r = await anyone.get('/log/proof/consistency?old=3&new=x');
      expect(r.body.errors).toEqual([{ path: 'new', message: 'new must be a whole number without leading zeros' }]);
    });

    it('keeps its origin, entries and checkpoints across a restart, and goes on consistently', async () => {
      const before = await checkpointAt(appended);
      const origin = (await anyone.get('/.well-known/parley')).body.log.origin;
      await node.restart();
      expect((await anyone.get('/.well-known/parley')).body.log.origin).toBe(origin);
      expect((await checkpoint()).size).toBe(before.size);
      await append(5);
      const after = await checkpointAt(appended);
      const r = await anyone.get(`/log/proof/consistency?old=${before.size}&new=${after.size}`);
      verifyConsistency(before.size, after.size, (r.body.proof as string[]).map(b64), before.rootHash, after.rootHash);
    });
  });
}
