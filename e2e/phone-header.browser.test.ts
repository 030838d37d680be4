import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, scrollsHorizontally, seriousAxeViolations, setUpFirstAdmin, setupTimeout, startCliNode, type CliNode, type Person, watchPage } from './browser.js';

/**
 * The header on a phone. At 320 px wide the whole header (brand, account, twelve navigation
 * links) once took about 570 px of a 640 px screen; there the navigation and the account now sit
 * behind a "Menu" disclosure button, with the language switch, and at tablet and desktop widths
 * they stay in view as before.
 */

const ADMIN: Person = { email: 'admin@cert.aurelia.example', name: 'Maria Rossi', password: 'correct horse battery staple' };

/** Every link of the navigation an administrator has, and the heading of the page it opens. */
const NAV: Array<[string, string]> = [
  ['This node', 'This node'],
  ['Points of contact', 'Points of contact'],
  ['Directory of states', 'Directory of states'],
  ['Consultations', 'Consultations'],
  ['Requests', 'Cooperation requests'],
  ['Communication checks', 'Communication checks'],
  ['Norms', 'Norms of responsible state behaviour'],
  ['Peers', 'Peers'],
  ['Messages', 'Messages'],
  ['Log witnessing', 'Log witnessing'],
  ['Users', 'Users'],
  ['API tokens', 'API tokens'],
];

let node: CliNode | undefined;
let browser: Browser | undefined;
let admin: BrowserContext;
const cspViolations: string[] = [];

const heading = (p: Page, name: string) => p.getByRole('heading', { level: 1, name, exact: true });
const menuButton = (p: Page) => p.getByRole('button', { name: /^Menu/ });
const navLink = (p: Page, name: string) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
const headerHeight = (p: Page) => p.getByRole('banner').evaluate((el) => el.getBoundingClientRect().height);
/** Whether the Menu button sits clear of the product's name, rather than on top of it. */
const clearOfBrand = (p: Page) =>
  p.evaluate(() => document.querySelector('.brand-name')!.getBoundingClientRect().right <= document.querySelector('.menu-button')!.getBoundingClientRect().left);
const inViewportWidth = (l: Locator) => l.evaluate((el) => el.getBoundingClientRect().right <= document.documentElement.clientWidth + 0.5);

beforeAll(async () => {
  browser = await launchBrowser();
  node = await startCliNode({ state: 'XAA' });
  admin = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await setUpFirstAdmin(watchPage(await admin.newPage(), cspViolations), node, ADMIN);
}, setupTimeout(60_000));

afterAll(async () => {
  await browser?.close();
  await node?.stop();
}, 30_000);

async function open(viewport: { width: number; height: number }, path = '/'): Promise<Page> {
  const ctx = await browser!.newContext({ viewport, storageState: await admin.storageState() });
  const p = watchPage(await ctx.newPage(), cspViolations);
  await p.goto(`${node!.url}${path}`);
  return p;
}

