import { request } from 'node:http';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteOfficer, isolated, launchBrowser, scrollsHorizontally, seriousAxeViolations, setupTimeout, startCliNode, type CliNode, watchPage } from './browser.js';

/**
 * The foundation in a real browser: the built CLI runs a node as a child process; Chromium sets
 * up the first administrator from the printed link, keeps the directory, and is checked with
 * axe-core and at a phone's width. The tests run in order and share the signed-in page.
 */

const ADMIN = { email: 'admin@ministry.example', name: 'Maria Rossi', password: 'correct horse battery staple' };
const CONTACT = { name: 'Duty officer', organisation: 'National CERT of Test State XAA', email: 'duty@cert.example', phone: '+41 22 917 12 34' };

let node: CliNode | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
/** Every report of a Content Security Policy violation, from every page the suite opens. */
const cspViolations: string[] = [];

const watch = (p: Page): Page => watchPage(p, cspViolations);

/** Signs in over the API from a loopback address of the test's choosing; the answer's status. */
function signInFrom(localAddress: string, email: string, password: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(new URL('/api/v1/auth/login', node!.url), { method: 'POST', localAddress, headers: { 'Content-Type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(JSON.stringify({ email, password }));
  });
}

/** A fresh browser context: no cookie, so not signed in. */
async function anonymousPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
  const ctx = await browser!.newContext({ viewport });
  return watch(await ctx.newPage());
}

beforeAll(async () => {
  browser = await launchBrowser();
  node = await startCliNode();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = watch(await context.newPage());
}, setupTimeout(45_000));

afterAll(async () => {
  await browser?.close();
  await node?.stop();
}, 30_000);

const heading = (p: Page, name: string) => p.getByRole('heading', { level: 1, name, exact: true });

