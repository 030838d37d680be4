import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendToLog } from '@parley/core';
import {
  ed25519CosignatureVerifier,
  ed25519NoteVerifier,
  openCheckpoint,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  signCheckpoint,
  ed25519NoteSigner,
  verifyConsistency,
  witnessName,
  type LogEntry,
  type NoteVerifier,
} from '@parley/protocol';
import { addPeer, Client, eventually, signedInAdmin, startTestNode, type Engine, type NetworkNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const fast = { checkpointer: { intervalMs: 100 }, witness: { intervalMs: 250, requestTimeoutMs: 3_000, maxBackoffMs: 1_000 } };

async function start(state: string, engine: Engine): Promise<NetworkNode> {
  const node = await startTestNode({ state, engine, context: fast });
  return { node, admin: await signedInAdmin(node) };
}

interface Published {
  origin: string;
  log: NoteVerifier;
  witness: NoteVerifier;
}

/** A node's log and witness keys, as its discovery document publishes them. */
async function published(n: NetworkNode): Promise<Published> {
  const d = (await new Client(n.node.url).get('/.well-known/parley')).body as { publicKey: string; log: { origin: string; verifierKey: string } };
  const key = parseVerifierKey(d.log.verifierKey);
  const raw = Buffer.from(d.publicKey, 'base64url');
  return { origin: d.log.origin, log: ed25519NoteVerifier(key.name, key.publicKey), witness: ed25519CosignatureVerifier(witnessName(d.log.origin), raw) };
}

type Mode = 'pass' | 'forge' | 'corrupt' | 'stale';

/**
 * A real HTTP front for a node that passes everything through, except the checkpoint, which it
 * can replace: with one signed by the node's own key over a tree that does not exist (a log
 * showing this one peer another history), with the real one made invalid, or with an old one.
 */
async function lyingFront(target: NetworkNode) {
  const forged = new Set<string>();
  const served: string[] = [];
  const state = { mode: 'pass' as Mode, stale: '' };
  const key = target.node.ctx.keys.privateKey;
  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k)) as [string, string][]);
    const method = req.method ?? 'GET';
    const upstream = await fetch(`${target.node.url}${req.url ?? '/'}`, { method, headers, body: method === 'GET' || method === 'HEAD' ? null : Buffer.concat(chunks), redirect: 'manual' });
    let body = Buffer.from(await upstream.arrayBuffer());
    if (req.url === '/log/checkpoint' && upstream.status === 200) {
      const real = body.toString('utf8');
      const c = parseCheckpoint(parseNote(real).text);
      let text = real;
      if (state.mode === 'forge') {
        const root = createHash('sha256').update(`forged ${c.size}`).digest();
        text = signCheckpoint({ origin: c.origin, size: c.size, rootHash: root, extensions: [] }, [ed25519NoteSigner(c.origin, key)]);
        forged.add(text);
      } else if (state.mode === 'corrupt') {
        const line = real.slice(real.lastIndexOf('\u2014'));
        const b64 = line.slice(line.lastIndexOf(' ') + 1, -1);
        const sig = Buffer.from(b64, 'base64');
        sig[20] = (sig[20] as number) ^ 0xff;
        text = real.replace(b64, sig.toString('base64'));
      } else if (state.mode === 'stale' && state.stale) {
        text = state.stale;
      }
      served.push(text);
      body = Buffer.from(text, 'utf8');
    }
    const out: Record<string, string> = {};
    upstream.headers.forEach((v, k) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(k)) out[k] = v;
    });
    res.writeHead(upstream.status, out);
    res.end(body);
  };
  const server: Server = createServer((req, res) => {
    forward(req, res).catch(() => {
      res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    state,
    forged,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** `from` trusts `to` through a URL other than its own (the lying front). */
async function addPeerVia(from: NetworkNode, to: NetworkNode, url: string) {
  const r = await from.admin.post('/api/v1/peers', { url, fingerprint: to.node.ctx.nodeInfo().fingerprint });
  expect(r.status).toBe(201);
}

const entry = (i: number, sender: string): LogEntry => ({
  kind: 'envelope.sent',
  hash: `sha256:${createHash('sha256').update(`witness test ${sender} ${i}`).digest('base64url')}`,
  sender,
  recipient: 'XAA',
  type: 'check.request',
  at: new Date(Date.UTC(2026, 10, 25, 12, 0, 0, i)).toISOString(),
});

interface Overview {
  peers: { stateCode: string; status: string; size: number | null; problem: string | null; refused: string | null; checkpoint: string | null; forks: number }[];
  forks: { id: string; origin: string; stateCode: string; reason: string; first: { checkpoint: string; source: string }; second: { checkpoint: string; source: string } }[];
  self: { cosignatures: { stateCode: string; size: number }[]; witnessVerifierKey: string };
}

const overview = async (n: NetworkNode): Promise<Overview> => {
  const r = await n.admin.get('/api/v1/log/witness');
  expect(r.status).toBe(200);
  return r.body as Overview;
};

/** Witnessing between real nodes over loopback HTTP, against one storage engine. */
export function witnessSuite(engine: Engine): void {
  describe(`witnessing between peers (${engine})`, () => {
    let a: NetworkNode;
    let b: NetworkNode;
    let c: NetworkNode;
    const extra: NetworkNode[] = [];
    const fronts: Awaited<ReturnType<typeof lyingFront>>[] = [];

    beforeAll(async () => {
      [a, b, c] = await Promise.all(['XAA', 'XAB', 'XAC'].map((s) => start(s, engine))) as [NetworkNode, NetworkNode, NetworkNode];
      for (const x of [a, b, c]) for (const y of [a, b, c]) if (x !== y) await addPeer(x, y);
    }, 120_000);
    afterAll(async () => {
      await Promise.all(fronts.map((f) => f.close()));
      await Promise.all([a, b, c, ...extra].map((n) => n?.node.close()));
    });

    it("gives every node's checkpoint valid cosignatures by both other nodes", async () => {
      const keys = new Map<NetworkNode, Published>();
      for (const n of [a, b, c]) keys.set(n, await published(n));
      for (const n of [a, b, c]) {
        const own = keys.get(n)!;
        const others = [a, b, c].filter((x) => x !== n).map((x) => keys.get(x)!);
        const opened = await eventually(async () => {
          const r = await new Client(n.node.url).get('/log/checkpoint/cosigned');
          if (r.status !== 200) return false;
          const o = openCheckpoint(r.body as string, { origin: own.origin, log: own.log, cosigners: others.map((x) => x.witness) });
          return o.cosignatures.length === 2 && { o, text: r.body as string };
        }, 20_000, `two cosignatures on ${n.node.ctx.identity.stateCode}'s checkpoint`);
        expect(opened.o.cosignatures.map((x) => x.name).sort()).toEqual(others.map((x) => x.witness.name).sort());
        // The cosigned checkpoint is still a plain C2SP checkpoint to a verifier who knows only the log key.
        expect(openCheckpoint(opened.text, { origin: own.origin, log: own.log }).checkpoint).toEqual(opened.o.checkpoint);
        // And it is one this node signed: its current checkpoint extends it.
        const latest = openCheckpoint((await new Client(n.node.url).get('/log/checkpoint')).body as string, { origin: own.origin, log: own.log }).checkpoint;
        if (opened.o.checkpoint.size > 0 && latest.size >= opened.o.checkpoint.size) {
          const p = (await new Client(n.node.url).get(`/log/proof/consistency?old=${opened.o.checkpoint.size}&new=${latest.size}`)).body as { proof: string[] };
          verifyConsistency(opened.o.checkpoint.size, latest.size, p.proof.map((h) => Buffer.from(h, 'base64')), opened.o.checkpoint.rootHash, latest.rootHash);
        }
        for (const o of others) {
          const timestamp = opened.o.cosignatures.find((x) => x.name === o.witness.name)!.timestamp;
          expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(120);
        }
      }
    }, 60_000);

    it('publishes what it witnessed, as each log signed it, and its cosignature of each', async () => {
      const [ka, kb] = [await published(a), await published(b)];
      const r = await new Client(c.node.url).get('/log/witnessed');
      expect(r.status).toBe(200);
      const logs = r.body.logs as { origin: string; checkpoint: string }[];
      expect(logs.map((l) => l.origin).sort()).toEqual([ka.origin, kb.origin].sort());
      for (const l of logs) {
        const k = l.origin === ka.origin ? ka : kb;
        // Exactly the log's signature: no cosignature rides along in what is compared between witnesses.
        expect(openCheckpoint(l.checkpoint, { origin: k.origin, log: k.log }).unverified).toEqual([]);
        expect(parseNote(l.checkpoint).signatures).toHaveLength(1);
      }
      expect(r.body.witness.name).toBe(witnessName((await published(c)).origin));
      const cos = await new Client(c.node.url).get(`/log/witness/cosignature?origin=${encodeURIComponent(ka.origin)}`);
      expect(cos.status).toBe(200);
      const opened = openCheckpoint(cos.body as string, { origin: ka.origin, log: ka.log, cosigners: [(await published(c)).witness] });
      expect(opened.cosignatures.map((x) => x.name)).toEqual([witnessName((await published(c)).origin)]);
    });

    it("shows administrators each peer's log as witnessed and the cosignatures collected", async () => {
      const o = await overview(a);
      expect(o.peers.map((p) => [p.stateCode, p.status])).toEqual([
        ['XAB', 'consistent'],
        ['XAC', 'consistent'],
      ]);
      expect(o.peers.every((p) => p.size !== null && p.size > 0 && p.checkpoint !== null)).toBe(true);
      expect(o.self.cosignatures.map((x) => x.stateCode).sort()).toEqual(['XAB', 'XAC']);
      expect(o.forks).toEqual([]);
      const anonymous = await new Client(a.node.url).get('/api/v1/log/witness');
      expect([anonymous.status, anonymous.body.code]).toEqual([401, 'sign_in_required']);
    });

    const problems: [string, string, number][] = [
      ['/log/witness/cosignature', 'validation_failed', 400],
      ['/log/witness/cosignature?origin=a+b', 'validation_failed', 400],
      ['/log/witness/cosignature?origin=parley.xzz.00000000', 'not_witnessed', 404],
      ['/log/checkpoint/cosigned?size=999999', 'no_checkpoint_of_size', 404],
      ['/log/checkpoint/cosigned?minSize=999999', 'no_checkpoint_of_size', 404],
      ['/log/checkpoint/cosigned?size=01', 'validation_failed', 400],
      ['/log/checkpoint/cosigned?other=1', 'validation_failed', 400],
    ];
    for (const [path, code, status] of problems) {
      it(`refuses ${path} with ${code}`, async () => {
        const r = await new Client(a.node.url).get(path);
        expect(r.status).toBe(status);
        expect(r.headers.get('content-type')).toBe('application/problem+json');
        expect(r.body).toMatchObject({ code, status });
        expect(typeof r.body.detail).toBe('string');
      });
    }

    it('refuses a checkpoint with a bad signature, records it as such, and then a size going backwards', async () => {
      const e = await start('XAE', engine);
      extra.push(e);
      const front = await lyingFront(e);
      fronts.push(front);
      front.state.mode = 'corrupt';
      await addPeerVia(a, e, front.url);
      await addPeer(e, a);
      const refused = await eventually(async () => {
        const p = (await overview(a)).peers.find((x) => x.stateCode === 'XAE');
        return p?.status === 'bad_signature' && p;
      }, 15_000, 'the bad signature to be recorded');
      expect(refused.size).toBeNull();
      expect(refused.checkpoint).toBeNull();
      expect(refused.problem).toContain('not validly signed');
      expect(front.served).toContain(refused.refused);
      expect((await new Client(a.node.url).get('/log/witnessed')).body.logs.map((l: { origin: string }) => l.origin)).not.toContain((await published(e)).origin);
      const notes = (await a.admin.get('/api/v1/notifications')).body.notifications as { kind: string; message: string }[];
      expect(notes.some((n) => n.kind === 'log.witness_refused' && n.message.includes('XAE'))).toBe(true);

      // Honest again: accepted. Then an older, genuine checkpoint is served: refused as a rollback.
      front.state.mode = 'pass';
      const first = await eventually(async () => {
        const p = (await overview(a)).peers.find((x) => x.stateCode === 'XAE');
        return p?.status === 'consistent' && p.checkpoint;
      }, 15_000, 'the honest checkpoint to be accepted');
      await appendToLog(e.node.ctx.store, e.node.ctx.domain, [entry(1, 'XAE'), entry(2, 'XAE'), entry(3, 'XAE')]);
      const firstSize = parseCheckpoint(parseNote(first).text).size;
      await eventually(async () => {
        const p = (await overview(a)).peers.find((x) => x.stateCode === 'XAE');
        return p?.status === 'consistent' && p.size !== null && p.size >= firstSize + 3;
      }, 15_000, 'the grown log to be witnessed');
      front.state.stale = first;
      front.state.mode = 'stale';
      const rolled = await eventually(async () => {
        const p = (await overview(a)).peers.find((x) => x.stateCode === 'XAE');
        return p?.status === 'rollback' && p;
      }, 15_000, 'the rollback to be recorded');
      expect(rolled.size).toBeGreaterThanOrEqual(firstSize + 3);
      expect(rolled.refused).toBe(first);
      // An old checkpoint that the newer one extends is stale, not a fork.
      expect((await overview(a)).forks).toEqual([]);
    }, 90_000);

    it('detects a log that shows one peer another history: both checkpoints kept, administrators told', async () => {
      const d = await start('XAD', engine);
      extra.push(d);
      const front = await lyingFront(d);
      fronts.push(front);
      front.state.mode = 'forge';
      const kd = await published(d);
      // XAB reaches XAD only through the front, which shows it a tree that does not exist; XAC sees the real one.
      await addPeerVia(b, d, front.url);
      await addPeer(c, d);
      await addPeer(d, b);
      await addPeer(d, c);

      const fork = await eventually(async () => {
        const o = await overview(b);
        return o.forks.find((f) => f.stateCode === 'XAD' && [f.first, f.second].some((s) => front.forged.has(s.checkpoint)) && [f.first, f.second].some((s) => !front.forged.has(s.checkpoint)));
      }, 30_000, 'XAB to record fork evidence of a forged and a real checkpoint of XAD');
      expect(fork.origin).toBe(kd.origin);
      // Both are signed by XAD's log key, verbatim, and they cannot both be true.
      const [one, two] = [fork.first, fork.second].map((s) => openCheckpoint(s.checkpoint, { origin: kd.origin, log: kd.log }).checkpoint);
      expect(one!.size === two!.size ? !one!.rootHash.equals(two!.rootHash) : true).toBe(true);
      expect([fork.first.source, fork.second.source].join(' ')).toMatch(/XAC .*\/log\/witnessed|XAD .*\/log\/checkpoint/);
      const notes = (await b.admin.get('/api/v1/notifications')).body.notifications as { kind: string; message: string; link: string }[];
      expect(notes.find((n) => n.kind === 'log.fork')?.message).toContain('XAD');
      expect((await overview(b)).peers.find((p) => p.stateCode === 'XAD')?.forks).toBeGreaterThan(0);

      // The evidence is one download away, unchanged.
      const one1 = await b.admin.get(`/api/v1/log/witness/forks/${fork.id}`);
      expect(one1.status).toBe(200);
      expect(one1.body).toMatchObject({ id: fork.id, first: fork.first, second: fork.second });
      const missing = await b.admin.get('/api/v1/log/witness/forks/00000000-0000-4000-8000-000000000000');
      expect([missing.status, missing.body.code]).toEqual([404, 'fork_not_found']);

      // XAD itself finds a checkpoint signed with its own key that it never signed, in what XAB witnessed.
      const own = await eventually(async () => (await overview(d)).forks.find((f) => f.stateCode === 'XAD' && [f.first, f.second].some((s) => front.forged.has(s.checkpoint))), 30_000, 'XAD to notice the forgery of its own log');
      expect(own.reason).toMatch(/never signed|only the first was signed|more than this log/);
      expect(((await d.admin.get('/api/v1/notifications')).body.notifications as { kind: string }[]).some((n) => n.kind === 'log.fork')).toBe(true);

      // The evidence stays, and is not recorded twice, across rounds and a restart.
      const count = (await overview(b)).forks.length;
      await b.node.restart();
      await new Promise((r) => setTimeout(r, 1_000));
      const after = await overview(b);
      expect(after.forks.find((f) => f.id === fork.id)).toEqual(fork);
      expect(new Set(after.forks.map((f) => [f.first.checkpoint, f.second.checkpoint].sort().join('|'))).size).toBe(after.forks.length);
      expect(after.forks.length).toBeGreaterThanOrEqual(count);
    }, 120_000);
  });
}
