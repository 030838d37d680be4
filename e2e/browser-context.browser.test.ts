import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './browser.js';

/**
 * The browser suites run in the same language and time zone on every machine: Chromium is started
 * here as if on a French machine in New Zealand, and its contexts still speak en-US in UTC unless
 * a test asks for another.
 */

let browser: Browser | undefined;
const machine = { TZ: process.env.TZ, LANG: process.env.LANG, LANGUAGE: process.env.LANGUAGE, LC_ALL: process.env.LC_ALL };

beforeAll(async () => {
  Object.assign(process.env, { TZ: 'Pacific/Auckland', LANG: 'fr_FR.UTF-8', LANGUAGE: 'fr_FR', LC_ALL: 'fr_FR.UTF-8' });
  try {
    browser = await launchBrowser();
  } finally {
    for (const [name, value] of Object.entries(machine)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
}, 30_000);

/** What the page's scripts see of the browser's language and time zone. */
const seen = (p: Page) =>
  p.evaluate(() => ({
    languages: [...navigator.languages],
    intlLocale: new Intl.DateTimeFormat().resolvedOptions().locale,
    timeZone: new Intl.DateTimeFormat().resolvedOptions().timeZone,
    offsetMinutes: new Date('2026-07-01T12:00:00Z').getTimezoneOffset(),
  }));

describe('the browser contexts of the suites', () => {
  it('are in en-US and UTC whatever the machine', async () => {
    const context = await browser!.newContext();
    expect(await seen(await context.newPage())).toEqual({ languages: ['en-US'], intlLocale: 'en-US', timeZone: 'UTC', offsetMinutes: 0 });
    await context.close();
  });

  it('are in en-US and UTC when opened by newPage, and when a test sets other options only', async () => {
    const page = await browser!.newPage();
    expect(await seen(page)).toMatchObject({ languages: ['en-US'], timeZone: 'UTC' });
    await page.context().close();
    const context = await browser!.newContext({ viewport: { width: 375, height: 800 } });
    expect(await seen(await context.newPage())).toMatchObject({ languages: ['en-US'], timeZone: 'UTC' });
    await context.close();
  });

  it('take the language and time zone a test asks for', async () => {
    const context = await browser!.newContext({ locale: 'fr-CH', timezoneId: 'America/New_York' });
    expect(await seen(await context.newPage())).toEqual({ languages: ['fr-CH'], intlLocale: 'fr-CH', timeZone: 'America/New_York', offsetMinutes: 240 });
    await context.close();
  });
});
