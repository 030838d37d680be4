import { z } from 'zod';
import { MAX_INDICATORS, checkIndicator, quote, type Indicator, type IndicatorType } from './indicators.js';
import { stricterOf, type Tlp } from './tlp.js';

/**
 * STIX 2.1 (OASIS CTI TC, "STIX Version 2.1", OASIS Standard, 10 June 2021) for indicators:
 * export of a consultation's indicators as a bundle, and import of the indicators a bundle
 * carries. No I/O. There is no maintained STIX library for JavaScript, so the bundle check below
 * is written from the specification (§2–§3 common properties, §4.7 indicator, §9 patterning);
 * the tests validate exports against the OASIS JSON schemas as well.
 */

/** TLP 2.0 marking definitions as OASIS publishes them (cti-stix-common-objects, tlp-2.0). */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
export const TLP2_MARKING_IDS: Readonly<Record<Tlp, string>> = Object.freeze({
  CLEAR: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  GREEN: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  AMBER: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'AMBER+STRICT': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  RED: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
});
/** STIX 2.1 §7.2.1.4: the predefined TLP 1.0 markings, still common in bundles. WHITE reads as CLEAR. */
const TLP1_MARKING_IDS: Readonly<Record<string, Tlp>> = Object.freeze({
  'marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9': 'CLEAR',
  'marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da': 'GREEN',
  'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82': 'AMBER',
  'marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed': 'RED',
});

