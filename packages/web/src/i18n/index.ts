import { messages as en, type Messages } from './en.js';

/** The interface language. Only English exists so far; a translation adds a module of the same shape. */
export const locale = 'en';
export const messages: Messages = en;

const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
const languageNames = new Intl.DisplayNames([locale], { type: 'language', fallback: 'none' });

/** A time as people read it, in the browser's time zone. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return messages.common.unknownTime;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/** The name of an ISO 639 language code, or undefined when the platform does not know it. */
export function languageName(code: string): string | undefined {
  try {
    return languageNames.of(code);
  } catch {
    return undefined;
  }
}
