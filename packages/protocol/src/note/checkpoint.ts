import { decodeBase64Strict } from '../encoding.js';
import { cosignatureTimestamp } from './cosignature.js';
import { NoteError } from './errors.js';
import { addNoteSignatures, openNote, parseNote, signNote, type NoteSignature } from './note.js';
import type { NoteSigner, NoteVerifier } from './note-keys.js';

/** A transparency log checkpoint (c2sp.org/tlog-checkpoint): what a log commits to at a size. */
export interface Checkpoint {
  /** Identifies the log, e.g. `parley.example/log`. */
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Buffer;
  /** Optional, opaque lines after the root; the spec discourages them. */
  readonly extensions: readonly string[];
}

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const CONTROL = /[\u0000-\u001f]/;

function bad(reason: string): NoteError {
  return new NoteError('malformed_checkpoint', `malformed checkpoint: ${reason}`);
}

function checkLine(line: string, what: string): void {
  if (line.length === 0) throw bad(`the ${what} must not be empty`);
  if (CONTROL.test(line)) throw bad(`the ${what} must be a single line without control characters`);
}

/** The checkpoint body: origin, decimal size, base64 root, extension lines, each ending in a newline. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  checkLine(checkpoint.origin, 'origin');
  if (!Number.isSafeInteger(checkpoint.size) || checkpoint.size < 0) throw bad('the tree size must be a non-negative integer');
  if (checkpoint.rootHash.length !== 32) throw bad('the root hash must be 32 bytes');
  checkpoint.extensions.forEach((line) => checkLine(line, 'extension line'));
  return [checkpoint.origin, String(checkpoint.size), checkpoint.rootHash.toString('base64'), ...checkpoint.extensions]
    .map((line) => `${line}\n`)
    .join('');
}

/** Parses a checkpoint body strictly: no leading zeros, canonical base64, no empty lines. */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw bad('the body must end with a newline');
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || size === undefined || root === undefined) throw bad('it needs origin, size and root hash lines');
  checkLine(origin, 'origin');
  if (!DECIMAL.test(size)) throw bad('the tree size must be a decimal number without leading zeros');
  const treeSize = Number(size);
  if (!Number.isSafeInteger(treeSize)) throw bad('the tree size is larger than this implementation supports (2^53 - 1)');
  const rootHash = decodeBase64Strict(root);
  if (rootHash === undefined || rootHash.length !== 32) throw bad('the root hash must be the base64 of 32 bytes');
  extensions.forEach((line) => checkLine(line, 'extension line'));
  return { origin, size: treeSize, rootHash, extensions };
}

/** Signs a checkpoint as a note. */
export function signCheckpoint(checkpoint: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(checkpoint), signers);
}

/** Adds a cosignature (see `ed25519Cosigner`) to a signed checkpoint, keeping its signatures. */
export function cosignCheckpoint(signedCheckpoint: string | Uint8Array, cosigner: NoteSigner): string {
  parseCheckpoint(parseNote(signedCheckpoint).text);
  return addNoteSignatures(signedCheckpoint, [cosigner]);
}

export interface Cosignature {
  readonly name: string;
  readonly keyId: number;
  /** POSIX seconds at which the cosigner saw this checkpoint as the latest. */
  readonly timestamp: number;
}

export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly text: string;
  readonly logSignature: NoteSignature;
  readonly cosignatures: readonly Cosignature[];
  readonly unverified: readonly NoteSignature[];
}

export interface OpenCheckpointOptions {
  /** The origin the checkpoint must carry. */
  readonly origin: string;
  /** The log's key; its signature is required. */
  readonly log: NoteVerifier;
  /** Cosigners whose cosignatures to check and report (see `ed25519CosignatureVerifier`). */
  readonly cosigners?: readonly NoteVerifier[];
}

/** Verifies a signed checkpoint from the log `origin`, and any cosignatures by known cosigners. */
export function openCheckpoint(message: string | Uint8Array, options: OpenCheckpointOptions): OpenedCheckpoint {
  const cosigners = options.cosigners ?? [];
  const opened = openNote(message, [options.log, ...cosigners]);
  const isLog = (sig: NoteSignature) => sig.name === options.log.name && sig.keyId === options.log.keyId;
  const logSignature = opened.verified.find(isLog);
  if (logSignature === undefined) {
    throw new NoteError('no_trusted_signature', `the checkpoint is not signed by the log key ${options.log.name}`);
  }
  const checkpoint = parseCheckpoint(opened.text);
  if (checkpoint.origin !== options.origin) {
    throw new NoteError('wrong_origin', `the checkpoint is for ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(options.origin)}`);
  }
  const cosignatures = opened.verified
    .filter((sig) => !isLog(sig))
    .map((sig) => ({ name: sig.name, keyId: sig.keyId, timestamp: cosignatureTimestamp(sig.signature) }));
  return { checkpoint, text: opened.text, logSignature, cosignatures, unverified: opened.unverified };
}
