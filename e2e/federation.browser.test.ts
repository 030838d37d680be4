import { createServer } from 'node:net';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
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
 * Two states in a real browser: the built CLI runs XAA and XAB as child processes on loopback;
 * their administrators trust each other by fingerprint (A through the Peers page, B over the
 * API), B publishes a point of contact, A sends a communication check, a person at B confirms it
 * by hand, and A sees it confirmed and B's contact verified. The tests run in order and share
 * the two signed-in pages.
 */

const ADMIN_A: Person = { email: 'admin@aurelia.example', name: 'Maria Rossi', password: 'correct horse battery staple' };
const ADMIN_B: Person = { email: 'admin@borealis.example', name: 'Ingrid Olsen', password: 'another long pass phrase' };
const CONTACT_B = {
  kind: 'technical',
  name: 'Duty officer',
  organisation: 'National CERT of Test State XAB',
  position: 'CERT duty desk',
  email: 'duty@cert.borealis.example',
  phone: '+47 22 00 00 00',
  languages: ['nb', 'en'],
  timeZone: 'Europe/Oslo',
  hours: '',
  available24x7: true,
};
const CONFIRMER = 'Ingrid Olsen';
/** What other nodes do in their own time (deliver, retry, answer) is awaited this long at most. */
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
}, setupTimeout(75_000));

afterAll(async () => {
  await browser?.close();
  await Promise.all([a?.stop(), b?.stop()]);
}, 30_000);

const heading = (p: Page, name: string | RegExp) => p.getByRole('heading', { level: 1, name, exact: typeof name === 'string' });
const nav = (p: Page, name: string) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

/** Reloads `p` until `locator` shows, for pages that do not poll by themselves. */
async function reloadUntil(p: Page, what: string, visible: () => Promise<boolean>): Promise<void> {
  await eventually(
    what,
    async () => {
      await p.reload();
      return visible();
    },
    { timeoutMs: FEDERATION_MS, intervalMs: 1_000 },
  );
}

const shows = (locator: ReturnType<Page['locator']>) => locator.first().waitFor({ timeout: 3_000 }).then(
  () => true,
  () => false,
);