/** The marking-definition object for a TLP 2.0 label, exactly as published by OASIS. */
export function tlpMarkingDefinition(tlp: Tlp): StixObject {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_MARKING_IDS[tlp],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${tlp}`,
    extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: tlp.toLowerCase() } },
  };
}

export type StixObject = { type: string; id: string; [property: string]: unknown };
export type StixBundle = { type: 'bundle'; id: string; objects: StixObject[] };

export type StixExportOptions = {
  tlp: Tlp;
  /** What the indicators belong to, e.g. the consultation's title; becomes each indicator's description. */
  title: string;
  created: Date | string;
  /** Who exports: the state or authority named as creator of every object. */
  identityName: string;
};

function uuid4(): string {
  return globalThis.crypto.randomUUID();
}

/** A STIX timestamp: RFC 3339 in UTC with milliseconds (§3.2). */
function stixTime(t: Date | string): string {
  const d = typeof t === 'string' ? new Date(t) : t;
  if (Number.isNaN(d.getTime())) throw new TypeError(`not a valid time: ${String(t)}`);
  return d.toISOString();
}

/** A string literal in a STIX pattern: quotes and backslashes escaped (§9.3). */
function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const HASH_KEYS = { md5: 'MD5', sha1: 'SHA-1', sha256: 'SHA-256', sha512: 'SHA-512' } as const;

/** The STIX pattern that matches one indicator. */
export function indicatorToStixPattern(indicator: Indicator): string {
  const { type, value } = indicator;
  switch (type) {
    case 'ipv4':
      return `[ipv4-addr:value = ${literal(value)}]`;
    case 'ipv6':
      return `[ipv6-addr:value = ${literal(value)}]`;
    case 'cidr':
      return `[${value.includes(':') ? 'ipv6-addr' : 'ipv4-addr'}:value = ${literal(value)}]`;
    case 'domain':
      return `[domain-name:value = ${literal(value)}]`;
    case 'url':
      return `[url:value = ${literal(value)}]`;
    case 'email':
      return `[email-addr:value = ${literal(value)}]`;
    case 'md5':
    case 'sha1':
    case 'sha256':
    case 'sha512':
      return `[file:hashes.${literal(HASH_KEYS[type])} = ${literal(value)}]`;
    case 'asn':
      return `[autonomous-system:number = ${value.replace(/^AS/, '')}]`;
  }
}

const TYPE_LABELS: Readonly<Record<IndicatorType, string>> = {
  ipv4: 'IPv4 address',
  ipv6: 'IPv6 address',
  cidr: 'Network range',
  domain: 'Domain name',
  url: 'URL',
  email: 'E-mail address',
  md5: 'MD5 hash',
  sha1: 'SHA-1 hash',
  sha256: 'SHA-256 hash',
  sha512: 'SHA-512 hash',
  asn: 'Autonomous system',
};

/**
 * A STIX 2.1 bundle of the indicators: one identity (the creator), the TLP 2.0 marking
 * definition, and one indicator SDO per value, each marked with the TLP label.
 */
export function indicatorsToStixBundle(indicators: readonly Indicator[], options: StixExportOptions): StixBundle {
  const created = stixTime(options.created);
  const marking = tlpMarkingDefinition(options.tlp);
  const identity: StixObject = {
    type: 'identity',
    spec_version: '2.1',
    id: `identity--${uuid4()}`,
    created,
    modified: created,
    name: options.identityName,
    identity_class: 'organization',
    object_marking_refs: [marking.id],
  };
  const sdos: StixObject[] = indicators.map((indicator) => ({
    type: 'indicator',
    spec_version: '2.1',
    id: `indicator--${uuid4()}`,
    created_by_ref: identity.id,
    created,
    modified: created,
    name: `${TYPE_LABELS[indicator.type]} ${indicator.value}`,
    description: options.title,
    indicator_types: ['unknown'],
    pattern: indicatorToStixPattern(indicator),
    pattern_type: 'stix',
    pattern_version: '2.1',
    valid_from: created,
    object_marking_refs: [marking.id],
  }));
  return { type: 'bundle', id: `bundle--${uuid4()}`, objects: [identity, marking, ...sdos] };
}

// ---- reading a bundle -------------------------------------------------------------------------

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}';
const IDENTIFIER = new RegExp(`^([a-z][a-z0-9-]+[a-z0-9])--${UUID}$`);
const TIMESTAMP = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?Z$/;
const TIMESTAMP_MS = /T\d{2}:\d{2}:\d{2}\.\d{3,}Z$/;

const SCO_TYPES = new Set([
  'artifact', 'autonomous-system', 'directory', 'domain-name', 'email-addr', 'email-message', 'file', 'ipv4-addr', 'ipv6-addr',
  'mac-addr', 'mutex', 'network-traffic', 'process', 'software', 'url', 'user-account', 'windows-registry-key', 'x509-certificate',
]);

const identifier = z.string().regex(IDENTIFIER, 'must be a STIX identifier: the object type, two hyphens and a UUID (type--UUID)');
const timestamp = z.string().regex(TIMESTAMP, 'must be a UTC timestamp like 2024-05-01T12:00:00.000Z');
const timestampMs = timestamp.regex(TIMESTAMP_MS, 'must be a UTC timestamp with milliseconds, like 2024-05-01T12:00:00.000Z');

const commonObject = z.looseObject({
  type: z
    .string()
    .min(3, 'must be at least 3 characters long')
    .max(250)
    .regex(/^[a-z][a-z0-9-]*[a-z0-9]$/, 'must be lower-case letters, digits and hyphens'),
  id: identifier,
  spec_version: z.string().optional(),
  created: timestampMs.optional(),
  modified: timestampMs.optional(),
  created_by_ref: identifier.optional(),
  object_marking_refs: z.array(identifier).min(1).optional(),
});

const indicatorObject = z.looseObject({
  pattern: z.string().min(1),
  pattern_type: z.string().min(1),
  valid_from: timestamp,
  valid_until: timestamp.optional(),
});

function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return issue.input === undefined ? 'is missing' : `must be ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}`;
  return issue.message;
}

const bundleSchema = z
  .looseObject({
    type: z.literal('bundle', 'must be "bundle"'),
    id: identifier.regex(/^bundle--/, 'must start with "bundle--"'),
    objects: z.array(z.looseObject({})).max(100_000).optional(),
  })
  .superRefine((bundle, ctx) => {
    if ('spec_version' in bundle) {
      ctx.addIssue({ code: 'custom', path: ['spec_version'], message: `is ${JSON.stringify(bundle.spec_version)}: this is a STIX 2.0 bundle; Parley reads STIX 2.1, whose bundles carry no spec_version` });
    }
    (bundle.objects ?? []).forEach((raw, i) => {
      const common = commonObject.safeParse(raw);
      if (!common.success) {
        for (const issue of common.error.issues) ctx.addIssue({ code: 'custom', path: ['objects', i, ...issue.path.map(String)], message: issueMessage(issue) });
        return;
      }
      const o = common.data;
      const prefix = IDENTIFIER.exec(o.id)?.[1];
      if (prefix !== o.type) ctx.addIssue({ code: 'custom', path: ['objects', i, 'id'], message: `must start with "${o.type}--", the object's type` });
      const isSco = SCO_TYPES.has(o.type);
      if (!isSco || o.spec_version !== undefined) {
        if (o.spec_version !== '2.1') {
          ctx.addIssue({ code: 'custom', path: ['objects', i, 'spec_version'], message: o.spec_version === undefined ? 'is missing; STIX 2.1 objects must say "2.1"' : `is ${JSON.stringify(o.spec_version)}; Parley reads STIX 2.1 only` });
        }
      }
      if (!isSco) {
        if (o.created === undefined) ctx.addIssue({ code: 'custom', path: ['objects', i, 'created'], message: 'is missing' });
        if (o.type !== 'marking-definition' && o.modified === undefined) ctx.addIssue({ code: 'custom', path: ['objects', i, 'modified'], message: 'is missing' });
        if (o.created && o.modified && o.modified < o.created) ctx.addIssue({ code: 'custom', path: ['objects', i, 'modified'], message: 'is earlier than created' });
      }
      if (o.type === 'indicator') {
        const ind = indicatorObject.safeParse(raw);
        if (!ind.success) {
          for (const issue of ind.error.issues) {
            ctx.addIssue({ code: 'custom', path: ['objects', i, ...issue.path.map(String)], message: issueMessage(issue) });
          }
        } else if (ind.data.valid_until && ind.data.valid_until <= ind.data.valid_from) {
          ctx.addIssue({ code: 'custom', path: ['objects', i, 'valid_until'], message: 'must be later than valid_from' });
        }
      }
    });
  });

