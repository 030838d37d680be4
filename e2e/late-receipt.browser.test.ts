import { eventually, holdLog, signedInAdmin, startTestNode, type TestNode } from '@parley/testkit';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, sessionApi, setUpFirstAdmin, watchPage } from './browser.js';

const ADMIN = { email: 'admin@ministry.example', name: 'Maria Rossi', password: 'correct horse battery staple' };

/**
 * XAD's officer, in a real browser, looks at a message that was given up when XAE was removed as
 * a peer while its delivery was in flight, and whose signed receipt came back afterwards.
 */
describe('the Messages page for a message delivered after it was given up', () => {
  let d: TestNode;
  let e: TestNode;
  let browser: Browser;

  beforeAll(async () => {
    [d, e] = await Promise.all([startTestNode({ state: 'XAD' }), startTestNode({ state: 'XAE' })]);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all([d?.close(), e?.close()]);
  });

  it('shows it delivered, with the reason it had been given up and a line saying when XAE received it', async () => {
    const violations: string[] = [];
    const context = await browser.newContext();
    const page = watchPage(await context.newPage(), violations);
    await setUpFirstAdmin(page, { setupLink: d.firstRunLink! }, ADMIN);
    const api = await sessionApi(context, d.url);
    const adminE = await signedInAdmin(e);
    expect((await adminE.post('/api/v1/peers', { url: d.url, fingerprint: d.ctx.nodeInfo().fingerprint })).status).toBe(201);
    expect((await api('POST', '/peers', { url: e.url, fingerprint: e.ctx.nodeInfo().fingerprint })).status).toBe(201);
    type Message = { type: string; status: string; deliveredAt: string | null; givenUpAt: string | null };
    const messages = async () => ((await api('GET', '/messages?recipient=XAE')).body as { messages: Message[] }).messages;
    await eventually(async () => (await messages()).every((m) => m.status === 'delivered'), 10_000, 'the directory sent on peering');

    // XAE is slow to answer (a transaction of its own holds the log its inbox needs), and is removed meanwhile.
    const release = await holdLog(e);
    const requests = d.ctx.sender.sent.requests;
    expect((await api('POST', '/checks', { peers: ['XAE'], note: 'in flight when removed' })).status).toBe(201);
    await eventually(async () => d.ctx.sender.sent.requests > requests, 10_000, 'the delivery in flight');
    expect((await api('DELETE', '/peers/XAE')).status).toBe(204);
    await release();
    const check = await eventually(async () => (await messages()).find((m) => m.type === 'check.request' && m.status === 'delivered'), 15_000, 'the late receipt recorded');

    await page.goto(`${d.url}/messages?recipient=XAE&status=delivered`);
    await page.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
    const record = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: /^Communication check/ }) });
    await record.waitFor();
    expect(await record.locator('.badge-message-delivered').textContent()).toBe('Delivered');
    expect(await record.getByText('XAE was removed as a peer before the message was delivered', { exact: true }).count()).toBe(1);
    const line = await record.locator('.alert-warning').textContent();
    expect(line).toMatch(/^Parley gave this message up at .+, and told the officers it had failed\. XAE’s signed receipt arrived afterwards: XAE received the message at .+\.$/);
    expect(check.givenUpAt).not.toBeNull();
    expect(violations).toEqual([]);
  }, 90_000);
});