/** The requests other than GET that the page makes from now on: what it asked the node to do. */
function writesOf(p: Page): string[] {
  const writes: string[] = [];
  p.on('request', (r) => {
    if (r.method() !== 'GET') writes.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  return writes;
}

describe('first run', () => {
  it('an empty first-run form names every field to fill in at once, the e-mail address included, and asks the node nothing', async () => {
    const p = await anonymousPage();
    await p.goto(node!.setupLink);
    await heading(p, 'Set up the first administrator').waitFor();
    const posts = writesOf(p);
    await p.getByRole('button', { name: 'Save and sign in' }).click();
    const summary = p.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    expect(await summary.getByRole('link').allTextContents()).toEqual([
      'Your e-mail address: Enter your e-mail address, such as name@ministry.example.',
      'Password: A password needs at least 12 characters.',
    ]);
    expect(posts).toEqual([]);
    await p.context().close();
  });

  it('counts a password in characters as the node does, so six emoji are too short before the node is asked', async () => {
    const p = await anonymousPage();
    await p.goto(node!.setupLink);
    await heading(p, 'Set up the first administrator').waitFor();
    const posts = writesOf(p);
    await p.getByLabel('Your e-mail address').fill(ADMIN.email);
    // Twelve UTF-16 units, six characters.
    await p.getByLabel('Password', { exact: true }).fill('😀🙂😀🙂😀🙂');
    await p.getByLabel('Repeat the password').fill('😀🙂😀🙂😀🙂');
    await p.getByRole('button', { name: 'Save and sign in' }).click();
    const summary = p.getByRole('alert').filter({ hasText: 'There is a problem' });
    await summary.waitFor();
    expect(await summary.getByRole('link').allTextContents()).toEqual(['Password: A password needs at least 12 characters.']);
    expect(posts).toEqual([]);
    await p.context().close();
  });

  it('the printed first-run link sets up the administrator, signs them in and removes the secret from the address', async () => {
    await page.goto(node!.setupLink);
    await heading(page, 'Set up the first administrator').waitFor();
    await page.getByLabel('Your e-mail address').fill(ADMIN.email);
    await page.getByLabel('Your name').fill(ADMIN.name);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByLabel('Repeat the password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Save and sign in' }).click();
    await heading(page, 'This node').waitFor();

    const url = new URL(page.url());
    expect({ path: url.pathname, hash: url.hash }).toEqual({ path: '/', hash: '' });
    expect(await page.locator('.account-name').textContent()).toBe(`Signed in as ${ADMIN.name} (Administrator)`);
  });

  it('the node page shows the state code and the fingerprint the CLI printed', async () => {
    const facts = page.locator('dl.facts');
    await facts.getByText('XAA', { exact: true }).waitFor();
    expect(await page.locator('#fingerprint').textContent()).toBe(node!.fingerprint);
  });

  it('a test state carries the test-state banner', async () => {
    const banner = page.getByRole('region', { name: 'Test state' });
    await banner.waitFor();
    expect(await banner.textContent()).toBe('Test state — not a real state; for testing and demonstration only');
  });
});

describe('points of contact', () => {
  it('an empty form is refused with a message next to each required field', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Points of contact' }).click();
    await page.getByRole('link', { name: 'Add a point of contact' }).click();
    await heading(page, 'Add a point of contact').waitFor();
    await page.getByRole('button', { name: 'Add point of contact' }).click();
    await page.getByRole('alert').filter({ hasText: 'There is a problem' }).waitFor();

    const message = (id: string) => page.locator(`#${id}-error`).textContent();
    expect({
      name: await message('contact-name'),
      organisation: await message('contact-organisation'),
      languages: await page.locator('#contact-languages-error').textContent(),
    }).toEqual({
      name: 'Name is required.',
      organisation: 'Organisation is required.',
      languages: 'Give at least one operational language.',
    });
  });

  it('a phone number in words gets one message at its field, saying what to type', async () => {
    await page.getByLabel('Telephone').fill('call us');
    await page.getByRole('button', { name: 'Add point of contact' }).click();
    const said = 'Write the phone number in digits, starting with + and the country code, such as +41 22 917 12 34. Spaces may separate the digits.';
    await page.locator('#contact-phone-error').filter({ hasText: said }).waitFor();
    expect({
      field: await page.locator('#contact-phone-error').textContent(),
      summary: await page.getByRole('alert').filter({ hasText: 'There is a problem' }).getByText(said).count(),
    }).toEqual({ field: said, summary: 1 });
  });

  it('a point of contact added with two languages is still listed after a reload', async () => {
    await page.getByLabel('Technical (CERT)').check();
    await page.getByLabel('Name', { exact: true }).fill(CONTACT.name);
    await page.getByLabel('Organisation').fill(CONTACT.organisation);
    await page.getByLabel('E-mail address').fill(CONTACT.email);
    await page.getByLabel('Telephone').fill(CONTACT.phone);
    const language = page.getByLabel('Add a language');
    await language.fill('fr');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await language.fill('English');
    await language.press('Enter');
    // A name that is no language is refused; the message goes once something else is typed.
    await language.fill('Klingonese');
    await language.press('Enter');
    expect(await page.locator('#contact-language-input-error').textContent()).toBe('Unknown language. Type a code such as fr, or a name such as French.');
    // A language left in the box that the list already holds does not stop the form.
    await language.fill('French');
    expect(await page.locator('#contact-language-input-error').count()).toBe(0);
    await page.getByLabel('Time zone').fill('Europe/Zurich');
    await page.getByLabel('Reachable 24/7').check();
    await page.getByRole('button', { name: 'Add point of contact' }).click();
    await heading(page, 'Points of contact').waitFor();

    await page.reload();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: CONTACT.name }) });
    await card.waitFor();
    expect(await card.getByText('French (fr), English (en)').count()).toBe(1);
  });

  it('a double click on Add point of contact leaves the chosen kind alone when the error summary moves the page under it', async () => {
    const chosen = 'Central authority for mutual legal assistance';
    const other = 'Technical (CERT)';
    const openForm = async (p: Page) => {
      await p.goto(`${node!.url}/contacts/new`);
      await heading(p, 'Add a point of contact').waitFor();
      await p.getByLabel(chosen).check();
      const button = p.getByRole('button', { name: 'Add point of contact' });
      await button.scrollIntoViewIfNeeded();
      const box = (await button.boundingBox())!;
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    const summary = (p: Page) => p.getByRole('alert').filter({ hasText: 'There is a problem' });

    // A window of the height at which, once the summary has taken focus and the page has moved,
    // another kind's label lies where the button was; measured on the form, so that it stays so
    // when the wording changes.
    const probe = watch(await context.newPage());
    const before = await openForm(probe);
    const fromBottom = (await probe.evaluate(() => window.innerHeight)) - before.y;
    await probe.getByRole('button', { name: 'Add point of contact' }).click();
    await summary(probe).waitFor();
    const label = (await probe.locator('label', { hasText: other }).boundingBox())!;
    await probe.close();
    const tall = await browser!.newContext({ viewport: { width: 1280, height: Math.round(label.y + label.height / 2 + fromBottom) }, storageState: await context.storageState() });
    try {
      const p = watch(await tall.newPage());
      const { x, y } = await openForm(p);
      await p.mouse.move(x, y);
      await p.mouse.down({ clickCount: 1 });
      await p.mouse.up({ clickCount: 1 });
      await summary(p).waitFor();
      const under = await p.evaluate(([px, py]) => document.elementFromPoint(px!, py!)?.textContent ?? '', [x, y]);
      expect(under, 'the second click lands on another kind').toBe(other);
      // The second click of the same double-click, on the page as it now lies.
      await p.mouse.down({ clickCount: 2 });
      await p.mouse.up({ clickCount: 2 });
      expect(await p.getByRole('radio', { checked: true }).getAttribute('value')).toBe('central_authority');
      expect(await p.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('alert');
      // A click of its own, afterwards, chooses as always.
      await p.getByLabel(other).check();
      expect(await p.getByRole('radio', { checked: true }).getAttribute('value')).toBe('technical');
    } finally {
      await tall.close();
    }
  });
});

