import { decodeBase64Strict, decodeBase64UrlStrict } from '../encoding.js';
import { openPayload, ENVELOPE_TYP, RECEIPT_TYP } from '../envelope/jws.js';
import { EnvelopeError } from '../envelope/errors.js';
import { envelopeHash } from '../envelope/hash.js';
import { envelopeSchema, receiptSchema, type Envelope, type Receipt } from '../envelope/schema.js';
import { EVIDENCE_SALT_PATTERN, evidenceCommitment, FILE_SHA256_PATTERN, fileSha256 } from '../evidence-commitment.js';
import { fingerprint, publicKeyFromRaw } from '../keys.js';
import { decodeLogEntry, type LogEntry } from '../log-entry.js';
import { leafHash } from '../merkle/hash.js';
import { MerkleError } from '../merkle/errors.js';
import { verifyInclusion } from '../merkle/verify.js';
import { openCheckpoint } from '../note/checkpoint.js';
import { NoteError } from '../note/errors.js';
import { parseNote } from '../note/note.js';
import { ed25519NoteVerifier, formatVerifierKey, keyIdHex, parseVerifierKey, SignatureType, type NoteVerifier } from '../note/note-keys.js';
import { noteVerifierFromKey } from '../note/cosignature.js';
import { proofBundleSchema, type ProofBundle, type ProofLog, type ProofParty } from './bundle.js';
import { custodyRecord, type CustodyRecord } from '../messages/cooperation.js';

/**
 * Checks a proof bundle with nothing but its bytes (and, optionally, keys the reader trusts).
 * No I/O and no clock: the same function runs in the `parley verify` command and behind the
 * public verify page. Every failure is a `ProofError` naming the field that broke.
 */

export type ProofErrorCode =
  | 'malformed'
  | 'fingerprint_mismatch'
  | 'untrusted_key'
  | 'log_key_mismatch'
  | 'envelope_hash_mismatch'
  | 'bad_signature'
  | 'party_mismatch'
  | 'checkpoint_invalid'
  | 'entry_invalid'
  | 'inclusion_failed'
  | 'entry_missing'
  | 'entry_mismatch'
  | 'evidence_invalid'
  | 'evidence_missing'
  | 'content_mismatch';

