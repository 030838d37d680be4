import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import vectors from '../../../../fixtures/note/vectors.json' with { type: 'json' };
import { NoteError } from './errors.js';
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatVerifierKey,
  isValidKeyName,
  noteKeyId,
  parseSignerKey,
  parseVerifierKey,
  SignatureType,
} from './note-keys.js';

const { goNote, formatsCosignature } = vectors;

function expectKeyError(run: () => unknown): void {
  expect(run).toThrow(NoteError);
  try {
    run();
  } catch (error) {
    expect((error as NoteError).code).toBe('invalid_key');
  }
}

describe('verifier keys (golang.org/x/mod/sumdb/note vectors)', () => {
  it('parses the reference verifier key and recomputes its key ID', () => {
    const key = parseVerifierKey(goNote.verifierKey);
    expect(key.name).toBe('PeterNeumann');
    expect(key.keyId).toBe(0xc74f20a3);
    expect(key.type).toBe(SignatureType.Ed25519);
    expect(noteKeyId(key.name, key.type, key.publicKey)).toBe(0xc74f20a3);
    expect(formatVerifierKey(key.name, key.publicKey)).toBe(goNote.verifierKey);
  });

  it('derives the reference verifier key from the published signer key', () => {
    const signer = parseSignerKey(goNote.signerKey);
    expect(signer.name).toBe('PeterNeumann');
    expect(signer.keyId).toBe(0xc74f20a3);
    expect(formatVerifierKey(signer.name, signer.privateKey)).toBe(goNote.verifierKey);
  });

  it('refuses every truncation and every single-character change of the verifier key', () => {
    const key = goNote.verifierKey;
    for (let start = 0; start < key.length; start++) {
      for (let end = start + 1; end <= key.length; end++) {
        if (start === 0 && end === key.length) continue;
        expectKeyError(() => parseVerifierKey(key.slice(start, end)));
      }
    }
    for (let i = 0; i < key.length; i++) {
      const changed = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
      expectKeyError(() => parseVerifierKey(changed));
    }
  });

  it('refuses every truncation and every single-character change of the signer key', () => {
    const key = goNote.signerKey;
    for (let start = 0; start < key.length; start++) {
      for (let end = start + 1; end <= key.length; end++) {
        if (start === 0 && end === key.length) continue;
        expectKeyError(() => parseSignerKey(key.slice(start, end)));
      }
    }
    for (let i = 0; i < key.length; i++) {
      const changed = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
      expectKeyError(() => parseSignerKey(changed));
    }
  });

  it('refuses a key of the wrong length and an unknown algorithm even with a matching key ID', () => {
    for (const key of goNote.badVerifierKeys) expectKeyError(() => parseVerifierKey(key));
  });
});

describe('verifier keys (transparency-dev/formats vectors)', () => {
  it('splits into exactly three fields when the base64 contains +', () => {
    const key = parseVerifierKey(formatsCosignature.verifierKeyWithPlus);
    expect(key.name).toBe('TEST');
    expect(key.keyId).toBe(0x7997405c);
    expect(key.publicKey).toHaveLength(32);
  });

  it('accepts a cosignature (type 0x04) key and checks its ID with that type', () => {
    const key = parseVerifierKey(formatsCosignature.cosignatureVerifierKey);
    expect(key.type).toBe(SignatureType.CosignatureV1);
    expect(key.keyId).toBe(0xda77ade7);
    expect(formatVerifierKey(key.name, key.publicKey, SignatureType.CosignatureV1)).toBe(
      formatsCosignature.cosignatureVerifierKey,
    );
  });

  it('refuses missing fields, bad base64 and unknown algorithms', () => {
    for (const key of formatsCosignature.invalidVerifierKeys) expectKeyError(() => parseVerifierKey(key));
  });

  it('refuses a key ID that is not the one of the name and key', () => {
    const [name, , rest] = goNote.verifierKey.split('+');
    expectKeyError(() => parseVerifierKey(`${name}+00000000+${rest}`));
    expectKeyError(() => parseVerifierKey(`${name}+NOT_A_NUM+${rest}`));
  });
});

describe('key names', () => {
  it('refuses empty names, spaces of any kind and +', () => {
    expect(isValidKeyName('parley.example/log')).toBe(true);
    for (const name of ['', 'a b', 'a+b', 'a\tb', 'a\u00a0b', 'a\u2003b', 'a\u0085b', 'a\nb', '\ud800']) {
      expect(isValidKeyName(name), JSON.stringify(name)).toBe(false);
    }
    const { privateKey } = generateKeyPairSync('ed25519');
    expectKeyError(() => ed25519NoteSigner('bad name', privateKey));
    expectKeyError(() => ed25519NoteVerifier('bad+name', privateKey));
  });

  it('refuses keys that are not Ed25519 private keys for signing', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expectKeyError(() => ed25519NoteSigner('log', publicKey));
    expectKeyError(() => ed25519NoteSigner('log', rsa.privateKey));
    expectKeyError(() => ed25519NoteVerifier('log', new Uint8Array(31)));
    expect(ed25519NoteSigner('log', privateKey).keyId).toBe(ed25519NoteVerifier('log', publicKey).keyId);
  });
});
