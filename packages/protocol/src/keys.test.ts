import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  exportPrivateKeyPem,
  fingerprint,
  generateNodeKeyPair,
  importPrivateKeyPem,
  isFingerprint,
  publicKeyFromRaw,
  rawPublicKey,
} from './keys.js';

describe('node keys', () => {
  it('round-trips a private key through PKCS#8 PEM', () => {
    const key = generateNodeKeyPair();
    const again = importPrivateKeyPem(exportPrivateKeyPem(key));
    expect(rawPublicKey(again.publicKey).equals(rawPublicKey(key.publicKey))).toBe(true);
  });

  it('computes the fingerprint as unpadded base64 SHA-256 of the raw key (RFC 8032 test 1 key)', () => {
    // RFC 8032 section 7.1, TEST 1 public key.
    const raw = Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex');
    const expected = 'SHA256:' + createHash('sha256').update(raw).digest('base64').replace(/=+$/, '');
    expect(fingerprint(raw)).toBe(expected);
    expect(fingerprint(publicKeyFromRaw(raw))).toBe(expected);
    expect(isFingerprint(expected)).toBe(true);
  });

  it('rejects malformed fingerprints and non-Ed25519 material', () => {
    expect(isFingerprint('SHA256:abc')).toBe(false);
    expect(isFingerprint('MD5:' + 'a'.repeat(43))).toBe(false);
    expect(() => publicKeyFromRaw(new Uint8Array(31))).toThrow(/32 bytes/);
  });
});
