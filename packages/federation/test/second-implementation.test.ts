import { readFileSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, signedInAdmin, startTestNode, type Client, type TestNode } from '@parley/testkit';
import {
  batchHash,
  canonicalEntry,
  envelopeHash,
  fingerprintOf,
  IndependentNode,
  keyPairFromSeed,
  newKeyPair,
  leafHash,
  openCompact,
  rootFromInclusionProof,
  signCompact,
  verifyCheckpoint,
  verifyConsistency,
  verifyCosignature,
  type Envelope,
} from './second-implementation.js';

/**
 * Another team's implementation, written from docs/protocol.md alone (second-implementation.ts
 * uses node:crypto, node:http and JSON, never @parley/protocol), federates with a real Parley
 * node over loopback: the document is precise enough to interoperate, which the federation
 * issue requires. Where this suite once failed, the document was what needed fixing.
 */
const docs = new URL('../../../docs/protocol/', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, docs), 'utf8');
const ajv = new Ajv2020.default({ strict: false, allErrors: true });
addFormats.default(ajv);
const schema = (name: string) => ajv.getSchema(name) ?? (ajv.addSchema(JSON.parse(read(`schemas/${name}`)) as object, name), ajv.getSchema(name)!);
function expectValid(name: string, value: unknown): void {
  const validate = schema(name);
  expect(validate(value), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
}

/** RFC 8032 §7.1, TEST 1 and TEST 2: the secret keys the worked example names. */
const TEST1 = keyPairFromSeed('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const TEST2 = keyPairFromSeed('4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb');

describe('second implementation: the worked example of docs/protocol.md, rebuilt from the text', () => {
  it('computes the fingerprint of §1 for the RFC 8032 TEST 1 key', () => {
    expect(TEST1.fingerprint).toBe('SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk');
    const discovery = JSON.parse(read('examples/discovery.json')) as { publicKey: string; fingerprint: string };
    expect(fingerprintOf(Buffer.from(discovery.publicKey, 'base64url'))).toBe(discovery.fingerprint);
  });

  it('signs envelope.json into envelope.jws byte for byte and hashes it as §3.2 says', () => {
    const envelope = JSON.parse(read('examples/envelope.json')) as object;
    const jws = signCompact('parley-envelope+jws', envelope, TEST1);
    expect(jws).toBe(read('examples/envelope.jws').trim());
    expect(envelopeHash(jws)).toBe(read('examples/envelope.hash').trim());
  });

  it("verifies the example receipt with the receiver's key, as §4.2 tells a sender to", () => {
    const opened = openCompact(read('examples/receipt.jws').trim(), 'parley-receipt+jws');
    expect(opened.payload).toEqual(JSON.parse(read('examples/receipt.json')));
    expect(opened.payload.receiver).toBe('XAB');
    expect(opened.header.kid).toBe(TEST2.fingerprint);
    expect(opened.verifiesWith(TEST2.publicKey)).toBe(true);
  });

  it("computes the batch token's hash of §4.4 for batch-delivery.json", () => {
    const { envelopes } = JSON.parse(read('examples/batch-delivery.json')) as { envelopes: string[] };
    const token = JSON.parse(read('examples/delivery-batch.json')) as { batch: string; count: number };
    expect(batchHash(envelopes.map(envelopeHash))).toBe(token.batch);
    expect(token.count).toBe(envelopes.length);
  });

  it('rebuilds the leaf data of §9.1 and checks the example checkpoint of §9.3 against the two entries', () => {
    const sent = JSON.parse(read('examples/log-entry.json')) as Record<string, string>;
    const receipt = JSON.parse(read('examples/log-entry-receipt.json')) as Record<string, string>;
    expect(canonicalEntry(sent)).toBe(read('examples/log-entry.txt').trim());
    const { verifierKey } = (JSON.parse(read('examples/discovery.json')) as { log: { verifierKey: string } }).log;
    const checkpoint = verifyCheckpoint(read('examples/log-checkpoint.txt'), verifierKey);
    expect(checkpoint).toMatchObject({ origin: 'parley.xaa.21fe31df', size: 2 });
    expect(`parley.xaa.${createHash('sha256').update(TEST1.publicKey).digest().subarray(0, 4).toString('hex')}`).toBe(checkpoint.origin);
    const leaves = [sent, receipt].map((e) => leafHash(Buffer.from(canonicalEntry(e), 'utf8')));
    expect(rootFromInclusionProof(0, 2, leaves[0]!, [leaves[1]!]).equals(checkpoint.root)).toBe(true);
  });
});

describe('second implementation: the example proof bundle of §9.6, checked offline', () => {
  interface Party {
    state: string;
    keys: { publicKey: string; fingerprint: string }[];
    log: { origin: string; verifierKey: string };
  }
  interface Log {
    checkpoint: string;
    cosigners?: string[];
    entries: { index: number; data: string; proof: string[] }[];
  }
  const bundle = JSON.parse(read('examples/proof-bundle.json')) as {
    envelope: { hash: string; jws: string };
    receipt: string;
    sender: Party;
    receiver: Party;
    logs: { sender: Log; receiver: Log };
    evidence: { commitment: string; salt: string; fileSha256: string }[];
  };
  const keyOf = (party: Party) => {
    const [key] = party.keys;
    expect(fingerprintOf(Buffer.from(key!.publicKey, 'base64url'))).toBe(key!.fingerprint);
    return Buffer.from(key!.publicKey, 'base64url');
  };

  it("verifies the sender's envelope and the receiver's receipt with the keys the bundle states", () => {
    expect(envelopeHash(bundle.envelope.jws)).toBe(bundle.envelope.hash);
    const envelope = openCompact(bundle.envelope.jws, 'parley-envelope+jws');
    expect(envelope.verifiesWith(keyOf(bundle.sender))).toBe(true);
    expect(envelope.payload).toMatchObject({ sender: bundle.sender.state, recipient: bundle.receiver.state });
    const receipt = openCompact(bundle.receipt, 'parley-receipt+jws');
    expect(receipt.verifiesWith(keyOf(bundle.receiver))).toBe(true);
    expect(receipt.payload).toMatchObject({ envelope: bundle.envelope.hash, receiver: bundle.receiver.state });
  });

  it('finds the four log entries of §9.6 in both logs by inclusion proofs against signed checkpoints', () => {
    const kinds: string[] = [];
    for (const side of ['sender', 'receiver'] as const) {
      const party = bundle[side];
      expect(party.log.origin.startsWith(`parley.${party.state.toLowerCase()}.`)).toBe(true);
      const checkpoint = verifyCheckpoint(bundle.logs[side].checkpoint, party.log.verifierKey);
      for (const e of bundle.logs[side].entries) {
        const entry = JSON.parse(e.data) as Record<string, string>;
        expect(canonicalEntry(entry)).toBe(e.data);
        expect(entry.envelope ?? entry.hash).toBe(bundle.envelope.hash);
        if (entry.kind!.startsWith('receipt.')) expect(entry.hash).toBe(envelopeHash(bundle.receipt));
        const root = rootFromInclusionProof(e.index, checkpoint.size, leafHash(Buffer.from(e.data, 'utf8')), e.proof.map((p) => Buffer.from(p, 'base64')));
        expect(root.equals(checkpoint.root), `${side} entry ${e.index}`).toBe(true);
        kinds.push(`${side} ${entry.kind}`);
      }
    }
    expect(kinds).toEqual(expect.arrayContaining(['sender envelope.sent', 'sender receipt.received', 'receiver envelope.received', 'receiver receipt.issued']));
  });

  it("verifies the witness's cosignature on the receiver's checkpoint as C2SP tlog-cosignature defines it (§9.5)", () => {
    const { checkpoint, cosigners } = bundle.logs.receiver;
    expect(cosigners).toHaveLength(1);
    const time = verifyCosignature(checkpoint, cosigners![0]!);
    expect(time).toBeGreaterThan(Date.UTC(2026, 0, 1) / 1000);
    expect(() => verifyCosignature(checkpoint.replace('\n5\n', '\n6\n'), cosigners![0]!)).toThrow(/no cosignature/);
  });

  it('recomputes each disclosed evidence commitment as SHA-256(salt || SHA-256(file)) (§9.1)', () => {
    for (const item of bundle.evidence) {
      const commitment = createHash('sha256').update(Buffer.from(item.salt, 'base64url')).update(Buffer.from(item.fileSha256, 'hex')).digest('base64url');
      expect(`sha256:${commitment}`).toBe(item.commitment);
    }
  });
});

describe("second implementation: RFC 9162 Merkle math against transparency-dev/merkle's known answers", () => {
  const known = JSON.parse(readFileSync(new URL('../../../fixtures/merkle/known-answers.json', import.meta.url), 'utf8')) as {
    rootHashes: string[];
    inclusionProofs: { leaf: number; size: number; proof: string[] }[];
    consistencyProofs: { size1: number; size2: number; proof: string[] }[];
    leafInputs: string[];
  };
  const hex = (h: string) => Buffer.from(h, 'hex');

  it('verifies every published inclusion proof, and refuses one with a wrong leaf', () => {
    for (const { leaf, size, proof } of known.inclusionProofs) {
      const root = rootFromInclusionProof(leaf - 1, size, leafHash(hex(known.leafInputs[leaf - 1]!)), proof.map(hex));
      expect(root.toString('hex'), `leaf ${leaf} of ${size}`).toBe(known.rootHashes[size]);
    }
    const { leaf, size, proof } = known.inclusionProofs[1]!;
    expect(rootFromInclusionProof(leaf - 1, size, leafHash(hex('ff')), proof.map(hex)).toString('hex')).not.toBe(known.rootHashes[size]);
  });

  it('verifies every published consistency proof, and refuses one between the wrong sizes', () => {
    for (const { size1, size2, proof } of known.consistencyProofs) {
      expect(verifyConsistency(size1, size2, hex(known.rootHashes[size1]!), hex(known.rootHashes[size2]!), proof.map(hex)), `${size1} → ${size2}`).toBe(true);
    }
    const { size1, size2, proof } = known.consistencyProofs.find((c) => c.size1 !== c.size2)!;
    expect(verifyConsistency(size1 + 1, size2, hex(known.rootHashes[size1 + 1]!), hex(known.rootHashes[size2]!), proof.map(hex))).toBe(false);
  });
});

describe('second implementation: federating with a real Parley node', () => {
  let parley: TestNode;
  let admin: Client;
  let other: IndependentNode;
  /** What Parley's administrator reads on the node's page and gives the other state out of band. */
  let parleyFingerprint: string;
  const contactId = randomUUID();
  /** The directory.update this node delivered and its receipt, whose log entries the last test proves. */
  let delivered: { hash: string; receipt: string } | undefined;
  /** The check this node started at Parley, which Parley's officer confirms in a later test. */
  let ownCheck: { id: string; hash: string } | undefined;

  beforeAll(async () => {
    parley = await startTestNode({ state: 'XAA', name: 'Ministry of Foreign Affairs of Aurelia' });
    admin = await signedInAdmin(parley);
    other = new IndependentNode('XZZ', 'Independent implementation of Zedland');
    await other.start();
    parleyFingerprint = ((await admin.get('/api/v1/node')).body as { fingerprint: string }).fingerprint;
  });
  afterAll(async () => {
    await other?.close();
    await parley?.close();
  });

  const outbox = async () => (await admin.get('/api/v1/messages?recipient=XZZ')).body as { messages: { hash: string; type: string; status: string; hasReceipt: boolean; lastError: string | null }[] };

  it('discovers the Parley node at /.well-known/parley and checks its fingerprint from the key it presents', async () => {
    const res = await fetch(`${parley.url}/.well-known/parley`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { publicKey: string; fingerprint: string; stateCode: string };
    expectValid('discovery.schema.json', doc);
    expect(fingerprintOf(Buffer.from(doc.publicKey, 'base64url'))).toBe(parleyFingerprint);
    await expect(other.trust(parley.url, 'SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk')).rejects.toThrow(/fingerprint mismatch/);
    const peer = await other.trust(parley.url, parleyFingerprint);
    expect(peer.stateCode).toBe('XAA');
  });

  it("is added as a peer by Parley's administrator, and receives Parley's directory, verified, with a receipt Parley accepts", async () => {
    expectValid('discovery.schema.json', other.discoveryDocument());
    const added = await admin.post('/api/v1/peers', { url: other.url, fingerprint: other.keys.fingerprint });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ stateCode: 'XZZ', fingerprint: other.keys.fingerprint, status: 'trusted' });

    const directory = await eventually(async () => other.received.find((r) => r.envelope.type === 'directory.update'), 15_000, "Parley's directory.update");
    expectValid('envelope.schema.json', directory.envelope);
    expectValid('body.directory.update.schema.json', directory.envelope.body);
    expect(directory.envelope).toMatchObject({ sender: 'XAA', recipient: 'XZZ' });
    const delivered = await eventually(async () => (await outbox()).messages.find((m) => m.hash === directory.hash && m.status === 'delivered'), 15_000, 'delivered with receipt');
    expect(delivered.hasReceipt).toBe(true);
  });

  it('delivers a directory.update to the single inbox with a delivery token and verifies the signed receipt', async () => {
    const body = {
      publishedAt: new Date().toISOString(),
      contacts: [
        {
          id: contactId,
          kind: 'technical',
          name: 'Zedland CERT',
          organisation: 'CERT XZZ',
          position: 'Duty officer',
          email: 'duty@cert.zedland.example',
          phone: '+1 555 010 0303',
          languages: ['en'],
          timeZone: 'UTC',
          hours: '',
          available24x7: true,
          verifiedAt: null,
          updatedAt: new Date().toISOString(),
        },
      ],
    };
    expectValid('body.directory.update.schema.json', body);
    const { jws, hash, envelope } = other.envelope('XAA', { type: 'directory.update', body });
    expectValid('envelope.schema.json', envelope);
    const answer = await other.deliver('XAA', jws);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.duplicate).toBe(false);
    const receipt = other.verifyReceipt(answer.body.receipt!, 'XAA', hash);
    expectValid('receipt.schema.json', receipt);
    delivered = { hash, receipt: answer.body.receipt! };

    const states = ((await admin.get('/api/v1/federation/directory')).body as { states: { stateCode: string; contacts: { id: string; name: string }[] }[] }).states;
    expect(states.find((s) => s.stateCode === 'XZZ')?.contacts).toEqual([expect.objectContaining({ id: contactId, name: 'Zedland CERT' })]);

    const again = await other.deliver('XAA', jws);
    expect(again).toEqual({ status: 200, body: { receipt: answer.body.receipt, duplicate: true } });
  });

  it("answers Parley's communication check on its own inbox, and Parley takes the receipt and the confirmation", async () => {
    const started = await admin.post('/api/v1/checks', { peers: ['XZZ'], note: 'Check with the second implementation' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const check = (started.body as { checks: { id: string }[] }).checks[0]!;
    const request = await eventually(async () => other.received.find((r) => r.envelope.type === 'check.request'), 15_000, 'check.request');
    expectValid('body.check.request.schema.json', request.envelope.body);
    expect(request.envelope.thread).toBe(check.id);
    expect(request.envelope.body.check).toBe(check.id);
    await eventually(async () => (await outbox()).messages.find((m) => m.hash === request.hash && m.status === 'delivered' && m.hasReceipt), 15_000, 'check delivered');

    const { jws, hash } = other.envelope('XAA', {
      type: 'check.response',
      thread: check.id,
      prev: request.hash,
      body: { check: check.id, confirmedAt: new Date().toISOString(), confirmedBy: 'Duty officer, Zedland CERT', contact: contactId },
    });
    const answer = await other.deliver('XAA', jws);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    other.verifyReceipt(answer.body.receipt!, 'XAA', hash);
    const confirmed = ((await admin.get('/api/v1/checks?peer=XZZ')).body as { checks: { id: string; status: string; confirmedBy: string | null; confirmedContact: string | null }[] }).checks.find((c) => c.id === check.id);
    expect(confirmed).toMatchObject({ status: 'confirmed', confirmedBy: 'Duty officer, Zedland CERT', confirmedContact: contactId });
  });

  it("is not taken as delivered by Parley on a receipt §4.2 refuses, and is once the receipt is the receiver's", async () => {
    const stranger = newKeyPair();
    const wrong = new Map<string, (hash: string, receipt: string) => string>([
      ["signed with another key", (hash) => signCompact('parley-receipt+jws', { v: 1, envelope: hash, receiver: 'XZZ', received: new Date().toISOString(), status: 'accepted' }, stranger)],
      ['naming another envelope', () => signCompact('parley-receipt+jws', { v: 1, envelope: envelopeHash('other'), receiver: 'XZZ', received: new Date().toISOString(), status: 'accepted' }, other.keys)],
      ['from another receiver', (hash) => signCompact('parley-receipt+jws', { v: 1, envelope: hash, receiver: 'XAB', received: new Date().toISOString(), status: 'accepted' }, other.keys)],
    ]);
    for (const [what, answer] of wrong) {
      let answered = 0;
      other.answerReceipt = (hash, receipt) => (answered++, answer(hash, receipt));
      const started = await admin.post('/api/v1/checks', { peers: ['XZZ'], note: `Receipt ${what}` });
      expect(started.status).toBe(201);
      const request = await eventually(async () => other.received.find((r) => r.envelope.type === 'check.request' && r.envelope.body.note === `Receipt ${what}`), 15_000, `check (${what})`);
      await eventually(async () => answered >= 2, 15_000, `a retry after the receipt ${what}`);
      const queued = (await outbox()).messages.find((m) => m.hash === request.hash)!;
      expect(queued, what).toMatchObject({ status: 'queued', hasReceipt: false });
      expect(queued.lastError, what).toBeTruthy();
      other.answerReceipt = undefined;
      await eventually(async () => (await outbox()).messages.find((m) => m.hash === request.hash && m.status === 'delivered' && m.hasReceipt), 15_000, `delivered after the receipt ${what}`);
    }
  });

  it('delivers a batch with one token naming the batch, and verifies each receipt', async () => {
    const checkId = randomUUID();
    const deadline = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const first = other.envelope('XAA', { type: 'check.request', thread: checkId, body: { check: checkId, deadline, note: 'Batch check' } });
    const second = other.envelope('XAA', { type: 'directory.update', body: { publishedAt: new Date().toISOString(), contacts: [] } });
    const answer = await other.deliverBatch('XAA', [first.jws, second.jws]);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expectValid('batch-response.schema.json', answer.body);
    const results = answer.body.results!;
    expect(results).toHaveLength(2);
    other.verifyReceipt(results[0]!.receipt!, 'XAA', first.hash);
    other.verifyReceipt(results[1]!.receipt!, 'XAA', second.hash);
    ownCheck = { id: checkId, hash: first.hash };
    const incoming = ((await admin.get('/api/v1/checks?direction=incoming')).body as { checks: { id: string; peer: string }[] }).checks;
    expect(incoming).toContainEqual(expect.objectContaining({ id: checkId, peer: 'XZZ' }));

    // Each envelope stands alone: one that fails its own checks is refused in its place.
    const good = other.envelope('XAA', { type: 'directory.update', body: { publishedAt: new Date().toISOString(), contacts: [] } });
    const misdirected = other.envelope('XAB', { type: 'directory.update', body: { publishedAt: new Date().toISOString(), contacts: [] } });
    const mixed = await other.deliverBatch('XAA', [misdirected.jws, good.jws]);
    expect(mixed.status).toBe(200);
    expect(mixed.body.results![0]).toMatchObject({ status: 400, code: 'wrong_recipient' });
    other.verifyReceipt(mixed.body.results![1]!.receipt!, 'XAA', good.hash);

    // A single envelope's token is no good for a batch holding it.
    const third = other.envelope('XAA', { type: 'directory.update', body: { publishedAt: new Date().toISOString(), contacts: [] } });
    const wrongToken = other.deliveryToken({ envelope: third.hash }, 'XAA');
    const refused = await other.deliverBatch('XAA', [third.jws], wrongToken);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('delivery_mismatch');
  });

  it("takes Parley's confirmation of its check and Parley's directory as one batch, under a token naming the batch", async () => {
    const contact = await admin.post('/api/v1/contacts', {
      kind: 'technical',
      name: 'Aurelia CERT',
      organisation: 'CERT XAA',
      position: 'Duty officer',
      email: 'duty@cert.aurelia.example',
      phone: '+1 555 010 0202',
      languages: ['en'],
      timeZone: 'UTC',
      hours: '',
      available24x7: true,
    });
    expect(contact.status, JSON.stringify(contact.body)).toBe(201);
    const contactId = (contact.body as { id: string }).id;
    const names = (r: { envelope: Envelope }) => (r.envelope.body.contacts as { id: string; verifiedAt: string | null }[] | undefined)?.find((c) => c.id === contactId);
    // The new contact's directory goes out alone; the confirmation then queues two messages at once.
    await eventually(async () => other.received.find((r) => r.envelope.type === 'directory.update' && names(r)), 15_000, 'the directory with the new contact');
    const { id, hash } = ownCheck!;
    const confirmed = await admin.post(`/api/v1/checks/${id}/confirm`, { contact: contactId, confirmedBy: 'Duty officer, Aurelia CERT' });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);

    const response = await eventually(async () => other.received.find((r) => r.envelope.type === 'check.response' && r.envelope.body.check === id), 15_000, 'check.response');
    expectValid('body.check.response.schema.json', response.envelope.body);
    expect(response.envelope).toMatchObject({ sender: 'XAA', recipient: 'XZZ', thread: id, prev: hash });
    expect(response.envelope.body).toMatchObject({ confirmedBy: 'Duty officer, Aurelia CERT', contact: contactId });
    // Through the batch inbox, whose token this node checked against the batch's hash and count.
    expect(response.via).toBe('batch');
    const verified = other.received.find((r) => r.via === 'batch' && r.envelope.type === 'directory.update' && names(r)?.verifiedAt);
    expect(verified, 'the directory naming the contact as verified, in the same batch').toBeDefined();
    for (const r of [response, verified!]) {
      await eventually(async () => (await outbox()).messages.find((m) => m.hash === r.hash && m.status === 'delivered' && m.hasReceipt), 15_000, `${r.envelope.type} delivered`);
    }
  });

  it("proves offline, from Parley's signed checkpoints and RFC 9162 proofs, that Parley logged what it received", async () => {
    const { log } = (await (await fetch(`${parley.url}/.well-known/parley`)).json()) as { publicKey: string; log: { origin: string; verifierKey: string } };
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${parley.url}${path}`);
      expect(res.status, path).toBe(200);
      return (await res.json()) as T;
    };
    const { hash, receipt } = delivered!;
    const { entries } = await get<{ entries: { index: number; kind: string; data: string; leafHash: string }[] }>(`/log/lookup?hash=${encodeURIComponent(hash)}`);
    const fields = entries.map((e) => {
      const entry = JSON.parse(e.data) as Record<string, string>;
      expect(canonicalEntry(entry), 'leaf data is the canonical form of the entry').toBe(e.data);
      expect(leafHash(Buffer.from(e.data, 'utf8')).toString('base64')).toBe(e.leafHash);
      expect(entry.kind).toBe(e.kind);
      return entry;
    });
    expect(fields).toEqual([
      expect.objectContaining({ kind: 'envelope.received', hash, sender: 'XZZ', recipient: 'XAA', type: 'directory.update' }),
      expect.objectContaining({ kind: 'receipt.issued', hash: envelopeHash(receipt), envelope: hash, sender: 'XZZ', receiver: 'XAA' }),
    ]);

    const checkpoint = async (atLeast: number) =>
      eventually(async () => {
        const res = await fetch(`${parley.url}/log/checkpoint`);
        const c = verifyCheckpoint(await res.text(), log.verifierKey);
        return c.size >= atLeast && c;
      }, 10_000, `a checkpoint of at least ${atLeast} entries`);
    const first = await checkpoint(Math.max(...entries.map((e) => e.index)) + 1);
    expect(first.origin).toBe(log.origin);
    for (const e of entries) {
      const { leafHash: leaf, proof } = await get<{ leafHash: string; proof: string[] }>(`/log/proof/inclusion?index=${e.index}&size=${first.size}`);
      expect(leaf).toBe(e.leafHash);
      const root = rootFromInclusionProof(e.index, first.size, Buffer.from(leaf, 'base64'), proof.map((p) => Buffer.from(p, 'base64')));
      expect(root.equals(first.root), `inclusion of entry ${e.index}`).toBe(true);
    }

    // The log grows with the next delivery; the consistency proof shows it kept what it had.
    const next = other.envelope('XAA', { type: 'directory.update', body: { publishedAt: new Date().toISOString(), contacts: [] } });
    expect((await other.deliver('XAA', next.jws)).status).toBe(200);
    const second = await checkpoint(first.size + 2);
    const { oldRoot, proof } = await get<{ oldRoot: string; proof: string[] }>(`/log/proof/consistency?old=${first.size}&new=${second.size}`);
    expect(Buffer.from(oldRoot, 'base64').equals(first.root)).toBe(true);
    expect(verifyConsistency(first.size, second.size, first.root, second.root, proof.map((p) => Buffer.from(p, 'base64')))).toBe(true);
  });

  it('rotates its key as §8 says: announced under the old key, then signing with the new one, whose receipts Parley takes', async () => {
    const old = other.keys;
    const next = newKeyPair();
    const announce = other.envelope('XAA', { type: 'key.rotate', body: { publicKey: next.publicKey.toString('base64url'), fingerprint: next.fingerprint, effective: new Date().toISOString() } });
    expectValid('body.key.rotate.schema.json', announce.envelope.body);
    const answer = await other.deliver('XAA', announce.jws);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    other.verifyReceipt(answer.body.receipt!, 'XAA', announce.hash);
    other.keys = next;
    const peers = ((await admin.get('/api/v1/peers')).body as { peers: { stateCode: string; fingerprint: string }[] }).peers;
    expect(peers.find((p) => p.stateCode === 'XZZ')?.fingerprint).toBe(next.fingerprint);

    const signedNew = other.envelope('XAA', { type: 'directory.update', body: { publishedAt: new Date().toISOString(), contacts: [] } });
    expect((await other.deliver('XAA', signedNew.jws)).status).toBe(200);
    // Still in flight under the old key: accepted for the retry period, its token signed with the same key.
    const inFlight = other.envelope('XAA', { type: 'directory.update', body: { publishedAt: new Date().toISOString(), contacts: [] } }, old);
    const late = await other.deliver('XAA', inFlight.jws, other.deliveryToken({ envelope: inFlight.hash }, 'XAA', { key: old }));
    expect(late.status, JSON.stringify(late.body)).toBe(200);

    const started = await admin.post('/api/v1/checks', { peers: ['XZZ'], note: 'After the rotation' });
    expect(started.status).toBe(201);
    const request = await eventually(async () => other.received.find((r) => r.envelope.body.note === 'After the rotation'), 15_000, 'the check after the rotation');
    expect(openCompact(request.receipt, 'parley-receipt+jws').header.kid).toBe(next.fingerprint);
    await eventually(async () => (await outbox()).messages.find((m) => m.hash === request.hash && m.status === 'delivered' && m.hasReceipt), 15_000, 'delivered on a receipt under the new key');
  });

  describe('refusals by their documented codes', () => {
    const directory = () => other.envelope('XAA', { type: 'directory.update', body: { publishedAt: new Date().toISOString(), contacts: [] } });

    it('a body changed after signing: bad_signature (401)', async () => {
      const { jws } = directory();
      const [h, p, s] = jws.split('.') as [string, string, string];
      const changed = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Envelope;
      changed.body = { publishedAt: new Date(Date.now() + 1000).toISOString(), contacts: [] };
      const tampered = `${h}.${Buffer.from(JSON.stringify(changed)).toString('base64url')}.${s}`;
      const answer = await other.deliver('XAA', tampered);
      expect([answer.status, answer.body.code]).toEqual([401, 'bad_signature']);
    });

    it('an envelope for another state: wrong_recipient (400)', async () => {
      const { jws } = other.envelope('XAB', { type: 'directory.update', body: { publishedAt: new Date().toISOString(), contacts: [] } });
      const answer = await other.deliver('XAA', jws);
      expect([answer.status, answer.body.code]).toEqual([400, 'wrong_recipient']);
    });

    it('a delivery token used twice: replayed (409)', async () => {
      const { jws, hash } = directory();
      const token = other.deliveryToken({ envelope: hash }, 'XAA');
      expect((await other.deliver('XAA', jws, token)).status).toBe(200);
      const answer = await other.deliver('XAA', jws, token);
      expect([answer.status, answer.body.code]).toEqual([409, 'replayed']);
    });

    it('an envelope created more than 7 days and 5 minutes ago: stale (400); a token sent 6 minutes ago: stale (400)', async () => {
      const old = other.envelope('XAA', { type: 'directory.update', created: new Date(Date.now() - (7 * 24 * 60 + 6) * 60_000).toISOString(), body: { publishedAt: new Date().toISOString(), contacts: [] } });
      const answer = await other.deliver('XAA', old.jws);
      expect([answer.status, answer.body.code]).toEqual([400, 'stale']);
      const { jws, hash } = directory();
      const late = await other.deliver('XAA', jws, other.deliveryToken({ envelope: hash }, 'XAA', { sent: new Date(Date.now() - 6 * 60_000) }));
      expect([late.status, late.body.code]).toEqual([400, 'stale']);
    });

    it('no delivery token: delivery_missing (400); a token for another envelope: delivery_mismatch (400)', async () => {
      const { jws } = directory();
      const missing = await other.deliver('XAA', jws, null);
      expect([missing.status, missing.body.code]).toEqual([400, 'delivery_missing']);
      const mismatch = await other.deliver('XAA', jws, other.deliveryToken({ envelope: directory().hash }, 'XAA'));
      expect([mismatch.status, mismatch.body.code]).toEqual([400, 'delivery_mismatch']);
    });

    it('a signature spelled in non-canonical base64url (another hash for the same bytes): malformed (400)', async () => {
      const { jws } = directory();
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      // 64 bytes take 86 characters, the last carrying 2 bits and 4 unused ones: flip an unused one.
      const last = alphabet.indexOf(jws.at(-1)!);
      const respelled = jws.slice(0, -1) + alphabet[last ^ 1];
      expect(Buffer.from(respelled.split('.')[2]!, 'base64url').equals(Buffer.from(jws.split('.')[2]!, 'base64url'))).toBe(true);
      const answer = await other.deliver('XAA', respelled);
      expect([answer.status, answer.body.code]).toEqual([400, 'malformed']);
    });

    it('a payload naming a member twice: malformed (400)', async () => {
      const e = directory().envelope;
      const text = JSON.stringify(e).replace('"recipient":"XAA"', '"recipient":"XAB","recipient":"XAA"');
      const jws = signCompact('parley-envelope+jws', text, other.keys);
      const answer = await other.deliver('XAA', jws);
      expect([answer.status, answer.body.code]).toEqual([400, 'malformed']);
    });

    it('a body whose time is not RFC 3339: schema_invalid (400), not a failure the sender would retry for days', async () => {
      const undated = other.envelope('XAA', { type: 'directory.update', body: { publishedAt: 'yesterday', contacts: [] } });
      const answer = await other.deliver('XAA', undated.jws);
      expect([answer.status, answer.body.code]).toEqual([400, 'schema_invalid']);
      const check = randomUUID();
      const noDeadline = other.envelope('XAA', { type: 'check.request', thread: check, body: { check, deadline: 'soon', note: '' } });
      const refused = await other.deliver('XAA', noDeadline.jws);
      expect([refused.status, refused.body.code]).toEqual([400, 'schema_invalid']);
    });

    it('refusals are RFC 9457 problems', async () => {
      // With a good token: Parley checks the token before it reads the body (§4.1, steps 1 to 6).
      const token = other.deliveryToken({ envelope: directory().hash }, 'XAA');
      const res = await fetch(`${parley.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose', 'parley-delivery': token }, body: 'not a jws' });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(((await res.json()) as { code: string }).code).toBe('malformed');
    });
  });
});
