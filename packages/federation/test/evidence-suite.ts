import { createHash, randomBytes } from 'node:crypto';
import { chmod, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { evidenceByHashes, expectEvidence, grantEvidence, type EvidenceRecord } from '@parley/core';
import { EVIDENCE_PATH, FETCH_HEADER, generateNodeKeyPair, fingerprint, signFetch } from '@parley/protocol';
import { addPeer, eventually, signedInAdmin, startTestNode, type Engine, type NetworkNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const CHUNK = 256 * 1024;

type Hook = (record: EvidenceRecord, received: number) => Promise<void>;

/** Evidence between real nodes over loopback HTTP: granted, announced, pulled in ranges, checked. */
export function evidenceFederationSuite(engine: Engine): void {
  describe(`evidence transfer between nodes over loopback HTTP (${engine})`, () => {
    let a: NetworkNode;
    let b: NetworkNode;
    let c: NetworkNode;
    let tokenA: string;
    // Each node's fetcher calls the current hook after every chunk it has safely on disk.
    const hooks: Record<string, Hook | undefined> = {};

    const start = async (state: string): Promise<NetworkNode> => {
      const node = await startTestNode({
        state,
        engine,
        context: {
          evidenceFetcher: { pollMs: 100, baseDelayMs: 100, maxDelayMs: 400, chunkBytes: CHUNK, requestTimeoutMs: 10_000, afterChunk: (r, n) => hooks[state]?.(r, n) ?? Promise.resolve() },
        },
      });
      return { node, admin: await signedInAdmin(node) };
    };

    beforeAll(async () => {
      [a, b, c] = [await start('XAA'), await start('XAB'), await start('XAC')];
      for (const [x, y] of [[a, b], [b, a], [a, c], [c, a]] as const) await addPeer(x, y);
      tokenA = (await a.admin.post('/api/v1/tokens', { name: 'evidence' })).body.secret as string;
    }, 180_000);
    afterAll(async () => {
      await Promise.all([a, b, c].map((n) => n?.node.close()));
    });

    /** Uploads to A through its API, as an officer's browser would. */
    async function uploadToA(bytes: Buffer, name: string): Promise<{ id: string; sha256: string; size: number }> {
      const res = await fetch(`${a.node.url}/api/v1/evidence?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokenA}`, 'content-type': 'application/octet-stream' },
        body: bytes,
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string; sha256: string; size: number };
    }

    /** What the consultation workflow does: A grants in the sending transaction, B expects in the receiving one. */
    async function send(to: NetworkNode, bytes: Buffer, name: string, { grant = true } = {}): Promise<EvidenceRecord> {
      const up = await uploadToA(bytes, name);
      const recipient = to.node.ctx.identity.stateCode;
      if (grant) await a.node.ctx.store.transaction((tx) => grantEvidence(tx, a.node.ctx.domain, { sha256: up.sha256, recipient }));
      const rec = await to.node.ctx.store.transaction((tx) =>
        expectEvidence(tx, to.node.ctx.domain, { sha256: up.sha256, size: up.size, name, mediaType: 'application/octet-stream', malware: false, from: 'XAA', caseId: null }),
      );
      to.node.ctx.evidenceFetcher.wake();
      return rec;
    }

    const statusAt = async (n: NetworkNode, id: string) => (await n.admin.get(`/api/v1/evidence/${id}`)).body as { status: string; error: string | null; receivedBytes: number; sha256: string };
    const until = (n: NetworkNode, id: string, status: string, ms = 30_000) =>
      eventually(async () => {
        const s = await statusAt(n, id);
        return s.status === status ? s : undefined;
      }, ms, `evidence ${id} ${status} at ${n.node.ctx.identity.stateCode}`);

    /** The ranges A served for a content, in order, from its log. */
    const served = (hash: string) =>
      a.node.logs.filter((l) => l.msg === 'evidence range served' && l.sha256 === hash).map((l) => ({ start: l.start as number, end: l.end as number, requester: l.requester as string }));

    it('delivers a granted file to the peer that expects it, checked against its SHA-256', async () => {
      const bytes = randomBytes(CHUNK * 3 + 1234);
      const rec = await send(b, bytes, 'capture.pcap');
      expect(rec.status).toBe('expected');
      const done = await until(b, rec.id, 'received');
      expect(done.sha256).toBe(sha(bytes));
      expect(done.receivedBytes).toBe(bytes.length);
      const download = await fetch(`${b.node.url}/api/v1/evidence/${rec.id}/content`);
      expect(download.status).toBe(401);
      const raw = await rawDownload(b, rec.id);
      expect(sha(raw)).toBe(sha(bytes));
      const notes = (await b.admin.get('/api/v1/notifications')).body.notifications as { kind: string; message: string }[];
      expect(notes.some((n) => n.kind === 'evidence.received' && n.message.includes(sha(bytes)))).toBe(true);
      expect(served(sha(bytes)).map((r) => r.start)).toEqual([0, CHUNK, 2 * CHUNK, 3 * CHUNK]);
      // What the consultation page asks: the status per referenced hash.
      const byHash = await evidenceByHashes(b.node.ctx.domain, [sha(bytes), 'f'.repeat(64), 'not a hash']);
      expect([...byHash.keys()]).toEqual([sha(bytes)]);
      expect(byHash.get(sha(bytes))).toMatchObject({ status: 'received', available: true, originState: 'XAA', downloadUrl: `/api/v1/evidence/${rec.id}/content` });
    });

    it('shows a name in Arabic, Chinese or with an emoji on the receiving node as sent, and offers it back with its exact name and an ASCII fallback', async () => {
      for (const [name, fallback] of [
        ['هجوم على الشبكة.pcap', 'hjwm `la lshbkh.pcap'],
        ['电网扫描日志.log', 'DianWangSaoMiaoRiZhi.log'],
        ['🔥 incident.txt', '_fire_ incident.txt'],
      ] as const) {
        const rec = await send(b, randomBytes(100), name);
        await until(b, rec.id, 'received');
        expect((await b.admin.get(`/api/v1/evidence/${rec.id}`)).body.name).toBe(name);
        const cookie = (b.admin as unknown as { cookie: string | null }).cookie ?? '';
        const res = await fetch(`${b.node.url}/api/v1/evidence/${rec.id}/content`, { headers: { cookie } });
        expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(name)}`);
        await res.arrayBuffer();
      }
    });

    it('reuses content already held: the same file announced again is received at once', async () => {
      const bytes = randomBytes(1000);
      const first = await send(b, bytes, 'first.bin');
      await until(b, first.id, 'received');
      const again = await b.node.ctx.store.transaction((tx) =>
        expectEvidence(tx, b.node.ctx.domain, { sha256: sha(bytes), size: 1000, name: 'again.bin', mediaType: 'application/octet-stream', malware: false, from: 'XAA', caseId: '00000000-0000-4000-8000-000000000001' }),
      );
      expect(again.status).toBe('received');
      expect(again.id).not.toBe(first.id);
      // The same reference delivered again in the same case is the same record.
      const repeated = await b.node.ctx.store.transaction((tx) =>
        expectEvidence(tx, b.node.ctx.domain, { sha256: sha(bytes), size: 1000, name: 'again.bin', mediaType: 'application/octet-stream', malware: false, from: 'XAA', caseId: '00000000-0000-4000-8000-000000000001' }),
      );
      expect(repeated.id).toBe(again.id);
      // A name from a peer is made safe again, whatever the peer sent.
      const renamed = await b.node.ctx.store.transaction((tx) =>
        expectEvidence(tx, b.node.ctx.domain, { sha256: sha(bytes), size: 1000, name: '..\\..\\evil\u202egpj.exe', mediaType: 'text/html; x', malware: true, from: 'XAA', caseId: '00000000-0000-4000-8000-000000000002' }),
      );
      expect([renamed.name, renamed.mediaType]).toEqual(['evilgpj.exe', 'application/octet-stream']);
    });

    it('resumes after the owner stops halfway, without fetching again what it already has', async () => {
      const bytes = randomBytes(CHUNK * 8);
      const hash = sha(bytes);
      let stoppedAt = 0;
      hooks.XAB = async (r, received) => {
        if (r.sha256 === hash && stoppedAt === 0 && received >= CHUNK * 3) {
          stoppedAt = received;
          await a.node.stop();
        }
      };
      const rec = await send(b, bytes, 'disk.img');
      const waiting = await eventually(async () => {
        const s = await statusAt(b, rec.id);
        return s.error?.includes('could not reach') ? s : undefined;
      }, 30_000, 'a failed attempt while the owner is down');
      expect(waiting.status).toBe('transferring');
      // What B holds: at least every range recorded before the stop, and any part of the next one that arrived.
      expect(waiting.receivedBytes).toBeGreaterThanOrEqual(stoppedAt);
      expect(stoppedAt).toBeGreaterThanOrEqual(CHUNK * 3);
      const before = served(hash).length;
      await a.node.restart();
      await until(b, rec.id, 'received');
      hooks.XAB = undefined;
      expect(sha(await rawDownload(b, rec.id))).toBe(hash);
      // After the restart, B asks from exactly the bytes it held, onwards, never from the start again.
      const after = served(hash).slice(before);
      expect(after[0]?.start).toBe(waiting.receivedBytes);
      expect(after.map((r) => r.start)).toEqual([...new Set(after.map((r) => r.start))].sort((x, y) => x - y));
      expect(served(hash).filter((r) => r.start === 0)).toHaveLength(1);
      expect(after.at(-1)?.end).toBe(bytes.length - 1);
    }, 60_000);

    it('resumes after the receiving node restarts mid-transfer, from the bytes it had synced', async () => {
      const bytes = randomBytes(CHUNK * 6 + 77);
      const hash = sha(bytes);
      let stopping: Promise<void> | null = null;
      let before = 0;
      hooks.XAB = async (r, received) => {
        if (r.sha256 === hash && !stopping && received >= CHUNK * 2) {
          before = served(hash).length;
          stopping = b.node.stop();
        }
      };
      const rec = await send(b, bytes, 'memory.dmp');
      await eventually(async () => stopping !== null, 30_000, 'the receiver stopping');
      await stopping;
      hooks.XAB = undefined;
      await b.node.restart();
      await until(b, rec.id, 'received');
      expect(sha(await rawDownload(b, rec.id))).toBe(hash);
      // Resumed from what B had flushed and recorded, not from the start.
      const starts = served(hash).map((r) => r.start);
      expect(starts.filter((s) => s === 0)).toHaveLength(1);
      const resumed = served(hash).slice(before + 1);
      expect(resumed[0]?.start).toBeGreaterThanOrEqual(CHUNK * 2);
      expect(resumed.map((r) => r.start)).toEqual([...new Set(resumed.map((r) => r.start))].sort((x, y) => x - y));
    }, 60_000);

    it('fails with the reason, discards the bytes and tells officers when the content does not match its hash', async () => {
      const bytes = randomBytes(CHUNK + 10);
      const up = await uploadToA(bytes, 'tampered.log');
      // The owner's copy is damaged after the upload: same size, other bytes.
      const path = a.node.ctx.blobs.pathOf(up.sha256);
      await chmod(path, 0o600);
      await writeFile(path, randomBytes(bytes.length));
      await a.node.ctx.store.transaction((tx) => grantEvidence(tx, a.node.ctx.domain, { sha256: up.sha256, recipient: 'XAB' }));
      const rec = await b.node.ctx.store.transaction((tx) =>
        expectEvidence(tx, b.node.ctx.domain, { sha256: up.sha256, size: up.size, name: 'tampered.log', mediaType: 'text/plain', malware: false, from: 'XAA', caseId: null }),
      );
      b.node.ctx.evidenceFetcher.wake();
      const failed = await until(b, rec.id, 'failed');
      expect(failed.error).toContain('does not match its announced SHA-256');
      expect(failed.error).toContain(up.sha256);
      const notes = (await b.admin.get('/api/v1/notifications')).body.notifications as { kind: string; message: string }[];
      expect(notes.some((n) => n.kind === 'evidence.failed' && n.message.includes('tampered.log'))).toBe(true);
      expect(await readdir(join(b.node.dataDir, 'evidence', 'partial'))).toEqual([]);
      expect(await b.node.ctx.blobs.stat(up.sha256)).toBeUndefined();
      const download = await b.admin.get(`/api/v1/evidence/${rec.id}/content`);
      expect([download.status, download.body.code]).toEqual([409, 'evidence_not_available']);
    });

    it('does not fetch a file announced larger than this node accepts, and says why', async () => {
      const rec = await b.node.ctx.store.transaction((tx) =>
        expectEvidence(tx, b.node.ctx.domain, { sha256: 'c'.repeat(64), size: 64 * 1024 ** 4, name: 'huge.img', mediaType: 'application/octet-stream', malware: false, from: 'XAA', caseId: null }),
      );
      b.node.ctx.evidenceFetcher.wake();
      const failed = await until(b, rec.id, 'failed');
      expect(failed.error).toContain('more than the');
      expect(failed.error).toContain('PARLEY_MAX_EVIDENCE_BYTES');
      expect(await b.node.ctx.blobs.stat('c'.repeat(64))).toBeUndefined();
    });

    it('refuses a peer the content was not granted to, an unknown state, an unsigned or replayed request', async () => {
      const bytes = randomBytes(5000);
      const rec = await send(b, bytes, 'for-b-only.txt');
      await until(b, rec.id, 'received');
      const hash = sha(bytes);
      const ask = (token: string | null) => fetch(`${a.node.url}${EVIDENCE_PATH}/${hash}`, { headers: token ? { [FETCH_HEADER]: token } : {} });
      const asC = await signFetch({ from: 'XAC', to: 'XAA', sha256: hash, sent: new Date() }, c.node.ctx.keys.privateKey, c.node.ctx.nodeInfo().fingerprint);
      const refused = await ask(asC);
      expect([refused.status, ((await refused.json()) as { code: string }).code]).toEqual([403, 'evidence_not_granted']);
      const stranger = generateNodeKeyPair();
      const unknown = await ask(await signFetch({ from: 'XAD', to: 'XAA', sha256: hash, sent: new Date() }, stranger.privateKey, fingerprint(stranger.publicKey)));
      expect([unknown.status, ((await unknown.json()) as { code: string }).code]).toEqual([403, 'unknown_requester']);
      const forged = await ask(await signFetch({ from: 'XAB', to: 'XAA', sha256: hash, sent: new Date() }, stranger.privateKey, b.node.ctx.nodeInfo().fingerprint));
      expect([forged.status, ((await forged.json()) as { code: string }).code]).toEqual([401, 'bad_signature']);
      const unsigned = await ask(null);
      expect([unsigned.status, ((await unsigned.json()) as { code: string }).code]).toEqual([401, 'fetch_token_missing']);
      const asB = await signFetch({ from: 'XAB', to: 'XAA', sha256: hash, sent: new Date() }, b.node.ctx.keys.privateKey, b.node.ctx.nodeInfo().fingerprint);
      expect((await ask(asB)).status).toBe(200);
      const replay = await ask(asB);
      expect([replay.status, ((await replay.json()) as { code: string }).code]).toEqual([409, 'replayed']);

      // C's own fetcher, told of the file without a grant, keeps being refused and says why.
      const atC = await c.node.ctx.store.transaction((tx) =>
        expectEvidence(tx, c.node.ctx.domain, { sha256: hash, size: bytes.length, name: 'for-b-only.txt', mediaType: 'text/plain', malware: false, from: 'XAA', caseId: null }),
      );
      c.node.ctx.evidenceFetcher.wake();
      const state = await eventually(async () => {
        const s = await statusAt(c, atC.id);
        return s.error ? s : undefined;
      }, 20_000, 'refusal recorded at XAC');
      expect(state.status).not.toBe('received');
      expect(state.error).toContain('evidence_not_granted');
    });

    it('refuses a fetch by a granted peer while it is suspended and serves it again once resumed, but revokes its grants when it is removed, so adding it again does not give them back', async () => {
      const bytes = randomBytes(4000);
      const rec = await send(b, bytes, 'granted-to-b.txt');
      await until(b, rec.id, 'received');
      const hash = sha(bytes);
      const askAsB = async () => {
        const token = await signFetch({ from: 'XAB', to: 'XAA', sha256: hash, sent: new Date() }, b.node.ctx.keys.privateKey, b.node.ctx.nodeInfo().fingerprint);
        const res = await fetch(`${a.node.url}${EVIDENCE_PATH}/${hash}`, { headers: { [FETCH_HEADER]: token } });
        return [res.status, res.status === 200 ? null : ((await res.json()) as { code: string }).code];
      };
      // Suspending keeps the grant: refused while suspended, served once resumed.
      expect((await a.admin.post('/api/v1/peers/XAB/suspend')).status).toBe(200);
      expect(await askAsB()).toEqual([403, 'requester_suspended']);
      expect((await a.admin.post('/api/v1/peers/XAB/resume')).status).toBe(200);
      expect(await askAsB()).toEqual([200, null]);

      // The peers list says how many files removing the peer takes away, as the confirmation shows.
      const listed = (await a.admin.get('/api/v1/peers')).body.peers as { stateCode: string; evidenceGrants: number }[];
      const granted = listed.find((p) => p.stateCode === 'XAB')!.evidenceGrants;
      expect(granted).toBeGreaterThanOrEqual(1);
      expect(listed.find((p) => p.stateCode === 'XAC')!.evidenceGrants).toBe(0);
      expect((await a.admin.delete('/api/v1/peers/XAB')).status).toBe(204);
      expect(await askAsB()).toEqual([403, 'unknown_requester']);
      const audit = (await a.admin.get('/api/v1/audit?entityType=peer&limit=5')).body.entries as { action: string; entityId: string; before: { granted?: string[] } | null; after: unknown }[];
      const revoked = audit.find((e) => e.action === 'evidence.revoke' && e.entityId === 'XAB')!;
      expect(revoked.before!.granted).toHaveLength(granted);
      expect(revoked.before!.granted).toContain(hash);
      expect(revoked.after).toEqual({ granted: [] });

      // Trusted again, XAB fetches nothing it was sent before its removal; a file sent to it anew it fetches.
      await addPeer(a, b);
      expect(await askAsB()).toEqual([403, 'evidence_not_granted']);
      expect(((await a.admin.get('/api/v1/peers')).body.peers as { stateCode: string; evidenceGrants: number }[]).find((p) => p.stateCode === 'XAB')!.evidenceGrants).toBe(0);
      const anew = await send(b, randomBytes(3000), 'sent-after-re-adding.txt');
      await until(b, anew.id, 'received');
    });

    it('does not tell a peer which files it holds: content a peer announces is fetched from it unless it came from or went to that peer', async () => {
      const bytes = randomBytes(3000);
      const up = await uploadToA(bytes, 'own-file.txt');
      const announce = (caseId: string) =>
        a.node.ctx.store.transaction((tx) =>
          expectEvidence(tx, a.node.ctx.domain, { sha256: up.sha256, size: up.size, name: 'guess.txt', mediaType: 'text/plain', malware: false, from: 'XAC', caseId }),
        );
      const guessed = await announce('00000000-0000-4000-8000-000000000003');
      expect(guessed.status).toBe('expected');
      a.node.ctx.evidenceFetcher.wake();
      // C sees A ask for the file, as it would for any file A does not hold.
      await eventually(async () => c.node.logs.some((l) => l.msg === 'request' && l.path === `${EVIDENCE_PATH}/${up.sha256}`), 20_000, 'A asking C for the file');
      // Once A has sent the file to C, C knows A holds it: the same content from C is A's at once.
      await a.node.ctx.store.transaction((tx) => grantEvidence(tx, a.node.ctx.domain, { sha256: up.sha256, recipient: 'XAC' }));
      expect((await announce('00000000-0000-4000-8000-000000000004')).status).toBe('received');
    });
  });
}

/** The bytes of a download, through B's API with its admin's session. */
async function rawDownload(n: NetworkNode, id: string): Promise<Buffer> {
  const cookieClient = n.admin as unknown as { cookie: string | null };
  const res = await fetch(`${n.node.url}/api/v1/evidence/${id}/content`, { headers: { cookie: cookieClient.cookie ?? '' } });
  if (res.status !== 200) throw new Error(`download failed: ${res.status} ${await res.text()}`);
  return Buffer.from(await res.arrayBuffer());
}
