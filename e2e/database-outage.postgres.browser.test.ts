import { postgresUrl, serverOf, startTcpProxy, startTestNode, throughProxy, type TcpProxy, type TestNode } from '@parley/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, setUpFirstAdmin, watchPage } from './browser.js';

const DETAIL = "This node cannot reach its database just now, so it can neither read nor save anything. Try again in a minute; if this lasts, tell the node's administrator.";
const ADMIN = { email: 'admin@ministry.example', name: 'Maria Rossi', password: 'correct horse battery staple' };

/** An officer's browser while the node's PostgreSQL is cut off by a real TCP proxy, and after. */
describe('the web interface when the node cannot reach its database', () => {
  let proxy: TcpProxy;
  let node: TestNode;
  let browser: Browser;

  beforeAll(async () => {
    proxy = await startTcpProxy(serverOf(postgresUrl()));
    node = await startTestNode({ state: 'XAA', engine: 'postgres', databaseUrl: (url) => throughProxy(url, proxy) });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await proxy?.restore();
    await node?.close();
    await proxy?.close();
  });

  it('says the node cannot reach its database and to try again later, and shows the page again once it is back', async () => {
    const violations: string[] = [];
    const page = watchPage(await (await browser.newContext()).newPage(), violations);
    await setUpFirstAdmin(page, { setupLink: node.firstRunLink! }, ADMIN);

    // What the node holds in memory (the node's own record, a session checked moments ago) may
    // still show; anything read from the database says why it cannot be, as an alert.
    await proxy.cut();
    await page.goto(new URL('/messages', node.url).toString());
    await page.getByRole('alert').filter({ hasText: DETAIL }).waitFor();

    await proxy.restore();
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
    expect(await page.getByRole('alert').filter({ hasText: DETAIL }).count()).toBe(0);
    expect(violations).toEqual([]);
  }, 60_000);
});