describe('signing in', () => {
  it('a wrong password is refused with the node’s message in an alert', async () => {
    const p = await anonymousPage();
    try {
      await p.goto(`${node!.url}/sign-in`);
      await p.getByLabel('E-mail address').fill(ADMIN.email);
      await p.getByLabel('Password').fill('not the password at all');
      await p.getByRole('button', { name: 'Sign in' }).click();
      const alert = p.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('The e-mail address or password is not right.');
    } finally {
      await p.context().close();
    }
  });

  it('the administrator’s password opens the page they asked for in a new browser', async () => {
    const p = await anonymousPage();
    try {
      await p.goto(`${node!.url}/contacts`);
      await heading(p, 'Sign in').waitFor();
      await p.getByLabel('E-mail address').fill(ADMIN.email);
      await p.getByLabel('Password').fill(ADMIN.password);
      await p.getByRole('button', { name: 'Sign in' }).click();
      await heading(p, 'Points of contact').waitFor();
      expect(new URL(p.url()).pathname).toBe('/contacts');
    } finally {
      await p.context().close();
    }
  });
});

/** Pages to check, each with what shows that its content has loaded. */
const pages: { path: string; ready: (p: Page) => Promise<void>; signedIn: boolean }[] = [
  { path: '/sign-in', signedIn: false, ready: (p) => heading(p, 'Sign in').waitFor() },
  { path: '/', signedIn: true, ready: (p) => p.locator('#fingerprint').waitFor() },
  { path: '/contacts', signedIn: true, ready: (p) => p.getByRole('heading', { name: CONTACT.name }).waitFor() },
  { path: '/contacts/new', signedIn: true, ready: (p) => heading(p, 'Add a point of contact').waitFor() },
  { path: '/users', signedIn: true, ready: (p) => p.getByRole('heading', { name: /Maria Rossi/ }).waitFor() },
  { path: '/tokens', signedIn: true, ready: (p) => p.getByText('You have no API tokens.').waitFor() },
];

async function open(path: string, signedIn: boolean, viewport?: { width: number; height: number }): Promise<Page> {
  if (!signedIn) {
    const p = await anonymousPage(viewport);
    await p.goto(`${node!.url}${path}`);
    return p;
  }
  const ctx = await browser!.newContext({ viewport: viewport ?? { width: 1280, height: 900 }, storageState: await context.storageState() });
  const p = watch(await ctx.newPage());
  await p.goto(`${node!.url}${path}`);
  return p;
}

describe('accessibility', () => {
  it.each(pages)('axe-core finds no serious or critical violation on $path', async ({ path, signedIn, ready }) => {
    const p = await open(path, signedIn);
    try {
      await ready(p);
      expect(await seriousAxeViolations(p)).toEqual([]);
    } finally {
      await p.context().close();
    }
  });
});

describe('phone width', () => {
  it.each(pages)('$path does not scroll sideways at 375 px', async ({ path, signedIn, ready }) => {
    const p = await open(path, signedIn, { width: 375, height: 800 });
    try {
      await ready(p);
      expect(await scrollsHorizontally(p)).toBe(false);
    } finally {
      await p.context().close();
    }
  });
});

