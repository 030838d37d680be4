import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import vectors from '../../../../fixtures/note/vectors.json' with { type: 'json' };
import { cosignCheckpoint, openCheckpoint, signCheckpoint, type Checkpoint } from './checkpoint.js';
import {
  cosignatureMessage,
  cosignatureTimestamp,
  cosignerKeyId,
  ed25519CosignatureVerifier,
  ed25519Cosigner,
  noteVerifierFromKey,
} from './cosignature.js';
import { NoteError, type NoteErrorCode } from './errors.js';
import { openNote, parseNote } from './note.js';
import { ed25519NoteSigner, ed25519NoteVerifier, formatVerifierKey, parseSignerKey, SignatureType } from './note-keys.js';

function errorCode(run: () => unknown): NoteErrorCode | 'none' {
  try {
    run();
  } catch (error) {
    if (error instanceof NoteError) return error.code;
    throw error;
  }
  return 'none';
}

describe('the c2sp.org/tlog-cosignature example', () => {
  const note = parseNote(vectors.c2spCosignature.note);

  it('builds the signed message given in the specification', () => {
    expect(cosignatureMessage(note.text, 1679315147).toString('utf8')).toBe(vectors.c2spCosignature.signedMessage);
  });

  it('reads the witness timestamp from its signature line', () => {
    const witness = note.signatures.find((sig) => sig.name === 'witness.example.com/w1');
    expect(witness?.signature).toHaveLength(72);
    expect(cosignatureTimestamp(witness?.signature ?? Buffer.alloc(0))).toBe(1679315147);
  });
});

describe('transparency-dev/formats cosignature vectors', () => {
  const { cosignature, cosignatureTime, plainSignature } = vectors.formatsCosignature;

  it('reads the timestamp of a cosignature', () => {
    expect(cosignatureTimestamp(Buffer.from(cosignature, 'base64').subarray(4))).toBe(cosignatureTime);
  });

  it('refuses a plain Ed25519 signature as a cosignature', () => {
    expect(errorCode(() => cosignatureTimestamp(Buffer.from(plainSignature, 'base64').subarray(4)))).toBe(
      'malformed_cosignature',
    );
  });

  it('builds a cosignature verifier from a type 0x04 key and a note verifier from a type 0x01 key', () => {
    const cosigner = noteVerifierFromKey(vectors.formatsCosignature.cosignatureVerifierKey);
    expect(cosigner.keyId).toBe(0xda77ade7);
    expect(noteVerifierFromKey(vectors.goNote.verifierKey).keyId).toBe(0xc74f20a3);
  });
});

describe('cosigning', () => {
  const origin = 'parley.example/log';
  const log = generateKeyPairSync('ed25519');
  const witness = generateKeyPairSync('ed25519');
  const logVerifier = ed25519NoteVerifier(origin, log.publicKey);
  const witnessVerifier = ed25519CosignatureVerifier('parley.example/witness-fra', witness.publicKey);
  const checkpoint: Checkpoint = {
    origin,
    size: 42,
    rootHash: Buffer.alloc(32, 7),
    extensions: ['parley extension'],
  };
  const signed = signCheckpoint(checkpoint, [ed25519NoteSigner(origin, log.privateKey)]);
  const cosigned = cosignCheckpoint(signed, ed25519Cosigner('parley.example/witness-fra', witness.privateKey, 1_700_000_000));

  it('lays out key ID, big-endian timestamp and signature over the cosignature/v1 message', () => {
    // Ed25519 is deterministic: sign the spec's message by hand and compare the line.
    const { privateKey } = parseSignerKey(vectors.goNote.signerKey);
    const name = 'PeterNeumann';
    const text = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const line = ed25519Cosigner(name, privateKey, 1679315147).sign(Buffer.from(text));
    const expected = Buffer.concat([
      Buffer.from('00000000641850cb', 'hex'),
      sign(null, Buffer.from(vectors.c2spCosignature.signedMessage), privateKey),
    ]);
    expect(line.equals(expected)).toBe(true);
    const keyId = cosignerKeyId(name, privateKey);
    expect(formatVerifierKey(name, privateKey, SignatureType.CosignatureV1)).toMatch(
      new RegExp(`^PeterNeumann\\+${keyId.toString(16).padStart(8, '0')}\\+BBpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW$`),
    );
  });

  it('reports each verified cosigner with the time it vouches for', () => {
    const opened = openCheckpoint(cosigned, { origin, log: logVerifier, cosigners: [witnessVerifier] });
    expect(opened.checkpoint.size).toBe(42);
    expect(opened.cosignatures).toEqual([
      { name: 'parley.example/witness-fra', keyId: witnessVerifier.keyId, timestamp: 1_700_000_000 },
    ]);
  });

  it('leaves cosignatures by unknown cosigners unverified', () => {
    const opened = openCheckpoint(cosigned, { origin, log: logVerifier });
    expect(opened.cosignatures).toEqual([]);
    expect(opened.unverified.map((sig) => sig.name)).toEqual(['parley.example/witness-fra']);
  });

  it('rejects a cosignature whose timestamp was changed', () => {
    const line = cosigned.slice(cosigned.lastIndexOf('\u2014'));
    const base64 = line.slice(line.lastIndexOf(' ') + 1, -1);
    const bytes = Buffer.from(base64, 'base64');
    bytes.writeBigUInt64BE(1_800_000_000n, 4);
    const forged = cosigned.replace(base64, bytes.toString('base64'));
    expect(errorCode(() => openCheckpoint(forged, { origin, log: logVerifier, cosigners: [witnessVerifier] }))).toBe(
      'invalid_signature',
    );
  });

  it('covers extension lines', () => {
    const changed = cosigned.replace('parley extension', 'parley extensioN');
    const onlyWitness = [witnessVerifier];
    expect(errorCode(() => openNote(changed, onlyWitness))).toBe('invalid_signature');
  });

  it('does not let a cosignature pass for a plain signature by the same key, or the reverse', () => {
    const plain = ed25519NoteVerifier('parley.example/witness-fra', witness.publicKey);
    expect(plain.keyId).not.toBe(witnessVerifier.keyId);
    expect(errorCode(() => openNote(cosigned, [plain]))).toBe('no_trusted_signature');
    const plainlySigned = signCheckpoint(checkpoint, [ed25519NoteSigner('parley.example/witness-fra', witness.privateKey)]);
    expect(errorCode(() => openNote(plainlySigned, [witnessVerifier]))).toBe('no_trusted_signature');
  });

  it('refuses to cosign something that is not a checkpoint, or with a bad timestamp', () => {
    const cosigner = ed25519Cosigner('parley.example/witness-fra', witness.privateKey, 1);
    const note = signCheckpoint(checkpoint, [ed25519NoteSigner(origin, log.privateKey)]).replace('\n42\n', '\n042\n');
    expect(errorCode(() => cosignCheckpoint(note, cosigner))).toBe('malformed_checkpoint');
    expect(errorCode(() => ed25519Cosigner('w', witness.privateKey, -1))).toBe('invalid_text');
    expect(errorCode(() => ed25519Cosigner('w', witness.publicKey, 1))).toBe('invalid_key');
  });
});
