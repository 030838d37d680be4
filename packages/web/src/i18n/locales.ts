/**
 * The languages of the interface, each named in its own language, so that a person who does not
 * read the current one still finds theirs. A translation adds its code here and a module of the
 * shape of `en.ts` (see `index.ts`).
 */
export const locales = { en: 'English', fr: 'Français' } as const;
export type Locale = keyof typeof locales;

/** Where the browser remembers the person's choice, which outranks the browser's own preference. */
export const localeStorageKey = 'parley.language';

export function isLocale(code: unknown): code is Locale {
  return typeof code === 'string' && Object.hasOwn(locales, code);
}

/**
 * The language to show: the person's choice if they made one, else the first of the browser's
 * preferred languages (navigator.languages, such as ["fr-CH", "en"]) that the interface has,
 * matched on the language alone (fr-CH reads French), else English.
 */
export function pickLocale(chosen: string | null | undefined, preferred: readonly string[]): Locale {
  if (isLocale(chosen)) return chosen;
  for (const tag of preferred) {
    const language = tag.split('-')[0]?.toLowerCase();
    if (isLocale(language)) return language;
  }
  return 'en';
}
