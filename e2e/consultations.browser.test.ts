import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
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
 * A consultation between two states in a real browser: the built CLI runs XAA and XAB; their
 * administrators trust each other and invite one officer each; A's officer raises an urgent
 * consultation with indicators pasted as text; B's officer acknowledges it and asks for more
 * information; A answers; B responds; A closes it as mitigated. Both nodes then show the same
 * timeline and the same thread digest. The tests run in order and share the officers' pages.
 *
 * Evidence files: A raises it with a 50 MB capture and answers B's request with a second file,
 * both uploaded through the page; B's node fetches each from A's and both nodes show the same
 * SHA-256 for each, the one computed here from the bytes.
 */

const ADMIN_A: Person = { email: 'admin@aurelia.example', name: 'Maria Rossi', password: 'correct horse battery staple' };
const ADMIN_B: Person = { email: 'admin@borealis.example', name: 'Ingrid Olsen', password: 'another long pass phrase' };
const OFFICER_A: Person = { email: 'ana@cert.aurelia.example', name: 'Ana Officer', password: 'officer a pass phrase long' };
const OFFICER_B: Person = { email: 'ben@cert.borealis.example', name: 'Ben Officer', password: 'officer b pass phrase long' };
/** What the other node does in its own time (deliver, apply) is awaited this long at most. */
const FEDERATION_MS = 45_000;

const TITLE = 'Credential stuffing against the national grid operator';
const SUMMARY = 'Since 20 November our grid operator has seen credential stuffing against its VPN gateway from addresses in your territory.';
/** Three indicators as an analyst would paste them (one defanged), with a comment and a line that is none. */
const PASTED = ['# from the gateway logs', '203.0.113.7 (C2)', 'vpn-login[.]example', 'a'.repeat(64), 'see the attached report'].join('\n');
const INDICATORS = [
  ['IPv4 address', '203.0.113.7'],
  ['Domain name', 'vpn-login.example'],
  ['SHA-256 hash', 'a'.repeat(64)],
];

/** The thread, step by step: who acts, what they do, what they write. */
const STEPS = {
  acknowledge: 'Received; our CERT is looking into it.',
  request: 'Please send the VPN gateway logs for 20 to 24 November.',
  answer: 'The logs follow; the attempts peak at 02:00 UTC each night.',
  respond: 'The hosts at the listed addresses were taken down on 25 November.',
  close: 'Thank you for the swift action.',
};

/** Evidence files made for the test: random bytes, so nothing can be deduplicated by accident. */
let evidenceDir: string;
const FILES = { capture: { name: 'gateway-capture.pcap', size: 50 * 1024 * 1024 }, logs: { name: 'vpn-gateway-logs.txt', size: 2 * 1024 * 1024 } };
const filePath = (f: { name: string }) => join(evidenceDir, f.name);
const fileHash: Record<string, string> = {};

let a: CliNode | undefined;
let b: CliNode | undefined;
let browser: Browser | undefined;
let adminA: BrowserContext;
let adminB: BrowserContext;
let contextA: BrowserContext;
let contextB: BrowserContext;
let pageA: Page;
let pageB: Page;
let consultationId = '';
const cspViolations: string[] = [];

const watch = (p: Page): Page => watchPage(p, cspViolations);

const heading = (p: Page, name: string | RegExp) => p.getByRole('heading', { level: 1, name, exact: typeof name === 'string' });
const nav = (p: Page) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Consultations/ });
const flash = (p: Page, text: string) => p.getByRole('status').filter({ hasText: text }).waitFor();

const officer = (admin: BrowserContext, node: CliNode, person: Person) => inviteOfficer(browser!, admin, node, person, cspViolations);

/** Uploads files through the evidence upload inside `scope` and waits until each is stored. */
async function attachFiles(scope: Locator, files: readonly string[]): Promise<void> {
  if (files.length === 0) return;
  await scope.getByLabel('Choose files').setInputFiles([...files]);
  await scope.getByRole('button', { name: 'Upload', exact: true }).click();
  for (const file of files) await scope.getByText(`${isolated(basename(file))} uploaded.`).waitFor({ timeout: FEDERATION_MS });
}

