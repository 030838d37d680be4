import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, scrollsHorizontally, seriousAxeViolations, setUpFirstAdmin, setupTimeout, startCliNode, watchPage, type CliNode } from './browser.js';

/**
 * The interface in French in a real browser: chosen by the browser's preferred language, or with
 * the switch in the header, which changes the page in place (what was typed stays) and which the
 * browser remembers across a reload; `<html lang>`, the words and the dates follow. An English
 * page never fetches the French words.
 */

const ADMIN = { email: 'admin@ministry.example', name: 'Maria Rossi', password: 'correct horse battery staple' };

let node: CliNode | undefined;
let browser: Browser | undefined;
const cspViolations: string[] = [];

/** A fresh, signed-out browser context whose preferred language is `locale`. */
async function pageIn(locale: string): Promise<Page> {
  const context: BrowserContext = await browser!.newContext({ viewport: { width: 1280, height: 900 }, locale });
  return watchPage(await context.newPage(), cspViolations);
}

/** Signs the administrator in, in English. */
async function signIn(p: Page): Promise<void> {
  await p.goto(`${node!.url}/sign-in`);
  await heading(p, 'Sign in').waitFor();
  await p.getByLabel('E-mail address').fill(ADMIN.email);
  await p.getByLabel('Password').fill(ADMIN.password);
  await p.getByRole('button', { name: 'Sign in', exact: true }).click();
  await heading(p, 'This node').waitFor();
}

const heading = (p: Page, name: string) => p.getByRole('heading', { level: 1, name, exact: true });
const htmlLang = (p: Page) => p.evaluate(() => document.documentElement.lang);

/** The script files the page fetched, by name without their hash ("fr", "locale-en"). */
function scriptsOf(p: Page): string[] {
  const scripts: string[] = [];
  p.on('request', (r) => {
    const name = /\/assets\/(.+)-[\w-]{8}\.js$/.exec(new URL(r.url()).pathname)?.[1];
    if (name) scripts.push(name);
  });
  return scripts;
}

beforeAll(async () => {
  browser = await launchBrowser();
  node = await startCliNode();
  const p = await pageIn('en-US');
  await setUpFirstAdmin(p, node, ADMIN);
  await p.context().close();
}, setupTimeout(45_000));

afterAll(async () => {
  await browser?.close();
  await node?.stop();
}, 30_000);

