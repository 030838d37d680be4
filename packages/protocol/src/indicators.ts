import { z } from 'zod';
import { limits } from './limits.js';

/**
 * Technical indicators (IP addresses, networks, domains, URLs, e-mail addresses, file hashes,
 * AS numbers): checked, normalised to one canonical form each so that duplicates and comparisons
 * work, and recognised in pasted free text. No I/O: the WHATWG URL parser (in Node and browsers)
 * does IDNA (UTS #46) and IPv6 serialisation, so the same code runs on the server and in the page.
 *
 * Every refusal is one plain sentence an officer can act on; they are shown as written.
 */

export const INDICATOR_TYPES = ['ipv4', 'ipv6', 'cidr', 'domain', 'url', 'email', 'md5', 'sha1', 'sha256', 'sha512', 'asn'] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];
export type Indicator = { type: IndicatorType; value: string };

/** The most indicators one list (a paste, a STIX import, a consultation) may carry. */
export const MAX_INDICATORS = 10_000;
/** The longest single value accepted (URLs are the long ones). */
export const MAX_INDICATOR_LENGTH = limits.indicator.value;

export type IndicatorCheck = { ok: true; value: string } | { ok: false; reason: string };

/** How each type is named in sentences. */
export const INDICATOR_TYPE_NAMES: Readonly<Record<IndicatorType, string>> = {
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  cidr: 'a network range (CIDR)',
  domain: 'a domain name',
  url: 'a URL',
  email: 'an e-mail address',
  md5: 'an MD5 hash',
  sha1: 'a SHA-1 hash',
  sha256: 'a SHA-256 hash',
  sha512: 'a SHA-512 hash',
  asn: 'an AS number',
};

const HASH_LENGTHS: Readonly<Record<'md5' | 'sha1' | 'sha256' | 'sha512', number>> = { md5: 32, sha1: 40, sha256: 64, sha512: 128 };
const HASH_NAMES = { md5: 'an MD5 hash', sha1: 'a SHA-1 hash', sha256: 'a SHA-256 hash', sha512: 'a SHA-512 hash' } as const;