/** Fills the form to raise a consultation. `attach` will name evidence files to upload with it. */
async function raise(p: Page, input: { to: string; title: string; summary: string; pasted: string; attach?: string[] }): Promise<void> {
  await p.getByRole('checkbox', { name: new RegExp(`^${input.to} — `) }).check();
  await p.getByLabel('Title', { exact: true }).fill(input.title);
  await p.getByLabel(/^Summary/).fill(input.summary);
  await p.getByLabel(/^Activity started/).fill('2026-11-20T00:00');
  await p.getByRole('checkbox', { name: 'Energy', exact: true }).check();
  await p.getByRole('group', { name: 'Severity' }).getByRole('radio', { name: 'High', exact: true }).check();
  await p.getByRole('radio', { name: 'Request to mitigate activity from your territory' }).check();
  await p.getByRole('group', { name: 'Urgency' }).getByRole('radio', { name: 'Urgent', exact: true }).check();
  await p.getByRole('radio', { name: /^Sharing marking: TLP:AMBER Limited/ }).check();
  await p.getByLabel(/^Paste indicators as text/).fill(input.pasted);
  await p.getByRole('button', { name: 'Read the pasted text' }).click();
  const preview = p.getByRole('region', { name: 'Check before adding' });
  await preview.waitFor();
  expect(await preview.getByRole('table', { name: '3 indicators recognised:', exact: true }).getByRole('row').count()).toBe(4);
  expect(await preview.getByRole('listitem').allTextContents()).toEqual(['Line 5: no indicator found in “see the attached report”.']);
  await preview.getByRole('button', { name: 'Add the 3 recognised indicators' }).click();
  await p.getByRole('heading', { name: '3 indicators', exact: true }).waitFor();
  await attachFiles(p.locator('#consultation-evidence'), input.attach ?? []);
}

/**
 * Takes one step on the consultation page: opens the action, fills it, sends it, and waits for
 * the confirmation. `attach` will name evidence files to attach to the message.
 */
async function takeStep(p: Page, action: string, submit: string, fill: { text?: string; choose?: string; attach?: string[] }, done: string): Promise<void> {
  await p.getByRole('region', { name: 'What you can do now' }).getByRole('button', { name: action, exact: true }).click();
  const form = p.locator('#step-form');
  await form.getByRole('heading', { name: action }).waitFor();
  if (fill.choose) await form.getByRole('radio', { name: fill.choose }).check();
  if (fill.text) await form.getByRole('textbox').last().fill(fill.text);
  await attachFiles(form, fill.attach ?? []);
  await form.getByRole('button', { name: submit, exact: true }).click();
  await flash(p, done);
}

/** The actions of the signed steps in the timeline, in order, with their texts. */
async function timeline(p: Page): Promise<string[]> {
  const entries = p.locator('.consultation-timeline > li');
  const out: string[] = [];
  for (let i = 0; i < (await entries.count()); i++) {
    const e = entries.nth(i);
    const action = (await e.getAttribute('data-action')) ?? '';
    // The draft's creation is a local note of the raising node, not a step sent to the other state.
    if (action === 'created') continue;
    const text = (await e.locator('.consultation-text').count()) ? await e.locator('.consultation-text').textContent() : '';
    out.push(`${action}: ${text}`);
  }
  return out;
}

