import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cosignCheckpoint, openCheckpoint, signCheckpoint } from './note/checkpoint.js';
import { ed25519Cosigner, noteVerifierFromKey } from './note/cosignature.js';
import { ed25519NoteSigner, formatVerifierKey, parseVerifierKey, SignatureType } from './note/note-keys.js';
import { witnessedDocument, witnessName, witnessVerifierKey } from './witness.js';

describe('witness keys', () => {
  const origin = 'parley.xab.0a1b2c3d';
  const node = generateKeyPairSync('ed25519');

  it('names the witness after its own log and marks the key as a cosignature key', () => {
    const key = parseVerifierKey(witnessVerifierKey(origin, node.publicKey));
    expect(key.name).toBe('parley.xab.0a1b2c3d/witness');
    expect(key.type).toBe(SignatureType.CosignatureV1);
    expect(key.keyId).not.toBe(parseVerifierKey(formatVerifierKey(origin, node.publicKey)).keyId);
  });

  it('verifies a cosignature made under that name with the published verifier key', () => {
    const log = generateKeyPairSync('ed25519');
    const logOrigin = 'parley.xaa.11223344';
    const signed = signCheckpoint({ origin: logOrigin, size: 3, rootHash: Buffer.alloc(32, 1), extensions: [] }, [ed25519NoteSigner(logOrigin, log.privateKey)]);
    const cosigned = cosignCheckpoint(signed, ed25519Cosigner(witnessName(origin), node.privateKey, 1_800_000_000));
    const opened = openCheckpoint(cosigned, {
      origin: logOrigin,
      log: noteVerifierFromKey(formatVerifierKey(logOrigin, log.publicKey)),
      cosigners: [noteVerifierFromKey(witnessVerifierKey(origin, node.publicKey))],
    });
    expect(opened.cosignatures).toEqual([{ name: witnessName(origin), keyId: parseVerifierKey(witnessVerifierKey(origin, node.publicKey)).keyId, timestamp: 1_800_000_000 }]);
  });

  it('refuses a witnessed document with a bad time or too long a checkpoint', () => {
    const witness = { name: 'w', verifierKey: 'k' };
    expect(witnessedDocument.safeParse({ witness, logs: [{ origin: 'o', checkpoint: 'c', witnessedAt: 'yesterday' }] }).success).toBe(false);
    expect(witnessedDocument.safeParse({ witness, logs: [{ origin: 'o', checkpoint: 'c'.repeat(20_000), witnessedAt: new Date().toISOString() }] }).success).toBe(false);
    expect(witnessedDocument.safeParse({ witness, logs: [] }).success).toBe(true);
  });
});
