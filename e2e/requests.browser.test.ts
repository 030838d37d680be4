import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parleyCli } from '@parley/testkit';
import {
  inviteOfficer,
  isolated,
  launchBrowser,
  scrollsHorizontally,
  seriousAxeViolations,
  sessionApi,
  setUpFirstAdmin,
  setupTimeout,
  startCliNode,
  type CliNode,
  type Person,
  watchPage,
} from './browser.js';

/**
 * Cooperation on an information crime between two states in a real browser (issue 7): the built
 * CLI runs XAA and XAB. XAA's officer sends a preservation request through the form; XAB's officer
 * executes it and both sides show the 60-day clock. XAA follows with a mutual legal assistance
 * request; XAB asks for more information, XAA answers, and XAB executes it in part, returning two
 * files with their chain of custody. The proof bundle of that return, downloaded from XAA's page,
 * verifies offline with `parley verify`. The tests run in order and share the officers' pages.
 */

const ADMIN_A: Person = { email: 'admin@police.aurelia.example', name: 'Maria Rossi', password: 'correct horse battery staple' };
const ADMIN_B: Person = { email: 'admin@police.borealis.example', name: 'Ingrid Olsen', password: 'another long pass phrase' };
const OFFICER_A: Person = { email: 'ana@police.aurelia.example', name: 'Ana Duarte', password: 'officer a pass phrase long' };
const OFFICER_B: Person = { email: 'ben@police.borealis.example', name: 'Ben Okafor', password: 'officer b pass phrase long' };
const FEDERATION_MS = 45_000;

const PRESERVATION = 'Preserve the mailbox used to extort the water utility';
const MLA = 'Mailbox records for the water utility extortion';
const QUESTION = 'Which period of log-in records do you need?';
const ANSWER = 'From 1 October to 20 November 2026.';
const NOT_EXECUTED = 'The content of the mailbox needs a court order under our law; it will follow.';

let dir: string;
const FILES = { logins: 'mailco-login-records.csv', subscriber: 'mailco-subscriber.txt' };
const fileHash: Record<string, string> = {};

let a: CliNode | undefined;
let b: CliNode | undefined;
let browser: Browser | undefined;
let adminA: BrowserContext;
let contextA: BrowserContext;
let pageA: Page;
let pageB: Page;
let preservationId = '';
let mlaId = '';
const cspViolations: string[] = [];
const watch = (p: Page): Page => watchPage(p, cspViolations);

const heading = (p: Page, name: string | RegExp) => p.getByRole('heading', { level: 1, name, exact: typeof name === 'string' });
const flash = (p: Page, text: string | RegExp) => p.getByRole('status').filter({ hasText: text }).waitFor({ timeout: FEDERATION_MS });
const actions = (p: Page) => p.getByRole('region', { name: 'What you can do now' });
const clock = (p: Page, days: number) => p.getByText(new RegExp(`Data preserved until .+ — ${days} days left\\.`)).first();

const officer = (admin: BrowserContext, node: CliNode, person: Person) => inviteOfficer(browser!, admin, node, person, cspViolations);

/** Opens one action of the request page, and returns its form. */
async function open(p: Page, action: string, id: string): Promise<Locator> {
  await actions(p).getByRole('button', { name: action, exact: true }).click();
  const form = p.locator(`#step-form-${id}`);
  await form.waitFor();
  return form;
}

/** The links of one file's chain of custody as the page shows them. */
async function custodyShown(p: Page, file: string): Promise<{ sha256: string; links: string[] }> {
  const region = p.getByRole('region', { name: 'Chain of custody' });
  const item = region.locator('.custody-record').filter({ has: p.getByRole('heading', { name: file }) });
  return { sha256: ((await item.locator('.evidence-sha').textContent()) ?? '').trim(), links: await item.locator('.custody-link').allInnerTexts() };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-e2e-requests-'));
  for (const name of Object.values(FILES)) {
    const bytes = Buffer.concat([Buffer.from(`${name}\n`), randomBytes(200_000)]);
    fileHash[name] = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(dir, name), bytes);
  }
  browser = await launchBrowser();
  [a, b] = await Promise.all([startCliNode({ state: 'XAA' }), startCliNode({ state: 'XAB' })]);
  adminA = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const adminB = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const [pa, pb] = [watch(await adminA.newPage()), watch(await adminB.newPage())];
  await Promise.all([setUpFirstAdmin(pa, a, ADMIN_A), setUpFirstAdmin(pb, b, ADMIN_B)]);
  const [apiA, apiB] = await Promise.all([sessionApi(adminA, a.url), sessionApi(adminB, b.url)]);
  expect((await apiA('POST', '/peers', { url: b.url, fingerprint: b.fingerprint })).status).toBe(201);
  expect((await apiB('POST', '/peers', { url: a.url, fingerprint: a.fingerprint })).status).toBe(201);
  const [offA, offB] = await Promise.all([officer(adminA, a, OFFICER_A), officer(adminB, b, OFFICER_B)]);
  ({ context: contextA, page: pageA } = offA);
  pageB = offB.page;
}, setupTimeout(150_000));