beforeAll(async () => {
  evidenceDir = await mkdtemp(join(tmpdir(), 'parley-e2e-evidence-'));
  for (const f of Object.values(FILES)) {
    const bytes = randomBytes(f.size);
    fileHash[f.name] = createHash('sha256').update(bytes).digest('hex');
    await writeFile(filePath(f), bytes);
  }
  browser = await launchBrowser();
  // Migrations on a busy machine can take most of a minute per node.
  [a, b] = await Promise.all([startCliNode({ state: 'XAA' }), startCliNode({ state: 'XAB' })]);
  adminA = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  adminB = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const [pa, pb] = [watch(await adminA.newPage()), watch(await adminB.newPage())];
  await Promise.all([setUpFirstAdmin(pa, a, ADMIN_A), setUpFirstAdmin(pb, b, ADMIN_B)]);
  const [apiA, apiB] = await Promise.all([sessionApi(adminA, a.url), sessionApi(adminB, b.url)]);
  expect((await apiA('POST', '/peers', { url: b.url, fingerprint: b.fingerprint })).status).toBe(201);
  expect((await apiB('POST', '/peers', { url: a.url, fingerprint: a.fingerprint })).status).toBe(201);
  const [offA, offB] = await Promise.all([officer(adminA, a, OFFICER_A), officer(adminB, b, OFFICER_B)]);
  ({ context: contextA, page: pageA } = offA);
  ({ context: contextB, page: pageB } = offB);
}, setupTimeout(150_000));

afterAll(async () => {
  await browser?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  if (evidenceDir) await rm(evidenceDir, { recursive: true, force: true });
}, 30_000);

describe('raising a consultation', () => {
  it('the form names each missing field and links to it', async () => {
    await nav(pageA).click();
    await heading(pageA, 'Consultations').waitFor();
    await pageA.getByRole('link', { name: 'Raise a consultation' }).click();
    await heading(pageA, 'Raise a consultation').waitFor();
    await pageA.getByRole('button', { name: 'Save draft' }).click();
    const summary = pageA.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    expect(await summary.getByRole('link').allTextContents()).toEqual(['States to consult: Choose at least one state to consult.', 'Title: The title is required.']);
    expect(await pageA.locator('#consultation-title-error').textContent()).toBe('The title is required.');
  });

  it('Send… on a form that cannot be sent shows what is wrong, on each field, and asks nothing', async () => {
    await pageA.getByLabel(/^Response asked for by/).fill('2019-05-05T00:00');
    await pageA.getByRole('button', { name: 'Send…' }).click();
    const summary = pageA.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.getByRole('link', { name: /^Response asked for by/ }).waitFor();
    expect(await summary.getByRole('link').allTextContents()).toEqual([
      'States to consult: Choose at least one state to consult.',
      'Title: The title is required.',
      'Response asked for by: The date must be in the future.',
    ]);
    expect(await pageA.locator('#consultation-response-by-error').textContent()).toBe('The date must be in the future.');
    expect(await pageA.getByRole('group', { name: 'Confirm sending' }).count()).toBe(0);
    await pageA.getByLabel(/^Response asked for by/).fill('');
  });

  it('A’s officer raises an urgent consultation with three indicators pasted as text, and confirms the states and the marking', async () => {
    await raise(pageA, { to: 'XAB', title: TITLE, summary: SUMMARY, pasted: PASTED, attach: [filePath(FILES.capture)] });
    const table = pageA.getByRole('table', { name: '3 indicators', exact: true });
    expect(await table.getByRole('row').allTextContents()).toHaveLength(4);
    for (const [i, [type, value]] of INDICATORS.entries()) {
      expect(await table.getByRole('row').nth(i + 1).getByRole('cell').allTextContents()).toEqual([type, value, 'Remove']);
    }
    await pageA.getByRole('button', { name: 'Send…' }).click();
    const question = pageA.getByRole('group', { name: 'Confirm sending' });
    expect(await question.locator('p').textContent()).toBe(
      'Send this consultation to XAB, marked TLP:AMBER? Once sent, it is signed and cannot be edited or unsent; you can still withdraw it.',
    );
    await question.getByRole('button', { name: 'Yes, send it' }).click();
    await heading(pageA, TITLE).waitFor();
    await flash(pageA, 'The consultation was sent to XAB.');
    consultationId = new URL(pageA.url()).pathname.split('/').pop() ?? '';
    expect(consultationId).toMatch(/^[0-9a-f-]{36}$/);
    const facts = pageA.locator('.consultation-facts');
    expect(await facts.locator('.badge-consultation').textContent()).toBe('Sent, not yet acknowledged');
    expect(await facts.locator('.deadline').first().textContent()).toMatch(/^Due by .+ \(due in (23 h 5\d min|1 d)\)$/);
    expect(await pageA.locator('.tlp-banner .tlp').textContent()).toBe('TLP:AMBER');
    // The end of the activity was left empty: it is unknown, not "never".
    expect(await pageA.locator('.facts div').filter({ hasText: 'Period of the activity' }).locator('dd').textContent()).toMatch(/^.*2026.* to unknown$/);
    await pageA.locator('.consultation-timeline .delivery-delivered').first().waitFor({ timeout: FEDERATION_MS });
  }, 60_000);
});

