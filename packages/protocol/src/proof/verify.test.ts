import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { evidenceCommitment, fileSha256, newEvidenceSalt } from '../evidence-commitment.js';
import { fingerprint, rawPublicKey } from '../keys.js';
import { decodeLogEntry, encodeLogEntry, logEntrySubject } from '../log-entry.js';
import { EXAMPLE_EVIDENCE_FILE, exampleProofBundle, rfc8032Key } from './example.js';
import { ProofError, parseTrustedKeys, verifyProofBundle } from './verify.js';

const fp = (which: 'XAA' | 'XAB') => fingerprint(rawPublicKey(rfc8032Key(which).publicKey));

async function failure(input: unknown, options = {}): Promise<ProofError> {
  try {
    await verifyProofBundle(input, options);
  } catch (e) {
    if (e instanceof ProofError) return e;
    throw new Error(`not a ProofError: ${String(e)}`);
  }
  throw new Error('the bundle verified');
}

describe('evidence commitments', () => {
  it('are SHA-256 over the raw salt bytes then the raw file hash bytes', () => {
    const salt = Buffer.alloc(32, 7).toString('base64url');
    const file = fileSha256(Buffer.from('hello'));
    const expected = createHash('sha256').update(Buffer.alloc(32, 7)).update(Buffer.from(file, 'hex')).digest('base64url');
    expect(evidenceCommitment(salt, file)).toBe(`sha256:${expected}`);
  });
  it('differ for the same file under different salts', () => {
    const file = fileSha256(Buffer.from('hello'));
    expect(evidenceCommitment(newEvidenceSalt(), file)).not.toBe(evidenceCommitment(newEvidenceSalt(), file));
  });
  it('refuse a salt that is not 32 bytes and a hash that is not lower-case hex', () => {
    expect(() => evidenceCommitment('abc', fileSha256(Buffer.from('x')))).toThrow(/32 bytes/);
    expect(() => evidenceCommitment(newEvidenceSalt(), 'ABC')).toThrow(/hex/);
  });
});

describe('evidence log entries', () => {
  it('are canonical JSON of the commitment, envelope, parties and time, indexed by the commitment', () => {
    const entry = { kind: 'evidence.committed' as const, commitment: `sha256:${'A'.repeat(43)}`, envelope: `sha256:${'B'.repeat(43)}`, sender: 'XAA', recipient: 'XAB', at: '2026-11-25T12:00:00.000Z' };
    const data = encodeLogEntry(entry);
    expect(data.toString()).toBe(`{"at":"2026-11-25T12:00:00.000Z","commitment":"sha256:${'A'.repeat(43)}","envelope":"sha256:${'B'.repeat(43)}","kind":"evidence.committed","recipient":"XAB","sender":"XAA"}`);
    expect(decodeLogEntry(data)).toEqual(entry);
    expect(logEntrySubject(entry)).toBe(entry.commitment);
    expect(() => encodeLogEntry({ ...entry, salt: 'x' } as never)).toThrow(/not a log entry/);
  });
});

