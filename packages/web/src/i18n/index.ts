import { messages as english, type Messages } from './en.js';
import { isLocale, localeStorageKey, locales, pickLocale, type Locale } from './locales.js';

export { isolate } from './isolate.js';
export { locales, type Locale } from './locales.js';

/**
 * The interface language and its words. English is built in: it is what tests read, and what
 * the interface falls back to when another language's module cannot be fetched. Another language
 * is fetched only when chosen, at start (`startLocale`) or with the switch (`chooseLocale`).
 */
export let locale: Locale = 'en';

/**
 * The words of the interface language: one object for the life of the page, whose words are
 * replaced in place when the language changes (`chooseLocale`). Modules keep parts of it in constants
 * (`const k = messages.consultations`), and those parts must then read the new words too; a
 * module must therefore never keep a single sentence (a string) outside a render, only the part
 * that holds it. A copy, so that English itself stays as built, to switch back to.
 */
export const messages: Messages = copyWords(english);

/** A deep copy of a tree of words: its objects and lists copied, its strings and functions shared. */
function copyWords<T>(words: T): T {
  if (Array.isArray(words)) return words.map(copyWords) as T;
  if (isWordTree(words)) return Object.fromEntries(Object.entries(words).map(([key, value]) => [key, copyWords(value)])) as T;
  return words;
}