describe('working it between the two states', () => {
  it('B’s officer finds it in the inbox, received, urgent, marked and due, with a count in the navigation', async () => {
    await pageB.goto(`${b!.url}/consultations`);
    await heading(pageB, 'Consultations').waitFor();
    const row = pageB.getByRole('listitem').filter({ has: pageB.getByRole('link', { name: TITLE }) });
    await row.waitFor({ timeout: FEDERATION_MS });
    expect({
      tlp: await row.locator('.tlp').textContent(),
      status: await row.locator('.badge-consultation').textContent(),
      urgency: await row.locator('.badge-urgency').textContent(),
      from: await row.locator('dd').first().textContent(),
    }).toEqual({ tlp: 'TLP:AMBER', status: 'Received, not yet acknowledged', urgency: 'Urgent', from: 'XAA Parley test node XAA' });
    expect(await row.locator('.deadline').textContent()).toMatch(/^Due by /);
    await pageB.reload();
    await nav(pageB).filter({ hasText: '1 needs your attention' }).waitFor();
    expect(await seriousAxeViolations(pageB)).toEqual([]);
  }, 60_000);

  it('the search box and the filters find it, and an unmatched filter shows none', async () => {
    await pageB.getByLabel('Search', { exact: true }).fill('grid operator');
    await pageB.getByLabel('Urgency', { exact: true }).selectOption('urgent');
    await pageB.getByRole('button', { name: 'Show', exact: true }).click();
    await pageB.getByRole('link', { name: TITLE }).waitFor();
    expect(new URL(pageB.url()).search).toBe('?box=inbox&q=grid+operator&urgency=urgent');
    await pageB.getByLabel('TLP marking').selectOption('RED');
    await pageB.getByRole('button', { name: 'Show', exact: true }).click();
    await pageB.getByText('No consultation matches.').waitFor();
    await pageB.getByRole('button', { name: 'Clear the filters' }).click();
    await pageB.getByRole('link', { name: TITLE }).waitFor();
  });

  it('B reads that it is the state asked to acknowledge, acknowledges it and asks for more information', async () => {
    await pageB.getByRole('link', { name: TITLE }).click();
    await heading(pageB, TITLE).waitFor();
    expect(await pageB.getByRole('table', { name: 'Indicators' }).getByRole('row').count()).toBe(4);
    // B is the state asked to acknowledge, and did not send it: the words say so from B's side.
    const urgency = pageB.locator('.consultation-facts div').filter({ hasText: 'Urgency' }).locator('dd');
    expect(await urgency.textContent()).toBe('Urgent This state is asked to acknowledge within 24 hours.');
    expect(await pageB.locator('.consultation-facts .badge-consultation').textContent()).toBe('Received, not yet acknowledged');
    await takeStep(pageB, 'Acknowledge', 'Acknowledge', { text: STEPS.acknowledge }, 'You acknowledged the consultation.');
    expect(await pageB.locator('.consultation-facts .badge-consultation').textContent()).toBe('Acknowledged');
    // Focus goes to the timeline, where the new step is.
    expect(await pageB.evaluate(() => document.activeElement?.textContent)).toBe('Timeline');
    await takeStep(pageB, 'Ask for more information', 'Send the request', { text: STEPS.request }, 'Your request for information was sent.');
    await pageB.getByText('You asked the other state for more information; its answer is awaited.').waitFor();
  }, 60_000);

  it('A sees the request and answers it', async () => {
    await pageA.getByText('The other state has asked you for more information. Answer with a message.').waitFor({ timeout: FEDERATION_MS });
    expect(await pageA.locator('.consultation-facts .deadline').first().textContent()).toMatch(/^Acknowledged /);
    // A may not acknowledge or respond: those are B's steps.
    const choices = await pageA.getByRole('region', { name: 'What you can do now' }).locator('.action-choices button').allTextContents();
    expect(choices).toEqual(['Ask for more information', 'Write a message', 'Close with an outcome', 'Withdraw']);
    await takeStep(pageA, 'Write a message', 'Send the message', { text: STEPS.answer, attach: [filePath(FILES.logs)] }, 'Your message was sent.');
  }, 60_000);

  it('B responds, after an empty response is refused on its field', async () => {
    await pageB.getByText(STEPS.answer).waitFor({ timeout: FEDERATION_MS });
    await pageB.getByRole('region', { name: 'What you can do now' }).getByRole('button', { name: 'Respond', exact: true }).click();
    const form = pageB.locator('#step-form');
    await form.getByRole('button', { name: 'Send the response', exact: true }).click();
    await pageB.locator('#step-text-error').waitFor();
    expect(await pageB.locator('#step-text-error').textContent()).toBe('Write your response or attach evidence.');
    expect(await pageB.locator('.consultation-facts .badge-consultation').textContent()).toBe('Acknowledged');
    await form.getByRole('button', { name: 'Cancel', exact: true }).click();
    await takeStep(pageB, 'Respond', 'Send the response', { text: STEPS.respond }, 'Your response was sent.');
    expect(await pageB.locator('.consultation-facts .badge-consultation').textContent()).toBe('Responded');
  }, 60_000);

  it('A closes it as resolved or mitigated', async () => {
    await pageA.locator('.consultation-facts .badge-consultation').filter({ hasText: 'Responded' }).waitFor({ timeout: FEDERATION_MS });
    await pageA.getByRole('region', { name: 'What you can do now' }).getByRole('button', { name: 'Close with an outcome', exact: true }).click();
    const form = pageA.locator('#step-form');
    // No outcome is chosen for the officer, and closing without one says so on the field.
    expect(await form.getByRole('radio', { checked: true }).count()).toBe(0);
    await form.getByRole('button', { name: 'Close the consultation…', exact: true }).click();
    expect(await pageA.locator('#step-outcome-error').textContent()).toBe('Choose the outcome to close with.');
    expect(await form.getByRole('group', { name: 'Confirm closing' }).count()).toBe(0);
    await form.getByRole('radio', { name: 'Resolved or mitigated' }).check();
    await form.getByRole('textbox').last().fill(STEPS.close);
    await form.getByRole('button', { name: 'Close the consultation…', exact: true }).click();
    const question = form.getByRole('group', { name: 'Confirm closing' });
    expect(await question.locator('p').textContent()).toBe('Close this consultation as “Resolved or mitigated”? The other state is told, and a closed consultation cannot be reopened.');
    await question.getByRole('button', { name: 'Yes, close it' }).click();
    await flash(pageA, 'The consultation is closed.');
    expect(await pageA.locator('.consultation-facts .badge-consultation').textContent()).toBe('Closed: Resolved or mitigated');
    await pageA.getByText('The consultation is closed; it stays in the record.').waitFor();
  }, 60_000);

  it('both nodes show the same timeline and the same thread digest', async () => {
    const expected = [
      `opened: ${SUMMARY}`,
      `acknowledge: ${STEPS.acknowledge}`,
      `request_info: ${STEPS.request}`,
      `message: ${STEPS.answer}`,
      `respond: ${STEPS.respond}`,
      `close: ${STEPS.close}`,
    ];
    await pageB.locator('.consultation-facts .badge-consultation').filter({ hasText: 'Closed: Resolved or mitigated' }).waitFor({ timeout: FEDERATION_MS });
    // Each node counts its own steps once the other node's receipt is in; the pages look again by themselves.
    const digest = (p: Page) => p.locator('#thread-digest').getAttribute('data-digest', { timeout: 2_000 }).catch(() => null);
    const messages = (p: Page) => p.locator('#thread-digest ~ .muted').textContent({ timeout: 2_000 }).catch(() => null);
    await eventually(
      'the same digest over six messages on both nodes',
      async () => {
        const [da, db, ma, mb] = await Promise.all([digest(pageA), digest(pageB), messages(pageA), messages(pageB)]);
        return da !== null && da === db && ma === 'Covers 6 signed messages' && mb === ma;
      },
      { timeoutMs: FEDERATION_MS, intervalMs: 1_000 },
    );
    expect(await timeline(pageA)).toEqual(expected);
    expect(await timeline(pageB)).toEqual(expected);
    const shown = await pageA.locator('#thread-digest').textContent();
    const full = (await pageA.locator('#thread-digest').getAttribute('data-digest')) ?? '';
    expect(full).toMatch(/^[0-9a-f]{64}$/);
    expect(shown).toBe(`${full.slice(0, 16)}…`);
    expect(await pageA.getByText('No problem found in the chain.').count()).toBe(1);
    // The copy button is said once: a hidden term repeating its label made screen readers say it twice.
    expect(await pageA.getByRole('region', { name: 'Thread integrity' }).getByText('Copy the full digest').count()).toBe(1);
    expect(await pageB.locator('.delivery-received').count()).toBe(3);
    expect(await pageA.locator('.delivery-delivered').count()).toBe(3);
    // Every signed step, sent and delivered or received, can be proven to a third party.
    for (const p of [pageA, pageB]) expect(await p.locator('.consultation-timeline').getByRole('button', { name: 'Download proof' }).count()).toBe(6);
  }, 60_000);

  it('both nodes hold both evidence files, with the SHA-256 of their bytes', async () => {
    const evidence = (p: Page) => p.locator('section[aria-labelledby="evidence-title"] .evidence-items > li');
    const received = pageB.locator('section[aria-labelledby="evidence-title"] .badge-evidence-received');
    await eventually('both files received on XAB', async () => (await received.count()) === 2, { timeoutMs: 120_000, intervalMs: 1_000 });
    for (const p of [pageA, pageB]) {
      const items = evidence(p);
      expect(await items.count()).toBe(2);
      const shown: Record<string, string> = {};
      for (let i = 0; i < 2; i++) {
        const name = (await items.nth(i).locator('.record-title').textContent())?.trim() ?? '';
        const sha = (await items.nth(i).locator('dd.mono').textContent())?.trim() ?? '';
        shown[Object.keys(fileHash).find((n) => name.startsWith(n)) ?? name] = sha;
      }
      expect(shown).toEqual(fileHash);
    }
  }, 180_000);
});

