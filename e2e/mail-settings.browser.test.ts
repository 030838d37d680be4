import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, seriousAxeViolations, setUpFirstAdmin, setupTimeout, startCliNode, type CliNode } from './browser.js';

/**
 * "Your settings" on the Notifications page in a real browser: a person turns notification
 * e-mail off for themselves, sees it confirmed, and finds it still off after a reload. The node
 * runs without SMTP, so the page also says the node sends no e-mail yet.
 */
let node: CliNode | undefined;
let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  browser = await launchBrowser();
  node = await startCliNode({ state: 'XAA' });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  page.setDefaultTimeout(10_000);
  await setUpFirstAdmin(page, node, { email: 'admin@aurelia.example', name: 'Maria Rossi', password: 'correct horse battery staple' });
}, setupTimeout(75_000));

afterAll(async () => {
  await browser?.close();
  await node?.stop();
}, 30_000);

describe('your settings: notification e-mail', () => {
  it('is on by default and says when the node sends no e-mail', async () => {
    await page.goto(`${node!.url}/notifications`);
    await page.getByRole('heading', { name: 'Your settings' }).waitFor();
    const box = page.getByRole('checkbox', { name: 'E-mail me my notifications' });
    expect(await box.isChecked()).toBe(true);
    expect(await page.getByText('This node does not send e-mail yet').count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('turns e-mail off, confirms it, and keeps it off after a reload', async () => {
    await page.getByRole('checkbox', { name: 'E-mail me my notifications' }).uncheck();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved. Notifications will no longer reach you by e-mail.').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Your settings' }).waitFor();
    const box = page.getByRole('checkbox', { name: 'E-mail me my notifications' });
    await box.waitFor();
    expect(await box.isChecked()).toBe(false);
  });
});