/** A loopback port that nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('before anyone signs in', () => {
  it('the sign-in page names the state and carries the test-state banner', async () => {
    const ctx = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const p = watch(await ctx.newPage());
      await p.goto(`${b!.url}/sign-in`);
      await heading(p, 'Sign in').waitFor();
      const identity = p.locator('.node-identity');
      await identity.waitFor();
      expect(await identity.textContent()).toBe('This is the Parley node of Test state XAB: Parley test node XAB.');
      expect(await p.getByRole('region', { name: 'Test state' }).textContent()).toBe('Test state — not a real state; for testing and demonstration only');
    } finally {
      await ctx.close();
    }
  });

  it('the first-run page carries the test-state banner too', async () => {
    await pageB.goto(b!.setupLink);
    await heading(pageB, 'Set up the first administrator').waitFor();
    // The banner follows the node's identity, which the page loads after it shows its heading.
    const banner = pageB.getByRole('region', { name: 'Test state' });
    await banner.waitFor();
    expect(await banner.count()).toBe(1);
  });
});

describe('two states connect', () => {
  it('each node’s first administrator is set up from the link it printed', async () => {
    await Promise.all([setUpFirstAdmin(pageA, a!, ADMIN_A), setUpFirstAdmin(pageB, b!, ADMIN_B)]);
    expect(await pageA.locator('#fingerprint').textContent()).toBe(a!.fingerprint);
    expect(await pageB.locator('#fingerprint').textContent()).toBe(b!.fingerprint);
  });

  it('a fingerprint that is not the key the node presents is refused, and both fingerprints are shown', async () => {
    await nav(pageA, 'Peers').click();
    await heading(pageA, 'Peers').waitFor();
    await pageA.getByText('No peers yet.').waitFor();
    const last = b!.fingerprint.at(-1);
    const wrong = `${b!.fingerprint.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
    await pageA.getByLabel('Node address').fill(b!.url);
    await pageA.getByLabel('Key fingerprint').fill(wrong);
    await pageA.getByRole('button', { name: 'Check the key and add the peer' }).click();

    const alert = pageA.getByRole('alert').filter({ hasText: 'The fingerprints do not match: the peer was not added' });
    await alert.waitFor();
    expect({
      entered: await alert.locator('dd').nth(0).textContent(),
      presented: await alert.locator('dd').nth(1).textContent(),
      marked: await alert.locator('mark').allTextContents(),
    }).toEqual({ entered: wrong, presented: b!.fingerprint, marked: [wrong.at(-1), last] });
    expect(await pageA.getByText('No peers yet.').count()).toBe(1);
  });

  it('a plain-http address off this machine is refused at its field', async () => {
    await pageA.getByLabel('Node address').fill('http://parley.borealis.example');
    await pageA.getByLabel('Key fingerprint').fill(b!.fingerprint);
    await pageA.getByRole('button', { name: 'Check the key and add the peer' }).click();
    await pageA.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();
    expect(await pageA.locator('#peer-url-error').textContent()).toBe('Use an address that starts with https://.');
  });

  it('an address where no node answers is refused at its field', async () => {
    await pageA.getByLabel('Node address').fill(`http://127.0.0.1:${await closedPort()}`);
    await pageA.getByRole('button', { name: 'Check the key and add the peer' }).click();
    await pageA.locator('#peer-url-error').filter({ hasText: 'No Parley node answered at this address.' }).waitFor();
  });

  it('B trusts A over the API, and A trusts B through the Peers page with the fingerprint B printed', async () => {
    const apiB = await sessionApi(contextB, b!.url);
    const added = await apiB('POST', '/peers', { url: a!.url, fingerprint: a!.fingerprint });
    expect(added.status).toBe(201);

    await pageA.getByLabel('Node address').fill(b!.url);
    await pageA.getByLabel('Key fingerprint').fill(b!.fingerprint);
    await pageA.getByRole('button', { name: 'Check the key and add the peer' }).click();
    await pageA.getByRole('status').filter({ hasText: `XAB (${isolated('Parley test node XAB')}) is now a trusted peer.` }).waitFor();

    const record = pageA.getByRole('listitem').filter({ has: pageA.getByRole('heading', { name: /XAB Parley test node XAB/ }) });
    expect({
      fingerprint: await record.getByText(b!.fingerprint, { exact: true }).count(),
      status: await record.locator('.badge-trusted').textContent(),
      test: await record.locator('.badge-test').textContent(),
    }).toEqual({ fingerprint: 1, status: 'Trusted', test: 'Test state' });
  });

  it('after adding, focus is on the new peer’s heading and the form is empty for the next one', async () => {
    expect({
      focused: await pageA.evaluate(() => ({ tag: document.activeElement?.tagName, text: document.activeElement?.textContent })),
      url: await pageA.getByLabel('Node address').inputValue(),
      fingerprint: await pageA.getByLabel('Key fingerprint').inputValue(),
    }).toEqual({ focused: { tag: 'H3', text: expect.stringMatching(/XAB.*Parley test node XAB/) }, url: '', fingerprint: '' });
  });

  it('a point of contact B adds reaches A’s directory of states, unverified', async () => {
    const apiB = await sessionApi(contextB, b!.url);
    expect((await apiB('POST', '/contacts', CONTACT_B)).status).toBe(201);

    await nav(pageA, 'Directory of states').click();
    await heading(pageA, 'Directory of states').waitFor();
    const section = pageA.getByRole('region', { name: /XAB Parley test node XAB/ });
    await reloadUntil(pageA, 'B’s directory on A', () => shows(section.getByRole('heading', { name: CONTACT_B.name })));
    const card = section.getByRole('listitem').filter({ has: pageA.getByRole('heading', { name: CONTACT_B.name }) });
    expect({
      badge: await card.locator('.verification').textContent(),
      languages: await card.getByText('Norwegian Bokmål (nb), English (en)').count(),
      kind: await card.locator('.kind').textContent(),
    }).toEqual({ badge: 'Unverified', languages: 1, kind: 'Technical (CERT)' });
    await section.getByText('Published by the state').waitFor();
    await section.getByText('Last received').waitFor();
  }, 60_000);
});

describe('a communication check', () => {
  it('A starts a check to B', async () => {
    await nav(pageA, 'Communication checks').click();
    await heading(pageA, 'Communication checks').waitFor();
    await pageA.getByLabel('Send the check to').selectOption('XAB');
    // A cleared field is not taken as the default, and a number too large is told in plain words.
    const minutes = pageA.getByLabel('Minutes to confirm');
    await minutes.fill('');
    await pageA.getByRole('button', { name: 'Send the check' }).click();
    expect(await pageA.locator('#check-minutes-error').textContent()).toBe('Give the minutes the other state has to confirm, such as 120.');
    await minutes.fill('99999999');
    await pageA.getByRole('button', { name: 'Send the check' }).click();
    await pageA.locator('#check-minutes-error').filter({ hasText: 'Give at most 10080 minutes (7 days).' }).waitFor();
    expect(await pageA.locator('.result').count()).toBe(0);
    await minutes.fill('90');
    await pageA.getByLabel(/Note to the other state/).fill('Quarterly check');
    await pageA.getByRole('button', { name: 'Send the check' }).click();
    await pageA.getByRole('status').filter({ hasText: 'Check sent to XAB.' }).waitFor();
    const result = pageA.locator('.result').filter({ hasText: 'XAB' });
    // The machine receipt arrives at once on loopback; the page looks again by itself.
    await result.locator('.badge').filter({ hasText: 'Delivered, awaiting confirmation' }).waitFor({ timeout: FEDERATION_MS });
    expect(await result.locator('dd').nth(1).textContent()).toBe('Not yet');
    expect(await pageA.locator('.record-subtitle .due').first().textContent()).toMatch(/^\(due in 1 h (29|30) min\)$/);
  }, 60_000);

  it('B sees the check waiting for confirmation, and a notification in the header', async () => {
    await nav(pageB, 'Communication checks').click();
    await heading(pageB, 'Communication checks').waitFor();
    const waiting = pageB.getByRole('heading', { name: `XAA (${isolated('Parley test node XAA')}) asks for confirmation` });
    await waiting.waitFor({ timeout: FEDERATION_MS });
    // The header asks for notifications when a page opens; the check may have arrived just after.
    await pageB.reload();
    await pageB.getByRole('link', { name: 'Notifications 1 new' }).waitFor();
    await waiting.waitFor();
    expect(await seriousAxeViolations(pageB)).toEqual([]);
  }, 60_000);

  it('the notification on B says what is asked and links to the checks', async () => {
    await pageB.getByRole('link', { name: 'Notifications 1 new' }).click();
    await heading(pageB, 'Notifications').waitFor();
    const item = pageB.getByRole('listitem').filter({ hasText: 'XAA asks a point of contact of this state to confirm a communication check by' });
    await item.waitFor();
    expect(await item.getByText('New', { exact: true }).count()).toBe(1);
    // The node's ISO time is shown as people read times.
    expect(await item.textContent()).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    await item.getByRole('link', { name: 'Go to communication checks' }).click();
    await heading(pageB, 'Communication checks').waitFor();
    expect(await pageB.getByRole('link', { name: 'Notifications', exact: true }).count()).toBe(1);
  });

  it('B must choose a point of contact before confirming', async () => {
    await pageB.getByRole('button', { name: 'Confirm the check from XAA' }).click();
    const summary = pageB.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    expect(await summary.getByRole('link').allTextContents()).toEqual(['Point of contact you answer for: Choose the point of contact you answer for.']);
  });

  it('a person at B confirms by hand, naming the point of contact they answer for', async () => {
    await pageB.getByLabel('Point of contact you answer for').selectOption({ label: `${isolated(CONTACT_B.name)} — Technical (CERT)` });
    await pageB.getByLabel('Your name').fill(CONFIRMER);
    await pageB.getByRole('button', { name: 'Confirm the check from XAA' }).click();
    await pageB.getByRole('status').filter({ hasText: 'The check from XAA is confirmed' }).waitFor();
    await pageB.getByText('No check from another state is waiting for confirmation.').waitFor();
    const answered = pageB.getByRole('region', { name: 'Checks received from other states' }).getByRole('listitem');
    expect(await answered.locator('.badge').textContent()).toBe('Confirmed in time');
    expect(await answered.textContent()).toContain(`by ${isolated(CONFIRMER)}, for ${isolated(CONTACT_B.name)}`);
  });

  it('A sees the check confirmed, with the machine delivery and the person’s confirmation apart', async () => {
    const result = pageA.locator('.result').filter({ hasText: 'XAB' });
    await result.locator('.badge').filter({ hasText: /^Confirmed$/ }).waitFor({ timeout: FEDERATION_MS });
    const [delivered, confirmed] = await result.locator('dd').allTextContents();
    expect(delivered).toMatch(/, after \d+(\.\d)? s$/);
    expect(confirmed).toMatch(new RegExp(`, after [0-9 .a-z]+by ${isolated(CONFIRMER)}, for ${isolated(CONTACT_B.name)}$`));
  }, 60_000);

  it('A’s directory shows B’s point of contact verified by the communication check', async () => {
    await nav(pageA, 'Directory of states').click();
    await heading(pageA, 'Directory of states').waitFor();
    const card = pageA
      .getByRole('region', { name: /XAB Parley test node XAB/ })
      .getByRole('listitem')
      .filter({ has: pageA.getByRole('heading', { name: CONTACT_B.name }) });
    await reloadUntil(pageA, 'the verified contact on A', () => shows(card.locator('.badge-verified')));
    expect(await card.locator('.verification').textContent()).toMatch(/^✓ Verified .+ by communication check$/);
  }, 60_000);

  it('B’s own points of contact page shows the contact verified', async () => {
    await nav(pageB, 'Points of contact').click();
    const card = pageB.getByRole('listitem').filter({ has: pageB.getByRole('heading', { name: CONTACT_B.name }) });
    await card.waitFor();
    expect(await card.locator('.verification').textContent()).toMatch(/^✓ Verified .+ by communication check$/);
  });

  it('A’s response-time history draws the check and lists it in a table', async () => {
    await pageA.goto(`${a!.url}/checks/history?peer=XAB`);
    await heading(pageA, 'Response times by state').waitFor();
    const chart = pageA.getByRole('img', { name: /^Chart of the time to confirmation per check\. XAB: 1 confirmed check;/ });
    await chart.waitFor();
    expect(await chart.locator('circle').count()).toBe(1);
    const row = pageA.getByRole('region', { name: 'Every check sent' }).getByRole('row').filter({ hasText: 'XAB' });
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      expect.any(String),
      'XAB',
      'Confirmed',
      expect.stringMatching(/ s$/),
      expect.stringMatching(/\d/),
      CONFIRMER,
    ]);
  });

  it('A’s messages page lists the delivered check, with its signed receipt', async () => {
    await pageA.goto(`${a!.url}/messages?recipient=XAB&status=delivered`);
    await heading(pageA, 'Messages').waitFor();
    const record = pageA.getByRole('listitem').filter({ has: pageA.getByRole('heading', { name: /^Communication check/ }) });
    await record.waitFor();
    expect(await record.locator('.badge-message-delivered').textContent()).toBe('Delivered');
    expect(await record.getByText('Held', { exact: true }).count()).toBe(1);
    expect(await pageA.getByLabel('State', { exact: true }).inputValue()).toBe('XAB');
  });
});

describe('peer administration', () => {
  it('an administrator suspends and resumes a peer', async () => {
    await pageA.goto(`${a!.url}/peers`);
    await pageA.getByRole('button', { name: 'Suspend XAB' }).click();
    await pageA.getByRole('status').filter({ hasText: 'XAB is suspended.' }).waitFor();
    await pageA.getByRole('button', { name: 'Resume XAB' }).click();
    await pageA.getByRole('status').filter({ hasText: 'XAB is trusted again.' }).waitFor();
    expect(await pageA.locator('.badge-trusted').textContent()).toBe('Trusted');
  });

  it('removing a peer asks first', async () => {
    await pageA.getByRole('button', { name: 'Remove XAB' }).click();
    const question = pageA.getByRole('group', { name: 'Remove XAB' });
    await question.waitFor();
    // It says what removing takes away that adding the peer again would not give back.
    expect(await question.textContent()).toContain('XAB will no longer be able to fetch the evidence files this node sent it (none so far); adding it again does not give that back.');
    // And what it gives up: every message to XAB was delivered.
    expect(await question.textContent()).toContain('No message is waiting to be delivered to it.');
    await question.getByRole('button', { name: 'Cancel' }).click();
    expect(await pageA.getByRole('button', { name: 'Remove XAB' }).count()).toBe(1);
  });

  it('Escape in the question cancels it, as in a dialog, and gives focus back to the button that asked', async () => {
    const remove = pageA.getByRole('button', { name: 'Remove XAB' });
    await remove.focus();
    await pageA.keyboard.press('Enter');
    const question = pageA.getByRole('group', { name: 'Remove XAB' });
    await question.getByRole('button', { name: 'Yes, remove' }).focus();
    await pageA.keyboard.press('Escape');
    await question.waitFor({ state: 'detached' });
    expect(await remove.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await pageA.getByRole('heading', { name: /XAB Parley test node XAB/ }).count()).toBe(1);
  });
});

/** Pages to check on A, each with what shows that its content has loaded. */
const pages: { path: string; ready: (p: Page) => Promise<void> }[] = [
  { path: '/peers', ready: (p) => p.getByRole('heading', { name: /XAB Parley test node XAB/ }).waitFor() },
  { path: '/directory', ready: (p) => p.getByRole('heading', { name: CONTACT_B.name }).waitFor() },
  { path: '/checks', ready: (p) => p.locator('.result').first().waitFor() },
  { path: '/checks/history', ready: (p) => p.getByRole('img').first().waitFor() },
  { path: '/messages', ready: (p) => p.locator('.record').first().waitFor() },
  { path: '/notifications', ready: (p) => heading(p, 'Notifications').waitFor() },
];

async function open(path: string, viewport = { width: 1280, height: 900 }): Promise<Page> {
  const ctx = await browser!.newContext({ viewport, storageState: await contextA.storageState() });
  const p = watch(await ctx.newPage());
  await p.goto(`${a!.url}${path}`);
  return p;
}

describe('accessibility', () => {
  it.each(pages)('axe-core finds no serious or critical violation on $path', async ({ path, ready }) => {
    const p = await open(path);
    try {
      await ready(p);
      expect(await seriousAxeViolations(p)).toEqual([]);
    } finally {
      await p.context().close();
    }
  });
});

describe('phone width', () => {
  it.each(pages)('$path does not scroll sideways at 375 px', async ({ path, ready }) => {
    const p = await open(path, { width: 375, height: 800 });
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
