import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

  it('says what is wrong with a keys file, by line', async () => {
    const keys = join(dir, 'keys.txt');
    await writeFile(keys, 'XAA SHA256:If4x36FUomFia/hUBG/SJxt77UtqvkWqWId+9H+XIbk\nXAB not-a-fingerprint\n');
    const r = await parleyCli(['verify', example, '--keys', keys]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('keys file, line 2: "not-a-fingerprint" is not a key fingerprint');
  });

  it('refuses a file that is not a proof, saying so', async () => {
    const junk = join(dir, 'junk.json');
    await writeFile(junk, '{"format":"something else"}');
    const r = await parleyCli(['verify', junk]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^parley: NOT VALID: The bundle is not a valid Parley proof: format: /);
  });
});
