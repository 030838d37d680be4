import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64Strict, isWellFormedUnicode } from '../encoding.js';
import { publicKeyFromRaw, rawPublicKey } from '../keys.js';
import { NoteError } from './errors.js';

/** Signature type bytes assigned by c2sp.org/signed-note that Parley speaks. */
export const SignatureType = {
  /** Plain Ed25519 note signatures. */
  Ed25519: 0x01,
  /** Timestamped Ed25519 cosignatures (c2sp.org/tlog-cosignature, cosignature/v1). */
  CosignatureV1: 0x04,
} as const;
export type SignatureType = (typeof SignatureType)[keyof typeof SignatureType];

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** The signature bytes that follow the key ID on the signature line. */
  sign(text: Uint8Array): Buffer;
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** Whether `signature` (the bytes after the key ID) signs the note text. */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

// Unicode White_Space as Go's unicode.IsSpace sees it; \s lacks U+0085.
const SPACE_OR_CONTROL = /[\s\u0085\u0000-\u001f\u007f]/;

/** Key names must be non-empty, without spaces or '+', which would break the line and key formats. */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !name.includes('+') && !SPACE_OR_CONTROL.test(name) && isWellFormedUnicode(name);
}

/** SHA-256(name || 0x0A || type || public key)[:4], read as a big-endian uint32. */
export function noteKeyId(name: string, type: number, publicKey: Uint8Array): number {
  return createHash('sha256')
    .update(Buffer.from(`${name}\n`, 'utf8'))
    .update(Buffer.from([type]))
    .update(publicKey)
    .digest()
    .readUInt32BE(0);
}

export function keyIdHex(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/** Throws `invalid_key` unless `name` can be a key name. */
export function checkKeyName(name: string): void {
  if (!isValidKeyName(name)) {
    throw new NoteError('invalid_key', `key name ${JSON.stringify(name)} must be non-empty, without spaces or '+'`);
  }
}

/** The raw 32-byte Ed25519 public key of a key object (public or private) or of raw bytes. */
export function ed25519PublicKey(key: KeyObject | Uint8Array): Buffer {
  if (key instanceof Uint8Array) {
    if (key.length !== 32) throw new NoteError('invalid_key', `an Ed25519 public key is 32 bytes, got ${key.length}`);
    return Buffer.from(key);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new NoteError('invalid_key', 'expected an Ed25519 key');
  return rawPublicKey(key.type === 'private' ? createPublicKey(key) : key);
}

/** The verifier key string `name+keyid+base64(type || public key)`. */
export function formatVerifierKey(name: string, publicKey: KeyObject | Uint8Array, type: SignatureType = SignatureType.Ed25519): string {
  checkKeyName(name);
  const raw = ed25519PublicKey(publicKey);
  return `${name}+${keyIdHex(noteKeyId(name, type, raw))}+${Buffer.concat([Buffer.from([type]), raw]).toString('base64')}`;
}

export interface ParsedVerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly type: SignatureType;
  readonly publicKey: Buffer;
}

/**
 * Splits `name+keyid+key` into exactly three fields at the first two '+': names cannot
 * contain '+', but the base64 key often does.
 */
function splitKeyString(text: string, what: string): [string, string, string] {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw new NoteError('invalid_key', `a ${what} has the form name+keyid+key`);
  return [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
}

function parseKeyFields(text: string, what: string): { name: string; keyId: number; type: SignatureType; material: Buffer } {
  const [name, idHex, encoded] = splitKeyString(text, what);
  checkKeyName(name);
  if (!/^[0-9a-fA-F]{8}$/.test(idHex)) throw new NoteError('invalid_key', `the key ID of a ${what} is 8 hex digits`);
  const bytes = decodeBase64Strict(encoded);
  if (bytes === undefined || bytes.length !== 33) {
    throw new NoteError('invalid_key', `the key of a ${what} is base64 of a type byte and 32 key bytes`);
  }
  const type = bytes[0];
  if (type !== SignatureType.Ed25519 && type !== SignatureType.CosignatureV1) {
    throw new NoteError('invalid_key', `unsupported signature type 0x${(type ?? 0).toString(16).padStart(2, '0')}`);
  }
  return { name, keyId: Number.parseInt(idHex, 16), type, material: bytes.subarray(1) };
}

/** Parses and checks a verifier key string; the key ID must match the name and key. */
export function parseVerifierKey(vkey: string): ParsedVerifierKey {
  const { name, keyId, type, material } = parseKeyFields(vkey, 'verifier key');
  if (noteKeyId(name, type, material) !== keyId) {
    throw new NoteError('invalid_key', `the key ID ${keyIdHex(keyId)} does not match key ${name}`);
  }
  return { name, keyId, type, publicKey: Buffer.from(material) };
}

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410), so node:crypto can load it.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface ParsedSignerKey {
  readonly name: string;
  readonly keyId: number;
  readonly privateKey: KeyObject;
}

/** Parses `PRIVATE+KEY+name+keyid+base64(0x01 || seed)`, the signer key format of golang.org/x/mod/sumdb/note. */
export function parseSignerKey(skey: string): ParsedSignerKey {
  const PREFIX = 'PRIVATE+KEY+';
  if (!skey.startsWith(PREFIX)) throw new NoteError('invalid_key', `a signer key starts with ${PREFIX}`);
  const { name, keyId, type, material } = parseKeyFields(skey.slice(PREFIX.length), 'signer key');
  if (type !== SignatureType.Ed25519) throw new NoteError('invalid_key', 'a signer key holds an Ed25519 seed (type 0x01)');
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, material]), format: 'der', type: 'pkcs8' });
  if (noteKeyId(name, type, ed25519PublicKey(privateKey)) !== keyId) {
    throw new NoteError('invalid_key', `the key ID ${keyIdHex(keyId)} does not match key ${name}`);
  }
  return { name, keyId, privateKey };
}

/** Signs note text with an Ed25519 private key under the key name `name`. */
export function ed25519NoteSigner(name: string, privateKey: KeyObject): NoteSigner {
  checkKeyName(name);
  if (privateKey.type !== 'private') throw new NoteError('invalid_key', 'signing needs a private key');
  const keyId = noteKeyId(name, SignatureType.Ed25519, ed25519PublicKey(privateKey));
  return { name, keyId, sign: (text) => sign(null, text, privateKey) };
}

/** Verifies plain Ed25519 note signatures by `name`. */
export function ed25519NoteVerifier(name: string, publicKey: KeyObject | Uint8Array): NoteVerifier {
  checkKeyName(name);
  const raw = ed25519PublicKey(publicKey);
  const key = publicKeyFromRaw(raw);
  return {
    name,
    keyId: noteKeyId(name, SignatureType.Ed25519, raw),
    verify: (text, signature) => signature.length === 64 && verify(null, text, key, signature),
  };
}