describe('keyboard', () => {
  it.each([
    { width: 1280, height: 600 },
    { width: 375, height: 700 },
  ])('going back up a long form with Shift+Tab at $width px, no field takes focus under the sticky test-state banner', async (viewport) => {
    const p = await open('/contacts/new', true, viewport);
    try {
      await heading(p, 'Add a point of contact').waitFor();
      await p.getByRole('button', { name: 'Add point of contact' }).focus();
      const hidden: string[] = [];
      for (let i = 0; i < 25; i++) {
        await p.keyboard.press('Shift+Tab');
        const seen = await p.evaluate(() => {
          const el = document.activeElement!;
          const banner = document.querySelector('.test-banner')!.getBoundingClientRect().bottom;
          // On a phone the header's links are behind its Menu button, so 25 steps reach the top:
          // the skip link, which shows over the banner, and then the browser's own controls.
          const top = el === document.body || el.classList.contains('skip-link');
          return { id: el.id || el.tagName, under: !top && el.getBoundingClientRect().top < banner };
        });
        if (seen.under) hidden.push(seen.id);
      }
      expect(hidden).toEqual([]);
    } finally {
      await p.context().close();
    }
  });
});

describe('two-step buttons', () => {
  it('the second click of a double-click on Revoke does not answer the question it brings up', async () => {
    await page.goto(`${node!.url}/tokens`);
    await page.getByLabel('Name').fill('Reporting script');
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('heading', { name: `Your new token "${isolated('Reporting script')}"` }).waitFor();
    await page.getByRole('button', { name: `Revoke ${isolated('Reporting script')}` }).click();
    const yes = page.getByRole('button', { name: 'Yes, revoke' });
    // The rest of a double-click on Revoke, had Yes come up under the pointer: a press the browser
    // counts as the second of a double-click (detail 2).
    await yes.evaluate((button) => {
      for (const type of ['mousedown', 'mouseup', 'click']) button.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, detail: 2 }));
    });
    await page.waitForTimeout(300);
    expect(await yes.isVisible()).toBe(true);
    expect(await page.getByText(`${isolated('Reporting script')} has been revoked.`).count()).toBe(0);
    // A click of its own answers it.
    await yes.click();
    await page.getByText(`${isolated('Reporting script')} has been revoked.`).waitFor();
  });

  const LENA = { email: 'lena@ministry.example', name: 'Lena Locked', password: 'lena password 1234' };
  const lenaRecord = () => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: new RegExp(LENA.name) }) });

  it('a locked account shows until when and why, and Unlock asks first, then says the person can sign in again', async () => {
    await (await inviteOfficer(browser!, context, node!, LENA, cspViolations)).context.close();
    // From an address of its own, whose allowance the suite's other sign-ins have not touched.
    const from = '127.0.0.2';
    for (let i = 0; i < 10; i++) expect(await signInFrom(from, LENA.email, 'not her password')).toBe(401);
    expect(await signInFrom(from, LENA.email, LENA.password)).toBe(429);

    await page.goto(`${node!.url}/users`);
    await lenaRecord().getByText(/^Locked after too many failed sign-ins, until .+ \(in .+\)\.$/).waitFor();
    await lenaRecord().getByRole('button', { name: `Unlock sign-in for ${isolated(LENA.name)}` }).click();
    await lenaRecord().getByText(`Let ${isolated(LENA.name)} try to sign in again now? Their failed sign-ins are forgotten; their password stays as it is.`, { exact: false }).waitFor();
    expect(await signInFrom(from, LENA.email, LENA.password)).toBe(429);
    await lenaRecord().getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByRole('status').getByText(`${isolated(LENA.name)} can sign in again with their password.`).waitFor();
    expect(await lenaRecord().getByText(/^Locked after/).count()).toBe(0);
    expect(await signInFrom(from, LENA.email, LENA.password)).toBe(200);
  });

  it('enabling a disabled account asks first, says its old password will not work, and shows a link to set a new one', async () => {
    await page.goto(`${node!.url}/users`);
    await lenaRecord().getByRole('button', { name: 'Disable account' }).click();
    await page.getByRole('status').getByText(`${isolated(LENA.name)} can no longer sign in.`, { exact: false }).waitFor();
    await lenaRecord().getByRole('button', { name: `Enable the account of ${isolated(LENA.name)}` }).click();
    await lenaRecord().getByText('It comes back without its old password, which may be known to others', { exact: false }).waitFor();
    await lenaRecord().getByRole('button', { name: 'Enable with a new password link' }).click();
    await page.getByRole('heading', { name: `One-time link for ${isolated(LENA.email)}` }).waitFor();
    await page.getByText('The old password and the API tokens of this account no longer work.').waitFor();
    expect(await page.locator('#issued-link').textContent()).toMatch(/\/setup#/);
    expect(await signInFrom('127.0.0.3', LENA.email, LENA.password)).toBe(401);
  });

  // Last of the signed-in tests: it resets the administrator's own password.
  it('a new password link asks first and says what stops working, then shows the link', async () => {
    await page.goto(`${node!.url}/users`);
    await page.getByRole('button', { name: `New password link for ${isolated(ADMIN.name)}` }).click();
    await page.getByText('Reset your own password? Your password and API tokens stop working at once').waitFor();
    await page.getByRole('button', { name: 'Reset the password' }).click();
    await page.getByRole('heading', { name: `One-time link for ${isolated(ADMIN.email)}` }).waitFor();
    await page.getByText('The old password and the API tokens of this account no longer work.').waitFor();
    expect(await page.locator('#issued-link').textContent()).toMatch(/\/setup#/);
  });
});

