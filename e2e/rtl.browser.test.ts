import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { limits } from '../packages/protocol/src/limits.js';
import { SOURCES_BOX } from '../packages/web/src/norm-sources.js';
import { isolated, launchBrowser, sessionApi, setUpFirstAdmin, setupTimeout, startCliNode, type CliNode, type Person, watchPage } from './browser.js';

/**
 * Text written right to left in a real browser: officers write in the six UN languages, Arabic
 * among them. XAA's administrator raises a consultation with XAB in Arabic and writes to XAB in
 * Arabic and in English, and adds a point of contact named in Arabic. What they wrote must read
 * right to left where it is typed and wherever it is shown, on both nodes, while English stays
 * left to right. The tests run in order and share the administrators' pages.
 */

const ADMIN_A: Person = { email: 'admin@cert.aurelia.example', name: 'Maria Rossi', password: 'correct horse battery staple' };
const ADMIN_B: Person = { email: 'admin@cert.borealis.example', name: 'Ingrid Olsen', password: 'another long pass phrase' };
const FEDERATION_MS = 45_000;

const TITLE = 'هجوم على شبكة الكهرباء';
const SUMMARY = 'رصدنا حركة مريبة من عنوانين في أراضيكم.';
const MESSAGE = 'هجوم على الشبكة: الرجاء الرد.';
const ENGLISH = 'Logs attached: please confirm.';
const CONTACT = { name: 'أحمد المنصوري', organisation: 'الفريق الوطني للاستجابة لطوارئ الحاسوب', position: 'Duty officer' };
/**
 * An emoji, a Chinese character outside the Basic Multilingual Plane (CJK Extension B) and an
 * Arabic letter: three characters, as the node counts them, but five UTF-16 units, as the HTML
 * maxlength attribute and JavaScript's length count them.
 */
const ASTRAL = '😀𠀀ب';
/** A consultation's title at the node's limit: 300 characters (500 UTF-16 units). */
const LONGEST_TITLE = ASTRAL.repeat(100);
const characters = (s: string) => [...s].length;

let a: CliNode | undefined;
let b: CliNode | undefined;
let browser: Browser | undefined;
let pageA: Page;
let pageB: Page;
const cspViolations: string[] = [];

const heading = (p: Page, name: string) => p.getByRole('heading', { level: 1, name, exact: true });
/** The direction the browser lays the element out in, after the cascade and dir="auto". */
const direction = (l: Locator) => l.evaluate((el) => getComputedStyle(el).direction);
const message = (p: Page, text: string) => p.locator('.consultation-timeline > li[data-action="message"] .consultation-text').filter({ hasText: text });

beforeAll(async () => {
  browser = await launchBrowser();
  [a, b] = await Promise.all([startCliNode({ state: 'XAA' }), startCliNode({ state: 'XAB' })]);
  const contexts: BrowserContext[] = await Promise.all([0, 1].map(() => browser!.newContext({ viewport: { width: 1280, height: 900 } })));
  [pageA, pageB] = await Promise.all(contexts.map(async (c) => watchPage(await c.newPage(), cspViolations)));
  await Promise.all([setUpFirstAdmin(pageA, a, ADMIN_A), setUpFirstAdmin(pageB, b, ADMIN_B)]);
  const [apiA, apiB] = await Promise.all([sessionApi(contexts[0]!, a.url), sessionApi(contexts[1]!, b.url)]);
  expect((await apiA('POST', '/peers', { url: b.url, fingerprint: b.fingerprint })).status).toBe(201);
  expect((await apiB('POST', '/peers', { url: a.url, fingerprint: a.fingerprint })).status).toBe(201);
}, setupTimeout(150_000));

afterAll(async () => {
  await browser?.close();
  await Promise.all([a?.stop(), b?.stop()]);
}, 30_000);

