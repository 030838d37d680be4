import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import vectors from '../../../../fixtures/note/vectors.json' with { type: 'json' };
import { NoteError, type NoteErrorCode } from './errors.js';
import { addNoteSignatures, MAX_NOTE_SIGNATURES, openNote, parseNote, signNote } from './note.js';
import { ed25519NoteSigner, ed25519NoteVerifier, parseSignerKey, parseVerifierKey, type NoteVerifier } from './note-keys.js';

const { goNote, c2spSignedNote } = vectors;
const { text, signatureLine: peterSig, otherSignatureLine: enochSig } = goNote;

function verifierFor(vkey: string): NoteVerifier {
  const { name, publicKey } = parseVerifierKey(vkey);
  return ed25519NoteVerifier(name, publicKey);
}

const peter = verifierFor(goNote.verifierKey);
const enoch = verifierFor(goNote.otherVerifierKey);

function errorCode(run: () => unknown): NoteErrorCode | 'none' {
  try {
    run();
  } catch (error) {
    if (error instanceof NoteError) return error.code;
    throw error;
  }
  return 'none';
}

describe('signing (golang.org/x/mod/sumdb/note vector)', () => {
  const { name, privateKey } = parseSignerKey(goNote.signerKey);
  const signer = ed25519NoteSigner(name, privateKey);

  it('reproduces the published signed note byte for byte', () => {
    expect(signNote(text, [signer])).toBe(`${text}\n${peterSig}`);
  });

  it('replaces an existing signature by the same key', () => {
    const stale = { name: 'PeterNeumann', keyId: 0xc74f20a3, signature: Buffer.from('BADSIGN=', 'base64') };
    expect(signNote(text, [signer], [stale])).toBe(`${text}\n${peterSig}`);
  });

  it('refuses text that no note could carry', () => {
    expect(errorCode(() => signNote('abc', [signer]))).toBe('invalid_text');
    expect(errorCode(() => signNote('', [signer]))).toBe('invalid_text');
    expect(errorCode(() => signNote('a\u0001b\n', [signer]))).toBe('invalid_text');
    expect(errorCode(() => signNote('a\rb\n', [signer]))).toBe('invalid_text');
  });

  it('refuses two signers with the same name and key ID', () => {
    expect(errorCode(() => signNote(text, [signer, signer]))).toBe('ambiguous_key');
  });
});