describe('at 320 px wide', () => {
  it('the header is at most 120 px high, with the navigation behind a Menu button, and nothing scrolls sideways', async () => {
    const p = await open({ width: 320, height: 640 });
    try {
      await heading(p, 'This node').waitFor();
      expect(await headerHeight(p)).toBeLessThanOrEqual(120);
      expect(await scrollsHorizontally(p)).toBe(false);
      expect(await menuButton(p).getAttribute('aria-expanded')).toBe('false');
      expect(await navLink(p, 'Peers').isVisible()).toBe(false);
      expect(await p.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);
      expect(await seriousAxeViolations(p)).toEqual([]);
    } finally {
      await p.context().close();
    }
  });

  it('the Menu button opens and closes from the keyboard; Tab goes on into the menu, Escape closes it and returns focus', async () => {
    const p = await open({ width: 320, height: 640 });
    try {
      await heading(p, 'This node').waitFor();
      await menuButton(p).focus();
      await p.keyboard.press('Enter');
      expect(await menuButton(p).getAttribute('aria-expanded')).toBe('true');
      for (const [name] of NAV) {
        const link = navLink(p, name);
        expect(await link.isVisible(), name).toBe(true);
        expect(await inViewportWidth(link), name).toBe(true);
      }
      expect(await p.getByRole('link', { name: 'Notifications' }).isVisible()).toBe(true);
      expect(await p.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
      expect(await scrollsHorizontally(p)).toBe(false);
      expect(await seriousAxeViolations(p)).toEqual([]);

      // The menu follows its button in the order of focus.
      await p.keyboard.press('Tab');
      expect(await p.evaluate(() => document.activeElement?.closest('.masthead') !== null && document.activeElement?.tagName)).toBe('A');

      await p.keyboard.press('Escape');
      expect(await menuButton(p).getAttribute('aria-expanded')).toBe('false');
      expect(await menuButton(p).evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await navLink(p, 'Peers').isVisible()).toBe(false);

      await p.keyboard.press('Space');
      expect(await menuButton(p).getAttribute('aria-expanded')).toBe('true');
      await p.keyboard.press('Space');
      expect(await menuButton(p).getAttribute('aria-expanded')).toBe('false');
    } finally {
      await p.context().close();
    }
  });

  it('every link of the navigation is reached through the menu, which closes on the page it opens', async () => {
    const p = await open({ width: 320, height: 640 }, '/tokens');
    try {
      await heading(p, 'API tokens').waitFor();
      for (const [name, title] of NAV) {
        await menuButton(p).click();
        await navLink(p, name).click();
        await heading(p, title).waitFor();
        expect(await menuButton(p).getAttribute('aria-expanded'), name).toBe('false');
        expect(await headerHeight(p), name).toBeLessThanOrEqual(120);
        // Focus is on the new page's heading, not left on a link that is no longer shown.
        expect(await heading(p, title).evaluate((el) => el === document.activeElement), name).toBe(true);
      }
    } finally {
      await p.context().close();
    }
  }, 60_000);
});

describe('the language at 320 px wide', () => {
  const languages = (p: Page, group: string) => p.getByRole('group', { name: group, exact: true });

  it('is switched to Français and back through the Menu, and the header stays at most 120 px high in both languages', async () => {
    const p = await open({ width: 320, height: 640 });
    try {
      await heading(p, 'This node').waitFor();
      // The brand row has no room for the switch (beside it the Menu button lay over "Parley"): it is
      // in the Menu's panel, hidden with it.
      expect(await languages(p, 'Language').isVisible()).toBe(false);
      expect(await clearOfBrand(p)).toBe(true);
      expect(await headerHeight(p)).toBeLessThanOrEqual(120);
      await menuButton(p).click();
      const choices = languages(p, 'Language').getByRole('button');
      expect(await choices.allTextContents()).toEqual(['English', 'Français']);
      for (const choice of await choices.all()) expect(await inViewportWidth(choice)).toBe(true);
      await languages(p, 'Language').getByRole('button', { name: 'Français' }).click();

      await heading(p, 'Ce nœud').waitFor();
      expect(await p.evaluate(() => document.documentElement.lang)).toBe('fr');
      // The page changes in place: the menu stays open, with focus on the language just chosen.
      expect(await menuButton(p).getAttribute('aria-expanded')).toBe('true');
      expect(await p.evaluate(() => document.activeElement?.textContent)).toBe('Français');

      // French words run longer: the open menu still fits the width, every link in view.
      const links = p.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link');
      expect(await links.count()).toBe(NAV.length);
      for (const link of await links.all()) {
        expect(await link.isVisible(), await link.textContent()).toBe(true);
        expect(await inViewportWidth(link), await link.textContent()).toBe(true);
      }
      expect(await p.getByRole('button', { name: 'Se déconnecter' }).isVisible()).toBe(true);
      expect(await scrollsHorizontally(p)).toBe(false);
      expect(await seriousAxeViolations(p)).toEqual([]);

      await menuButton(p).click();
      expect(await menuButton(p).getAttribute('aria-expanded')).toBe('false');
      expect(await headerHeight(p)).toBeLessThanOrEqual(120);
      expect(await clearOfBrand(p)).toBe(true);
      expect(await scrollsHorizontally(p)).toBe(false);

      await menuButton(p).click();
      await links.filter({ hasText: 'États pairs' }).click();
      await heading(p, 'États pairs').waitFor();
      expect(await headerHeight(p)).toBeLessThanOrEqual(120);
      expect(await scrollsHorizontally(p)).toBe(false);

      await menuButton(p).click();
      await languages(p, 'Langue').getByRole('button', { name: 'English' }).click();
      await heading(p, 'Peers').waitFor();
      expect(await p.evaluate(() => document.documentElement.lang)).toBe('en');
      await menuButton(p).click();
      expect(await headerHeight(p)).toBeLessThanOrEqual(120);
    } finally {
      await p.context().close();
    }
  }, 60_000);

  it('is in view beside the brand on the sign-in page, where there is no Menu, in both languages', async () => {
    const ctx = await browser!.newContext({ viewport: { width: 320, height: 640 } });
    const p = watchPage(await ctx.newPage(), cspViolations);
    try {
      await p.goto(`${node!.url}/sign-in`);
      await heading(p, 'Sign in').waitFor();
      expect(await menuButton(p).count()).toBe(0);
      expect(await headerHeight(p)).toBeLessThanOrEqual(120);
      const french = languages(p, 'Language').getByRole('button', { name: 'Français' });
      expect(await french.isVisible()).toBe(true);
      expect(await inViewportWidth(french)).toBe(true);
      await french.click();
      await heading(p, 'Connexion').waitFor();
      expect(await headerHeight(p)).toBeLessThanOrEqual(120);
      expect(await scrollsHorizontally(p)).toBe(false);
      expect(await inViewportWidth(languages(p, 'Langue').getByRole('button', { name: 'English' }))).toBe(true);
    } finally {
      await ctx.close();
    }
  });
});

describe.each([
  { width: 768, height: 900 },
  { width: 1280, height: 900 },
])('at $width px wide', (viewport) => {
  it('there is no Menu button: the navigation and the account are in view, and a link opens its page', async () => {
    const p = await open(viewport);
    try {
      await heading(p, 'This node').waitFor();
      expect(await menuButton(p).isVisible()).toBe(false);
      for (const [name] of NAV) expect(await navLink(p, name).isVisible(), name).toBe(true);
      expect(await p.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
      expect(await scrollsHorizontally(p)).toBe(false);
      await navLink(p, 'Peers').click();
      await heading(p, 'Peers').waitFor();
      expect(await navLink(p, 'Peers').getAttribute('aria-current')).toBe('page');
    } finally {
      await p.context().close();
    }
  });
});

describe('content security policy', () => {
  it('no page of the suite broke the node’s CSP', () => {
    expect(cspViolations).toEqual([]);
  });
});