export type StixIssue = { path: string; message: string };

/** A document that is not a valid STIX 2.1 bundle. `issues` names each problem and where it is. */
export class StixBundleError extends Error {
  readonly code = 'stix_invalid';
  constructor(readonly issues: StixIssue[]) {
    super(`This is not a valid STIX 2.1 bundle: ${issues.slice(0, 5).map((i) => `${i.path} ${i.message}`).join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more problems` : ''}.`);
    this.name = 'StixBundleError';
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number' || /^\d+$/.test(String(p))) out += `[${String(p)}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out || '(bundle)';
}

/** Checks that `json` (parsed, or JSON text) is a STIX 2.1 bundle; throws StixBundleError if not. */
export function validateStixBundle(json: unknown): StixBundle {
  let doc = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new StixBundleError([{ path: '(document)', message: `is not JSON: ${(e as Error).message}` }]);
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new StixBundleError([{ path: '(document)', message: 'must be a JSON object with "type": "bundle"' }]);
  }
  const r = bundleSchema.safeParse(doc);
  if (!r.success) {
    throw new StixBundleError(
      r.error.issues.map((i) => ({
        path: formatPath(i.path),
        message: issueMessage(i),
      })),
    );
  }
  return { type: 'bundle', id: r.data.id, objects: (r.data.objects ?? []) as StixObject[] };
}

// ---- STIX patterns ------------------------------------------------------------------------------

type Comparison = { path: string; value: string | number };
type Token = { kind: 'punct' | 'word' | 'path' | 'string' | 'number' | 'other'; text: string; value?: string | number };

function tokenize(pattern: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '[' || c === ']' || c === '(' || c === ')') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) return 'a quoted value is not closed';
        const d = pattern[j]!;
        if (d === '\\') {
          const n = pattern[j + 1];
          if (n !== '\\' && n !== "'") return 'a quoted value has an invalid escape';
          value += n;
          j += 2;
        } else if (d === "'") {
          j++;
          break;
        } else {
          value += d;
          j++;
        }
      }
      tokens.push({ kind: 'string', text: pattern.slice(i, j), value });
      i = j;
    } else if (/[!=<>]/.test(c)) {
      const m = /^(!=|<=|>=|=|<|>)/.exec(pattern.slice(i))!;
      tokens.push({ kind: 'punct', text: m[0] });
      i += m[0].length;
    } else {
      const m = /^(?:[a-z0-9-]+:[A-Za-z0-9_]+(?:\.(?:[A-Za-z0-9_-]+|'(?:[^'\\]|\\.)*'|\[(?:\d+|\*)\]))*|[bht]'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|[A-Za-z_]+)/.exec(pattern.slice(i));
      if (!m) return `“${c}” is not expected here`;
      const text = m[0];
      if (/^-?\d+$/.test(text)) tokens.push({ kind: 'number', text, value: Number(text) });
      else if (text.includes(':') && !/^[bht]'/.test(text)) tokens.push({ kind: 'path', text });
      else if (/^[A-Za-z_]+$/.test(text)) tokens.push({ kind: 'word', text: text.toUpperCase() });
      else tokens.push({ kind: 'other', text });
      i += text.length;
    }
  }
  return tokens;
}