/** A value quoted in a sentence, shortened when long so the sentence stays readable. */
export function quote(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 77)}…` : text;
  return `“${shown}”`;
}

const ok = (value: string): IndicatorCheck => ({ ok: true, value });
const no = (reason: string): IndicatorCheck => ({ ok: false, reason });

/** Checks that `raw` is a value of `type` and returns its canonical form, or the reason it is not. */
export function checkIndicator(type: IndicatorType, raw: string): IndicatorCheck {
  const text = raw.trim();
  if (text === '') return no(`The ${type === 'url' ? 'URL' : 'value'} is empty.`);
  if (text.length > MAX_INDICATOR_LENGTH) return no(`${quote(text)} is longer than ${MAX_INDICATOR_LENGTH.toLocaleString('en')} characters.`);
  if (/[\u0000-\u001f\u007f]/.test(text)) return no(`${quote(text)} contains control characters; copy the value again as plain text.`);
  switch (type) {
    case 'ipv4':
      return checkIPv4(text);
    case 'ipv6':
      return checkIPv6(text);
    case 'cidr':
      return checkCidr(text);
    case 'domain':
      return checkDomain(text);
    case 'url':
      return checkUrl(text);
    case 'email':
      return checkEmail(text);
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return checkHash(type, text);
    case 'asn':
      return checkAsn(text);
  }
}

function checkIPv4(text: string): IndicatorCheck {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d+$/.test(p))) {
    return no(`${quote(text)} is not an IPv4 address: it needs four numbers from 0 to 255 separated by dots, like 192.0.2.10.`);
  }
  for (const p of parts) {
    if (p.length > 1 && p.startsWith('0')) {
      return no(`${quote(text)} has a leading zero in ${p}, which some systems read as an octal number; write ${String(Number(p))} instead.`);
    }
    if (Number(p) > 255) return no(`${quote(text)} looks like an IPv4 address but ${p} is above 255.`);
  }
  return ok(parts.map(Number).join('.'));
}

function ipv6Canonical(text: string): string | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return undefined;
  let host: string;
  try {
    host = new URL(`http://[${text}]/`).hostname;
  } catch {
    return undefined;
  }
  const inner = host.slice(1, -1);
  // RFC 5952 §5: an IPv4-mapped address keeps its IPv4 part in dotted form.
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(inner);
  if (mapped) {
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return `::ffff:${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return inner;
}

function checkIPv6(text: string): IndicatorCheck {
  if (text.includes('%')) return no(`${quote(text)} carries a zone index (after “%”), which only means something on one machine; remove it.`);
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const canonical = ipv6Canonical(bare);
  if (canonical === undefined) {
    return no(
      `${quote(text)} is not a valid IPv6 address: check that it has at most eight groups of up to four hexadecimal digits (0–9, a–f) separated by colons, and at most one “::”.`,
    );
  }
  return ok(canonical);
}

function ipv6ToBigInt(canonical: string): bigint {
  let text = canonical;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = [v4[1], v4[2], v4[3], v4[4]].map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function bigIntToIPv6(n: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  return ipv6Canonical(groups.join(':'))!;
}

function checkCidr(text: string): IndicatorCheck {
  const slash = text.indexOf('/');
  if (slash < 0 || slash !== text.lastIndexOf('/')) {
    return no(`${quote(text)} is not a network range: write an address, a slash and a prefix length, like 192.0.2.0/24 or 2001:db8::/32.`);
  }
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const isV6 = address.includes(':');
  const max = isV6 ? 128 : 32;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    return no(`${quote(text)} has the prefix length “${prefixText}”; for ${isV6 ? 'IPv6' : 'IPv4'} it must be a whole number from 0 to ${max}.`);
  }
  const prefix = Number(prefixText);
  if (isV6) {
    const addr = checkIPv6(address);
    if (!addr.ok) return no(`${quote(text)} is not a network range: ${quote(address)} is not a valid IPv6 address.`);
    const n = ipv6ToBigInt(addr.value);
    const hostMask = (1n << BigInt(128 - prefix)) - 1n;
    if ((n & hostMask) !== 0n) {
      return no(`${quote(text)} is not the start of its network; the range that contains it is ${bigIntToIPv6(n & ~hostMask & ((1n << 128n) - 1n))}/${prefix}.`);
    }
    return ok(`${addr.value}/${prefix}`);
  }
  const addr = checkIPv4(address);
  if (!addr.ok) return no(`${quote(text)} is not a network range: ${addr.reason.replace(/^“[^”]*” /, `${quote(address)} `)}`);
  const n = addr.value.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
  const size = 2 ** (32 - prefix);
  if (n % size !== 0) {
    const base = n - (n % size);
    const dotted = [24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256).join('.');
    return no(`${quote(text)} is not the start of its network; the range that contains it is ${dotted}/${prefix}.`);
  }
  return ok(`${addr.value}/${prefix}`);
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

function checkDomain(text: string): IndicatorCheck {
  const input = text.endsWith('.') ? text.slice(0, -1) : text;
  const bad = /[\s/\\:?#@[\]%<>"'`,;|*]/.exec(input);
  if (bad) {
    const ch = bad[0] === ' ' ? 'a space' : `“${bad[0]}”`;
    return no(`${quote(text)} is not a domain name: it contains ${ch}, which cannot appear in one.`);
  }
  if (!input.includes('.')) return no(`${quote(text)} is not a full domain name: it needs at least one dot, like example.org.`);
  if (/^[\d.]+$/.test(input)) return no(`${quote(text)} is made of numbers only, so it is not a domain name; if it is an IP address, check its four numbers.`);
  let host: string;
  try {
    host = new URL(`http://${input}/`).hostname;
  } catch {
    return no(`${quote(text)} is not a valid domain name: check for empty parts (two dots in a row) or characters that domain names cannot contain.`);
  }
  if (/^[\d.]+$/.test(host) || host.startsWith('[')) return no(`${quote(text)} is read as an IP address, not a domain name.`);
  if (host.length > 253) return no(`${quote(text)} is longer than the 253 characters a domain name may have.`);
  const labels = host.split('.');
  for (const label of labels) {
    if (!LABEL.test(label)) {
      if (label.length > 63) return no(`${quote(text)} has a part longer than the 63 characters allowed between dots.`);
      if (label === '') return no(`${quote(text)} has an empty part (two dots in a row).`);
      return no(`${quote(text)} has the part “${label}”, which cannot start or end with a hyphen.`);
    }
  }
  const tld = labels[labels.length - 1]!;
  if (!/[a-z]/.test(tld)) return no(`${quote(text)} ends in “${tld}”, which is not a top-level domain.`);
  return ok(host);
}

