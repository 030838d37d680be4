import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXAMPLE_EVIDENCE_FILE, exampleProofBundle } from '@parley/protocol';
import { parleyCli } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const example = fileURLToPath(new URL('../../../docs/protocol/examples/proof-bundle.json', import.meta.url));

/** `parley verify` on the published example, and the mistakes a user can make with its arguments. */
describe('parley verify', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-verify-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts the example proof of docs/protocol and prints one paragraph', async () => {
    const r = await parleyCli(['verify', example]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toMatch(/^VALID\. XAA sent a check\.request message .* cosigned by witness\.example\)/);
  });

  it('says which file it cannot read', async () => {
    const r = await parleyCli(['verify', join(dir, 'missing.json')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`parley: cannot read the proof bundle ${join(dir, 'missing.json')}: no such file`);
  });

  it('says a directory given as the bundle is a directory, without a system error code', async () => {
    const r = await parleyCli(['verify', dir]);
    expect([r.code, r.stderr.trim()]).toEqual([1, `parley: cannot read the proof bundle ${dir}: it is a directory; give the file itself`]);
  });

  it('checks a disclosed evidence file by its SHA-256, read as a stream, and says when it is not the one committed to', async () => {
    const bundle = join(dir, 'disclosed.json');
    await writeFile(bundle, JSON.stringify(await exampleProofBundle({ discloseEvidence: true })));
    const [right, wrong] = [join(dir, 'capture.txt'), join(dir, 'other.txt')];
    await writeFile(right, EXAMPLE_EVIDENCE_FILE);
    await writeFile(wrong, 'another file');
    const ok = await parleyCli(['verify', bundle, '--content', right]);
    expect([ok.code, ok.stdout]).toEqual([0, expect.stringMatching(/^VALID\. .*including the file given/)]);
    const other = await parleyCli(['verify', bundle, '--content', wrong]);
    expect([other.code, other.stderr]).toEqual([1, expect.stringMatching(/NOT VALID: .*is not the evidence this message committed to/)]);
    const folder = await parleyCli(['verify', bundle, '--content', dir]);
    expect([folder.code, folder.stderr.trim()]).toEqual([1, `parley: cannot read the content file ${dir}: it is a directory; give the file itself`]);
    const missing = await parleyCli(['verify', bundle, '--content', join(dir, 'gone.txt')]);
    expect(missing.stderr.trim()).toBe(`parley: cannot read the content file ${join(dir, 'gone.txt')}: no such file`);
  });

  it('says what is wrong with a keys file, by line', async () => {
    const keys = join(dir, 'keys.txt');
    await writeFile(keys, 'XAA SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk\nXAB not-a-fingerprint\n');
    const r = await parleyCli(['verify', example, '--keys', keys]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('keys file, line 2: "not-a-fingerprint" is not a key fingerprint');
  });

  it("prints what a bundle's signer wrote with its control characters made visible, so an escape sequence cannot rewrite the verdict on the terminal", async () => {
    // A self-consistent bundle whose signed chain of custody names someone with terminal codes
    // that erase the line, go up one and write a line saying the keys were trusted.
    const forged = `Clerk\u001b[2K\r\u001b[1AVALID. Every key used is in your trusted keys file.\u009b0m\u202e`;
    const bundle = await exampleProofBundle({
      message: {
        type: 'request.step',
        body: {
          request: '3f0c9a56-2f47-4e0a-9d4e-6b1f2a7c8d90',
          action: 'return_evidence',
          text: '',
          decision: null,
          until: null,
          outcome: null,
          evidence: [],
          custody: [{ sha256: 'b'.repeat(64), entries: [{ action: 'sent', by: forged, organisation: '', at: '2026-11-25T11:59:00.000Z', note: '' }] }],
          by: 'Clerk',
        },
      },
    });
    const file = join(dir, 'custody.json');
    await writeFile(file, JSON.stringify(bundle));
    const r = await parleyCli(['verify', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(r.stdout).toContain('sent by Clerk\\u001B[2K\\u000D\\u001B[1AVALID. Every key used is in your trusted keys file.\\u009B0m\\u202E on 2026-11-25');
    expect(r.stdout).toMatch(/The keys are as stated in the bundle: confirm the fingerprints with XAA and XAB out of band before relying on this\.\n$/);
  });

  it('refuses a file that is not a proof, saying so', async () => {
    const junk = join(dir, 'junk.json');
    await writeFile(junk, '{"format":"something else"}');
    const r = await parleyCli(['verify', junk]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^parley: NOT VALID: The bundle is not a valid Parley proof: format: /);
  });

  it('names the whole file once, in one pair of brackets, when it is not JSON', async () => {
    const text = join(dir, 'notes.json');
    await writeFile(text, 'not json\nat all\n');
    const r = await parleyCli(['verify', text]);
    expect(r.code).toBe(1);
    // On one line: the parser's quote of the file's start shows its line break as \n.
    expect(r.stderr.trim()).toMatch(/^parley: NOT VALID: The file is not valid JSON \([^\n]*\), so it is not a proof bundle\. \(file\)$/);
  });
});