/**
 * The comparisons of a pattern made only of `object:path = value` comparisons joined by OR
 * (inside one observation or between observations); otherwise the reason it is not one.
 */
export function simpleStixComparisons(pattern: string): Comparison[] | string {
  const tokens = tokenize(pattern);
  if (typeof tokens === 'string') return `the pattern cannot be read: ${tokens}`;
  const out: Comparison[] = [];
  let i = 0;
  const at = () => tokens[i];
  const unsupported = (t: Token | undefined) => {
    if (!t) return 'the pattern ends too early';
    if (t.kind === 'word' && ['AND', 'FOLLOWEDBY'].includes(t.text)) return `it combines observations with ${t.text}, and only OR can be split into separate indicators`;
    if (t.kind === 'word' && ['WITHIN', 'START', 'STOP', 'REPEATS'].includes(t.text)) return `it has a ${t.text} qualifier, which separate indicators cannot keep`;
    if (t.kind === 'word' && ['LIKE', 'MATCHES', 'IN', 'ISSUBSET', 'ISSUPERSET', 'NOT'].includes(t.text)) return `it uses ${t.text}, and only “=” comparisons name exact values`;
    if (t.kind === 'punct' && ['!=', '<', '>', '<=', '>='].includes(t.text)) return `it uses “${t.text}”, and only “=” comparisons name exact values`;
    if (t.text === '(' || t.text === ')') return 'it groups expressions with parentheses, which Parley does not take apart';
    return `“${t.text}” is not expected there`;
  };
  for (;;) {
    if (at()?.text !== '[') return unsupported(at());
    i++;
    for (;;) {
      const path = at();
      if (path?.kind !== 'path') return unsupported(path);
      i++;
      if (at()?.text !== '=') return unsupported(at());
      i++;
      const v = at();
      if (v?.kind !== 'string' && v?.kind !== 'number') return v?.kind === 'other' ? `the value ${v.text} is binary, hexadecimal or a time, not a plain value` : unsupported(v);
      out.push({ path: path.text, value: v.value! });
      i++;
      if (at()?.kind === 'word' && at()!.text === 'OR') {
        i++;
        continue;
      }
      break;
    }
    if (at()?.text !== ']') return unsupported(at());
    i++;
    if (i === tokens.length) return out;
    if (at()?.kind === 'word' && at()!.text === 'OR') {
      i++;
      continue;
    }
    return unsupported(at());
  }
}

const HASH_PATHS: Readonly<Record<string, 'md5' | 'sha1' | 'sha256' | 'sha512'>> = {
  md5: 'md5',
  'sha-1': 'sha1',
  sha1: 'sha1',
  'sha-256': 'sha256',
  sha256: 'sha256',
  'sha-512': 'sha512',
  sha512: 'sha512',
};

/** The Parley type for an object path and value, or the reason there is none. */
function typeForPath(path: string, value: string | number): { type: IndicatorType; value: string } | string {
  const m = /^([a-z0-9-]+):(.*)$/.exec(path)!;
  const [, object, property] = m as unknown as [string, string, string];
  const str = typeof value === 'string' ? value : undefined;
  switch (`${object}:${property}`) {
    case 'ipv4-addr:value':
      if (str === undefined) break;
      return { type: str.includes('/') ? 'cidr' : 'ipv4', value: str };
    case 'ipv6-addr:value':
      if (str === undefined) break;
      return { type: str.includes('/') ? 'cidr' : 'ipv6', value: str };
    case 'domain-name:value':
      if (str === undefined) break;
      return { type: 'domain', value: str };
    case 'url:value':
      if (str === undefined) break;
      return { type: 'url', value: str };
    case 'email-addr:value':
      if (str === undefined) break;
      return { type: 'email', value: str };
    case 'autonomous-system:number':
      return { type: 'asn', value: String(value) };
    default: {
      const hash = /^hashes\.(?:'([^']+)'|([A-Za-z0-9-]+))$/.exec(property);
      if (object === 'file' && hash) {
        const key = (hash[1] ?? hash[2])!.toLowerCase();
        const type = HASH_PATHS[key];
        if (type && str !== undefined) return { type, value: str };
        return `the hash algorithm “${hash[1] ?? hash[2]}” is not one Parley keeps (MD5, SHA-1, SHA-256, SHA-512)`;
      }
      return `“${path}” is not an address, domain, URL, e-mail address, file hash or AS number`;
    }
  }
  return `the value of “${path}” has the wrong type`;
}

