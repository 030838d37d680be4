import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logEvidenceCommitments } from '@parley/core';
import { evidenceCommitment, fileSha256, newEvidenceSalt, type ProofBundle } from '@parley/protocol';
import { addPeer, Client, eventually, parleyCli, signedInAdmin, startTestNode, type Engine, type NetworkNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Proof bundles end to end: two real nodes on loopback, a communication check between them,
 * the bundle downloaded from one node (which fetches the other's proofs over HTTP), and the
 * `parley verify` command run on it as a user would.
 */
export function proofsSuite(engine: Engine): void {
  describe(`proof bundles over HTTP (${engine})`, () => {
    let a: NetworkNode;
    let b: NetworkNode;
    let dir: string;
    let hash: string;
    let bundle: ProofBundle;
    const evidenceFile = Buffer.from('netflow excerpt: 203.0.113.45 -> 198.51.100.7:443, 1.2 Mpps\n');
    const salt = newEvidenceSalt();
    const commitment = evidenceCommitment(salt, fileSha256(evidenceFile));

    /** The bundle from `node`, once both logs have signed checkpoints covering the message. */
    const proofFrom = (node: NetworkNode, query = '') =>
      eventually(async () => {
        const r = await node.admin.get(`/api/v1/proofs/messages/${hash}${query}`);
        if (r.status === 503 || r.status === 409) return undefined;
        expect(r.status).toBe(200);
        return r;
      }, 20_000, 'a proof bundle');
    const save = async (name: string, content: unknown) => {
      const path = join(dir, name);
      await writeFile(path, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content, null, 2));
      return path;
    };

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'parley-proofs-'));
      // Witnessing every half second, so the checkpoints in the bundle carry cosignatures.
      const start = async (state: string): Promise<NetworkNode> => {
        const node = await startTestNode({ state, engine, context: { checkpointer: { intervalMs: 200 }, witness: { intervalMs: 500 } } });
        return { node, admin: await signedInAdmin(node) };
      };
      [a, b] = [await start('XAA'), await start('XAB')];
      await addPeer(a, b);
      await addPeer(b, a);
      const started = await a.admin.post('/api/v1/checks', { peers: ['XAB'], note: 'Quarterly check' });
      expect(started.status).toBe(201);
      const delivered = await eventually(async () => {
        const r = await a.admin.get('/api/v1/messages?recipient=XAB&status=delivered');
        return (r.body.messages as { type: string; hash: string }[]).find((m) => m.type === 'check.request');
      }, 15_000, 'the check to be delivered');
      hash = delivered.hash;
      // What the consultation code does for a message carrying evidence, on send and on receipt.
      await logEvidenceCommitments(a.node.ctx.store, a.node.ctx.domain, { envelope: hash, sender: 'XAA', recipient: 'XAB', commitments: [commitment] });
      await logEvidenceCommitments(b.node.ctx.store, b.node.ctx.domain, { envelope: hash, sender: 'XAA', recipient: 'XAB', commitments: [commitment, commitment] });
    }, 60_000);
    afterAll(async () => {
      await Promise.all([a?.node.close(), b?.node.close()]);
      await rm(dir, { recursive: true, force: true });
    });

    it('finds the entries about an envelope in each public log, without sign-in', async () => {
      const kinds = async (node: NetworkNode) => {
        const r = await new Client(node.node.url).get(`/log/lookup?hash=${encodeURIComponent(hash)}`);
        expect(r.status).toBe(200);
        return (r.body.entries as { kind: string; data: string }[]).map((e) => e.kind);
      };
      expect(await kinds(a)).toEqual(['envelope.sent', 'receipt.received', 'evidence.committed']);
      // Logged once, though the caller named it twice.
      expect(await kinds(b)).toEqual(['envelope.received', 'receipt.issued', 'evidence.committed']);
    });

    it('refuses a lookup by something that is not an envelope hash', async () => {
      const r = await new Client(a.node.url).get('/log/lookup?hash=abc');
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('invalid_hash');
      const missing = await new Client(a.node.url).get('/log/lookup');
      expect(missing.body.code).toBe('validation_failed');
    });

    it('builds a bundle on the sending node that `parley verify` accepts, naming sender, receiver and both logs', async () => {
      // Once each node has cosigned the other's log, the checkpoints in the bundle carry the cosignatures.
      const r = await eventually(async () => {
        const got = await proofFrom(a);
        const body = got.body as ProofBundle;
        return body.logs.sender.cosigners && body.logs.receiver.cosigners && got;
      }, 30_000, 'a bundle with cosigned checkpoints');
      expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="parley-proof-/);
      bundle = r.body as ProofBundle;
      expect(bundle.logs.sender.cosigners).toEqual([expect.stringMatching(/^parley\.xab\.[0-9a-f]{8}\/witness\+/)]);
      expect(bundle.logs.receiver.cosigners).toEqual([expect.stringMatching(/^parley\.xaa\.[0-9a-f]{8}\/witness\+/)]);
      expect(bundle.evidence).toEqual([{ commitment }]);
      const run = await parleyCli(['verify', await save('bundle.json', bundle)]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^VALID\. XAA sent a check\.request message \(envelope sha256:[\w-]{43}\) to XAB, signed with XAA's key SHA256:/);
      expect(run.stdout).toContain(`XAA's public log ${bundle.sender.log.origin} records sending it`);
      expect(run.stdout).toMatch(/checkpoint of \d+ entries, cosigned by parley\.xab\.[0-9a-f]{8}\/witness\)/);
      expect(run.stdout).toMatch(/confirm the fingerprints with XAA and XAB out of band/);
    });

    it('checks the keys against a trusted keys file, and names the key it does not trust', async () => {
      const keys = `XAA ${a.node.ctx.nodeInfo().fingerprint}\nXAB ${b.node.ctx.nodeInfo().fingerprint}\n`;
      const ok = await parleyCli(['verify', await save('b.json', bundle), '--keys', await save('keys.txt', keys)]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(/Every key used is in your trusted keys file/);
      const wrong = await parleyCli(['verify', join(dir, 'b.json'), '--keys', await save('keys2.txt', `XAA ${a.node.ctx.nodeInfo().fingerprint}\n`)]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain(`XAB's key ${b.node.ctx.nodeInfo().fingerprint} is not in your trusted keys file, which lists no key for XAB`);
    });

    it('fails a tampered bundle with the precise reason', async () => {
      const [h, p, sig] = bundle.receipt.split('.') as [string, string, string];
      const flipped = `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
      const run = await parleyCli(['verify', await save('tampered.json', { ...bundle, receipt: `${h}.${p}.${flipped}` })]);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`NOT VALID: The receipt's signature does not verify with XAB's key ${b.node.ctx.nodeInfo().fingerprint}.`);
      const entry = bundle.logs.receiver.entries[0]!;
      const moved = { ...bundle, logs: { ...bundle.logs, receiver: { ...bundle.logs.receiver, entries: [{ ...entry, index: entry.index + 1 }, ...bundle.logs.receiver.entries.slice(1)] } } };
      const r2 = await parleyCli(['verify', await save('moved.json', moved)]);
      expect(r2.code).toBe(1);
      expect(r2.stderr).toMatch(/is not in XAB's log as its checkpoint of \d+ entries commits to it/);
    });

    it('checks a disclosed evidence file against its commitment', async () => {
      const disclosed = { ...bundle, evidence: [{ commitment, salt, fileSha256: fileSha256(evidenceFile) }] };
      const path = await save('disclosed.json', disclosed);
      const ok = await parleyCli(['verify', path, '--content', await save('evidence.txt', evidenceFile)]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain(`including the file given (SHA-256 ${fileSha256(evidenceFile)})`);
      const other = await parleyCli(['verify', path, '--content', await save('other.txt', 'another file')]);
      expect(other.code).toBe(1);
      expect(other.stderr).toMatch(/is not the evidence this message committed to/);
    });

    it('builds the same proof on the receiving node, and one that withholds the content', async () => {
      const fromB = (await proofFrom(b)).body as ProofBundle;
      expect(fromB.envelope).toEqual(bundle.envelope);
      expect(fromB.receipt).toBe(bundle.receipt);
      expect((await parleyCli(['verify', await save('from-b.json', fromB)])).code).toBe(0);
      const withheld = (await proofFrom(a, '?content=withhold')).body as ProofBundle;
      expect(withheld.envelope).toEqual({ hash });
      const run = await parleyCli(['verify', await save('withheld.json', withheld)]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/content and XAA's signature on it are withheld/);
    });

    it('verifies for anyone on POST /api/v1/verify, with the same verdicts', async () => {
      const anyone = new Client(a.node.url);
      const ok = await anyone.post('/api/v1/verify', { bundle });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ valid: true, sender: 'XAA', receiver: 'XAB', type: 'check.request', envelopeHash: hash });
      const bad = await anyone.post('/api/v1/verify', { bundle: { ...bundle, envelope: { ...bundle.envelope, hash: `sha256:${'A'.repeat(43)}` } } });
      expect(bad.body).toMatchObject({ valid: false, code: 'envelope_hash_mismatch', field: 'envelope.jws' });
      const disclosed = { ...bundle, evidence: [{ commitment, salt }] };
      const withFile = await anyone.post('/api/v1/verify', { bundle: disclosed, contentSha256: fileSha256(evidenceFile) });
      expect(withFile.body.valid).toBe(true);
    });

    it('logs a commitment again when the same evidence travels in a later envelope', async () => {
      const later = `sha256:${'C'.repeat(43)}`;
      await logEvidenceCommitments(a.node.ctx.store, a.node.ctx.domain, { envelope: later, sender: 'XAA', recipient: 'XAB', commitments: [commitment] });
      const r = await new Client(a.node.url).get(`/log/lookup?hash=${encodeURIComponent(later)}`);
      expect((r.body.entries as { kind: string; data: string }[]).map((e) => [e.kind, JSON.parse(e.data).commitment])).toEqual([['evidence.committed', commitment]]);
      // Neither the salt nor the file hash is ever in the log.
      const first = await new Client(a.node.url).get(`/log/lookup?hash=${encodeURIComponent(hash)}`);
      expect(JSON.stringify(first.body)).not.toContain(salt);
      expect(JSON.stringify(first.body)).not.toContain(fileSha256(evidenceFile));
    });

    it('allows bundles only to signed-in users, and says when a message is unknown', async () => {
      expect((await new Client(a.node.url).get(`/api/v1/proofs/messages/${hash}`)).status).toBe(401);
      const unknown = await a.admin.get(`/api/v1/proofs/messages/sha256:${'B'.repeat(43)}`);
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe('message_not_found');
      const bad = await a.admin.get('/api/v1/proofs/messages/nothash');
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('invalid_hash');
    });
  });
}