describe('the interface in French', () => {
  it('is English for a browser that prefers English, without fetching the French words, with a switch naming each language in itself', async () => {
    const p = await pageIn('en-US');
    const scripts = scriptsOf(p);
    await p.goto(`${node!.url}/sign-in`);
    await heading(p, 'Sign in').waitFor();
    expect(await htmlLang(p)).toBe('en');
    const choices = p.getByRole('group', { name: 'Language' }).getByRole('button');
    expect(await choices.allTextContents()).toEqual(['English', 'Français']);
    expect(await choices.evaluateAll((bs) => bs.map((b) => [b.getAttribute('lang'), b.getAttribute('aria-pressed')]))).toEqual([
      ['en', 'true'],
      ['fr', 'false'],
    ]);
    expect(scripts).toContain('locale-en');
    expect(scripts).not.toContain('fr');
    await p.context().close();
  });

  it('is French for a browser that prefers French, before anyone chooses', async () => {
    const p = await pageIn('fr-CH');
    await p.goto(`${node!.url}/sign-in`);
    await heading(p, 'Connexion').waitFor();
    expect(await htmlLang(p)).toBe('fr');
    expect(await p.getByRole('group', { name: 'Langue' }).getByRole('button', { name: 'Français' }).getAttribute('aria-pressed')).toBe('true');
    await p.context().close();
  });

  it('switches to Français from the sign-in page, signs in, shows the pages, the dates and the title in French, and survives a reload', async () => {
    const p = await pageIn('en-US');
    await p.goto(`${node!.url}/sign-in`);
    await heading(p, 'Sign in').waitFor();
    await p.getByRole('button', { name: 'Français' }).click();

    await heading(p, 'Connexion').waitFor();
    expect(await htmlLang(p)).toBe('fr');
    expect(await p.evaluate(() => localStorage.getItem('parley.language'))).toBe('fr');
    await p.getByText('Connectez-vous avec l’adresse électronique et le mot de passe de votre compte sur ce nœud.').waitFor();
    expect(await seriousAxeViolations(p)).toEqual([]);

    await p.getByLabel('Adresse électronique').fill(ADMIN.email);
    await p.getByLabel('Mot de passe').fill(ADMIN.password);
    await p.getByRole('button', { name: 'Se connecter' }).click();
    await heading(p, 'Ce nœud').waitFor();
    expect(await p.locator('.account-name').textContent()).toBe(`Connecté en tant que ${ADMIN.name} (Administrateur)`);
    expect(await p.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link').allTextContents()).toEqual(
      expect.arrayContaining(['Ce nœud', 'Points de contact', 'Annuaire des États', 'Tests de communication', 'États pairs', 'Jetons d’API']),
    );
    expect(await p.title()).toBe('\u2068Ce nœud\u2069 — Parley');
    // The node's creation time, as Intl writes it in French: "27 nov. 2026, 21:15 UTC".
    const created = p.locator('dl.facts dt', { hasText: 'Créé le' }).locator('xpath=following-sibling::dd[1]');
    expect(await created.textContent()).toMatch(/^\d{1,2} (janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)\.? \d{4},? (à )?\d{2}:\d{2} /);
    expect(await seriousAxeViolations(p)).toEqual([]);
    // French sentences run longer than English ones: the header and the page still fit a phone.
    await p.setViewportSize({ width: 375, height: 800 });
    expect(await scrollsHorizontally(p)).toBe(false);
    await p.setViewportSize({ width: 1280, height: 900 });

    // A page whose code is fetched on its first visit speaks French too.
    await p.getByRole('link', { name: 'Tests de communication' }).click();
    await heading(p, 'Tests de communication').waitFor();
    await p.getByRole('heading', { name: 'Lancer un test' }).waitFor();

    await p.reload();
    await heading(p, 'Tests de communication').waitFor();
    expect(await htmlLang(p)).toBe('fr');

    await p.getByRole('button', { name: 'English' }).click();
    await heading(p, 'Communication checks').waitFor();
    expect(await htmlLang(p)).toBe('en');
    expect(await p.evaluate(() => localStorage.getItem('parley.language'))).toBe('en');
    await p.context().close();
  });

  it('switches in place, keeping what was typed into a consultation and a point of contact, with the labels and the title in the new language', async () => {
    const p = await pageIn('en-US');
    await signIn(p);
    // Each page's code is fetched on its first visit; leaving a page for another keeps nothing of it.
    let loads = 0;
    p.on('load', () => loads++);

    await p.goto(`${node!.url}/consultations/new`);
    await heading(p, 'Raise a consultation').waitFor();
    loads = 0;
    await p.getByLabel('Title', { exact: true }).fill('Scanning of the grid operator, half written');
    await p.getByLabel('Summary').fill('Since 02:00 UTC we see');
    await p.getByRole('button', { name: 'Français' }).click();
    await heading(p, 'Engager une consultation').waitFor();
    expect(await p.getByLabel('Titre', { exact: true }).inputValue()).toBe('Scanning of the grid operator, half written');
    expect(await p.getByLabel('Résumé').inputValue()).toBe('Since 02:00 UTC we see');
    expect(await p.title()).toBe('\u2068Engager une consultation\u2069 — Parley');
    // The words a draft's form shares with cooperation requests (i18n/fr-drafts.ts) follow too.
    expect(await p.getByRole('button', { name: 'Enregistrer le projet' }).count()).toBe(1);
    expect(await p.getByRole('button', { name: 'Envoyer…' }).count()).toBe(1);
    expect(await htmlLang(p)).toBe('fr');
    expect(await p.getByRole('button', { name: 'Français' }).getAttribute('aria-pressed')).toBe('true');
    // Still the page that was loaded, so nothing was reloaded to change the words.
    expect(loads).toBe(0);

    await p.getByRole('button', { name: 'English' }).click();
    await heading(p, 'Raise a consultation').waitFor();
    expect(await p.getByLabel('Title', { exact: true }).inputValue()).toBe('Scanning of the grid operator, half written');

    // A page opened in one language and switched while typing: the new point of contact.
    await p.getByRole('link', { name: 'Points of contact' }).click();
    await heading(p, 'Points of contact').waitFor();
    await p.getByRole('link', { name: 'Add a point of contact' }).click();
    await p.getByLabel('Name', { exact: true }).fill('Duty officer');
    await p.getByLabel('Organisation').fill('National CERT');
    await p.getByRole('button', { name: 'Français' }).click();
    await p.getByLabel('Nom', { exact: true }).waitFor();
    expect(await p.getByLabel('Nom', { exact: true }).inputValue()).toBe('Duty officer');
    expect(await p.getByLabel('Organisation').inputValue()).toBe('National CERT');
    expect(await p.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Points de contact' }).count()).toBe(1);
    expect(loads).toBe(0);
    expect(await p.evaluate(() => localStorage.getItem('parley.language'))).toBe('fr');
    expect(await seriousAxeViolations(p)).toEqual([]);
    await p.context().close();
  });

  it('stays in its language, with what was typed, and says so when the words of the language chosen cannot be fetched', async () => {
    const p = await pageIn('en-US');
    await p.route(/\/assets\/fr-[\w-]{8}\.js$/, (route) => route.abort('internetdisconnected'));
    await p.goto(`${node!.url}/sign-in`);
    await heading(p, 'Sign in').waitFor();
    await p.getByLabel('E-mail address').fill(ADMIN.email);
    await p.getByRole('button', { name: 'Français' }).click();
    await p.getByRole('alert').filter({ hasText: "Français: the interface's words could not be fetched. Check the connection, then choose the language again." }).waitFor();
    expect(await heading(p, 'Sign in').count()).toBe(1);
    expect(await htmlLang(p)).toBe('en');
    expect(await p.getByLabel('E-mail address').inputValue()).toBe(ADMIN.email);
    expect(await p.evaluate(() => localStorage.getItem('parley.language'))).toBeNull();

    // Once the connection is back, choosing again works, and the message goes.
    await p.unroute(/\/assets\/fr-[\w-]{8}\.js$/);
    await p.getByRole('button', { name: 'Français' }).click();
    await heading(p, 'Connexion').waitFor();
    expect(await p.getByLabel('Adresse électronique').inputValue()).toBe(ADMIN.email);
    expect(await p.getByRole('alert').filter({ hasText: 'could not be fetched' }).count()).toBe(0);
    await p.context().close();
  });

  it('broke no Content Security Policy', () => {
    expect(cspViolations).toEqual([]);
  });
});
