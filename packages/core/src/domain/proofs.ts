import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  evidenceCommitment,
  ENVELOPE_HASH_PATTERN,
  fingerprint,
  formatNote,
  formatVerifierKey,
  parseNote,
  parseVerifierKey,
  PROOF_FORMAT,
  rawPublicKey,
  SignatureType,
  type NoteSignature,
  type ProofBundle,
  type ProofLog,
  type ProofParty,
} from '@parley/protocol';
import { DomainError, conflict, invalid, notFound } from '../errors.js';
import { assertMay } from './audit.js';
import type { DomainContext, NodeSelf } from './context.js';
import { appendToLog, claimLogOrigin, proveInclusion } from './log.js';
import { cosignedCheckpoint } from './witness.js';
import type { Actor } from './policies.js';
import type { LogEntryRecord, Store } from './ports.js';

/*
 * Proofs of a message: the entries a log holds about one envelope (GET /log/lookup), evidence
 * commitments logged with it, and the proof bundle a node assembles from its own log and the
 * peer's public log (protocol §9.6).
 */

function checkHash(hash: string): void {
  if (!ENVELOPE_HASH_PATTERN.test(hash)) throw invalid('invalid_hash', `"${hash.slice(0, 80)}" is not an envelope hash; it has the form sha256: followed by 43 base64url characters.`);
}

/** Every entry of this node's log about one envelope: itself, its receipt, its evidence commitments. */
export async function lookupLogEntries(store: Store, envelopeHash: string): Promise<LogEntryRecord[]> {
  checkHash(envelopeHash);
  return store.proofs.entriesAbout(envelopeHash);
}

export interface EvidenceCommitments {
  /** The hash of the envelope the evidence travelled in. */
  envelope: string;
  sender: string;
  recipient: string;
  /** `evidenceCommitment(salt, fileSha256)` of each item (`@parley/protocol`). */
  commitments: readonly string[];
}

/**
 * Logs the evidence commitments that travel in one envelope, in the caller's transaction: call it
 * where the envelope is sent (beside `enqueue`) and where it is accepted (in its inbound handler).
 * Each distinct commitment is logged once per call.
 */
export async function logEvidenceCommitments(tx: Store, ctx: Pick<DomainContext, 'now'>, input: EvidenceCommitments): Promise<void> {
  const at = ctx.now().toISOString();
  const unique = [...new Set(input.commitments)];
  await appendToLog(
    tx,
    ctx,
    unique.map((commitment) => ({ kind: 'evidence.committed' as const, commitment, envelope: input.envelope, sender: input.sender, recipient: input.recipient, at })),
  );
}

// ---- proof bundles -------------------------------------------------------------------------

/** What a node needs from a peer's public log to prove a message (federation implements it over HTTP). */
export interface PeerLogReader {
  /** The peer's log origin and verifier key, from its discovery document. */
  describe(): Promise<{ origin: string; verifierKey: string }>;
  /** The peer's checkpoint with the cosignatures it holds, of at least `minSize` entries where it has one. */
  checkpoint(minSize: number): Promise<string>;
  lookup(envelopeHash: string): Promise<{ index: number; data: string }[]>;
  inclusion(index: number, size: number): Promise<string[]>;
}

export interface BuildProofOptions {
  /** Leave the signed envelope (the content) out and keep only its hash. */
  withholdContent?: boolean;
  /** Evidence files (by SHA-256) whose salt to disclose when the content is withheld. */
  disclose?: readonly string[];
  /** Reads the public log of the peer at this base URL. */
  openPeerLog: (url: string) => PeerLogReader;
}

const kidOf = (jws: string): string => {
  const header = JSON.parse(Buffer.from(jws.split('.')[0] ?? '', 'base64url').toString('utf8')) as { kid?: unknown };
  return String(header.kid);
};

const keyEntry = (raw: Uint8Array) => ({ publicKey: Buffer.from(raw).toString('base64url'), fingerprint: fingerprint(raw) });

/** Finds the verifier key of a witness signature line, from the keys this node trusts; undefined when unknown. */
export type CosignerResolver = (name: string, keyId: number) => Promise<string | undefined>;

const WITNESS_NAME = /^parley\.([a-z]{3})\.[0-9a-f]{8}\/witness$/;

/** A resolver over this node's own key and its peers' keys: witnesses cosign as `<their log origin>/witness` (§9.5). */
function cosignerResolver(ctx: DomainContext, self: NodeSelf): CosignerResolver {
  return async (name, keyId) => {
    const state = WITNESS_NAME.exec(name)?.[1]?.toUpperCase();
    if (!state) return undefined;
    const raws =
      state === self.stateCode
        ? [rawPublicKey(createPublicKey(self.privateKey)), ...[...self.previousKeys.values()].map((k) => rawPublicKey(createPublicKey(k)))]
        : (await ctx.store.peers.keys(state)).map((k) => Buffer.from(k.publicKey, 'base64url'));
    for (const raw of raws) {
      const vkey = formatVerifierKey(name, raw, SignatureType.CosignatureV1);
      if (parseVerifierKey(vkey).keyId === keyId) return vkey;
    }
    return undefined;
  };
}

