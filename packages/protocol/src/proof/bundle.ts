import { z } from 'zod';
import { EVIDENCE_COMMITMENT_PATTERN, EVIDENCE_SALT_PATTERN, FILE_SHA256_PATTERN } from '../evidence-commitment.js';
import { ENVELOPE_HASH_PATTERN, MAX_JWS_LENGTH, STATE_CODE_PATTERN } from '../envelope/index.js';

/**
 * A proof bundle (docs/protocol.md §9.6): everything a third party needs to check, offline and
 * with no Parley node, that one state sent one message to another and that the other
 * acknowledged it, both logs having committed to both facts. Every member is covered by a
 * signature, a hash or a proof, so no byte can change without the verifier noticing; that is
 * why the bundle carries no unsigned metadata (no "created by", no title).
 */
export const PROOF_FORMAT = 'parley-proof';
export const PROOF_MEDIA_TYPE = 'application/vnd.parley.proof+json';

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const stateCode = z.string().regex(STATE_CODE_PATTERN).describe('ISO 3166-1 alpha-3 code of a state');
const hash = z.string().regex(ENVELOPE_HASH_PATTERN);
const jws = z.string().max(MAX_JWS_LENGTH).regex(COMPACT_JWS);

const partyKey = z.strictObject({
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/).describe('Raw 32-byte Ed25519 public key, unpadded base64url'),
  fingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/)
    .describe('The fingerprint of that key, which officers compare out of band (protocol §1)'),
});

const party = z
  .strictObject({
    state: stateCode,
    keys: z
      .array(partyKey)
      .min(1)
      .max(16)
      .describe('The keys of this state the proof uses: the one that signed its envelope or receipt, and the one that signed its checkpoint'),
    log: z.strictObject({
      origin: z.string().min(1).max(200).describe('The log origin (protocol §9.2)'),
      verifierKey: z.string().max(300).describe('The C2SP verifier key of the log; its Ed25519 key must be one of `keys`'),
    }),
  })
  .meta({ title: 'A state in a proof: its keys and its log' });

const loggedEntry = z.strictObject({
  index: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  data: z.string().max(2000).describe('The leaf data: RFC 8785 canonical JSON of the log entry'),
  proof: z.array(z.string().regex(BASE64)).max(64).describe('RFC 9162 inclusion proof at the size of the checkpoint, standard base64 hashes'),
});

const logProof = z
  .strictObject({
    checkpoint: z.string().max(16_384).describe('The signed checkpoint (C2SP tlog-checkpoint) the proofs lead to, with any cosignatures'),
    cosigners: z
      .array(z.string().max(300))
      .max(32)
      .optional()
      .describe('Verifier keys of the witnesses whose cosignatures the checkpoint carries; every signature on it must be by the log or one of these'),
    entries: z.array(loggedEntry).min(1).max(100),
  })
  .meta({ title: "One log's part of a proof" });

const evidenceItem = z
  .strictObject({
    commitment: z.string().regex(EVIDENCE_COMMITMENT_PATTERN).describe('SHA-256(salt || SHA-256(file)), as logged'),
    salt: z.string().regex(EVIDENCE_SALT_PATTERN).optional().describe('Disclosed by the holder: the salt, base64url'),
    fileSha256: z.string().regex(FILE_SHA256_PATTERN).optional().describe('Disclosed by the holder: the SHA-256 of the file, hex'),
  })
  .meta({ title: 'An evidence item that travelled in the message' });

export const proofBundleSchema = z
  .strictObject({
    format: z.literal(PROOF_FORMAT),
    v: z.literal(1),
    envelope: z.strictObject({
      hash: hash.describe('The envelope hash (protocol §3.2)'),
      jws: jws
        .optional()
        .describe("The sender's signed envelope. Absent when the holder withholds the content: the sender's signature then cannot be checked, but the receipt still proves receipt of the envelope with this hash"),
    }),
    receipt: jws.describe("The receiver's signed receipt naming the envelope hash"),
    sender: party,
    receiver: party,
    logs: z.strictObject({
      sender: logProof.describe("The sender's log: envelope.sent and receipt.received (and evidence.committed) entries"),
      receiver: logProof.describe("The receiver's log: envelope.received and receipt.issued (and evidence.committed) entries"),
    }),
    evidence: z.array(evidenceItem).max(100).optional(),
  })
  .meta({
    title: 'Parley proof bundle',
    description: 'Proof that one state sent a message to another and that the other acknowledged it, checkable offline (docs/verification.md)',
  });

export type ProofBundle = z.infer<typeof proofBundleSchema>;
export type ProofParty = z.infer<typeof party>;
export type ProofLog = z.infer<typeof logProof>;
export type ProofEvidence = z.infer<typeof evidenceItem>;
