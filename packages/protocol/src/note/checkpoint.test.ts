import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import vectors from '../../../../fixtures/note/vectors.json' with { type: 'json' };
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint, type Checkpoint } from './checkpoint.js';
import { NoteError, type NoteErrorCode } from './errors.js';
import { parseNote, signNote } from './note.js';
import { ed25519NoteSigner, ed25519NoteVerifier } from './note-keys.js';

function errorCode(run: () => unknown): NoteErrorCode | 'none' {
  try {
    run();
  } catch (error) {
    if (error instanceof NoteError) return error.code;
    throw error;
  }
  return 'none';
}

const ROOT = Buffer.from('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=', 'base64');

describe('checkpoint bodies (c2sp.org/tlog-checkpoint example)', () => {
  const { text } = parseNote(vectors.c2spCheckpoint.note);

  it('parses origin, size and root hash', () => {
    const checkpoint = parseCheckpoint(text);
    expect(checkpoint.origin).toBe('example.com/behind-the-sofa');
    expect(checkpoint.size).toBe(20852163);
    expect(checkpoint.rootHash.equals(ROOT)).toBe(true);
    expect(checkpoint.extensions).toEqual([]);
  });

  it('formats back to the same bytes, extension lines included', () => {
    expect(formatCheckpoint(parseCheckpoint(text))).toBe(text);
    const extended = `${text}extension one\nextension two\n`;
    expect(parseCheckpoint(extended).extensions).toEqual(['extension one', 'extension two']);
    expect(formatCheckpoint(parseCheckpoint(extended))).toBe(extended);
  });

  it.each([
    ['no final newline', 'example.com/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I='],
    ['missing root line', 'example.com/log\n5\n'],
    ['empty origin', '\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
    ['leading zero', 'example.com/log\n05\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
    ['sign', 'example.com/log\n+5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
    ['negative size', 'example.com/log\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
    ['hex size', 'example.com/log\n0x5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
    ['size beyond 2^53', 'example.com/log\n18446744073709551615\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
    ['short root', 'example.com/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2=\n'],
    ['unpadded root', 'example.com/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n'],
    ['non-canonical root', 'example.com/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n'],
    ['base64url root', 'example.com/log\n5\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n'],
    ['empty extension line', 'example.com/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n'],
    ['tab in origin', 'example\t.com/log\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n'],
  ])('refuses a body with %s', (_reason, body) => {
    expect(errorCode(() => parseCheckpoint(body))).toBe('malformed_checkpoint');
  });

  it('refuses to format what it would refuse to parse', () => {
    const good: Checkpoint = { origin: 'example.com/log', size: 5, rootHash: ROOT, extensions: [] };
    expect(errorCode(() => formatCheckpoint({ ...good, origin: 'a\nb' }))).toBe('malformed_checkpoint');
    expect(errorCode(() => formatCheckpoint({ ...good, size: -1 }))).toBe('malformed_checkpoint');
    expect(errorCode(() => formatCheckpoint({ ...good, size: 1.5 }))).toBe('malformed_checkpoint');
    expect(errorCode(() => formatCheckpoint({ ...good, rootHash: ROOT.subarray(1) }))).toBe('malformed_checkpoint');
    expect(errorCode(() => formatCheckpoint({ ...good, extensions: [''] }))).toBe('malformed_checkpoint');
  });
});

describe('signed checkpoints', () => {
  const origin = 'parley.example/log';
  const log = generateKeyPairSync('ed25519');
  const signer = ed25519NoteSigner(origin, log.privateKey);
  const verifier = ed25519NoteVerifier(origin, log.publicKey);
  const checkpoint: Checkpoint = { origin, size: 1234, rootHash: ROOT, extensions: [] };
  const signed = signCheckpoint(checkpoint, [signer]);

  it('round-trips through sign and open', () => {
    const opened = openCheckpoint(signed, { origin, log: verifier });
    expect(opened.checkpoint).toEqual(checkpoint);
    expect(opened.logSignature.name).toBe(origin);
    expect(opened.cosignatures).toEqual([]);
  });

  it('rejects a checkpoint for another log', () => {
    expect(errorCode(() => openCheckpoint(signed, { origin: 'parley.example/other', log: verifier }))).toBe('wrong_origin');
  });

  it('rejects a changed tree size', () => {
    expect(errorCode(() => openCheckpoint(signed.replace('\n1234\n', '\n1235\n'), { origin, log: verifier }))).toBe(
      'invalid_signature',
    );
  });

  it('rejects a checkpoint signed only by some other known key', () => {
    const other = generateKeyPairSync('ed25519');
    const byOther = signCheckpoint(checkpoint, [ed25519NoteSigner('parley.example/witness', other.privateKey)]);
    const options = { origin, log: verifier, cosigners: [ed25519NoteVerifier('parley.example/witness', other.publicKey)] };
    expect(errorCode(() => openCheckpoint(byOther, options))).toBe('no_trusted_signature');
  });

  it('rejects a signed note that is not a checkpoint', () => {
    expect(errorCode(() => openCheckpoint(signNote('hello\n', [signer]), { origin, log: verifier }))).toBe(
      'malformed_checkpoint',
    );
  });
});
