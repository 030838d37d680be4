import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** An Ed25519 key pair as Parley nodes hold it. The private key never leaves its owner. */
export interface NodeKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function generateNodeKeyPair(): NodeKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey };
}

/** PKCS#8 PEM of the private key, for the owner-only key file. */
export function exportPrivateKeyPem(key: NodeKeyPair): string {
  return key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function importPrivateKeyPem(pem: string): NodeKeyPair {
  const privateKey = createPrivateKey({ key: pem, format: 'pem' });
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`expected an Ed25519 private key, found ${privateKey.asymmetricKeyType ?? 'unknown'}`);
  }
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** The 32 raw bytes of an Ed25519 public key (RFC 8032). */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string') {
    throw new Error('expected an Ed25519 public key');
  }
  return Buffer.from(jwk.x, 'base64url');
}

export function publicKeyFromRaw(raw: Uint8Array): KeyObject {
  if (raw.length !== 32) throw new Error(`an Ed25519 public key is 32 bytes, got ${raw.length}`);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') }, format: 'jwk' });
}

/**
 * The fingerprint officers compare out of band: `SHA256:` followed by the unpadded
 * base64 of SHA-256 over the raw 32-byte public key (the OpenSSH presentation style).
 */
export function fingerprint(publicKey: KeyObject | Uint8Array): string {
  if (publicKey instanceof Uint8Array) return fingerprintOfRaw(publicKey);
  // A key object never changes, and a receiver checks its peer's key's fingerprint on every envelope.
  let known = fingerprints.get(publicKey);
  if (known === undefined) {
    known = fingerprintOfRaw(rawPublicKey(publicKey));
    fingerprints.set(publicKey, known);
  }
  return known;
}

const fingerprints = new WeakMap<KeyObject, string>();

const fingerprintOfRaw = (raw: Uint8Array): string => `SHA256:${createHash('sha256').update(raw).digest('base64').replace(/=+$/, '')}`;

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export function isFingerprint(value: string): boolean {
  return FINGERPRINT.test(value);
}