describe('loading pages', () => {
  /** The scripts the page fetches from now on, with the Cache-Control the node sent each with. */
  function scriptsOf(p: Page): { name: string; cache: string | undefined }[] {
    const scripts: { name: string; cache: string | undefined }[] = [];
    p.on('response', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/assets/') && path.endsWith('.js')) scripts.push({ name: path.slice('/assets/'.length).replace(/-[\w-]{8}\.js$/, ''), cache: r.headers()['cache-control'] });
    });
    return scripts;
  }

  it('the first load fetches no page it does not show; a page’s code comes on its first visit, cached for good, and its heading takes focus', async () => {
    const ctx = await browser!.newContext({ viewport: { width: 1280, height: 900 }, storageState: await context.storageState() });
    const p = watch(await ctx.newPage());
    try {
      const scripts = scriptsOf(p);
      await p.goto(`${node!.url}/`);
      await p.locator('#fingerprint').waitFor();
      const first = scripts.map((s) => s.name);
      expect(first).toContain('react');
      expect(first).not.toContain('checks');
      expect(first).not.toContain('request-form');
      expect(first).not.toContain('charts');

      await p.getByRole('navigation').getByRole('link', { name: 'Communication checks' }).click();
      await heading(p, 'Communication checks').waitFor();
      expect(scripts.find((s) => s.name === 'checks')?.cache).toBe('public, max-age=31536000, immutable');
      await expect.poll(() => p.evaluate(() => document.activeElement?.tagName + ' ' + document.activeElement?.textContent)).toBe('H1 Communication checks');
    } finally {
      await ctx.close();
    }
  });

  it('with the keyboard, the heading of a page that shows a loading state first still has focus once the page has loaded', async () => {
    const ctx = await browser!.newContext({ viewport: { width: 1280, height: 900 }, storageState: await context.storageState() });
    const p = watch(await ctx.newPage());
    try {
      await p.goto(`${node!.url}/contacts`);
      await p.getByRole('heading', { name: CONTACT.name }).waitFor();
      // The edit page first shows "Edit" while it loads the contact, then the form under its own heading.
      await p.getByRole('link', { name: `Edit ${isolated(CONTACT.name)}` }).focus();
      await p.keyboard.press('Enter');
      await heading(p, `Edit ${isolated(CONTACT.name)}`).waitFor();
      await expect.poll(() => p.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent}`)).toBe(`H1 Edit ${isolated(CONTACT.name)}`);
    } finally {
      await ctx.close();
    }
  });

  it('a page whose code cannot be fetched says so under the navigation, the navigation still works, and Reload the page brings it', async () => {
    const ctx = await browser!.newContext({ viewport: { width: 1280, height: 900 }, storageState: await context.storageState() });
    const p = watch(await ctx.newPage());
    try {
      await p.goto(`${node!.url}/`);
      await p.locator('#fingerprint').waitFor();
      // As after the node was updated: the page names a file of the build it came with.
      await p.route('**/assets/tokens-*.js', (route) => route.fulfill({ status: 404, contentType: 'text/plain', body: 'gone' }));
      await p.getByRole('navigation').getByRole('link', { name: 'API tokens' }).click();
      await heading(p, 'This page could not be loaded').waitFor();
      await p.getByRole('alert').filter({ hasText: 'Reload the page to continue.' }).waitFor();
      // The navigation stayed, and another page opens from it.
      await p.getByRole('navigation').getByRole('link', { name: 'Points of contact' }).click();
      await heading(p, 'Points of contact').waitFor();
      await p.goBack();
      await heading(p, 'This page could not be loaded').waitFor();
      await p.unroute('**/assets/tokens-*.js');
      await p.getByRole('button', { name: 'Reload the page' }).click();
      await heading(p, 'API tokens').waitFor();
    } finally {
      await ctx.close();
    }
  });
});

describe('content security policy', () => {
  it('no page of the suite broke the node’s CSP (no inline script or style)', () => {
    expect(cspViolations).toEqual([]);
  });
});
