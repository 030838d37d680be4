import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, isolated, launchBrowser, scrollsHorizontally, seriousAxeViolations, sessionApi, setUpFirstAdmin, setupTimeout, startCliNode, type CliNode, type Person, watchPage } from './browser.js';

/**
 * Norms in a real browser: two states trust each other; an administrator at XAB sets XAB's
 * position on a norm through the entry page, and XAA's matrix shows it as published by XAB,
 * with the statement and its source one click away. XAB then publishes its public page.
 */

const ADMIN_A: Person = { email: 'admin@aurelia.example', name: 'Maria Rossi', password: 'correct horse battery staple' };
const ADMIN_B: Person = { email: 'admin@borealis.example', name: 'Ingrid Olsen', password: 'another long pass phrase' };
const STATEMENT = 'Borealis answers every appropriate request for assistance within one working day.';
const SOURCE = 'https://mfa.borealis.example/norms/13h';
const FEDERATION_MS = 45_000;

let a: CliNode | undefined;
let b: CliNode | undefined;
let browser: Browser | undefined;
let contextA: BrowserContext;
let contextB: BrowserContext;
let pageA: Page;
let pageB: Page;
const cspViolations: string[] = [];

const watch = (p: Page): Page => watchPage(p, cspViolations);

beforeAll(async () => {
  browser = await launchBrowser();
  [a, b] = await Promise.all([startCliNode({ state: 'XAA' }), startCliNode({ state: 'XAB' })]);
  contextA = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  contextB = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  pageA = watch(await contextA.newPage());
  pageB = watch(await contextB.newPage());
  await Promise.all([setUpFirstAdmin(pageA, a, ADMIN_A), setUpFirstAdmin(pageB, b, ADMIN_B)]);
  const [apiA, apiB] = await Promise.all([sessionApi(contextA, a.url), sessionApi(contextB, b.url)]);
  expect((await apiA('POST', '/peers', { url: b.url, fingerprint: b.fingerprint })).status).toBe(201);
  expect((await apiB('POST', '/peers', { url: a.url, fingerprint: a.fingerprint })).status).toBe(201);
}, setupTimeout(135_000));

afterAll(async () => {
  await browser?.close();
  await Promise.all([a?.stop(), b?.stop()]);
}, 30_000);

const heading = (p: Page, name: string | RegExp) => p.getByRole('heading', { level: 1, name, exact: typeof name === 'string' });
const nav = (p: Page, name: string) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