export type StixRejected = { path: string; text: string; reason: string };
export type StixImport = {
  indicators: Indicator[];
  rejected: StixRejected[];
  /** The strictest TLP marking found on the bundle's objects, if any. */
  tlp: Tlp | undefined;
};

const SCO_VALUE_PROPERTIES: Readonly<Record<string, string>> = {
  'ipv4-addr': 'value',
  'ipv6-addr': 'value',
  'domain-name': 'value',
  url: 'value',
  'email-addr': 'value',
  'autonomous-system': 'number',
};

/**
 * The indicators of a STIX 2.1 bundle: from indicator patterns made of simple `=` comparisons
 * (OR-joined ones split into several), and from the corresponding cyber-observable objects.
 * Throws StixBundleError if the document is not a valid STIX 2.1 bundle; an object Parley cannot
 * read as indicators is listed in `rejected` with the reason.
 */
export function stixBundleToIndicators(json: unknown): StixImport {
  const bundle = validateStixBundle(json);
  const indicators: Indicator[] = [];
  const rejected: StixRejected[] = [];
  const seen = new Set<string>();
  let tlp: Tlp | undefined;
  let capped = false;

  const add = (where: string, found: { type: IndicatorType; value: string }) => {
    const r = checkIndicator(found.type, found.value);
    if (!r.ok) {
      rejected.push({ path: where, text: found.value, reason: `${where}: ${r.reason}` });
      return;
    }
    const key = `${found.type} ${r.value}`;
    if (seen.has(key)) return;
    if (indicators.length >= MAX_INDICATORS) {
      if (!capped) rejected.push({ path: where, text: found.value, reason: `${where}: the bundle has more than ${MAX_INDICATORS.toLocaleString('en')} indicators; the rest were not read.` });
      capped = true;
      return;
    }
    seen.add(key);
    indicators.push({ type: found.type, value: r.value });
  };

  bundle.objects.forEach((o, i) => {
    const where = `objects[${i}]`;
    for (const ref of Array.isArray(o.object_marking_refs) ? (o.object_marking_refs as string[]) : []) {
      const level = (Object.entries(TLP2_MARKING_IDS).find(([, id]) => id === ref)?.[0] as Tlp | undefined) ?? TLP1_MARKING_IDS[ref];
      if (level) tlp = tlp ? stricterOf(tlp, level) : level;
    }
    if (o.type === 'indicator') {
      const name = typeof o.name === 'string' ? ` ${quote(o.name)}` : '';
      const pattern = o.pattern as string;
      if (o.pattern_type !== 'stix') {
        rejected.push({ path: `${where}.pattern_type`, text: pattern, reason: `${where}: the indicator${name} is written in ${String(o.pattern_type)}, not as a STIX pattern, so Parley cannot read values from it.` });
        return;
      }
      const comparisons = simpleStixComparisons(pattern);
      if (typeof comparisons === 'string') {
        rejected.push({ path: `${where}.pattern`, text: pattern, reason: `${where}: the indicator${name} was not imported because ${comparisons}.` });
        return;
      }
      for (const c of comparisons) {
        const t = typeForPath(c.path, c.value);
        if (typeof t === 'string') rejected.push({ path: `${where}.pattern`, text: `${c.path} = ${String(c.value)}`, reason: `${where}: the indicator${name} compares ${t}.` });
        else add(`${where}.pattern`, t);
      }
      return;
    }
    const property = SCO_VALUE_PROPERTIES[o.type];
    if (property !== undefined) {
      const value = o[property];
      if (typeof value !== 'string' && typeof value !== 'number') {
        rejected.push({ path: `${where}.${property}`, text: '', reason: `${where}: the ${o.type} object has no ${property}.` });
        return;
      }
      const t = typeForPath(`${o.type}:${property}`, value);
      if (typeof t === 'string') rejected.push({ path: `${where}.${property}`, text: String(value), reason: `${where}: ${t}.` });
      else add(`${where}.${property}`, t);
      return;
    }
    if (o.type === 'file' && typeof o.hashes === 'object' && o.hashes !== null) {
      for (const [algorithm, value] of Object.entries(o.hashes as Record<string, unknown>)) {
        const type = HASH_PATHS[algorithm.toLowerCase()];
        if (type && typeof value === 'string') add(`${where}.hashes.${algorithm}`, { type, value });
      }
    }
  });
  return { indicators, rejected, tlp };
}