export class ProofError extends Error {
  override readonly name = 'ProofError';
  constructor(
    readonly code: ProofErrorCode,
    /** Where in the bundle, e.g. `logs.receiver.entries[1].proof`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifyProofOptions {
  /**
   * Fingerprints the reader trusts, by state code, e.g. exchanged out of band. When given,
   * every key of both parties must be among them; when absent, the verdict says the keys are
   * only as stated in the bundle.
   */
  readonly trustedKeys?: ReadonlyMap<string, readonly string[]>;
  /** A disclosed evidence file to check against the bundle's evidence commitments. */
  readonly content?: Uint8Array;
  /** Or only its SHA-256, hex (a browser hashes the file locally and sends no bytes). */
  readonly contentSha256?: string;
}

export interface LogVerdict {
  readonly origin: string;
  readonly size: number;
  readonly entries: readonly { readonly kind: LogEntry['kind']; readonly index: number; readonly at: string }[];
  readonly cosignatures: readonly { readonly name: string; readonly timestamp: number }[];
}

export interface ProofVerdict {
  readonly envelopeHash: string;
  readonly type: string;
  readonly sender: { readonly state: string; readonly fingerprint: string | undefined };
  readonly receiver: { readonly state: string; readonly fingerprint: string };
  /** When the sender says it created the envelope; only with the content. */
  readonly created: string | undefined;
  /** When the sender's node logged sending it. */
  readonly sentLoggedAt: string;
  /** When the receiver says, in its signed receipt, it received it. */
  readonly received: string;
  readonly contentDisclosed: boolean;
  readonly logs: { readonly sender: LogVerdict; readonly receiver: LogVerdict };
  readonly evidence: readonly { readonly commitment: string; readonly disclosed: boolean; readonly fileSha256: string | undefined; readonly matchesContent: boolean }[];
  readonly keysTrusted: boolean;
  /** The chain of custody of evidence returned with a cooperation request's step, as the sender signed it. */
  readonly custody: readonly CustodyRecord[];
  /** One paragraph for people. */
  readonly summary: string;
}

interface KeyedParty {
  readonly party: ProofParty;
  readonly role: 'sender' | 'receiver';
  readonly keys: Map<string, Buffer>;
  readonly logVerifier: NoteVerifier;
}

function describeNoteError(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A parser's message on one line: JSON.parse quotes the start of the text, line breaks and all. */
const oneLine = (message: string) => message.replace(/\r?\n/g, '\\n');

function parseBundle(input: string | Uint8Array | unknown): ProofBundle {
  let value: unknown = input;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    let text: string;
    try {
      text = typeof input === 'string' ? input : new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch {
      throw new ProofError('malformed', '(file)', 'The file is not UTF-8 text, so it is not a proof bundle.');
    }
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new ProofError('malformed', '(file)', `The file is not valid JSON (${oneLine((e as Error).message)}), so it is not a proof bundle.`);
    }
  }
  const parsed = proofBundleSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? fieldOf(issue.path) : '(file)';
    throw new ProofError('malformed', field, `The bundle is not a valid Parley proof: ${field}: ${issue?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}

function fieldOf(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(file)';
}

function checkParty(party: ProofParty, role: 'sender' | 'receiver', trusted: VerifyProofOptions['trustedKeys']): KeyedParty {
  const keys = new Map<string, Buffer>();
  party.keys.forEach((key, i) => {
    const field = `${role}.keys[${i}]`;
    const raw = decodeBase64UrlStrict(key.publicKey);
    if (raw === undefined || raw.length !== 32) throw new ProofError('malformed', `${field}.publicKey`, `${field}.publicKey is not a 32-byte Ed25519 key in canonical base64url.`);
    const actual = fingerprint(raw);
    if (actual !== key.fingerprint) {
      throw new ProofError('fingerprint_mismatch', `${field}.fingerprint`, `The fingerprint stated for ${party.state}'s key (${key.fingerprint}) is not the fingerprint of that key (${actual}).`);
    }
    if (trusted) {
      const list = trusted.get(party.state);
      if (!list || !list.includes(actual)) {
        throw new ProofError('untrusted_key', `${field}`, `${party.state}'s key ${actual} is not in your trusted keys file${list ? ` (which lists ${list.join(', ')} for ${party.state})` : `, which lists no key for ${party.state}`}.`);
      }
    }
    keys.set(actual, raw);
  });
  const field = `${role}.log`;
  const expectedPrefix = `parley.${party.state.toLowerCase()}.`;
  if (!party.log.origin.startsWith(expectedPrefix)) {
    throw new ProofError('log_key_mismatch', `${field}.origin`, `The log origin ${JSON.stringify(party.log.origin)} is not a log of ${party.state} (it should begin with ${expectedPrefix}).`);
  }
  let vkey;
  try {
    vkey = parseVerifierKey(party.log.verifierKey);
  } catch (e) {
    throw new ProofError('malformed', `${field}.verifierKey`, `${party.state}'s log verifier key is not valid: ${describeNoteError(e)}.`);
  }
  if (formatVerifierKey(vkey.name, vkey.publicKey, vkey.type) !== party.log.verifierKey) {
    throw new ProofError('malformed', `${field}.verifierKey`, `${party.state}'s log verifier key is not written in its one canonical form (lower-case key ID).`);
  }
  if (vkey.type !== SignatureType.Ed25519 || vkey.name !== party.log.origin) {
    throw new ProofError('log_key_mismatch', `${field}.verifierKey`, `${party.state}'s log verifier key is not an Ed25519 key named after the log origin ${party.log.origin}.`);
  }
  if (!keys.has(fingerprint(vkey.publicKey))) {
    throw new ProofError('log_key_mismatch', `${field}.verifierKey`, `${party.state}'s log is signed with key ${fingerprint(vkey.publicKey)}, which is not one of the keys the bundle gives for ${party.state}.`);
  }
  return { party, role, keys, logVerifier: ed25519NoteVerifier(vkey.name, vkey.publicKey) };
}