const SCHEMES = new Set(['http:', 'https:', 'ftp:', 'ftps:', 'sftp:', 'ws:', 'wss:', 'smb:', 'ldap:', 'ldaps:', 'tcp:', 'udp:', 'rtsp:']);

function checkUrl(text: string): IndicatorCheck {
  if (/\s/.test(text)) return no(`${quote(text)} contains a space, which a URL cannot; if spaces belong in it, write them as %20.`);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (!scheme) return no(`${quote(text)} is not a full URL: it must start with its scheme, like https://.`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return no(`${quote(text)} is not a valid URL: check the part after “://” (the host name or address).`);
  }
  if (!SCHEMES.has(url.protocol)) return no(`${quote(text)} uses the scheme “${url.protocol.slice(0, -1)}”, which Parley does not take as a network indicator.`);
  if (!url.hostname) return no(`${quote(text)} has no host name after “://”.`);
  const host = url.hostname;
  const hostCheck = host.startsWith('[') ? checkIPv6(host) : /^[\d.]+$/.test(host) ? checkIPv4(host) : checkDomain(host);
  if (!hostCheck.ok) return no(`${quote(text)} has the host ${quote(host)}, which is not a valid domain name or IP address.`);
  return ok(url.href);
}

function checkEmail(text: string): IndicatorCheck {
  const at = text.lastIndexOf('@');
  if (at < 0) return no(`${quote(text)} is not an e-mail address: it has no “@”.`);
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  if (local === '') return no(`${quote(text)} has nothing before the “@”.`);
  if (local.length > 64) return no(`${quote(text)} has more than the 64 characters allowed before the “@”.`);
  if (/[\s"(),:;<>@[\\\]]/.test(local)) return no(`${quote(text)} has a character before the “@” that e-mail addresses cannot contain unquoted.`);
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return no(`${quote(text)} has a misplaced dot before the “@” (at the start, at the end, or two in a row).`);
  }
  const d = checkDomain(domain);
  if (!d.ok) return no(`${quote(text)} has the domain ${quote(domain)} after the “@”, which is not a valid domain name.`);
  return ok(`${local}@${d.value}`);
}

function checkHash(type: 'md5' | 'sha1' | 'sha256' | 'sha512', text: string): IndicatorCheck {
  const bad = /[^0-9a-fA-F]/.exec(text);
  if (bad) return no(`${quote(text)} contains “${bad[0]}”, which cannot appear in a hash (only the digits 0–9 and the letters a–f).`);
  const want = HASH_LENGTHS[type];
  if (text.length !== want) {
    return no(`${quote(text)} has ${text.length} characters; ${HASH_NAMES[type]} has ${want}.`);
  }
  return ok(text.toLowerCase());
}

const MAX_ASN = 4_294_967_295;

function checkAsn(text: string): IndicatorCheck {
  const m = /^(?:AS(?:N)?\s?)?(\d+)(?:\.(\d+))?$/i.exec(text);
  if (!m) return no(`${quote(text)} is not an AS number: write it as AS followed by digits, like AS64496.`);
  const [, first, second] = m;
  if (second !== undefined && !/^AS/i.test(text)) return no(`${quote(text)} is ambiguous; write an AS number as AS followed by digits, like AS64496.`);
  if ((first!.length > 1 && first!.startsWith('0')) || (second !== undefined && second.length > 1 && second.startsWith('0'))) {
    return no(`${quote(text)} has a leading zero; write the AS number without it.`);
  }
  let n: number;
  if (second !== undefined) {
    // asdot notation (RFC 5396): high.low, each 0–65535.
    const hi = Number(first);
    const lo = Number(second);
    if (hi > 65535 || lo > 65535) return no(`${quote(text)} is not a valid AS number in dotted form: both parts must be from 0 to 65535.`);
    n = hi * 65536 + lo;
  } else {
    n = Number(first);
  }
  if (!Number.isSafeInteger(n) || n > MAX_ASN) return no(`${quote(text)} is above the largest AS number, 4294967295.`);
  if (n === 0) return no(`${quote(text)} is reserved (AS0 never appears as the origin of real routes).`);
  return ok(`AS${n}`);
}

/** Turns the usual defanged spellings back into the real value (hxxp, [.], (.), [@], [:]…). */
export function refang(text: string): string {
  return text
    .replace(/\bhxxp(s?)(?=(?:\[:\]|:)\/\/|\[:\/\/\])/gi, (_m, s: string) => `http${s.toLowerCase()}`)
    .replace(/\bfxp(?=(?:\[:\]|:)\/\/)/gi, 'ftp')
    .replace(/\[:\/\/\]/g, '://')
    .replace(/\[(?:\.|dot)\]|\((?:\.|dot)\)|\{(?:\.|dot)\}|\\\./gi, '.')
    .replace(/\[(?:@|at)\]|\((?:@|at)\)|\{(?:@|at)\}/gi, '@')
    .replace(/\[:\]/g, ':')
    .replace(/\[\/\]/g, '/');
}

/**
 * Which type a candidate most probably is, from its shape alone; undefined when it is not shaped
 * like any. The check that follows says whether it really is one.
 */
export function guessIndicatorType(candidate: string): IndicatorType | undefined {
  const t = candidate;
  if (/^AS(?:N)?\s?\d+(?:\.\d+)?$/i.test(t)) return 'asn';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return 'url';
  if (t.includes('@')) return 'email';
  if (t.includes('/') && /^[0-9a-fA-F:.[\]]+\/\S*$/.test(t)) return 'cidr';
  if (/^[0-9a-fA-F]{32}$/.test(t)) return 'md5';
  if (/^[0-9a-fA-F]{40}$/.test(t)) return 'sha1';
  if (/^[0-9a-fA-F]{64}$/.test(t)) return 'sha256';
  if (/^[0-9a-fA-F]{128}$/.test(t)) return 'sha512';
  if (/^\d+(\.\d+){1,}$/.test(t) && t.split('.').length >= 3) return 'ipv4';
  if ((t.match(/:/g) ?? []).length >= 2 && /^\[?[0-9a-fA-F:.]+(?:%[\w.-]+)?\]?$/.test(t)) return 'ipv6';
  if (/^[\d.]+$/.test(t)) return undefined;
  if (t.includes('.') && !t.includes(':')) return 'domain';
  return undefined;
}

/** Explains a candidate that has no recognisable shape. */
function unrecognised(candidate: string): string {
  if (/^[0-9a-fA-F]{16,}$/.test(candidate) && !/^\d+$/.test(candidate)) {
    return `${quote(candidate)} looks like a file hash but has ${candidate.length} characters; MD5 hashes have 32, SHA-1 40, SHA-256 64 and SHA-512 128.`;
  }
  if (/^\d+$/.test(candidate)) return `${quote(candidate)} is only a number; if it is an AS number, write it as AS${candidate}.`;
  if (/^\d+\.\d+$/.test(candidate)) return `${quote(candidate)} is not an IP address: an IPv4 address has four numbers separated by dots.`;
  return `${quote(candidate)} is not an IP address, network range, domain name, URL, e-mail address, file hash or AS number.`;
}

/** Recognises and checks one candidate (already refanged). */
export function recogniseIndicator(candidate: string): { ok: true; indicator: Indicator } | { ok: false; reason: string } {
  const type = guessIndicatorType(candidate);
  if (!type) return { ok: false, reason: unrecognised(candidate) };
  const r = checkIndicator(type, candidate);
  return r.ok ? { ok: true, indicator: { type, value: r.value } } : r;
}

/** A checked indicator: refuses a value that is not of its type, and yields the canonical form. */
export const indicatorSchema = z
  .strictObject({
    type: z.enum(INDICATOR_TYPES),
    value: z.string().min(1).max(MAX_INDICATOR_LENGTH),
  })
  .superRefine((v, ctx) => {
    const r = checkIndicator(v.type, v.value);
    if (!r.ok) ctx.addIssue({ code: 'custom', message: r.reason, path: ['value'], input: v.value });
  })
  .overwrite((v) => {
    const r = checkIndicator(v.type, v.value);
    return r.ok ? { type: v.type, value: r.value } : v;
  });

export type RejectedLine = { line: number; text: string; reason: string };
export type ParsedIndicators = { indicators: Indicator[]; rejected: RejectedLine[] };

/** Hex strings long enough to be meant as a hash, even when their length fits none. */
const HASH_LIKE = /^[0-9a-fA-F]{16,}$/;

function candidatesOf(line: string): string[] {
  const out: string[] = [];
  for (const token of refang(line).split(/\s+/)) {
    if (!token) continue;
    // A URL may contain commas and semicolons; anything else is split on them.
    const pieces = /^[a-z][a-z0-9+.-]*:\/\//i.test(token) ? [token] : token.split(/[,;]+/);
    for (const piece of pieces) {
      const p = piece.replace(/^[("'<«“‘]+/, '').replace(/[)"'>»”’,;]+$/, '').replace(/(?<=[a-z0-9\]])\.$/i, '');
      if (p) out.push(p);
    }
  }
  return out;
}

/**
 * Reads indicators pasted as free text: one or more per line (split on spaces, commas and
 * semicolons), defanged forms refanged, the type recognised, duplicates dropped. Lines starting
 * with # or // are comments. Words that cannot be indicators ("C2", "server") are ignored on a
 * line that also holds an indicator; a line with nothing usable is reported.
 */
export function parseIndicators(text: string): ParsedIndicators {
  const indicators: Indicator[] = [];
  const rejected: RejectedLine[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r\n|\r|\n/);
  let capped = false;
  lines.forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('//')) return;
    const candidates = candidatesOf(trimmed);
    let accepted = 0;
    let refused = 0;
    // Candidates of no recognisable shape ("C2", "server:", "2") are words around the indicators;
    // they are reported only when the line holds nothing else.
    const words: string[] = [];
    for (const candidate of candidates) {
      if (!guessIndicatorType(candidate) && !(HASH_LIKE.test(candidate) && /[a-fA-F]/.test(candidate))) {
        words.push(candidate);
        continue;
      }
      const r = recogniseIndicator(candidate);
      if (!r.ok) {
        refused++;
        rejected.push({ line, text: candidate, reason: `Line ${line}: ${r.reason}` });
        continue;
      }
      accepted++;
      const key = `${r.indicator.type} ${r.indicator.value}`;
      if (seen.has(key)) continue;
      if (indicators.length >= MAX_INDICATORS) {
        if (!capped) {
          rejected.push({
            line,
            text: candidate,
            reason: `Line ${line}: the list has more than ${MAX_INDICATORS.toLocaleString('en')} indicators; this one and those after it were not read. Split the list and add the rest separately.`,
          });
          capped = true;
        }
        continue;
      }
      seen.add(key);
      indicators.push(r.indicator);
    }
    if (accepted === 0 && refused === 0 && words.length > 0) {
      if (words.length === 1) rejected.push({ line, text: words[0]!, reason: `Line ${line}: ${unrecognised(words[0]!)}` });
      else rejected.push({ line, text: trimmed, reason: `Line ${line}: no indicator found in ${quote(trimmed)}.` });
    }
  });
  return { indicators, rejected };
}
