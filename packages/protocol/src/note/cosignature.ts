import { sign, verify, type KeyObject } from 'node:crypto';
import { publicKeyFromRaw } from '../keys.js';
import { NoteError } from './errors.js';
import {
  checkKeyName,
  ed25519NoteVerifier,
  ed25519PublicKey,
  noteKeyId,
  parseVerifierKey,
  SignatureType,
  type NoteSigner,
  type NoteVerifier,
} from './note-keys.js';

// c2sp.org/tlog-cosignature, Ed25519 type: the signature line carries
// key ID (4) || timestamp (8, big-endian) || Ed25519 signature (64) over
// "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint text.

const TIMESTAMP_SIZE = 8;
const ED25519_SIGNATURE_SIZE = 64;
const MAX_TIMESTAMP = 2n ** 63n - 1n;

/** The bytes a cosigner signs for `text` (a checkpoint body) at `timestamp` (POSIX seconds). */
export function cosignatureMessage(text: string | Uint8Array, timestamp: number | bigint): Buffer {
  return Buffer.concat([Buffer.from(`cosignature/v1\ntime ${timestamp.toString()}\n`), Buffer.from(text)]);
}

function checkTimestamp(timestamp: number): void {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new NoteError('invalid_text', `a cosignature timestamp is a whole number of seconds, got ${String(timestamp)}`);
  }
}

/** The key ID of an Ed25519 cosigner: type byte 0x04, so it never collides with the same key's note signatures. */
export function cosignerKeyId(name: string, publicKey: KeyObject | Uint8Array): number {
  return noteKeyId(name, SignatureType.CosignatureV1, ed25519PublicKey(publicKey));
}

/** A signer that cosigns checkpoints as `name`, stating what it saw at `timestamp` (POSIX seconds). */
export function ed25519Cosigner(name: string, privateKey: KeyObject, timestamp: number): NoteSigner {
  checkKeyName(name);
  checkTimestamp(timestamp);
  if (privateKey.type !== 'private') throw new NoteError('invalid_key', 'cosigning needs a private key');
  return {
    name,
    keyId: cosignerKeyId(name, privateKey),
    sign(text) {
      const head = Buffer.alloc(TIMESTAMP_SIZE);
      head.writeBigUInt64BE(BigInt(timestamp));
      const signature = sign(null, cosignatureMessage(text, timestamp), privateKey);
      return Buffer.concat([head, signature]);
    },
  };
}

function readTimestamp(signature: Uint8Array): bigint | undefined {
  if (signature.length !== TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) return undefined;
  const timestamp = Buffer.from(signature).readBigUInt64BE(0);
  return timestamp <= MAX_TIMESTAMP ? timestamp : undefined;
}

/** Verifies Ed25519 cosignatures (cosignature/v1) by `name`. */
export function ed25519CosignatureVerifier(name: string, publicKey: KeyObject | Uint8Array): NoteVerifier {
  checkKeyName(name);
  const raw = ed25519PublicKey(publicKey);
  const key = publicKeyFromRaw(raw);
  return {
    name,
    keyId: noteKeyId(name, SignatureType.CosignatureV1, raw),
    verify(text, signature) {
      const timestamp = readTimestamp(signature);
      if (timestamp === undefined) return false;
      const message = cosignatureMessage(text, timestamp);
      return verify(null, message, key, signature.subarray(TIMESTAMP_SIZE));
    },
  };
}

/** The time a cosigner vouches for, from the signature bytes after the key ID. */
export function cosignatureTimestamp(signature: Uint8Array): number {
  const timestamp = readTimestamp(signature);
  if (timestamp === undefined || timestamp > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new NoteError('malformed_cosignature', 'not a timestamped Ed25519 cosignature');
  }
  return Number(timestamp);
}

/** A verifier for a verifier key string: type 0x01 verifies note signatures, 0x04 cosignatures. */
export function noteVerifierFromKey(vkey: string): NoteVerifier {
  const { name, type, publicKey } = parseVerifierKey(vkey);
  return type === SignatureType.CosignatureV1
    ? ed25519CosignatureVerifier(name, publicKey)
    : ed25519NoteVerifier(name, publicKey);
}