const lookupIn = (p: KeyedParty) => (kid: string) => {
  const raw = p.keys.get(kid);
  return raw ? publicKeyFromRaw(raw) : undefined;
};

async function openSigned<T>(jws: string, schema: typeof envelopeSchema | typeof receiptSchema, typ: string, signerField: string, p: KeyedParty, field: string, what: string): Promise<T> {
  try {
    return (await openPayload(jws, schema as never, typ, signerField, lookupIn(p))) as T;
  } catch (e) {
    if (!(e instanceof EnvelopeError)) throw e;
    if (e.code === 'bad_signature') {
      const kid = (e.message.match(/SHA256:[A-Za-z0-9+/]{43}/) ?? [''])[0];
      throw new ProofError('bad_signature', field, `The ${what}'s signature does not verify with ${p.party.state}'s key ${kid}.`);
    }
    if (e.code === 'unknown_sender') {
      throw new ProofError('party_mismatch', field, `The ${what} is not signed by a key the bundle gives for ${p.party.state}: ${e.message}.`);
    }
    throw new ProofError('malformed', field, `The ${what} is not valid: ${e.message}.`);
  }
}

interface OpenedLog {
  readonly verdict: LogVerdict;
  readonly entries: readonly { readonly entry: LogEntry; readonly index: number; readonly field: string }[];
}

function checkLog(log: ProofLog, p: KeyedParty): OpenedLog {
  const field = `logs.${p.role}`;
  const state = p.party.state;
  const cosigners: NoteVerifier[] = [];
  (log.cosigners ?? []).forEach((vkey, i) => {
    try {
      const parsed = parseVerifierKey(vkey);
      if (parsed.type !== SignatureType.CosignatureV1) throw new Error('not a cosignature (type 0x04) key');
      if (formatVerifierKey(parsed.name, parsed.publicKey, parsed.type) !== vkey) throw new Error('not written in its one canonical form (lower-case key ID)');
      cosigners.push(noteVerifierFromKey(vkey));
    } catch (e) {
      throw new ProofError('malformed', `${field}.cosigners[${i}]`, `Witness key ${i + 1} of ${state}'s log is not valid: ${describeNoteError(e)}.`);
    }
  });
  let opened;
  try {
    opened = openCheckpoint(log.checkpoint, { origin: p.party.log.origin, log: p.logVerifier, cosigners });
    // A signature nobody can check could be altered unnoticed: the bundle must name every signer.
    const stray = opened.unverified[0];
    if (stray) throw new NoteError('no_trusted_signature', `it carries a signature by ${stray.name} (key ID ${keyIdHex(stray.keyId)}), which the bundle gives no key for`);
  } catch (e) {
    if (e instanceof ProofError) throw e;
    if (e instanceof NoteError && e.code === 'invalid_signature') {
      const cosigned = !e.message.includes(`${p.logVerifier.name}+${keyIdHex(p.logVerifier.keyId)}`);
      throw new ProofError(
        'checkpoint_invalid',
        `${field}.checkpoint`,
        cosigned ? `A witness's cosignature on ${state}'s checkpoint does not verify: ${e.message}.` : `The signature on ${state}'s checkpoint does not verify with ${state}'s log key ${p.party.log.verifierKey}.`,
      );
    }
    throw new ProofError('checkpoint_invalid', `${field}.checkpoint`, `${state}'s checkpoint is not valid: ${describeNoteError(e)}.`);
  }
  const { checkpoint } = opened;
  const entries = log.entries.map((e, i) => {
    const f = `${field}.entries[${i}]`;
    let entry: LogEntry;
    try {
      entry = decodeLogEntry(Buffer.from(e.data, 'utf8'));
    } catch (err) {
      throw new ProofError('entry_invalid', `${f}.data`, `Entry ${i + 1} of ${state}'s log is not a valid log entry: ${(err as Error).message}.`);
    }
    const proof = e.proof.map((h, j) => {
      const bytes = decodeBase64Strict(h);
      if (bytes === undefined || bytes.length !== 32) throw new ProofError('malformed', `${f}.proof[${j}]`, `Hash ${j + 1} of the inclusion proof of entry ${e.index} in ${state}'s log is not 32 bytes of canonical base64.`);
      return bytes;
    });
    try {
      verifyInclusion(e.index, checkpoint.size, leafHash(Buffer.from(e.data, 'utf8')), proof, checkpoint.rootHash);
    } catch (err) {
      if (!(err instanceof MerkleError)) throw err;
      throw new ProofError(
        'inclusion_failed',
        `${f}`,
        `Entry ${e.index} (${entry.kind}) is not in ${state}'s log as its checkpoint of ${checkpoint.size} entries commits to it: ${err.message}.`,
      );
    }
    return { entry, index: e.index, field: f };
  });
  const cosignatures = opened.cosignatures.map((c) => ({ name: c.name, timestamp: c.timestamp }));
  return {
    entries,
    verdict: { origin: checkpoint.origin, size: checkpoint.size, cosignatures, entries: entries.map((e) => ({ kind: e.entry.kind, index: e.index, at: e.entry.at })) },
  };
}