/**
 * Keeps the log's own signature and the cosignatures whose witnesses this node can name with a
 * key it trusts; the bundle carries those keys, and a verifier refuses any signature it cannot check.
 */
async function attributeSignatures(note: string, origin: string, resolve: CosignerResolver): Promise<{ checkpoint: string; cosigners?: string[] }> {
  const parsed = parseNote(note);
  const kept: NoteSignature[] = [];
  const cosigners: string[] = [];
  for (const sig of parsed.signatures) {
    if (sig.name === origin) {
      kept.push(sig);
      continue;
    }
    const vkey = await resolve(sig.name, sig.keyId);
    if (vkey === undefined) continue;
    kept.push(sig);
    if (!cosigners.includes(vkey)) cosigners.push(vkey);
  }
  return { checkpoint: formatNote({ text: parsed.text, signatures: kept }), ...(cosigners.length ? { cosigners } : {}) };
}

function notReady(whose: string): DomainError {
  return new DomainError('unavailable', 'proof_not_ready', `${whose} log has not yet signed a checkpoint that covers this message. Try again in a few seconds.`);
}

const NEEDED = {
  sender: ['envelope.sent', 'receipt.received'],
  receiver: ['envelope.received', 'receipt.issued'],
} as const;

async function ownLog(ctx: DomainContext, self: NodeSelf, hash: string, role: 'sender' | 'receiver'): Promise<{ party: Omit<ProofParty, 'keys'>; log: ProofLog; publicKey: Buffer }> {
  const origin = await claimLogOrigin(ctx);
  const publicKey = rawPublicKey(createPublicKey(self.privateKey));
  const entries = await ctx.store.proofs.entriesAbout(hash);
  for (const kind of NEEDED[role]) {
    if (!entries.some((e) => e.kind === kind)) throw conflict('not_in_log', `This node's log has no ${kind} entry for ${hash}; the message cannot be proven yet.`);
  }
  const minSize = Math.max(...entries.map((e) => e.index)) + 1;
  let checkpoint: { size: number; note: string };
  try {
    // The largest checkpoint witnesses have cosigned that covers the entries, else the latest.
    checkpoint = await cosignedCheckpoint(ctx.store, { minSize });
  } catch (e) {
    if (e instanceof DomainError && e.kind === 'not_found') throw notReady("This node's");
    throw e;
  }
  const proved = await Promise.all(
    entries.map(async (e) => ({ index: e.index, data: e.data.toString('utf8'), proof: (await proveInclusion(ctx.store, e.index, checkpoint.size)).proof.map((h) => h.toString('base64')) })),
  );
  return {
    party: { state: self.stateCode, log: { origin, verifierKey: formatVerifierKey(origin, publicKey) } },
    log: { ...(await attributeSignatures(checkpoint.note, origin, cosignerResolver(ctx, self))), entries: proved },
    publicKey,
  };
}

async function peerLog(
  reader: PeerLogReader,
  resolve: CosignerResolver,
  state: string,
  hash: string,
  role: 'sender' | 'receiver',
): Promise<{ party: Omit<ProofParty, 'keys'>; log: ProofLog; logKey: Buffer }> {
  const described = await reader.describe();
  let logKey: Buffer;
  try {
    const parsed = parseVerifierKey(described.verifierKey);
    if (parsed.name !== described.origin) throw new Error('key name is not the origin');
    logKey = parsed.publicKey;
  } catch (e) {
    throw new DomainError('unavailable', 'peer_log_invalid', `${state} publishes a log verifier key that cannot be used (${(e as Error).message}).`);
  }
  const entries = await reader.lookup(hash);
  for (const kind of NEEDED[role]) {
    if (!entries.some((e) => e.data.includes(`"kind":"${kind}"`))) throw conflict('not_in_peer_log', `${state}'s log has no ${kind} entry for ${hash} yet.`);
  }
  const signed = await attributeSignatures(await reader.checkpoint(Math.max(...entries.map((e) => e.index)) + 1), described.origin, resolve);
  const size = Number(signed.checkpoint.split('\n')[1]);
  if (!Number.isSafeInteger(size) || entries.some((e) => e.index >= size)) throw notReady(`${state}'s`);
  const proved = await Promise.all(entries.map(async (e) => ({ index: e.index, data: e.data, proof: await reader.inclusion(e.index, size) })));
  return { party: { state, log: { origin: described.origin, verifierKey: described.verifierKey } }, log: { ...signed, entries: proved }, logKey };
}

/**
 * The salt and file hash behind a commitment, from the envelope that carried the file. With the
 * content in the bundle they are in the signed envelope anyway; without it, only the files the
 * holder names are disclosed.
 */
