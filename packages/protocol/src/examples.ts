import { createPrivateKey, createPublicKey } from 'node:crypto';
import { createReceipt, signReceipt } from './envelope/receipt.js';
import { envelopeHash } from './envelope/hash.js';
import { signEnvelope } from './envelope/envelope.js';
import type { Envelope } from './envelope/schema.js';
import { fingerprint, rawPublicKey } from './keys.js';
import type { DiscoveryDocument } from './discovery.js';
import { batchDigest, type BatchDelivery, type BatchResponse, type DeliveryClaims } from './delivery.js';
import { encodeLogEntry, logOrigin, type LogEntry } from './log-entry.js';
import { leafHash, merkleRoot } from './merkle/index.js';
import { ed25519NoteSigner, formatVerifierKey, signCheckpoint } from './note/index.js';
import { exampleProofBundle, rfc8032Key } from './proof/example.js';

/**
 * The worked example of docs/protocol.md, built from the RFC 8032 section 7.1 TEST 1 key so that
 * anyone can reproduce every byte: Ed25519 signatures are deterministic.
 */
const RFC8032_TEST1_SECRET = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';

export function exampleKey() {
  const privateKey = createPrivateKey({
    // PKCS#8 prefix for an Ed25519 private key, then the 32-byte seed.
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(RFC8032_TEST1_SECRET, 'hex')]),
    format: 'der',
    type: 'pkcs8',
  });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

export async function protocolExamples() {
  const key = exampleKey();
  const pub = rawPublicKey(key.publicKey);
  const discovery: DiscoveryDocument = {
    protocol: 'parley',
    versions: [1],
    stateCode: 'XAA',
    name: 'Ministry of Foreign Affairs of Aurelia',
    isTestState: true,
    publicKey: pub.toString('base64url'),
    fingerprint: fingerprint(pub),
    endpoints: { inbox: '/federation/v1/inbox', inboxBatch: '/federation/v1/inbox/batch' },
    log: { origin: logOrigin('XAA', pub), verifierKey: formatVerifierKey(logOrigin('XAA', pub), pub) },
  };
  const envelope: Envelope = {
    v: 1,
    id: '019abb8a-6c00-7000-8000-000000000001',
    sender: 'XAA',
    recipient: 'XAB',
    type: 'check.request',
    created: '2026-11-25T12:00:00.000Z',
    thread: '3f0c9a56-2f47-4e0a-9d4e-6b1f2a7c8d90',
    body: { check: '3f0c9a56-2f47-4e0a-9d4e-6b1f2a7c8d90', deadline: '2026-11-25T14:00:00.000Z', note: 'Quarterly communication check' },
  };
  const jws = await signEnvelope(envelope, key);
  const hash = envelopeHash(jws);
  const receipt = createReceipt(jws, 'XAB', new Date('2026-11-25T12:00:00.412Z'));
  // Signed by the receiver, XAB, with the RFC 8032 TEST 2 key (as in the proof bundle example):
  // a second implementation checks it as §4.2 says, with the receiver's key.
  const receiptJws = await signReceipt(receipt, rfc8032Key('XAB'));
  const delivery: DeliveryClaims = { envelope: hash, to: 'XAB', sent: '2026-11-25T12:00:00.105Z', nonce: '5b0e1f0c-8a3e-4c55-9a77-1d2b3c4d5e6f' };
  // XAA's log after sending the example envelope and getting its receipt back.
  const origin = logOrigin('XAA', pub);
  const logEntries: LogEntry[] = [
    { kind: 'envelope.sent', hash, sender: 'XAA', recipient: 'XAB', type: envelope.type, at: envelope.created },
    { kind: 'receipt.received', hash: envelopeHash(receiptJws), envelope: hash, sender: 'XAA', receiver: 'XAB', at: '2026-11-25T12:00:00.437Z' },
  ];
  const leaves = logEntries.map(encodeLogEntry);
  const checkpoint = signCheckpoint({ origin, size: leaves.length, rootHash: merkleRoot(leaves.map((d) => leafHash(d))), extensions: [] }, [
    ed25519NoteSigner(origin, key.privateKey),
  ]);
  const response = {
    check: envelope.body.check,
    confirmedAt: '2026-11-25T12:17:42.000Z',
    confirmedBy: 'Duty officer, National CERT',
    contact: '8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  };
  const directory = {
    publishedAt: '2026-11-25T11:58:00.000Z',
    contacts: [
      {
        id: '8c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
        kind: 'technical',
        name: 'National CERT',
        organisation: 'CERT XAA',
        position: 'Duty officer',
        email: 'duty@cert.aurelia.example',
        phone: '+1 555 010 0202',
        languages: ['en', 'pt'],
        timeZone: 'Europe/Lisbon',
        hours: '',
        available24x7: true,
        verifiedAt: null,
        updatedAt: '2026-11-20T09:00:00.000Z',
      },
    ],
  };
  // A batch of two: the example envelope and XAA's directory, delivered in one request (§4.4).
  const second: Envelope = { v: 1, id: '019abb8a-6c00-7000-8000-000000000002', sender: 'XAA', recipient: 'XAB', type: 'directory.update', created: '2026-11-25T12:00:00.050Z', body: directory };
  const secondJws = await signEnvelope(second, key);
  const batch: BatchDelivery = { envelopes: [jws, secondJws] };
  const batchToken: DeliveryClaims = { batch: batchDigest([hash, envelopeHash(secondJws)]), count: 2, to: 'XAB', sent: '2026-11-25T12:00:00.105Z', nonce: '0e3c5d1a-7b2f-4e8a-9c6d-2f1e0a9b8c7d' };
  const batchAnswer: BatchResponse = {
    results: [
      { receipt: receiptJws, duplicate: false },
      { status: 409, code: 'id_reused', detail: 'Envelope id 019abb8a-6c00-7000-8000-000000000002 was already received with different content.' },
    ],
  };
  return {
    'discovery.json': discovery,
    'envelope.json': envelope,
    'envelope.jws': jws,
    'envelope.hash': hash,
    'receipt.json': receipt,
    'receipt.jws': receiptJws,
    'delivery.json': delivery,
    'batch-delivery.json': batch,
    'delivery-batch.json': batchToken,
    'batch-response.json': batchAnswer,
    'body.check.response.json': response,
    'body.directory.update.json': directory,
    'log-entry.json': logEntries[0],
    'log-entry.txt': (leaves[0] as Buffer).toString('utf8'),
    'log-entry-receipt.json': logEntries[1],
    // The writer adds one newline after a string; a signed note already ends with one.
    'log-checkpoint.txt': checkpoint.slice(0, -1),
    // A proof bundle of the example envelope (protocol §9.6), its evidence item disclosed.
    'proof-bundle.json': await exampleProofBundle({ discloseEvidence: true }),
  } as const;
}
