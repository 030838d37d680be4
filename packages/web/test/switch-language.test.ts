import { afterAll, describe, expect, it } from 'vitest';
import { messages as english } from '../src/i18n/en.js';
import { chooseLocale, formatDate, locale, messages, onLocaleChange } from '../src/i18n/index.js';

// What chooseLocale touches of a browser: its storage and <html lang>.
const stored = new Map<string, string>();
const html = { lang: 'en' };
Object.assign(globalThis, {
  window: { localStorage: { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => void stored.set(k, v) } },
  document: { documentElement: html },
});
afterAll(() => {
  Reflect.deleteProperty(globalThis, 'window');
  Reflect.deleteProperty(globalThis, 'document');
});

/** Every leaf of a tree of words, by its path, functions by what they say for sample arguments. */
function leaves(node: unknown, path = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (typeof node === 'object' && node !== null) for (const [k, v] of Object.entries(node)) leaves(v, `${path}.${k}`, out);
  else out.set(path, typeof node === 'function' ? String((node as (...a: unknown[]) => unknown)('a', 'b', 'c')) : node);
  return out;
}

describe('switching the interface language in place', () => {
  // Taken as the pages' modules take them, once, when they are evaluated.
  const consultations = messages.consultations;
  const fields = messages.consultations.fields;
  const englishBefore = leaves(english);

  it('gives the parts modules hold the new words, formats dates in the new language, says it on <html lang> and tells the listeners', async () => {
    let told = 0;
    const stop = onLocaleChange(() => told++);
    expect(await chooseLocale('fr')).toBe(true);
    stop();
    expect(locale).toBe('fr');
    expect(consultations.newTitle).toBe('Engager une consultation');
    expect(fields.title).toBe('Titre');
    expect(messages.nav.language).toBe('Langue');
    expect(formatDate('2026-12-15')).toBe('15 déc. 2026');
    expect(html.lang).toBe('fr');
    expect(stored.get('parley.language')).toBe('fr');
    expect(told).toBe(1);
  });

  it('comes back to English word for word, English itself untouched by the switch', async () => {
    expect(await chooseLocale('en')).toBe(true);
    expect(consultations.newTitle).toBe('Raise a consultation');
    expect(leaves(messages)).toEqual(englishBefore);
    expect(leaves(english)).toEqual(englishBefore);
    expect(formatDate('2026-12-15')).toBe('Dec 15, 2026');
    expect(html.lang).toBe('en');
  });

  it('refuses a language the interface does not have, changing nothing', async () => {
    expect(await chooseLocale('de')).toBe(false);
    expect(locale).toBe('en');
    expect(messages.nav.language).toBe('Language');
  });
});