describe('verifyProofBundle', () => {
  it('accepts the example and says who sent what to whom, when, and in which logs', async () => {
    const verdict = await verifyProofBundle(JSON.stringify(await exampleProofBundle()));
    expect(verdict.sender).toEqual({ state: 'XAA', fingerprint: fp('XAA') });
    expect(verdict.receiver).toEqual({ state: 'XAB', fingerprint: fp('XAB') });
    expect(verdict.type).toBe('check.request');
    expect(verdict.received).toBe('2026-11-25T12:00:00.412Z');
    expect(verdict.logs.sender.size).toBe(6);
    expect(verdict.logs.receiver.size).toBe(5);
    expect(verdict.logs.receiver.cosignatures).toEqual([{ name: 'witness.example', timestamp: 1795608000 }]);
    expect(verdict.keysTrusted).toBe(false);
    expect(verdict.summary).toMatch(/^XAA sent a check.request message \(envelope sha256:[\w-]{43}\) to XAB, signed with XAA's key SHA256:/);
    expect(verdict.summary).toMatch(/XAB acknowledged receiving it on 2026-11-25 at 12:00:00 UTC/);
    expect(verdict.summary).toMatch(/checkpoint of 6 entries\).*checkpoint of 5 entries, cosigned by witness.example/);
    expect(verdict.summary).toMatch(/confirm the fingerprints with XAA and XAB out of band/);
  });

  it('accepts a bundle whose content is withheld, and says the sender signature could not be checked', async () => {
    const verdict = await verifyProofBundle(await exampleProofBundle({ withholdContent: true }));
    expect(verdict.contentDisclosed).toBe(false);
    expect(verdict.sender.fingerprint).toBeUndefined();
    expect(verdict.summary).toMatch(/content and XAA's signature on it are withheld/);
  });

  it('checks keys against a trusted keys file', async () => {
    const bundle = await exampleProofBundle();
    const trusted = parseTrustedKeys(`# exchanged at the 2026 meeting\nXAA ${fp('XAA')}\nXAB ${fp('XAB')}\n`);
    expect((await verifyProofBundle(bundle, { trustedKeys: trusted })).summary).toMatch(/Every key used is in your trusted keys file/);
    const other = parseTrustedKeys(JSON.stringify({ XAA: [fp('XAA')], XAB: [fp('XAA')] }));
    const e = await failure(bundle, { trustedKeys: other });
    expect(e.code).toBe('untrusted_key');
    expect(e.message).toBe(`XAB's key ${fp('XAB')} is not in your trusted keys file (which lists ${fp('XAA')} for XAB).`);
  });

  it('refuses a trusted keys file it cannot read, saying which line', () => {
    expect(() => parseTrustedKeys('XAA SHA256:nope')).toThrow(/line 1: "SHA256:nope" is not a key fingerprint/);
    expect(() => parseTrustedKeys('xaa')).toThrow(/line 1/);
  });

  it('checks a disclosed evidence file against its commitment', async () => {
    const bundle = await exampleProofBundle({ discloseEvidence: true });
    const verdict = await verifyProofBundle(bundle, { content: EXAMPLE_EVIDENCE_FILE });
    expect(verdict.evidence).toEqual([{ commitment: bundle.evidence?.[0]?.commitment, disclosed: true, fileSha256: fileSha256(EXAMPLE_EVIDENCE_FILE), matchesContent: true }]);
    expect(verdict.summary).toMatch(/including the file given/);
    const e = await failure(bundle, { content: Buffer.from('another file') });
    expect(e.code).toBe('content_mismatch');
    expect(e.message).toMatch(/is not the evidence this message committed to/);
    const undisclosed = await failure(await exampleProofBundle(), { content: EXAMPLE_EVIDENCE_FILE });
    expect(undisclosed.message).toMatch(/discloses no evidence salt/);
  });

  it('refuses a bundle whose evidence leaves out a commitment its logs record for the message', async () => {
    for (const withholdContent of [false, true]) {
      const bundle = await exampleProofBundle({ withholdContent });
      const commitment = bundle.evidence?.[0]?.commitment;
      delete bundle.evidence;
      const e = await failure(bundle);
      expect([e.code, e.field]).toEqual(['evidence_missing', 'evidence']);
      expect(e.message).toContain(commitment);
      expect((await failure({ ...bundle, evidence: [] })).code).toBe('evidence_missing');
    }
  });

  it('refuses a bundle whose signed envelope refers to evidence its evidence does not list, even with the log entries cut too', async () => {
    const bundle = await exampleProofBundle({ evidenceInBody: true, discloseEvidence: true });
    expect((await verifyProofBundle(bundle)).evidence).toHaveLength(1);
    const commitment = bundle.evidence?.[0]?.commitment;
    delete bundle.evidence;
    for (const log of [bundle.logs.sender, bundle.logs.receiver]) log.entries = log.entries.filter((e) => !e.data.includes('evidence.committed'));
    const e = await failure(bundle);
    expect([e.code, e.field]).toEqual(['evidence_missing', 'evidence']);
    expect(e.message).toBe(`The signed envelope refers to 1 evidence file whose commitment the bundle's evidence does not list: ${commitment}.`);
  });

  it('names the receipt signature and the key when the receipt is signed by another key', async () => {
    const bundle = await exampleProofBundle();
    const [h, p] = bundle.receipt.split('.');
    const forged = `${h}.${p}.${Buffer.alloc(64, 1).toString('base64url')}`;
    const e = await failure({ ...bundle, receipt: forged });
    // The receipt hash is also in the logs, but the signature is checked first.
    expect(e.message).toBe(`The receipt's signature does not verify with XAB's key ${fp('XAB')}.`);
    expect(e.field).toBe('receipt');
  });

  it('refuses a bundle missing an entry the proof needs', async () => {
    const bundle = await exampleProofBundle();
    bundle.logs.receiver.entries = bundle.logs.receiver.entries.filter((e) => !e.data.includes('receipt.issued'));
    const e = await failure(bundle);
    expect(e.code).toBe('entry_missing');
    expect(e.message).toMatch(/XAB's log in the bundle has no receipt.issued entry/);
  });

  it('refuses a checkpoint signature by a key the bundle does not name', async () => {
    const bundle = await exampleProofBundle();
    delete bundle.logs.receiver.cosigners;
    const e = await failure(bundle);
    expect(e.code).toBe('checkpoint_invalid');
    expect(e.message).toMatch(/signature by witness.example/);
  });
});

/*
 * Tampering: a single changed byte anywhere must make the verification fail. The bundle
 * is serialised as the node serves it, and each byte in turn is changed (low bit flipped, then
 * case or another character) and the result verified.
 */
describe('tampering with a proof bundle', () => {
  for (const variant of [{ discloseEvidence: true }, { withholdContent: true }]) {
    it(`fails for every single flipped byte (${Object.keys(variant)[0]})`, async () => {
      const bundle = await exampleProofBundle(variant);
      const bytes = Buffer.from(JSON.stringify(bundle), 'utf8');
      await verifyProofBundle(bytes, { content: 'discloseEvidence' in variant ? EXAMPLE_EVIDENCE_FILE : undefined });
      const accepted: number[] = [];
      for (let i = 0; i < bytes.length; i++) {
        // Whitespace between JSON tokens carries nothing; it is not part of any field.
        if (bytes[i] === 0x20 || bytes[i] === 0x0a) continue;
        const copy = Buffer.from(bytes);
        copy[i] = (copy[i] as number) ^ 0x01;
        try {
          await verifyProofBundle(copy);
          accepted.push(i);
        } catch (e) {
          if (!(e instanceof ProofError)) throw e;
          expect(e.message.length).toBeGreaterThan(20);
          expect(e.field.length).toBeGreaterThan(0);
        }
      }
      expect(accepted.map((i) => `${i}: ${bytes.subarray(Math.max(0, i - 20), i + 20).toString()}`)).toEqual([]);
    }, 120_000);
  }

  it('fails for every field changed in each of its characters, naming the part that was changed', async () => {
    const bundle = await exampleProofBundle({ discloseEvidence: true });
    const leaves: { path: (string | number)[]; value: string | number }[] = [];
    const walk = (v: unknown, path: (string | number)[]) => {
      if (typeof v === 'string' || typeof v === 'number') leaves.push({ path, value: v });
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(bundle, []);
    expect(leaves.length).toBeGreaterThan(30);
    const set = (obj: unknown, path: (string | number)[], value: unknown) => {
      let o = obj as Record<string | number, unknown>;
      for (const p of path.slice(0, -1)) o = o[p] as Record<string | number, unknown>;
      o[path.at(-1) as string | number] = value;
    };
    const mutations = (value: string | number): (string | number)[] => {
      if (typeof value === 'number') return [value + 1, value === 0 ? 1 : value - 1];
      const out = new Set<string>();
      for (let i = 0; i < value.length; i++) {
        const c = value[i] as string;
        // Another character at every position, and the other case at every fifth.
        const swapped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
        const other = /[0-9]/.test(c) ? String((Number(c) + 1) % 10) : c === 'A' ? 'B' : c === 'a' ? 'b' : String.fromCharCode(c.charCodeAt(0) ^ 1);
        for (const d of i % 5 === 0 ? [swapped, other] : [other]) if (d !== c) out.add(value.slice(0, i) + d + value.slice(i + 1));
      }
      return [...out];
    };
    let tried = 0;
    for (const leaf of leaves) {
      for (const changed of mutations(leaf.value)) {
        const copy = structuredClone(bundle);
        set(copy, leaf.path, changed);
        tried++;
        const e = await failure(copy, { content: EXAMPLE_EVIDENCE_FILE }).catch((err: Error) => {
          throw new Error(`changing ${leaf.path.join('.')} to ${JSON.stringify(changed)} was accepted (${err.message})`);
        });
        // The reason names the part of the bundle that was changed (or the member it is checked against there).
        const named = e.field.replace(/\[(\d+)\]/g, '.$1');
        const part = leaf.path.slice(0, leaf.path[0] === 'logs' ? 2 : 1).join('.');
        expect(named.startsWith(part), `changing ${leaf.path.join('.')} was reported at ${e.field}: ${e.message}`).toBe(true);
      }
    }
    expect(tried).toBeGreaterThan(3000);
  }, 300_000);
});