type Expected = Partial<Record<string, string>> & { kind: LogEntry['kind'] };

function findEntry(log: OpenedLog, role: string, state: string, expected: Expected, what: string): { entry: LogEntry; index: number } {
  const candidates = log.entries.filter((e) => e.entry.kind === expected.kind);
  if (candidates.length === 0) throw new ProofError('entry_missing', `logs.${role}.entries`, `${state}'s log in the bundle has no ${expected.kind} entry: nothing shows that ${state} ${what}.`);
  for (const c of candidates) {
    const record = c.entry as unknown as Record<string, string>;
    const wrong = Object.entries(expected).find(([k, v]) => v !== undefined && record[k] !== v);
    if (!wrong) return c;
    if (candidates.length === 1) {
      throw new ProofError('entry_mismatch', `${c.field}.data`, `${state}'s ${expected.kind} entry says ${wrong[0]} ${JSON.stringify(record[wrong[0]])}, where the proof needs ${JSON.stringify(wrong[1])}.`);
    }
  }
  throw new ProofError('entry_mismatch', `logs.${role}.entries`, `None of the ${expected.kind} entries of ${state}'s log is about this message.`);
}

function when(iso: string): string {
  return iso.replace('T', ' at ').replace(/\.\d{3}Z$/, ' UTC').replace(/Z$/, ' UTC');
}

