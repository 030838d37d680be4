import { useState } from 'react';
import { chooseLocale, locale, localeNames, locales, messages as t, type Locale } from '../i18n/index.js';

/**
 * The languages of the interface, each named in its own language and marked with it (`lang`), so
 * that a person who cannot read the current one still finds theirs and a screen reader pronounces
 * it. Choosing one switches the interface in place, without reloading the page, so that what the
 * person was typing stays in its form. Buttons rather than a drop-down list: choosing changes every
 * word of the page, which a list must not do on a mere change of its value (WCAG 3.2.2).
 */
export function LanguageSwitch() {
  // The language whose words could not be fetched (the network failed, or the node was updated).
  const [failed, setFailed] = useState<Locale | null>(null);
  const choose = async (code: Locale) => {
    setFailed(null);
    if (!(await chooseLocale(code))) setFailed(code);
  };
  return (
    <div className="language-switch" role="group" aria-label={t.nav.language}>
      {localeNames().map(([code, name]) => (
        <button key={code} type="button" lang={code} className="language-choice" aria-pressed={code === locale} onClick={() => void choose(code)}>
          {name}
        </button>
      ))}
      {failed ? (
        <p className="language-failed" role="alert">
          {t.nav.languageFailed(locales[failed])}
        </p>
      ) : null}
    </div>
  );
}
