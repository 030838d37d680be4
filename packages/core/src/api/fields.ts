import { z } from 'zod';
import { formatHeld, inTimeRange, limits } from '@parley/protocol';

/** Shared field schemas: one definition per concept, reused by every boundary. */

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
const timeZones = new Set<string>([...Intl.supportedValuesOf('timeZone'), 'UTC']);

export const email = z
  .string()
  .trim()
  .max(limits.account.email, `An e-mail address has at most ${limits.account.email} characters.`)
  .pipe(z.email('Enter an e-mail address such as name@ministry.example.'))
  .transform((v) => v.toLowerCase());

export const password = z
  .string()
  .min(limits.account.passwordMin, `A password needs at least ${limits.account.passwordMin} characters.`)
  .max(limits.account.password, `A password has at most ${limits.account.password} characters.`)
  // Length alone lets "aaaaaaaaaaaa" or "123412341234" through, which are among the first guessed.
  .refine((p) => new Set(p).size >= 5, 'A password needs at least 5 different characters: a repeated character or short pattern is among the first guessed. A sentence of several words is easy to remember and hard to guess.');

export const role = z.enum(['admin', 'officer', 'viewer']);
export type Role = z.infer<typeof role>;

export const uuid = z.uuid('Expected an identifier (UUID).');

export const stateCode = z.string().regex(/^[A-Z]{3}$/, 'Use an ISO 3166-1 alpha-3 code in capitals, such as CHE.');

/**
 * Text a person writes. It is stored and sent on in NFC, the form nearly every keyboard types, so
 * that "é" typed as e + U+0301 (as macOS writes names) is the same text, and the same length, as
 * "é". The limit counts characters (Unicode code points, as JSON Schema's maxLength does and as
 * every node checks a message it receives), not UTF-16 units or bytes: 300 characters of
 * Chinese, Arabic or emoji alike.
 */
export const text = (max: number, label: string) =>
  z
    .string()
    .normalize('NFC')
    .trim()
    .max(max, { error: (issue) => `${label} has at most ${max} characters; this one has ${typeof issue.input === 'string' ? characterCount(issue.input) : 'more'}.` })
    .refine((v) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(v), `${label} contains control characters.`);

/** Characters as limits count them: Unicode code points. */
export const characterCount = (s: string) => [...s].length;

export const requiredText = (max: number, label: string) => text(max, label).pipe(z.string().min(1, `${label} is required.`));

/** An ISO 639 language code (two or three letters) that the platform's locale data knows. */
export const languageCode = z
  .string()
  .regex(/^[a-z]{2,3}$/, 'Use a language code such as en, fr, ar or zh.')
  .refine((code) => {
    const name = languageNames.of(code);
    return name !== undefined && name !== code;
  }, 'Unknown language code.');

export const timeZone = z.string().refine((tz) => timeZones.has(tz), 'Use an IANA time zone such as Europe/Zurich or UTC.');

/**
 * International format: a leading +, then 7 to 15 digits, optionally grouped by spaces, dashes or
 * parentheses. Each check runs only when those before it pass (`when`), so that "call us" gets one
 * sentence saying what to type, not also one about how many digits it has; none aborts, so the
 * other fields of the same form are still checked and named. The pattern is given to the
 * published schema as `meta`, since a refinement has none.
 */
const phoneFormat = /^\+[0-9 ()-]+$/;
const short = (v: unknown): v is string => typeof v === 'string' && characterCount(v) <= limits.contact.phone;
export const phone = z
  .string()
  .trim()
  .max(limits.contact.phone, {
    error: (issue) => `A phone number has at most ${limits.contact.phone} characters, spaces included; this one has ${typeof issue.input === 'string' ? characterCount(issue.input) : 'more'}.`,
  })
  .refine((v) => phoneFormat.test(v), {
    message: 'Write the phone number in digits, starting with + and the country code, such as +41 22 917 12 34. Spaces may separate the digits.',
    when: (payload) => short(payload.value),
  })
  .refine(
    (v) => {
      const digits = v.replace(/\D/g, '').length;
      return digits >= 7 && digits <= 15;
    },
    { message: 'An international phone number has 7 to 15 digits, the country code included.', when: (payload) => short(payload.value) && phoneFormat.test(payload.value) },
  )
  .meta({ pattern: phoneFormat.source });

export const isoTime = z.string();

/**
 * A date and time a person or client gives: RFC 3339 with its offset, in the years 1000 to 9999
 * (UTC), the instants both stores hold and give back as written (protocol/src/messages/time.ts
 * says why).
 */
export const timeInput = z
  .iso.datetime({ offset: true, message: 'Use a date and time such as 2026-11-25T09:30:00Z.' })
  .refine(inTimeRange, { message: 'Use a date and time in the years 1000 to 9999, such as 2026-11-25T09:30:00Z.', when: formatHeld });