function isWordTree(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Puts the words of `source` into `target`, keeping every object and list of `target` (which
 * modules may hold) and replacing its strings and functions. Both have the shape of `Messages`.
 */
function replaceWords(target: Record<string, unknown> | unknown[], source: Record<string, unknown> | unknown[]): void {
  if (Array.isArray(target) && Array.isArray(source)) {
    target.splice(0, target.length, ...source.map(copyWords));
    return;
  }
  if (Array.isArray(target) || Array.isArray(source)) return;
  for (const key of Object.keys(target)) if (!Object.hasOwn(source, key)) delete target[key];
  for (const [key, value] of Object.entries(source)) {
    const held = target[key];
    if ((isWordTree(held) && isWordTree(value)) || (Array.isArray(held) && Array.isArray(value))) replaceWords(held, value);
    else target[key] = copyWords(value);
  }
}

// Each language but English, fetched in a chunk of its own (vite.config.ts).
const loaders: Record<Locale, () => Promise<Messages>> = {
  en: () => Promise.resolve(english),
  fr: () => import('./fr.js').then((m) => m.messages),
};

// With its time zone ("Nov 28, 2026, 2:04 PM GMT+1"): officers of different states read the same
// record, quote its times to each other, and compare them with case files, which give UTC.
let dateTime: Intl.DateTimeFormat;
let languageNames: Intl.DisplayNames;
let dateOnly: Intl.DateTimeFormat;
// A calendar day written as YYYY-MM-DD is that day everywhere: read in the browser's time zone, west
// of UTC it would show as the day before.
let calendarDay: Intl.DateTimeFormat;
let decimal: Intl.NumberFormat;

function useFormats(code: Locale): void {
  dateTime = new Intl.DateTimeFormat(code, { year: 'numeric', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' });
  languageNames = new Intl.DisplayNames([code], { type: 'language', fallback: 'none' });
  dateOnly = new Intl.DateTimeFormat(code, { dateStyle: 'medium' });
  calendarDay = new Intl.DateTimeFormat(code, { dateStyle: 'medium', timeZone: 'UTC' });
  decimal = new Intl.NumberFormat(code, { maximumFractionDigits: 1 });
}
useFormats(locale);

/** The language the person chose in this browser, if any (storage may be refused). */
function storedLocale(): string | null {
  try {
    return window.localStorage.getItem(localeStorageKey);
  } catch {
    return null;
  }
}

/** The language in which the interface shows, and the words it shows in it. */
function showIn(code: Locale, words: Messages): void {
  replaceWords(messages as unknown as Record<string, unknown>, words as unknown as Record<string, unknown>);
  locale = code;
  useFormats(code);
  document.documentElement.lang = code;
}

/**
 * Chooses the language at start: the person's choice, else the browser's preference, else
 * English; fetches its words, and says it on `<html lang>` (screen readers pronounce by it, and
 * browsers hyphenate and pick fonts by it). A module that cannot be fetched leaves English.
 */
export async function startLocale(): Promise<Locale> {
  const wanted = pickLocale(storedLocale(), navigator.languages ?? [navigator.language]);
  try {
    showIn(wanted, await loaders[wanted]());
  } catch {
    // English stays: the interface is usable, and the switch is there to try again.
    showIn('en', english);
  }
  return locale;
}

const listeners = new Set<() => void>();

/** Calls `listener` after each change of language; returns what stops it. */
export function onLocaleChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// The latest choice, so that a language whose words arrive after a later choice does not win.
let choice = 0;

/**
 * Switches the interface to `code` in place, without reloading the page, so that nothing typed
 * into a form is lost: fetches its words, puts them into `messages`, and tells the listeners,
 * which render the interface again (`useLocale`). Remembers the choice in this browser when
 * storage allows. False when the words could not be fetched: the language stays as it was.
 */
export async function chooseLocale(code: string): Promise<boolean> {
  if (!isLocale(code)) return false;
  const turn = ++choice;
  if (code === locale) return true;
  let words: Messages;
  try {
    words = await loaders[code]();
  } catch {
    // Said only if no other choice came since: that one speaks for itself.
    return turn !== choice;
  }
  if (turn !== choice) return true;
  try {
    window.localStorage.setItem(localeStorageKey, code);
  } catch {
    // Refused storage: the choice holds for this page, and the next visit starts as before.
  }
  showIn(code, words);
  for (const listener of listeners) listener();
  return true;
}

/** The name of each language of the interface, in that language. */
export function localeNames(): [Locale, string][] {
  return Object.entries(locales) as [Locale, string][];
}

/** A time as people read it, in the browser's time zone, which it names. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return messages.common.unknownTime;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/**
 * Who did something, as the node recorded it: a person's e-mail, or "local-cli" for the operator
 * acting through the `parley` command, which people should not have to decode.
 */
export function actorName(actor: string): string {
  return actor === 'local-cli' ? messages.common.localOperator : actor;
}

/** The name of an ISO 639 language code, or undefined when the platform does not know it. */
export function languageName(code: string): string | undefined {
  try {
    return languageNames.of(code);
  } catch {
    return undefined;
  }
}

/** A day as people read it: a moment's day in the browser's time zone, a bare YYYY-MM-DD as that day. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return messages.common.unknownTime;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? calendarDay.format(d) : dateOnly.format(d);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The moments the node writes into its sentences (notifications, error details), in each of the
 * forms it uses: ISO 8601 ("2026-11-25T17:19:13.050Z"), the case file's UTC time ("25 Nov 2026,
 * 09:30 UTC", which e-mailed notifications carry too) and a day ("2026-12-15").
 */
const nodeMoment =
  /\b(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z)\b|\b(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}), (\d{2}):(\d{2}) UTC\b|\b(\d{4}-\d{2}-\d{2})\b(?![T:])/g;

/**
 * A sentence from the node with its moments in the interface's one format, so that a person reads
 * every time on a page alike, whichever way the node wrote it.
 */
export function formatTimesIn(text: string): string {
  return text.replace(nodeMoment, (whole, iso?: string, day?: string, month?: string, year?: string, hour?: string, minute?: string, date?: string) => {
    if (iso) return formatTime(iso);
    if (date) return formatDate(date);
    const at = new Date(Date.UTC(Number(year), MONTHS.indexOf(month ?? ''), Number(day), Number(hour), Number(minute)));
    // Date.UTC rolls an impossible "31 Feb" or "25:99" over into another moment; such text is not a time.
    const exact = at.getUTCDate() === Number(day) && at.getUTCHours() === Number(hour) && at.getUTCMinutes() === Number(minute);
    return exact ? formatTime(at.toISOString()) : whole;
  });
}

/**
 * A measured duration, such as the seconds a message took to be delivered: tenths of a second
 * when short, then the two largest units ("2 min 5 s", "1 h 20 min").
 */
export function formatDuration(seconds: number | null | undefined): string {
  const u = messages.units;
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return messages.common.none;
  const s = Math.max(0, seconds);
  if (s < 10) return u.seconds(decimal.format(s));
  const whole = Math.round(s);
  if (whole < 60) return u.seconds(String(whole));
  return span(whole, true);
}

/** A span of time until or since a moment, to the minute ("1 h 20 min"). */
export function formatSpan(ms: number): string {
  const seconds = Math.abs(ms) / 1000;
  if (seconds < 60) return messages.units.underAMinute;
  return span(Math.round(seconds), false);
}

function span(whole: number, withSeconds: boolean): string {
  const u = messages.units;
  const two = (a: string, b: string | null) => (b ? `${a} ${b}` : a);
  if (whole < 3600) {
    const m = Math.floor(whole / 60);
    const rest = whole % 60;
    return two(u.minutes(m), withSeconds && m < 10 && rest ? u.seconds(String(rest)) : null);
  }
  const minutes = Math.round(whole / 60);
  if (minutes < 24 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return two(u.hours(h), m ? u.minutes(m) : null);
  }
  const hours = Math.round(minutes / 60);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return two(u.days(d), h ? u.hours(h) : null);
}

/** How a deadline stands now: "due in 1 h 20 min" or "overdue by 5 min". */
export function formatDeadline(deadline: string, now: number): string {
  const ms = new Date(deadline).getTime() - now;
  return ms >= 0 ? messages.units.dueIn(formatSpan(ms)) : messages.units.overdueBy(formatSpan(ms));
}

/** A moment relative to now, to the minute: "in 5 min", "2 h ago". */
export function formatFromNow(iso: string, now: number): string {
  const ms = new Date(iso).getTime() - now;
  return ms >= 0 ? messages.units.inTime(formatSpan(ms)) : messages.units.ago(formatSpan(ms));
}