/** The three consultation pages on A, each with what shows that its content has loaded. */
const pages: { name: string; path: () => string; ready: (p: Page) => Promise<void> }[] = [
  { name: 'the list', path: () => '/consultations?box=outbox', ready: (p) => p.getByRole('link', { name: TITLE }).waitFor() },
  { name: 'the form', path: () => '/consultations/new', ready: (p) => p.getByRole('checkbox', { name: /^XAB — / }).waitFor() },
  { name: 'one consultation', path: () => `/consultations/${consultationId}`, ready: (p) => p.locator('#thread-digest').waitFor() },
];

async function open(path: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const ctx = await browser!.newContext({ viewport, storageState: await contextA.storageState() });
  const p = watch(await ctx.newPage());
  await p.goto(`${a!.url}${path}`);
  return p;
}

describe('a reply on an attribution', () => {
  it('starts with no position chosen, and sending it without one is stopped at its field', async () => {
    const apiA = await sessionApi(contextA, a!.url);
    const sent = await apiA('POST', '/consultations', {
      addressees: ['XAB'],
      title: 'Intrusion into the electoral commission',
      summary: 'An intrusion into the electoral commission’s network, from infrastructure in your territory.',
      severity: 'high',
      urgency: 'high',
      communicationKind: 'notification',
      tlp: 'GREEN',
      attribution: { to: { kind: 'group', name: 'Example Panda' }, basis: ['technical_analysis'], confidence: 'moderate', statement: 'Infrastructure overlaps with earlier reports.' },
      send: true,
    });
    expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    const id = (sent.body as { id: string }).id;
    const apiB = await sessionApi(contextB, b!.url);
    await eventually('the consultation at B', async () => (await apiB('GET', `/consultations/${id}`)).status === 200, { timeoutMs: FEDERATION_MS, intervalMs: 1_000 });
    const p = pageB;
    await p.goto(`${b!.url}/consultations/${id}`);
    await heading(p, 'Intrusion into the electoral commission').waitFor();
    await takeStep(p, 'Acknowledge', 'Acknowledge', {}, 'You acknowledged the consultation.');
    await p.getByRole('region', { name: 'What you can do now' }).getByRole('button', { name: 'Reply on the attribution', exact: true }).click();
    const form = p.locator('#step-form');
    expect(await form.getByRole('radio', { checked: true }).count()).toBe(0);
    await form.getByRole('button', { name: 'Send the reply', exact: true }).click();
    await form.locator('#step-position-error').filter({ hasText: 'Choose your state’s position: it accepts the attribution, disputes it, or is investigating it.' }).waitFor({ timeout: 10_000 });
    await form.getByRole('radio', { name: 'We are investigating it' }).check();
    await form.getByRole('button', { name: 'Send the reply', exact: true }).click();
    await flash(p, 'Your reply on the attribution was sent.');
  }, 90_000);
});