afterAll(async () => {
  await browser?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  if (dir) await rm(dir, { recursive: true, force: true });
}, 30_000);

describe('the legal basis between the two states', () => {
  it('A’s administrator records the instruments and the channel for cooperation with XAB', async () => {
    const p = await adminA.newPage();
    await p.goto(`${a!.url}/requests/legal-bases`);
    await heading(p, 'Legal basis per state').waitFor();
    await p.getByRole('button', { name: 'Record the legal basis for XAB' }).click();
    await p.getByRole('checkbox', { name: 'Budapest Convention on Cybercrime (2001)' }).check();
    await p.getByRole('checkbox', { name: 'UN Convention against Cybercrime (2024)' }).check();
    await p.getByRole('button', { name: 'Save', exact: true }).click();
    await p.getByRole('status').filter({ hasText: 'The legal basis for XAB is recorded.' }).waitFor();
    expect(cspViolations).toEqual([]);
    await p.close();
  });
});

describe('a preservation request', () => {
  it('A’s officer prepares it; the node lists what the instruments require before it can be sent', async () => {
    const p = pageA;
    await p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Requests/ }).click();
    await heading(p, 'Cooperation requests').waitFor();
    await p.getByRole('link', { name: 'New request' }).click();
    await heading(p, 'New cooperation request').waitFor();
    await p.getByRole('radio', { name: 'Expedited preservation request' }).check();
    await p.getByRole('button', { name: 'Continue' }).click();
    // Sent before a state is chosen, the form says so in words and asks nothing ("send … to …?").
    const asked: string[] = [];
    const record = (r: { method(): string; url(): string }) => {
      if (r.method() !== 'GET') asked.push(`${r.method()} ${new URL(r.url()).pathname}`);
    };
    p.on('request', record);
    try {
      await p.getByRole('button', { name: 'Send…' }).click();
      const summary = p.getByRole('alert').filter({ hasText: 'There is a problem' });
      await summary.waitFor();
      expect(await summary.getByRole('link').allTextContents()).toEqual(['Requested state: Choose the state to send the request to.', 'Subject line: The subject line is required.']);
      expect(await p.locator('#request-recipient-error').textContent()).toBe('Choose the state to send the request to.');
      expect(await p.getByRole('group', { name: 'Confirm sending' }).count()).toBe(0);
      await p.getByRole('button', { name: 'Save draft' }).click();
      await summary.getByRole('link', { name: /^Requested state/ }).waitFor();
      expect(asked).toEqual([]);
    } finally {
      p.off('request', record);
    }
    await p.getByLabel('Requested state', { exact: true }).selectOption('XAB');
    await p.getByText('Filled in from the legal basis recorded for XAB').waitFor();
    expect(await p.getByRole('checkbox', { name: 'Budapest Convention on Cybercrime (2001)' }).isChecked()).toBe(true);
    await p.getByLabel(/^Subject line/).fill(PRESERVATION);
    await p.getByRole('button', { name: 'Save draft' }).click();
    await heading(p, /Edit the draft/).waitFor();
    await p.getByText(/things must be added before sending/).waitFor();
    await p.getByRole('button', { name: 'Send…' }).click();
    await p.getByRole('button', { name: 'Yes, send it' }).click();
    await p.getByText('The request cannot be sent yet').waitFor();
    const missing = await p.locator('.alert-error li a').allTextContents();
    expect(missing.join(' ')).toContain('Explain why the data must be preserved.');
    expect(missing.join(' ')).toContain('Say whether a request for mutual legal assistance will follow.');
  }, 60_000);

  it('a decision asked for by a time already past is refused on its field before anything is asked or saved', async () => {
    const p = pageA;
    // The question of the send refused above is still open.
    await p.getByRole('group', { name: 'Confirm sending' }).getByRole('button', { name: 'Cancel' }).click();
    const field = p.getByLabel(/^Decision asked for by/);
    const message = p.locator('#request-responseRequestedBy-error');
    const asked: string[] = [];
    const record = (r: { method(): string; url(): string }) => {
      if (r.method() !== 'GET') asked.push(`${r.method()} ${new URL(r.url()).pathname}`);
    };
    p.on('request', record);
    try {
      await field.fill('2019-05-05T00:00');
      await p.getByRole('button', { name: 'Send…' }).click();
      await message.waitFor();
      expect(await message.textContent()).toBe('That time has passed. Choose a later one, or leave the field empty to give the usual time.');
      expect(await p.getByRole('group', { name: 'Confirm sending' }).count()).toBe(0);
      expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);
      // Saving the draft is refused the same way, before the node is asked.
      await p.getByRole('button', { name: 'Save draft' }).click();
      expect(await message.textContent()).toBe('That time has passed. Choose a later one, or leave the field empty to give the usual time.');
      expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(asked).toEqual([]);
    } finally {
      p.off('request', record);
    }
    // A minute or two behind is the node's allowance for clocks that differ, as it is the form's.
    const justPast = await p.evaluate(() => {
      const d = new Date(Date.now() - 2 * 60_000);
      const n = (x: number) => String(x).padStart(2, '0');
      return `${d.getFullYear()}-${n(d.getMonth() + 1)}-${n(d.getDate())}T${n(d.getHours())}:${n(d.getMinutes())}`;
    });
    await field.fill(justPast);
    expect(await message.count()).toBe(0);
    await p.getByRole('button', { name: 'Send…' }).click();
    await p.getByRole('group', { name: 'Confirm sending' }).getByRole('button', { name: 'Cancel' }).click();
    await field.fill('');
  }, 60_000);

  it('A completes it and sends it', async () => {
    const p = pageA;
    await p.getByLabel(/^Your reference number/).fill('XAA-PRES-2026-041');
    await p.getByLabel(/^Requesting authority/).fill('Cybercrime Unit, Aurelian Judicial Police');
    await p.getByLabel(/^Summary of the facts/).fill('On 18 November the water utility received extortion e-mails sent from a mailbox at a Borealian provider.');
    await p.getByLabel(/^Offence/).fill('Extortion; illegal access to a computer system');
    await p.getByLabel(/^Data or measure sought/).fill('Subscriber data, log-in records and stored content of extort@mail.borealis.example since 1 October 2026.');
    await p.getByLabel(/^Link to the offence/).fill('The extortion e-mails were sent from this mailbox.');
    await p.getByLabel(/^Custodian or location/).fill('MailCo Borealis Ltd., Port Borealis');
    await p.getByLabel(/^Why preservation is necessary/).fill('The provider deletes log-in records after 30 days.');
    await p.getByRole('radio', { name: /^Yes, a request for mutual legal assistance will follow/ }).check();
    await p.getByLabel(/^Officer’s phone/).fill('+999 21 555 0101');
    await p.getByLabel(/^Officer’s time zone/).fill('UTC');
    // The confirmation stays open after the refused send; otherwise it is opened again.
    if (await p.getByRole('button', { name: 'Send…' }).count()) await p.getByRole('button', { name: 'Send…' }).click();
    await p.getByRole('button', { name: 'Yes, send it' }).click();
    await p.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    preservationId = new URL(p.url()).pathname.split('/').pop() ?? '';
    await heading(p, PRESERVATION).waitFor();
    await flash(p, /was sent to XAB/);
  }, 60_000);

  it('B’s officer finds it, acknowledges and executes it; the 60-day clock shows on both sides', async () => {
    const p = pageB;
    await p.goto(`${b!.url}/requests?box=inbox`);
    await p.getByRole('link', { name: PRESERVATION }).waitFor({ timeout: FEDERATION_MS });
    await p.getByRole('link', { name: PRESERVATION }).click();
    await heading(p, PRESERVATION).waitFor();
    // The form names both parties, this state by its name too, as the printed form does.
    const requested = p.locator('dl[aria-labelledby="form-parties"] > div').filter({ hasText: 'Requested state' }).locator('dd');
    await requested.filter({ hasText: 'Parley test node XAB' }).waitFor({ timeout: 10_000 });
    await (await open(p, 'Acknowledge', 'acknowledge')).getByRole('button', { name: 'Send the acknowledgement' }).click();
    await flash(p, 'The request is acknowledged.');
    const decide = await open(p, 'Decide', 'decide');
    // Nothing is chosen for the officer: the decision is signed and sent, so sending without one is stopped at its field.
    expect(await decide.getByRole('radio', { checked: true }).count()).toBe(0);
    await decide.getByRole('button', { name: 'Send the decision' }).click();
    await decide.locator('#decide-decision-error').filter({ hasText: 'Choose your decision: execute the request, in part or under conditions, postpone it or refuse it.' }).waitFor({ timeout: 10_000 });
    await decide.getByRole('radio', { name: 'Execute the request' }).check();
    await decide.getByRole('button', { name: 'Send the decision' }).click();
    await flash(p, 'Your decision was sent.');
    await clock(p, 60).waitFor();
    await clock(pageA, 60).waitFor({ timeout: FEDERATION_MS });
  }, 90_000);
});

