import { chooseLocale, locale, localeNames, messages as t } from '../i18n/index.js';

/**
 * The languages of the interface, each named in its own language and marked with it (`lang`), so
 * that a person who cannot read the current one still finds theirs and a screen reader pronounces
 * it. Buttons rather than a drop-down list: choosing reloads the page, which a list must not do on
 * a mere change of its value (WCAG 3.2.2).
 */
export function LanguageSwitch() {
  return (
    <div className="language-switch" role="group" aria-label={t.nav.language}>
      {localeNames().map(([code, name]) => (
        <button key={code} type="button" lang={code} className="language-choice" aria-pressed={code === locale} onClick={() => chooseLocale(code)}>
          {name}
        </button>
      ))}
    </div>
  );
}