describe('positions on the norms travel between states', () => {
  it('the catalogue lists both lists and marks unverified texts', async () => {
    await nav(pageB, 'Norms').click();
    await heading(pageB, 'Norms of responsible state behaviour').waitFor();
    await pageB.getByRole('heading', { level: 2, name: /2015 UN Group of Governmental Experts/ }).waitFor();
    await pageB.getByRole('heading', { level: 2, name: /resolution 73\/27/ }).waitFor();
    expect(await pageB.locator('.badge-unverified').count()).toBe(13);
  });

  it('a statement without a source is refused at its field', async () => {
    await pageB.getByRole('link', { name: /13 \(h\) Respond to requests for assistance/ }).click();
    await heading(pageB, '13 (h) Respond to requests for assistance').waitFor();
    await pageB.getByLabel('Statement', { exact: true }).fill(STATEMENT);
    await pageB.getByRole('button', { name: 'Save position' }).click();
    await pageB.locator('#source-error').waitFor();
    expect(await pageB.locator('#source-error').textContent()).toBe('Give the source of the statement.');
  });

  it('B sets its position on norm 13 (h) through the entry page', async () => {
    await pageB.getByLabel('Position', { exact: true }).selectOption('endorses');
    await pageB.getByLabel('Source', { exact: true }).fill(SOURCE);
    await pageB.getByLabel('Date of the statement').fill('2025-05-01');
    await pageB.getByRole('button', { name: 'Save position' }).click();
    await pageB.getByRole('status').filter({ hasText: 'The position is saved and published to peers.' }).waitFor();
    const own = pageB.getByRole('region', { name: 'This state’s position' });
    await own.getByRole('list').getByText(STATEMENT).waitFor();
  });

  it('A’s matrix shows B’s position as published by B, linked to the statement and its source', async () => {
    await nav(pageA, 'Norms').click();
    await heading(pageA, 'Norms of responsible state behaviour').waitFor();
    await pageA.getByRole('link', { name: 'Matrix of states and entries' }).click();
    await heading(pageA, 'Matrix of positions').waitFor();
    const cell = pageA.getByRole('link', { name: 'XAB on gge2015-13h: Endorses (published by the state)' });
    await eventually(
      'B’s position in A’s matrix',
      async () => {
        await pageA.reload();
        await heading(pageA, 'Matrix of positions').waitFor();
        return cell.waitFor({ timeout: 3_000 }).then(
          () => true,
          () => false,
        );
      },
      { timeoutMs: FEDERATION_MS, intervalMs: 1_000 },
    );
    await cell.click();
    await heading(pageA, '13 (h) Respond to requests for assistance').waitFor();
    const record = pageA.locator('#pos-XAB-published');
    await record.getByText(STATEMENT).waitFor();
    expect(await record.getByRole('link', { name: SOURCE }).getAttribute('href')).toBe(SOURCE);
  }, 90_000);

  it('filters the matrix by position', async () => {
    await pageA.goto(`${a!.url}/norms/matrix`);
    await heading(pageA, 'Matrix of positions').waitFor();
    await pageA.getByLabel('Position', { exact: true }).selectOption('does_not_endorse');
    await pageA.getByRole('button', { name: 'Show' }).click();
    await pageA.getByText('No position matches these filters.').waitFor();
    expect(new URL(pageA.url()).search).toBe('?position=does_not_endorse');
  });

  it('B’s administrator publishes the public page, which anyone can read without signing in', async () => {
    await nav(pageB, 'Norms').click();
    await pageB.getByRole('button', { name: 'Publish on a public page' }).click();
    await pageB.getByRole('status').filter({ hasText: 'The public page is published.' }).waitFor();
    const anonymous = await browser!.newContext({ viewport: { width: 375, height: 800 } });
    try {
      const p = watch(await anonymous.newPage());
      await p.goto(`${b!.url}/public/norms`);
      await heading(p, `Positions of ${isolated('Test state XAB')} on the norms of responsible state behaviour`).waitFor();
      await p.getByText(STATEMENT).waitFor();
      expect(await scrollsHorizontally(p)).toBe(false);
    } finally {
      await anonymous.close();
    }
  });

  it('the chart of the entries this node’s cases invoke is drawn at its own size, its labels as small as the page’s', async () => {
    const apiA = await sessionApi(contextA, a!.url);
    const raised = await apiA('POST', '/consultations', {
      addressees: ['XAB'],
      title: 'Requests for assistance left unanswered',
      severity: 'moderate',
      urgency: 'routine',
      communicationKind: 'notification',
      norms: ['gge2015-13h'],
      tlp: 'GREEN',
      send: true,
    });
    expect(raised.status).toBe(201);
    await pageA.goto(`${a!.url}/norms`);
    await heading(pageA, 'Norms of responsible state behaviour').waitFor();
    const chart = pageA.getByRole('img', { name: /invoked|invocation/i });
    await chart.waitFor();
    const drawn = await chart.evaluate((svg) => {
      const box = (svg as SVGSVGElement).viewBox.baseVal;
      const tick = svg.querySelector('text')!;
      return { scale: svg.getBoundingClientRect().width / box.width, fontSize: parseFloat(getComputedStyle(tick).fontSize) * (svg.getBoundingClientRect().width / box.width) };
    });
    // On a wide page the chart stayed 100% wide, so its 13 px labels were drawn twice as large.
    expect(drawn.scale).toBeCloseTo(1, 2);
    expect(drawn.fontSize).toBeCloseTo(13, 0);
  });

  it('the norms pages have no serious accessibility problem, no sideways scroll at 375 px, and no CSP violation', async () => {
    const phone = await browser!.newContext({ viewport: { width: 375, height: 800 } });
    try {
      const p = watch(await phone.newPage());
      await p.goto(`${a!.url}/sign-in`);
      await p.getByLabel('E-mail address').fill(ADMIN_A.email);
      await p.getByLabel('Password').fill(ADMIN_A.password);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await heading(p, 'This node').waitFor();
      for (const [path, title] of [
        ['/norms', 'Norms of responsible state behaviour'],
        ['/norms/matrix', 'Matrix of positions'],
        ['/norms/entries/gge2015-13h', '13 (h) Respond to requests for assistance'],
        ['/norms/import', 'Import positions'],
      ] as const) {
        await p.goto(`${a!.url}${path}`);
        await heading(p, title).waitFor();
        expect(await scrollsHorizontally(p), path).toBe(false);
        expect(await seriousAxeViolations(p), path).toEqual([]);
      }
    } finally {
      await phone.close();
    }
    expect(cspViolations).toEqual([]);
  }, 60_000);
});