describe('accessibility', () => {
  it.each(pages)('axe-core finds no serious or critical violation on $name', async ({ path, ready }) => {
    const p = await open(path());
    try {
      await ready(p);
      expect(await seriousAxeViolations(p)).toEqual([]);
    } finally {
      await p.context().close();
    }
  });

  it('the indicator preview, with a refused line, has no serious or critical violation', async () => {
    const p = await open('/consultations/new');
    try {
      await p.getByLabel(/^Paste indicators as text/).fill(PASTED);
      await p.getByRole('button', { name: 'Read the pasted text' }).click();
      await p.getByRole('region', { name: 'Check before adding' }).waitFor();
      expect(await seriousAxeViolations(p)).toEqual([]);
    } finally {
      await p.context().close();
    }
  });
});

describe('a page older than the node\'s web interface', () => {
  it('says the indicator checks could not be loaded and to save the draft, keeping the pasted text, when their file is gone', async () => {
    const p = await open('/consultations/new');
    try {
      // As after `npm run build` under a running node: the files of the page's build are gone.
      await p.route('**/assets/protocol-*.js', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'gone' }));
      await p.getByLabel(/^Paste indicators as text/).fill(PASTED);
      await p.getByRole('button', { name: 'Read the pasted text' }).click();
      await p.getByText('The checks for indicators could not be loaded from the node: it is unreachable, or Parley was updated there since this page was opened. Save the draft, then reload the page.').waitFor();
      expect(await p.getByLabel(/^Paste indicators as text/).inputValue()).toBe(PASTED);
    } finally {
      await p.context().close();
    }
  });
});

describe('phone width', () => {
  it.each(pages)('$name does not scroll sideways at 375 px', async ({ path, ready }) => {
    const p = await open(path(), { width: 375, height: 800 });
    try {
      await ready(p);
      expect(await scrollsHorizontally(p)).toBe(false);
    } finally {
      await p.context().close();
    }
  });
});

describe('content security policy', () => {
  it('no page of the suite broke the node’s CSP (no inline script or style)', () => {
    expect(cspViolations).toEqual([]);
  });
});
