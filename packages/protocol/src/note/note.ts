import { decodeBase64Strict, isWellFormedUnicode } from '../encoding.js';
import { NoteError } from './errors.js';
import { isValidKeyName, keyIdHex, type NoteSigner, type NoteVerifier } from './note-keys.js';

/** One signature line: the key's name and ID, and the signature bytes after the ID. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  readonly signature: Buffer;
}

/** A parsed, not yet verified, signed note. */
export interface Note {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export interface OpenedNote {
  readonly text: string;
  /** Signatures by the given verifiers, each key once. */
  readonly verified: readonly NoteSignature[];
  /** Signatures by keys the caller does not know, which the spec says to ignore. */
  readonly unverified: readonly NoteSignature[];
}

const SIGNATURE_PREFIX = '\u2014 ';
/** The spec asks verifiers to accept at least 16; the Go reference stops at 100. */
export const MAX_NOTE_SIGNATURES = 100;

const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;

/** Valid UTF-8 without ASCII controls other than newline, as every note must be. */
function checkCharacters(text: string): boolean {
  return !CONTROL.test(text) && isWellFormedUnicode(text);
}

function decodeMessage(message: string | Uint8Array): string {
  if (typeof message === 'string') return message;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(message);
  } catch {
    throw new NoteError('malformed_note', 'the note is not valid UTF-8');
  }
}

function malformed(reason: string): NoteError {
  return new NoteError('malformed_note', `malformed note: ${reason}`);
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed('a signature line must start with an em dash and a space');
  const rest = line.slice(SIGNATURE_PREFIX.length);
  const space = rest.indexOf(' ');
  if (space < 0) throw malformed('a signature line has a key name, a space and a base64 signature');
  const name = rest.slice(0, space);
  if (!isValidKeyName(name)) throw malformed(`invalid key name ${JSON.stringify(name)}`);
  const bytes = decodeBase64Strict(rest.slice(space + 1));
  if (bytes === undefined || bytes.length < 5) throw malformed(`the signature by ${name} is not base64 of a key ID and a signature`);
  return { name, keyId: bytes.readUInt32BE(0), signature: Buffer.from(bytes.subarray(4)) };
}

/** Splits a signed note into text and signature lines, checking syntax only. */
export function parseNote(message: string | Uint8Array): Note {
  const source = decodeMessage(message);
  if (!checkCharacters(source)) throw malformed('control characters other than newline are not allowed');
  // The text ends at the last blank line: signature lines are never empty, text may have blank lines.
  const split = source.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = source.slice(0, split + 1);
  const block = source.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n')) throw malformed('the signature lines must end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  return { text, signatures: lines.map(parseSignatureLine) };
}

function checkText(text: string): void {
  if (text.length === 0 || !text.endsWith('\n')) throw new NoteError('invalid_text', 'note text must be non-empty and end with a newline');
  if (!checkCharacters(text)) throw new NoteError('invalid_text', 'note text must not contain control characters other than newline');
}

function signatureLine({ name, keyId, signature }: NoteSignature): string {
  const bytes = Buffer.alloc(4 + signature.length);
  bytes.writeUInt32BE(keyId, 0);
  signature.copy(bytes, 4);
  return `${SIGNATURE_PREFIX}${name} ${bytes.toString('base64')}\n`;
}

/** Serialises a note: the text, a blank line, then one line per signature. */
export function formatNote(note: Note): string {
  checkText(note.text);
  if (note.signatures.length === 0) throw new NoteError('invalid_text', 'a signed note needs at least one signature');
  if (note.signatures.length > MAX_NOTE_SIGNATURES) throw new NoteError('invalid_text', `more than ${MAX_NOTE_SIGNATURES} signatures`);
  for (const { name } of note.signatures) {
    if (!isValidKeyName(name)) throw new NoteError('invalid_text', `invalid key name ${JSON.stringify(name)}`);
  }
  return `${note.text}\n${note.signatures.map(signatureLine).join('')}`;
}

const keyOf = (name: string, keyId: number): string => `${name}+${keyIdHex(keyId)}`;

/**
 * Signs `text` with each signer. Signatures in `keep` stay, except those by a key that
 * signs again here, which are replaced.
 */
export function signNote(text: string, signers: readonly NoteSigner[], keep: readonly NoteSignature[] = []): string {
  checkText(text);
  const signing = new Set<string>();
  for (const signer of signers) {
    const key = keyOf(signer.name, signer.keyId);
    if (signing.has(key)) throw new NoteError('ambiguous_key', `two signers share the key ${key}`);
    signing.add(key);
  }
  const bytes = Buffer.from(text, 'utf8');
  const fresh = signers.map((signer) => ({ name: signer.name, keyId: signer.keyId, signature: signer.sign(bytes) }));
  const kept = keep.filter((sig) => !signing.has(keyOf(sig.name, sig.keyId)));
  return formatNote({ text, signatures: [...kept, ...fresh] });
}

/** Adds signatures to an already signed note without checking the ones it carries. */
export function addNoteSignatures(message: string | Uint8Array, signers: readonly NoteSigner[]): string {
  const note = parseNote(message);
  return signNote(note.text, signers, note.signatures);
}

/**
 * Verifies a signed note (c2sp.org/signed-note): signatures by unknown keys are set
 * aside, any failing signature by a known key rejects the whole note, and at least one
 * known key must have signed.
 */
export function openNote(message: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const note = parseNote(message);
  // null marks a name+ID pair configured twice: such a signature cannot be attributed.
  const byKey = new Map<string, NoteVerifier | null>();
  for (const verifier of verifiers) {
    const key = keyOf(verifier.name, verifier.keyId);
    byKey.set(key, byKey.has(key) ? null : verifier);
  }
  const text = Buffer.from(note.text, 'utf8');
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const sig of note.signatures) {
    const key = keyOf(sig.name, sig.keyId);
    const verifier = byKey.get(key);
    if (verifier === undefined) {
      unverified.push(sig);
      continue;
    }
    if (verifier === null) throw new NoteError('ambiguous_key', `more than one verifier for key ${key}`);
    if (!verifier.verify(text, sig.signature)) throw new NoteError('invalid_signature', `invalid signature for key ${key}`);
    if (!seen.has(key)) {
      seen.add(key);
      verified.push(sig);
    }
  }
  if (verified.length === 0) throw new NoteError('no_trusted_signature', 'the note has no signature from a known key');
  return { text: note.text, verified, unverified };
}