describe('opening (golang.org/x/mod/sumdb/note vectors)', () => {
  const message = `${text}\n${peterSig}${enochSig}`;

  it('verifies the known key and sets the unknown one aside', () => {
    const opened = openNote(message, [peter]);
    expect(opened.text).toBe(text);
    expect(opened.verified.map((sig) => sig.name)).toEqual(['PeterNeumann']);
    expect(opened.unverified.map((sig) => [sig.name, sig.keyId])).toEqual([['EnochRoot', 0xaf0cfe78]]);
  });

  it('verifies both signatures when both keys are known', () => {
    const opened = openNote(message, [peter, enoch]);
    expect(opened.verified.map((sig) => sig.name)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(opened.unverified).toEqual([]);
  });

  it('rejects a note with no signature from a known key', () => {
    expect(errorCode(() => openNote(message, []))).toBe('no_trusted_signature');
  });

  it('counts a repeated signature once', () => {
    const opened = openNote(`${text}\n${peterSig}${peterSig}${enochSig}`, [peter]);
    expect(opened.verified).toHaveLength(1);
  });

  it('rejects the whole note when a known key signature fails', () => {
    const corrupted = `${text}\n${peterSig.slice(0, 60)}ABCD${peterSig.slice(60)}`;
    expect(errorCode(() => openNote(corrupted, [peter]))).toBe('invalid_signature');
    expect(errorCode(() => openNote(`${text}\n${peterSig}${corrupted.slice(text.length + 1)}`, [peter]))).toBe(
      'invalid_signature',
    );
  });

  it('rejects a signature that cannot be attributed to one configured key', () => {
    expect(errorCode(() => openNote(`${text}\n${enochSig}`, [enoch, peter, enoch]))).toBe('ambiguous_key');
    expect(openNote(`${text}\n${peterSig}`, [enoch, peter, enoch]).verified).toHaveLength(1);
  });

  it('refuses malformed messages', () => {
    const bad: (string | Uint8Array)[] = [
      text,
      `${text}\n`,
      `${text}\n${peterSig.slice(0, -1)}`,
      `\u0001${text}\n${peterSig}`,
      Buffer.concat([Buffer.from([0xff]), Buffer.from(`${text}\n${peterSig}`)]),
      `${text}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${text}\n${peterSig}Unexpected line.\n`,
      `${text}\n- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`,
      `${text}\n\u2014 PeterNeumann AAAA\n`,
      `${text}\n\u2014 PeterNeumann x08go/ZJkuBS9UG\n`,
    ];
    for (const message of bad) expect(errorCode(() => openNote(message, [peter])), String(message)).toBe('malformed_note');
  });

  it(`accepts ${MAX_NOTE_SIGNATURES} signatures and refuses more`, () => {
    expect(openNote(`${text}\n${peterSig.repeat(MAX_NOTE_SIGNATURES)}`, [peter]).verified).toHaveLength(1);
    expect(errorCode(() => openNote(`${text}\n${peterSig.repeat(MAX_NOTE_SIGNATURES + 1)}`, [peter]))).toBe(
      'malformed_note',
    );
  });

  it('accepts the same note as bytes', () => {
    expect(openNote(Buffer.from(message), [peter]).text).toBe(text);
  });
});

describe('the C2SP signed-note example', () => {
  it('parses text with a blank line, split at the last blank line', () => {
    const note = parseNote(c2spSignedNote.note);
    expect(note.text).toBe('Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito sera.\n');
    expect(note.signatures).toHaveLength(1);
    expect(note.signatures[0]?.name).toBe('quasimodo.example/salvatore');
    expect(note.signatures[0]?.signature).toHaveLength(64);
  });

  it('ignores a signature whose name matches a known key but whose key ID does not', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const sameName = ed25519NoteVerifier('quasimodo.example/salvatore', publicKey);
    expect(errorCode(() => openNote(c2spSignedNote.note, [sameName]))).toBe('no_trusted_signature');
  });
});

describe('tampering', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const signer = ed25519NoteSigner('parley.example/ago', privateKey);
  const verifier = ed25519NoteVerifier('parley.example/ago', publicKey);
  const signed = signNote('Incident 42 acknowledged.\nPoint of contact: duty officer.\n', [signer]);

  it('verifies the untouched note', () => {
    expect(openNote(signed, [verifier]).text).toBe('Incident 42 acknowledged.\nPoint of contact: duty officer.\n');
  });

  it('rejects a changed character in the text', () => {
    expect(errorCode(() => openNote(signed.replace('42', '43'), [verifier]))).toBe('invalid_signature');
  });

  it('rejects an added line of text', () => {
    expect(errorCode(() => openNote(`Forged line.\n${signed}`, [verifier]))).toBe('invalid_signature');
  });

  it('rejects a changed signature byte', () => {
    const line = signed.slice(signed.lastIndexOf('\u2014'));
    const base64 = line.slice(line.lastIndexOf(' ') + 1, -1);
    const bytes = Buffer.from(base64, 'base64');
    bytes[10] = (bytes[10] as number) ^ 1;
    expect(errorCode(() => openNote(signed.replace(base64, bytes.toString('base64')), [verifier]))).toBe('invalid_signature');
  });

  it('does not let a signature move to another key name', () => {
    const renamed = signed.replace('\u2014 parley.example/ago', '\u2014 parley.example/other');
    expect(errorCode(() => openNote(renamed, [verifier]))).toBe('no_trusted_signature');
  });

  it('adds a second signature and keeps the first', () => {
    const second = generateKeyPairSync('ed25519');
    const cosigned = addNoteSignatures(signed, [ed25519NoteSigner('parley.example/fra', second.privateKey)]);
    const opened = openNote(cosigned, [verifier, ed25519NoteVerifier('parley.example/fra', second.publicKey)]);
    expect(opened.verified.map((sig) => sig.name)).toEqual(['parley.example/ago', 'parley.example/fra']);
  });
});