describe('a consultation written in Arabic', () => {
  it('its title and summary read right to left as they are typed and on its page', async () => {
    const p = pageA;
    await p.goto(`${a!.url}/consultations/new`);
    await heading(p, 'Raise a consultation').waitFor();
    await p.getByRole('checkbox', { name: /^XAB — / }).check();
    const title = p.getByLabel('Title', { exact: true });
    await title.fill(TITLE);
    const summary = p.getByLabel(/^Summary/);
    await summary.fill(SUMMARY);
    expect([await direction(title), await direction(summary)]).toEqual(['rtl', 'rtl']);
    // A field left empty, or holding English, keeps the page's direction.
    expect(await direction(p.getByLabel(/^Actions requested/))).toBe('ltr');

    await p.getByRole('button', { name: 'Send…' }).click();
    await p.getByRole('button', { name: 'Yes, send it' }).click();
    await heading(p, TITLE).waitFor();
    expect(await direction(heading(p, TITLE))).toBe('rtl');
    const details = p.getByRole('region', { name: 'Details' });
    expect(await direction(details.getByText(SUMMARY, { exact: true }))).toBe('rtl');
    // The interface's own words around it stay left to right.
    expect(await direction(details.getByRole('heading', { name: 'Details', exact: true }))).toBe('ltr');
  }, 60_000);

  it('a message in Arabic reads right to left in its box and in the timeline, and one in English left to right', async () => {
    const p = pageA;
    for (const text of [MESSAGE, ENGLISH]) {
      await p.getByRole('region', { name: 'What you can do now' }).getByRole('button', { name: 'Write a message', exact: true }).click();
      const form = p.locator('#step-form');
      const box = form.getByRole('textbox').last();
      await box.fill(text);
      expect(await direction(box)).toBe(text === MESSAGE ? 'rtl' : 'ltr');
      await form.getByRole('button', { name: 'Send the message', exact: true }).click();
      await message(p, text).waitFor();
    }
    expect([await direction(message(p, MESSAGE)), await direction(message(p, ENGLISH))]).toEqual(['rtl', 'ltr']);
  }, 60_000);

  it('the other state reads the title in its list and the message on its page right to left', async () => {
    const p = pageB;
    await p.goto(`${b!.url}/consultations?box=inbox`);
    const link = p.getByRole('link', { name: TITLE, exact: true });
    await link.waitFor({ timeout: FEDERATION_MS });
    expect(await direction(link)).toBe('rtl');
    await link.click();
    await heading(p, TITLE).waitFor();
    await message(p, MESSAGE).waitFor({ timeout: FEDERATION_MS });
    expect([await direction(heading(p, TITLE)), await direction(message(p, MESSAGE)), await direction(message(p, ENGLISH))]).toEqual(['rtl', 'rtl', 'ltr']);
  }, 90_000);
});

describe('text at the node’s limit', () => {
  it('a title of emoji and rare Chinese characters takes as many characters as the node accepts, no more, and the node keeps it whole', async () => {
    const p = pageA;
    await p.goto(`${a!.url}/consultations/new`);
    await heading(p, 'Raise a consultation').waitFor();
    await p.getByRole('checkbox', { name: /^XAB — / }).check();
    const title = p.getByLabel('Title', { exact: true });
    // Pasted beyond the limit: as much as fits is kept, and no character is cut in half.
    await title.fill(LONGEST_TITLE + '😀😀');
    expect(await title.inputValue()).toBe(LONGEST_TITLE);
    // Typed at the limit: one character out makes room for one emoji, and only one.
    await title.press('End');
    await title.press('Backspace');
    expect(characters(await title.inputValue())).toBe(299);
    await p.keyboard.type('😀');
    await p.keyboard.type('😀');
    const typed = LONGEST_TITLE.slice(0, -1) + '😀';
    expect(await title.inputValue()).toBe(typed);
    expect([characters(typed), typed.length]).toEqual([300, 501]);

    await p.getByRole('button', { name: 'Send…' }).click();
    await p.getByRole('button', { name: 'Yes, send it' }).click();
    // The node accepted it and shows it back exactly as typed; the tab's title isolates it.
    await heading(p, typed).waitFor();
    expect(await p.title()).toBe(`${isolated(typed)} — Parley`);
  }, 60_000);

  it('a Chinese input method composes freely at the limit, and only the characters chosen are cut to it', async () => {
    const p = pageA;
    await p.goto(`${a!.url}/consultations/new`);
    const title = p.getByLabel('Title', { exact: true });
    await title.fill('a'.repeat(299));
    await title.press('End');
    // Pinyin being composed is not cut (that would break the composition); the choice is.
    const ime = await p.context().newCDPSession(p);
    await ime.send('Input.imeSetComposition', { text: 'zhongwen', selectionStart: 8, selectionEnd: 8 });
    expect(await title.inputValue()).toBe(`${'a'.repeat(299)}zhongwen`);
    await ime.send('Input.insertText', { text: '中文' });
    expect(await title.inputValue()).toBe(`${'a'.repeat(299)}中`);
    await ime.detach();
  }, 60_000);

  it('the password, norm sources and indicator value boxes take the node’s limits too', async () => {
    const p = pageA;
    // An indicator value: at most 2048 characters, whatever is pasted.
    await p.goto(`${a!.url}/consultations/new`);
    const indicator = p.locator('#indicator-one-value');
    await indicator.fill(`https://example.org/${'a'.repeat(limits.indicator.value)}`);
    expect(characters(await indicator.inputValue())).toBe(limits.indicator.value);

    // Sources, one per line: the box holds no more than 20 full ones, and the page names a line
    // or a count the node would refuse before sending anything.
    await p.goto(`${a!.url}/norms/entries/gge2015-13h`);
    const sources = p.getByLabel('Sources, one per line');
    await sources.fill('s'.repeat(SOURCES_BOX + 10));
    expect(characters(await sources.inputValue())).toBe(SOURCES_BOX);
    const error = p.locator('#note-sources-error');
    await sources.fill(Array.from({ length: 21 }, (_, i) => `A/RES/${i + 1}`).join('\n'));
    await p.getByRole('button', { name: 'Save note' }).click();
    await error.waitFor();
    expect(await error.textContent()).toBe('Give at most 20 sources; there are 21.');
    await sources.fill(`A/RES/1\n${'𠀀'.repeat(limits.norms.source + 1)}`);
    await p.getByRole('button', { name: 'Save note' }).click();
    await error.filter({ hasText: 'Source 2' }).waitFor();
    expect(await error.textContent()).toBe('Source 2 has 501 characters; a source has at most 500.');

    // A password: at most 256 characters, on the sign-in page and where one is chosen.
    const anonymous = await browser!.newContext();
    try {
      const q = await anonymous.newPage();
      await q.goto(`${a!.url}/sign-in`);
      const password = q.getByLabel('Password');
      await password.fill('😀'.repeat(limits.account.password + 4));
      expect(characters(await password.inputValue())).toBe(limits.account.password);
    } finally {
      await anonymous.close();
    }
  }, 60_000);
});