/** Verifies a proof bundle; throws `ProofError` with the precise reason when it does not hold. */
export async function verifyProofBundle(input: string | Uint8Array | unknown, options: VerifyProofOptions = {}): Promise<ProofVerdict> {
  const bundle = parseBundle(input);
  const sender = checkParty(bundle.sender, 'sender', options.trustedKeys);
  const receiver = checkParty(bundle.receiver, 'receiver', options.trustedKeys);
  const hash = bundle.envelope.hash;
  const S = sender.party.state;
  const R = receiver.party.state;

  // The envelope, when its content is disclosed: its hash, its signature, who it names.
  let envelope: Envelope | undefined;
  let senderFingerprint: string | undefined;
  if (bundle.envelope.jws !== undefined) {
    const actual = envelopeHash(bundle.envelope.jws);
    if (actual !== hash) throw new ProofError('envelope_hash_mismatch', 'envelope.jws', `The signed envelope in the bundle has hash ${actual}, not the ${hash} the proof is about.`);
    envelope = await openSigned<Envelope>(bundle.envelope.jws, envelopeSchema, ENVELOPE_TYP, 'sender', sender, 'envelope.jws', 'envelope');
    if (envelope.sender !== S) throw new ProofError('party_mismatch', 'sender.state', `The envelope was sent by ${envelope.sender}, but the bundle names ${S} as the sender.`);
    if (envelope.recipient !== R) throw new ProofError('party_mismatch', 'receiver.state', `The envelope is addressed to ${envelope.recipient}, but the bundle names ${R} as the receiver.`);
    senderFingerprint = JSON.parse(Buffer.from(bundle.envelope.jws.split('.')[0] as string, 'base64url').toString('utf8')).kid as string;
  }

  // The receipt: signed by the receiver, for exactly this envelope.
  const receipt = await openSigned<Receipt>(bundle.receipt, receiptSchema, RECEIPT_TYP, 'receiver', receiver, 'receipt', 'receipt');
  if (receipt.receiver !== R) throw new ProofError('party_mismatch', 'receiver.state', `The receipt is signed as ${receipt.receiver}, but the bundle names ${R} as the receiver.`);
  if (receipt.envelope !== hash) throw new ProofError('envelope_hash_mismatch', 'envelope.hash', `The receipt acknowledges envelope ${receipt.envelope}, not ${hash}.`);
  const receiptHash = envelopeHash(bundle.receipt);
  const receiverFingerprint = JSON.parse(Buffer.from(bundle.receipt.split('.')[0] as string, 'base64url').toString('utf8')).kid as string;

  // Both logs: checkpoints, inclusion of every entry, and the four entries the proof needs.
  const senderLog = checkLog(bundle.logs.sender, sender);
  const receiverLog = checkLog(bundle.logs.receiver, receiver);
  const type = envelope?.type;
  const sent = findEntry(senderLog, 'sender', S, { kind: 'envelope.sent', hash, sender: S, recipient: R, ...(type ? { type } : {}) }, `sent envelope ${hash}`);
  findEntry(senderLog, 'sender', S, { kind: 'receipt.received', hash: receiptHash, envelope: hash, sender: S, receiver: R }, `got the receipt back`);
  findEntry(receiverLog, 'receiver', R, { kind: 'envelope.received', hash, sender: S, recipient: R, ...(type ? { type } : {}) }, `received envelope ${hash}`);
  findEntry(receiverLog, 'receiver', R, { kind: 'receipt.issued', hash: receiptHash, envelope: hash, sender: S, receiver: R }, `signed the receipt`);
  const messageType = (sent.entry as { type: string }).type;

  // Nothing else may ride along: every entry must be about this message.
  for (const [role, log] of [['sender', senderLog], ['receiver', receiverLog]] as const) {
    const state = role === 'sender' ? S : R;
    for (const { entry, field } of log.entries) {
      const about = 'envelope' in entry ? entry.envelope : entry.hash;
      if (about !== hash) throw new ProofError('entry_mismatch', `${field}.data`, `Entry ${field} of ${state}'s log is about envelope ${about}, not ${hash}.`);
    }
  }

  // Evidence: each item must be logged; a disclosed salt and file hash must give the commitment.
  const logged = new Set(
    [...senderLog.entries, ...receiverLog.entries].flatMap(({ entry }) => (entry.kind === 'evidence.committed' && entry.sender === S && entry.recipient === R ? [entry.commitment] : [])),
  );
  if (options.contentSha256 !== undefined && !/^[0-9a-f]{64}$/.test(options.contentSha256)) {
    throw new ProofError('content_mismatch', '(content)', 'The SHA-256 given for the file is not 64 lower-case hex digits.');
  }
  const contentHash = options.content ? fileSha256(options.content) : options.contentSha256;
  let contentMatched = false;
  const evidence = (bundle.evidence ?? []).map((item, i) => {
    const f = `evidence[${i}]`;
    if (item.salt !== undefined && decodeBase64UrlStrict(item.salt)?.length !== 32) {
      throw new ProofError('evidence_invalid', `${f}.salt`, `The salt disclosed for evidence item ${i + 1} is not 32 bytes of canonical base64url.`);
    }
    if (!logged.has(item.commitment)) throw new ProofError('evidence_invalid', `${f}.commitment`, `Evidence commitment ${item.commitment} is not in either log as travelling in this message.`);
    if (item.fileSha256 !== undefined && item.salt === undefined) throw new ProofError('evidence_invalid', `${f}.salt`, `Evidence item ${i + 1} discloses a file hash without the salt, so it cannot be checked against its commitment.`);
    if (item.salt !== undefined && item.fileSha256 !== undefined && evidenceCommitment(item.salt, item.fileSha256) !== item.commitment) {
      throw new ProofError('evidence_invalid', `${f}`, `The salt and file hash disclosed for evidence item ${i + 1} do not give its commitment ${item.commitment}.`);
    }
    const matchesContent = contentHash !== undefined && item.salt !== undefined && evidenceCommitment(item.salt, contentHash) === item.commitment;
    if (matchesContent) contentMatched = true;
    return { commitment: item.commitment, disclosed: item.salt !== undefined && item.fileSha256 !== undefined, fileSha256: item.fileSha256 ?? (matchesContent ? contentHash : undefined), matchesContent };
  });
  // And each logged commitment must be listed: the log entries are proven, so a bundle whose
  // evidence member was cut (or an item dropped from it) would otherwise pass in silence.
  const listed = new Set(evidence.map((e) => e.commitment));
  const unlisted = [...logged].filter((c) => !listed.has(c));
  if (unlisted.length) {
    throw new ProofError(
      'evidence_missing',
      'evidence',
      `The logs in the bundle record ${unlisted.length} evidence commitment${unlisted.length === 1 ? '' : 's'} travelling in this message that the bundle's evidence does not list: ${unlisted.join(', ')}.`,
    );
  }
  // With the content disclosed, the signed envelope names its evidence itself: every file it
  // refers to must be listed too, so cutting the evidence together with its log entries fails.
  const unlistedRefs = signedEvidence(envelope).filter((c) => !listed.has(c));
  if (unlistedRefs.length) {
    throw new ProofError(
      'evidence_missing',
      'evidence',
      `The signed envelope refers to ${unlistedRefs.length} evidence file${unlistedRefs.length === 1 ? '' : 's'} whose commitment the bundle's evidence does not list: ${unlistedRefs.join(', ')}.`,
    );
  }
  if (contentHash !== undefined && !contentMatched) {
    const withSalt = (bundle.evidence ?? []).filter((e) => e.salt !== undefined).length;
    throw new ProofError(
      'content_mismatch',
      'evidence',
      withSalt === 0
        ? `The file given (SHA-256 ${contentHash}) cannot be checked: the bundle discloses no evidence salt.`
        : `The file given (SHA-256 ${contentHash}) is not the evidence this message committed to: it matches none of the ${withSalt} disclosed evidence commitment${withSalt === 1 ? '' : 's'}.`,
    );
  }

  const logs = { sender: senderLog.verdict, receiver: receiverLog.verdict };
  const keysTrusted = options.trustedKeys !== undefined;
  const cosigned = (v: LogVerdict) => (v.cosignatures.length ? `, cosigned by ${v.cosignatures.map((c) => c.name).join(', ')}` : '');
  const parts = [
    envelope
      ? `${S} sent a ${messageType} message (envelope ${hash}) to ${R}, signed with ${S}'s key ${senderFingerprint} and dated ${when(envelope.created)}.`
      : `${S} sent a ${messageType} message (envelope ${hash}) to ${R}; its content and ${S}'s signature on it are withheld from this proof, so only its hash is shown.`,
    `${R} acknowledged receiving it on ${when(receipt.received)} in a receipt signed with its key ${receiverFingerprint}.`,
    `${S}'s public log ${logs.sender.origin} records sending it and getting the receipt back (checkpoint of ${logs.sender.size} entries${cosigned(logs.sender)}), and ${R}'s public log ${logs.receiver.origin} records receiving it and signing the receipt (checkpoint of ${logs.receiver.size} entries${cosigned(logs.receiver)}).`,
  ];
  if (evidence.length) {
    const disclosed = evidence.filter((e) => e.disclosed || e.matchesContent).length;
    parts.push(`${evidence.length} evidence item${evidence.length === 1 ? '' : 's'} travelled with it, committed in the log${disclosed ? `; ${disclosed} disclosed and checked against ${disclosed === 1 ? 'its commitment' : 'their commitments'}` : ''}${contentMatched ? `, including the file given (SHA-256 ${contentHash})` : ''}.`);
  }
  const custody = custodyOf(envelope);
  if (custody.length) {
    const chain = (k: CustodyRecord) => `SHA-256 ${k.sha256}: ${k.entries.map((e) => `${e.action} by ${e.by}${e.organisation ? ` (${e.organisation})` : ''} on ${when(e.at)}`).join(', then ')}`;
    parts.push(`Signed with the message, the chain of custody of ${custody.length} returned item${custody.length === 1 ? '' : 's'}: ${custody.map(chain).join('; ')}.`);
  }
  parts.push(
    keysTrusted
      ? `Every key used is in your trusted keys file.`
      : `The keys are as stated in the bundle: confirm the fingerprints with ${S} and ${R} out of band before relying on this.`,
  );
  return {
    envelopeHash: hash,
    type: messageType,
    sender: { state: S, fingerprint: senderFingerprint },
    receiver: { state: R, fingerprint: receiverFingerprint },
    created: envelope?.created,
    sentLoggedAt: sent.entry.at,
    received: receipt.received,
    contentDisclosed: envelope !== undefined,
    logs,
    evidence,
    keysTrusted,
    custody,
    summary: parts.join(' '),
  };
}