function disclosed(jws: string, commitment: string, options: BuildProofOptions): { salt?: string; fileSha256?: string } {
  const payload = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as { body?: { evidence?: unknown } };
  const refs = Array.isArray(payload.body?.evidence) ? (payload.body.evidence as { sha256?: unknown; salt?: unknown }[]) : [];
  for (const r of refs) {
    if (typeof r.salt !== 'string' || typeof r.sha256 !== 'string') continue;
    if (evidenceCommitment(r.salt, r.sha256) !== commitment) continue;
    if (options.withholdContent && !options.disclose?.includes(r.sha256)) return {};
    return { salt: r.salt, fileSha256: r.sha256 };
  }
  return {};
}

/**
 * Assembles the proof bundle of one message this node sent (and that was delivered) or received:
 * both signatures, both parties' keys, and inclusion proofs in both logs against their latest
 * checkpoints, the peer's fetched from its public log. The verifier is `verifyProofBundle`.
 */
export async function buildMessageProof(ctx: DomainContext, actor: Actor, hash: string, options: BuildProofOptions): Promise<ProofBundle> {
  assertMay(actor, 'proofs.read');
  checkHash(hash);
  const self = ctx.self;
  if (!self) throw new Error('proofs are built by a running node');
  const sent = await ctx.store.proofs.sentByHash(hash);
  const received = sent ? undefined : await ctx.store.inbox.byHash(hash);
  if (!sent && !received) throw notFound('message_not_found', `This node neither sent nor received a message with hash ${hash}.`);
  if (sent && !sent.receipt) throw conflict('not_delivered', `The message ${hash} has not been delivered yet: there is no receipt to prove. Try again once it is delivered.`);
  const jws = (sent?.jws ?? received?.jws) as string;
  const receipt = (sent?.receipt ?? received?.receipt) as string;
  const peerState = sent ? sent.recipient : (received?.sender as string);
  const peer = await ctx.store.peers.byState(peerState);
  if (!peer) throw notFound('peer_not_found', `${peerState} is no longer a peer of this node, so its log cannot be reached.`);
  const peerKeys = await ctx.store.peers.keys(peerState);
  const peerKey = (fp: string) => peerKeys.find((k) => k.fingerprint === fp);

  const ownRole = sent ? 'sender' : 'receiver';
  const peerRole = sent ? 'receiver' : 'sender';
  const own = await ownLog(ctx, self, hash, ownRole);
  const theirs = await peerLog(options.openPeerLog(peer.url), cosignerResolver(ctx, self), peerState, hash, peerRole);

  // Keys: each party's signing key for this message and its log key.
  const ownSigningKid = kidOf(sent ? jws : receipt);
  const ownKeys = new Map([[fingerprint(own.publicKey), keyEntry(own.publicKey)]]);
  if (!ownKeys.has(ownSigningKid)) {
    const previous: KeyObject | undefined = self.previousKeys.get(ownSigningKid);
    if (!previous) throw conflict('key_unavailable', `This node no longer holds the public key ${ownSigningKid} it signed this message with.`);
    const raw = rawPublicKey(createPublicKey(previous));
    ownKeys.set(ownSigningKid, keyEntry(raw));
  }
  const peerSigningKid = kidOf(sent ? receipt : jws);
  const peerKeysUsed = new Map<string, ReturnType<typeof keyEntry>>();
  for (const fp of [peerSigningKid, fingerprint(theirs.logKey)]) {
    const known = peerKey(fp);
    if (!known) throw conflict('peer_key_unknown', `${peerState} used key ${fp}, which this node has never trusted for ${peerState}; the proof would rest on an unconfirmed key.`);
    peerKeysUsed.set(fp, keyEntry(Buffer.from(known.publicKey, 'base64url')));
  }
  const ownParty: ProofParty = { ...own.party, keys: [...ownKeys.values()] };
  const peerParty: ProofParty = { ...theirs.party, keys: [...peerKeysUsed.values()] };
  const evidence = [...new Set([...own.log.entries, ...theirs.log.entries].flatMap((e) => {
    const m = /"commitment":"(sha256:[A-Za-z0-9_-]{43})"/.exec(e.data);
    return m && e.data.includes('"kind":"evidence.committed"') ? [m[1] as string] : [];
  }))].map((commitment) => ({ commitment, ...disclosed(jws, commitment, options) }));

  return {
    format: PROOF_FORMAT,
    v: 1,
    envelope: options.withholdContent ? { hash } : { hash, jws },
    receipt,
    sender: sent ? ownParty : peerParty,
    receiver: sent ? peerParty : ownParty,
    logs: sent ? { sender: own.log, receiver: theirs.log } : { sender: theirs.log, receiver: own.log },
    ...(evidence.length ? { evidence } : {}),
  };
}