describe('a mutual legal assistance request that follows it', () => {
  it('A follows the preservation with a mutual legal assistance request, filled in from it', async () => {
    const p = pageA;
    await p.getByRole('link', { name: 'Follow with a mutual legal assistance request' }).click();
    await p.getByText(/Following up a preservation request/).waitFor();
    await p.getByLabel(/^Subject line/).fill(MLA);
    await p.getByLabel(/^Your reference number/).fill('XAA-MLA-2026-077');
    await p.getByLabel(/^Subject and nature of the investigation/).fill('Criminal investigation 4411/26 by the Public Prosecutor of Aurelia City.');
    expect(await p.getByRole('checkbox', { name: 'UN Convention against Cybercrime (2024)' }).isChecked()).toBe(true);
    await p.getByRole('button', { name: 'Send…' }).click();
    await p.getByRole('button', { name: 'Yes, send it' }).click();
    await p.waitForURL((url) => /\/requests\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(preservationId));
    mlaId = new URL(p.url()).pathname.split('/').pop() ?? '';
    await heading(p, MLA).waitFor();
  }, 60_000);

  it('B asks for more information and A answers', async () => {
    await pageB.goto(`${b!.url}/requests/${mlaId}`);
    await heading(pageB, MLA).waitFor({ timeout: FEDERATION_MS });
    const ask = await open(pageB, 'Ask for more information', 'request_info');
    await ask.getByLabel('What you need to know').fill(QUESTION);
    await ask.getByRole('button', { name: 'Send the question' }).click();
    await flash(pageB, 'Your question was sent.');
    await pageA.getByText(QUESTION).waitFor({ timeout: FEDERATION_MS });
    const answer = await open(pageA, 'Write a message', 'message');
    await answer.getByLabel('Your message').fill(ANSWER);
    await answer.getByRole('button', { name: 'Send the message' }).click();
    await flash(pageA, 'Your message was sent.');
    await pageB.getByText(ANSWER).waitFor({ timeout: FEDERATION_MS });
  }, 90_000);

  it('B executes it in part and returns two files, each with its chain of custody', async () => {
    const p = pageB;
    const decide = await open(p, 'Decide', 'decide');
    await decide.getByRole('radio', { name: 'Execute it in part' }).check();
    await decide.getByLabel('What is not executed, and why').fill(NOT_EXECUTED);
    await decide.getByLabel('Choose files').setInputFiles(Object.values(FILES).map((f) => join(dir, f)));
    await decide.getByRole('button', { name: 'Upload', exact: true }).click();
    for (const f of Object.values(FILES)) await decide.getByText(`${isolated(f)} uploaded.`).waitFor({ timeout: FEDERATION_MS });
    for (const f of Object.values(FILES)) {
      const chain = decide.getByRole('group', { name: `Chain of custody of ${isolated(f)}` });
      const first = chain.getByRole('group', { name: 'Link 1' });
      await first.getByLabel('What was done').selectOption('collected');
      await first.getByLabel('By whom').fill('Det. Sgt. Moro');
      await first.getByLabel('Organisation').fill('Borealis Cyber Police');
      await chain.getByRole('button', { name: `Add a link to the chain of ${isolated(f)}` }).click();
      const second = chain.getByRole('group', { name: 'Link 2' });
      await second.getByLabel('What was done').selectOption('handled');
      await second.getByLabel('By whom').fill('Evidence Officer K. Lind');
      await second.getByLabel('Organisation').fill('Borealis Cyber Police');
    }
    await decide.getByRole('button', { name: 'Send the decision' }).click();
    await flash(p, 'Your decision was sent.');
    await p.getByRole('region', { name: 'Chain of custody' }).getByRole('heading', { name: FILES.subscriber }).waitFor();
  }, 120_000);

  it('both sides show the decision, the same chain of custody with each file’s SHA-256, and the same thread digest', async () => {
    await pageA.getByRole('region', { name: 'Chain of custody' }).getByRole('heading', { name: FILES.subscriber }).waitFor({ timeout: FEDERATION_MS });
    for (const p of [pageA, pageB]) {
      await p.getByRole('region', { name: 'Decision' }).getByText(NOT_EXECUTED).waitFor();
      for (const f of Object.values(FILES)) {
        const shown = await custodyShown(p, f);
        expect(shown.sha256).toBe(fileHash[f]);
        expect(shown.links).toHaveLength(3);
        expect(shown.links[0]).toContain('Det. Sgt. Moro');
        expect(shown.links[1]).toContain('Evidence Officer K. Lind');
        expect(shown.links[2]).toContain('Ben Okafor');
      }
    }
    // A's node fetched both files from B's and checked their bytes against the SHA-256 B signed.
    const received = pageA.locator('section[aria-labelledby="evidence-title"] .badge-evidence-received');
    await expect.poll(async () => received.count(), { timeout: FEDERATION_MS, interval: 1_000 }).toBe(2);
    const digest = async (p: Page) => {
      await p.reload();
      return p.locator('#thread-digest').getAttribute('data-digest', { timeout: 10_000 });
    };
    await expect.poll(async () => (await digest(pageA)) === (await digest(pageB)), { timeout: FEDERATION_MS, interval: 1_000 }).toBe(true);
  }, 120_000);

  it('the proof bundle of B’s return, downloaded from A’s page, verifies offline with parley verify', async () => {
    const region = pageA.getByRole('region', { name: 'Chain of custody' });
    const [download] = await Promise.all([pageA.waitForEvent('download'), region.getByRole('button', { name: 'Download proof' }).first().click()]);
    const file = join(dir, 'proof.json');
    await download.saveAs(file);
    const bundle = JSON.parse(await readFile(file, 'utf8')) as { envelope: { jws?: string } };
    expect(bundle.envelope.jws).toBeDefined();
    const r = await parleyCli(['verify', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^VALID\. XAB sent a request\.step message/);
    for (const f of Object.values(FILES)) expect(r.stdout).toContain(`SHA-256 ${fileHash[f]}: collected by Det. Sgt. Moro (Borealis Cyber Police)`);
    // A chain of custody altered after signing is caught: one name changed inside the signed envelope.
    const [header, payload, signature] = bundle.envelope.jws!.split('.') as [string, string, string];
    const altered = Buffer.from(Buffer.from(payload, 'base64url').toString('utf8').replace('Det. Sgt. Moro', 'Det. Sgt. Mori')).toString('base64url');
    expect(altered).not.toBe(payload);
    const tampered = join(dir, 'tampered.json');
    await writeFile(tampered, JSON.stringify({ ...bundle, envelope: { ...bundle.envelope, jws: [header, altered, signature].join('.') } }));
    const bad = await parleyCli(['verify', tampered]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('NOT VALID');
  }, 60_000);
});

/** The request pages on A, each with what shows that its content has loaded. */
const pages: { name: string; path: () => string; ready: (p: Page) => Promise<void> }[] = [
  { name: 'the list', path: () => '/requests?box=outbox', ready: (p) => p.getByRole('link', { name: MLA }).waitFor() },
  { name: 'the form', path: () => '/requests/new?kind=mla', ready: (p) => p.getByLabel('Requested state', { exact: true }).waitFor() },
  { name: 'one request', path: () => `/requests/${mlaId}`, ready: (p) => p.locator('#thread-digest').waitFor() },
  { name: 'response times', path: () => '/requests/stats', ready: (p) => p.getByRole('table').first().waitFor() },
];

async function openAsA(path: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const ctx = await browser!.newContext({ viewport, storageState: await contextA.storageState() });
  const p = watch(await ctx.newPage());
  await p.goto(`${a!.url}${path}`);
  return p;
}

describe('accessibility and phone width', () => {
  it.each(pages)('axe-core finds no serious or critical violation on $name', async ({ path, ready }) => {
    const p = await openAsA(path());
    try {
      await ready(p);
      expect(await seriousAxeViolations(p)).toEqual([]);
    } finally {
      await p.context().close();
    }
  });

  it.each(pages)('$name does not scroll sideways at 375 px', async ({ path, ready }) => {
    const p = await openAsA(path(), { width: 375, height: 800 });
    try {
      await ready(p);
      expect(await scrollsHorizontally(p)).toBe(false);
    } finally {
      await p.context().close();
    }
  });

  it('no page of the suite broke the node’s CSP', () => {
    expect(cspViolations).toEqual([]);
  });
});