describe('a point of contact named in Arabic', () => {
  it('its name and organisation read right to left in the form and in the list, its English position left to right', async () => {
    const p = pageA;
    await p.goto(`${a!.url}/contacts/new`);
    await heading(p, 'Add a point of contact').waitFor();
    const name = p.getByLabel('Name', { exact: true });
    await name.fill(CONTACT.name);
    await p.getByLabel('Organisation').fill(CONTACT.organisation);
    await p.getByLabel(/^Position/).fill(CONTACT.position);
    expect([await direction(name), await direction(p.getByLabel('Organisation')), await direction(p.getByLabel(/^Position/))]).toEqual(['rtl', 'rtl', 'ltr']);
    await p.getByLabel('E-mail address').fill('duty@cert.aurelia.example');
    await p.getByLabel('Telephone').fill('+999 21 555 0199');
    await p.getByLabel('Add a language').fill('ar');
    await p.getByRole('button', { name: 'Add', exact: true }).click();
    await p.getByLabel('Time zone').fill('Asia/Dubai');
    await p.getByRole('button', { name: 'Add point of contact' }).click();
    await heading(p, 'Points of contact').waitFor();

    const card = p.getByRole('listitem').filter({ has: p.getByRole('heading', { name: CONTACT.name }) });
    await card.waitFor();
    expect({
      name: await direction(card.getByText(CONTACT.name, { exact: true })),
      organisation: await direction(card.getByText(CONTACT.organisation, { exact: true })),
      position: await direction(card.getByText(CONTACT.position, { exact: true })),
    }).toEqual({ name: 'rtl', organisation: 'rtl', position: 'ltr' });
  }, 60_000);

  it('its name is isolated from the English sentences around it, on the page and in their accessible names', async () => {
    const p = pageA;
    // The confirmation shown after adding it, and the buttons named after it.
    await p.getByRole('status').filter({ hasText: 'has been added.' }).waitFor();
    expect(await p.getByRole('status').textContent()).toBe(`${isolated(CONTACT.name)} has been added.`);
    const card = p.getByRole('listitem').filter({ has: p.getByRole('heading', { name: CONTACT.name }) });
    for (const name of [`Edit ${isolated(CONTACT.name)}`, `History of ${isolated(CONTACT.name)}`, `Retire ${isolated(CONTACT.name)}`]) {
      expect(await card.getByRole(name.startsWith('Retire') ? 'button' : 'link', { name, exact: true }).count(), name).toBe(1);
    }
    // The page about it, and the tab's title.
    await card.getByRole('link', { name: `History of ${isolated(CONTACT.name)}`, exact: true }).click();
    await heading(p, `History of ${isolated(CONTACT.name)}`).waitFor();
    expect(await p.title()).toBe(`${isolated(`History of ${isolated(CONTACT.name)}`)} — Parley`);
  }, 60_000);

  it('no page of the suite broke the node’s CSP', () => {
    expect(cspViolations).toEqual([]);
  });
});
