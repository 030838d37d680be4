import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXAMPLE_EVIDENCE_FILE, exampleProofBundle } from '@parley/protocol';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, seriousAxeViolations, setupTimeout, startCliNode, type CliNode } from './browser.js';

/**
 * The public verify page in a real browser: reached from the sign-in page without an account,
 * it checks a proof file (and a disclosed evidence file, hashed in the browser) and shows the
 * verdict, or the precise reason a tampered file fails.
 */
let node: CliNode | undefined;
let browser: Browser | undefined;
let page: Page;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-verify-page-'));
  browser = await launchBrowser();
  node = await startCliNode({ state: 'XAA' });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(10_000);
}, setupTimeout(75_000));

afterAll(async () => {
  await browser?.close();
  await node?.stop();
  await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('the public verify page', () => {
  it('is linked from the sign-in page and needs no account', async () => {
    await page.goto(`${node!.url}/sign-in`);
    await page.getByRole('link', { name: 'Verify a proof file without signing in' }).click();
    await page.getByRole('heading', { name: 'Verify a proof' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/verify');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('shows the verdict of a valid proof, with a disclosed evidence file checked', async () => {
    const bundle = join(dir, 'proof.json');
    await writeFile(bundle, JSON.stringify(await exampleProofBundle({ discloseEvidence: true })));
    const evidence = join(dir, 'evidence.log');
    await writeFile(evidence, EXAMPLE_EVIDENCE_FILE);
    await page.getByLabel('Proof file (.json)').setInputFiles(bundle);
    await page.getByLabel('Evidence file (optional)').setInputFiles(evidence);
    await page.getByRole('button', { name: 'Check the proof' }).click();
    const verdict = page.locator('[data-verdict="valid"]');
    await verdict.waitFor();
    const text = await verdict.innerText();
    expect(text).toContain('The proof is valid');
    expect(text).toMatch(/XAA sent a check\.request message .* to XAB/);
    expect(text).toContain('including the file given');
    expect(text).toContain('Confirm the key fingerprints');
  });

  it('says precisely why a tampered proof fails', async () => {
    const tampered = await exampleProofBundle();
    tampered.receiver.keys[0]!.fingerprint = tampered.sender.keys[0]!.fingerprint;
    const bundle = join(dir, 'tampered.json');
    await writeFile(bundle, JSON.stringify(tampered));
    await page.getByLabel('Evidence file (optional)').setInputFiles([]);
    await page.getByLabel('Proof file (.json)').setInputFiles(bundle);
    await page.getByRole('button', { name: 'Check the proof' }).click();
    const verdict = page.locator('[data-verdict="invalid"]');
    await verdict.waitFor();
    expect(await verdict.innerText()).toMatch(/The proof is NOT valid[\s\S]*The fingerprint stated for XAB's key \(SHA256:[\s\S]*receiver\.keys\[0\]\.fingerprint/);
  });

  it('refuses a file that is not JSON before sending anything', async () => {
    const junk = join(dir, 'junk.json');
    await writeFile(junk, 'not a proof');
    await page.getByLabel('Proof file (.json)').setInputFiles(junk);
    await page.getByRole('button', { name: 'Check the proof' }).click();
    await page.getByRole('alert').filter({ hasText: 'could not be read as JSON' }).waitFor();
  });
});
