import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { signEnvelope } from '../envelope/envelope.js';
import { envelopeHash } from '../envelope/hash.js';
import { createReceipt, signReceipt } from '../envelope/receipt.js';
import type { Envelope } from '../envelope/schema.js';
import { evidenceCommitment, fileSha256 } from '../evidence-commitment.js';
import { fingerprint, rawPublicKey } from '../keys.js';
import { encodeLogEntry, logOrigin, type LogEntry } from '../log-entry.js';
import { MemoryMerkleTree } from '../merkle/memory-tree.js';
import { inclusionProof } from '../merkle/prove.js';
import { cosignCheckpoint, signCheckpoint } from '../note/checkpoint.js';
import { ed25519Cosigner } from '../note/cosignature.js';
import { ed25519NoteSigner, formatVerifierKey, SignatureType } from '../note/note-keys.js';
import type { ProofBundle, ProofLog, ProofParty } from './bundle.js';

/*
 * A complete, reproducible proof bundle for the protocol documents and the tests: the keys are
 * the RFC 8032 §7.1 test keys (TEST 1 for XAA, TEST 2 for XAB, TEST 3 for a witness), and
 * Ed25519 signatures are deterministic, so every byte can be rebuilt by anyone.
 */
const SECRETS = {
  XAA: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
  XAB: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
  witness: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
} as const;

export function rfc8032Key(which: keyof typeof SECRETS): { privateKey: KeyObject; publicKey: KeyObject } {
  const privateKey = createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(SECRETS[which], 'hex')]),
    format: 'der',
    type: 'pkcs8',
  });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** The evidence file of the example, and its salt (fixed here; `newEvidenceSalt()` in real use). */
export const EXAMPLE_EVIDENCE_FILE = Buffer.from('2026-11-25 11:52:07 UTC  203.0.113.45 -> 198.51.100.7:443  SYN flood, 1.2 Mpps\n', 'utf8');
export const EXAMPLE_EVIDENCE_SALT = createHash('sha256').update('parley example evidence salt').digest('base64url');

function party(state: 'XAA' | 'XAB', publicKey: KeyObject): ProofParty {
  const raw = rawPublicKey(publicKey);
  const origin = logOrigin(state, raw);
  return { state, keys: [{ publicKey: raw.toString('base64url'), fingerprint: fingerprint(raw) }], log: { origin, verifierKey: formatVerifierKey(origin, raw) } };
}

function filler(state: string, n: number): LogEntry {
  const hash = `sha256:${createHash('sha256').update(`${state} earlier envelope ${n}`).digest('base64url')}`;
  return { kind: 'envelope.sent', hash, sender: state, recipient: 'XAC', type: 'directory.update', at: new Date(Date.UTC(2026, 10, 25, 11, n)).toISOString() };
}

function logProof(origin: string, privateKey: KeyObject, entries: LogEntry[], prove: number[], cosign?: { name: string; key: KeyObject; timestamp: number }): ProofLog {
  const tree = new MemoryMerkleTree();
  const data = entries.map(encodeLogEntry);
  data.forEach((d) => tree.append(d));
  let checkpoint = signCheckpoint({ origin, size: tree.size, rootHash: tree.root(), extensions: [] }, [ed25519NoteSigner(origin, privateKey)]);
  const cosigners: string[] = [];
  if (cosign) {
    checkpoint = cosignCheckpoint(checkpoint, ed25519Cosigner(cosign.name, cosign.key, cosign.timestamp));
    cosigners.push(formatVerifierKey(cosign.name, createPublicKey(cosign.key), SignatureType.CosignatureV1));
  }
  return {
    checkpoint,
    ...(cosign ? { cosigners } : {}),
    entries: prove.map((index) => ({
      index,
      data: (data[index] as Buffer).toString('utf8'),
      proof: inclusionProof(tree, index, tree.size).map((h) => h.toString('base64')),
    })),
  };
}

export interface ExampleProofOptions {
  /** Leave the signed envelope out, keeping only its hash. */
  withholdContent?: boolean;
  /** Disclose the evidence salt and file hash. */
  discloseEvidence?: boolean;
  /** Have the envelope's body refer to the evidence file, as consultation and request messages do (a check carries none). */
  evidenceInBody?: boolean;
  /** Another message than the check: its type and body (the same keys, times and logs otherwise). */
  message?: { type: string; body: Record<string, unknown> };
}

/** XAA's communication check to XAB, with one evidence item, proven in both logs; XAB's checkpoint cosigned by a witness. */
export async function exampleProofBundle(options: ExampleProofOptions = {}): Promise<ProofBundle> {
  const xaa = rfc8032Key('XAA');
  const xab = rfc8032Key('XAB');
  const witness = rfc8032Key('witness');
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
  if (options.message) {
    envelope.type = options.message.type;
    envelope.body = options.message.body;
  }
  if (options.evidenceInBody) {
    envelope.body.evidence = [{ sha256: fileSha256(EXAMPLE_EVIDENCE_FILE), size: EXAMPLE_EVIDENCE_FILE.length, name: 'capture.txt', mediaType: 'text/plain', malware: false, salt: EXAMPLE_EVIDENCE_SALT }];
  }
  const jws = await signEnvelope(envelope, xaa);
  const hash = envelopeHash(jws);
  const receipt = await signReceipt(createReceipt(jws, 'XAB', new Date('2026-11-25T12:00:00.412Z')), xab);
  const receiptHash = envelopeHash(receipt);
  const fileHash = fileSha256(EXAMPLE_EVIDENCE_FILE);
  const commitment = evidenceCommitment(EXAMPLE_EVIDENCE_SALT, fileHash);
  const sender = party('XAA', xaa.publicKey);
  const receiver = party('XAB', xab.publicKey);
  const evidenceEntry = (at: string): LogEntry => ({ kind: 'evidence.committed', commitment, envelope: hash, sender: 'XAA', recipient: 'XAB', at });
  const senderLog = logProof(
    sender.log.origin,
    xaa.privateKey,
    [
      filler('XAA', 1),
      filler('XAA', 2),
      { kind: 'envelope.sent', hash, sender: 'XAA', recipient: 'XAB', type: envelope.type, at: '2026-11-25T12:00:00.000Z' },
      evidenceEntry('2026-11-25T12:00:00.000Z'),
      filler('XAA', 3),
      { kind: 'receipt.received', hash: receiptHash, envelope: hash, sender: 'XAA', receiver: 'XAB', at: '2026-11-25T12:00:00.437Z' },
    ],
    [2, 3, 5],
  );
  const receiverLog = logProof(
    receiver.log.origin,
    xab.privateKey,
    [
      filler('XAB', 1),
      { kind: 'envelope.received', hash, sender: 'XAA', recipient: 'XAB', type: envelope.type, at: '2026-11-25T12:00:00.412Z' },
      { kind: 'receipt.issued', hash: receiptHash, envelope: hash, sender: 'XAA', receiver: 'XAB', at: '2026-11-25T12:00:00.412Z' },
      evidenceEntry('2026-11-25T12:00:00.412Z'),
      filler('XAB', 2),
    ],
    [1, 2, 3],
    { name: 'witness.example', key: witness.privateKey, timestamp: 1795608000 },
  );
  return {
    format: 'parley-proof',
    v: 1,
    envelope: options.withholdContent ? { hash } : { hash, jws },
    receipt,
    sender,
    receiver,
    logs: { sender: senderLog, receiver: receiverLog },
    evidence: [options.discloseEvidence ? { commitment, salt: EXAMPLE_EVIDENCE_SALT, fileSha256: fileHash } : { commitment }],
  };
}
