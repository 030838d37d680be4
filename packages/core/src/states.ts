import countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };

countries.registerLocale(en);

/**
 * ISO 3166-1 reserves these alpha-3 ranges for user assignment; no real state holds
 * them, so Parley accepts them only for test and demonstration nodes.
 */
export function isUserAssignedCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  return (
    (code >= 'AAA' && code <= 'AAZ') ||
    (code >= 'QMA' && code <= 'QZZ') ||
    (code >= 'XAA' && code <= 'XZZ') ||
    (code >= 'ZZA' && code <= 'ZZZ')
  );
}

/** The English short name of an officially assigned alpha-3 code, or undefined. */
export function stateName(code: string): string | undefined {
  if (!/^[A-Z]{3}$/.test(code)) return undefined;
  const name = countries.getName(code, 'en', { select: 'official' });
  return name ?? undefined;
}

export function isAssignedStateCode(code: string): boolean {
  return stateName(code) !== undefined;
}
