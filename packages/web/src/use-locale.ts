import { useSyncExternalStore } from 'react';
import { locale, onLocaleChange, type Locale } from './i18n/index.js';

const current = (): Locale => locale;

/**
 * The interface language, rendering the component again when it changes. The root of the app
 * uses it, so that switching language renders every page again with the new words while the
 * components, and what has been typed into their forms, stay as they are.
 */
export function useLocale(): Locale {
  return useSyncExternalStore(onLocaleChange, current);
}