/**
 * Reads a trusted-keys file: JSON `{"XAA": ["SHA256:…"], …}` or text lines `XAA SHA256:…`
 * (blank lines and `#` comments ignored).
 */
export function parseTrustedKeys(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (state: string, fp: string, where: string) => {
    if (!/^[A-Z]{3}$/.test(state)) throw new Error(`${where}: "${state}" is not a state code (three capital letters)`);
    if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(fp)) throw new Error(`${where}: "${fp}" is not a key fingerprint (SHA256: and 43 characters)`);
    out.set(state, [...(out.get(state) ?? []), fp]);
  };
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      throw new Error(`the keys file is not valid JSON: ${oneLine((e as Error).message)}`);
    }
    for (const [state, fps] of Object.entries(value as Record<string, unknown>)) {
      const list = Array.isArray(fps) ? fps : [fps];
      for (const fp of list) add(state, String(fp), `keys file, ${state}`);
    }
    return out;
  }
  trimmed.split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const [state, fp, extra] = line.split(/\s+/);
    if (extra !== undefined || fp === undefined) throw new Error(`keys file, line ${i + 1}: write one state code and one fingerprint, such as "XAB SHA256:…"`);
    add(state as string, fp, `keys file, line ${i + 1}`);
  });
  return out;
}

/** The commitments of the evidence files a signed envelope refers to (`body.evidence`, protocol §10); none without the envelope. */
function signedEvidence(envelope: Envelope | undefined): string[] {
  const refs = (envelope?.body as { evidence?: unknown } | undefined)?.evidence;
  if (!Array.isArray(refs)) return [];
  return refs.flatMap((r: { sha256?: unknown; salt?: unknown }) =>
    typeof r?.sha256 === 'string' && typeof r.salt === 'string' && FILE_SHA256_PATTERN.test(r.sha256) && EVIDENCE_SALT_PATTERN.test(r.salt) ? [evidenceCommitment(r.salt, r.sha256)] : [],
  );
}

/** The chain of custody a signed request step carries (empty for any other message, or a malformed one). */
function custodyOf(envelope: Envelope | undefined): CustodyRecord[] {
  if (envelope?.type !== 'request.step') return [];
  const parsed = custodyRecord.array().safeParse((envelope.body as { custody?: unknown }).custody);
  return parsed.success ? parsed.data : [];
}
