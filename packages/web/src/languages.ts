import { languageName, locale, type Locale } from './i18n/index.js';

// ISO 639-1, the two-letter codes: the ones people know. Three-letter ISO 639 codes can still be typed.
const iso6391 = (
  'aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en eo es et eu ' +
  'fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km ' +
  'kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om ' +
  'or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ' +
  'ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu'
).split(' ');

let suggestions: { locale: Locale; list: { code: string; name: string }[] } | null = null;

/** Codes and names for the suggestion list, in the order of their names in the interface language. */
export function languageSuggestions(): { code: string; name: string }[] {
  if (suggestions?.locale === locale) return suggestions.list;
  const list = iso6391
    .map((code) => ({ code, name: languageName(code) ?? '' }))
    .filter((l) => l.name && l.name !== l.code)
    .sort((a, b) => a.name.localeCompare(b.name, locale));
  suggestions = { locale, list };
  return list;
}

/**
 * What a person typed into the language box, as an ISO 639 code: a code the platform knows
 * (`fr`, `fil`) or the name of a listed language (`French`). The node checks again.
 */
export function resolveLanguage(input: string): string | undefined {
  const typed = input.trim();
  if (!typed) return undefined;
  const lower = typed.toLowerCase();
  // A suggestion picked from the list may arrive as "French (fr)".
  const inParens = /\(([a-z]{2,3})\)\s*$/.exec(lower)?.[1];
  for (const code of [lower, inParens]) {
    if (code && /^[a-z]{2,3}$/.test(code)) {
      const name = languageName(code);
      if (name && name.toLowerCase() !== code) return code;
    }
  }
  return languageSuggestions().find((l) => l.name.toLowerCase() === lower)?.code;
}
