import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Indicator } from './indicators.js';
import {
  StixBundleError,
  TLP2_MARKING_IDS,
  indicatorToStixPattern,
  indicatorsToStixBundle,
  simpleStixComparisons,
  stixBundleToIndicators,
  tlpMarkingDefinition,
  validateStixBundle,
} from './stix.js';
import { TLP_LEVELS } from './tlp.js';

const fixtures = fileURLToPath(new URL('../../../fixtures/stix/', import.meta.url));
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(fixtures, path), 'utf8'));

// The OASIS STIX 2.1 JSON schemas (see fixtures/stix/README.md), compiled once.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
const ajv = new Ajv2020({ strict: false, allErrors: true, unicodeRegExp: false });
addFormats(ajv);
const OFFICIAL = 'http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/common/';
for (const dir of ['common', 'sdos']) {
  for (const file of readdirSync(join(fixtures, 'schemas/stix2.1', dir))) {
    const schema = readJson(`schemas/stix2.1/${dir}/${file}`) as Record<string, unknown>;
    ajv.addSchema(schema);
    // The TLP 2.0 extension schema names the common schemas by their upstream ids.
    if (dir === 'common') ajv.addSchema({ ...schema, $id: OFFICIAL + file });
  }
}
const tlpSchema = readJson('schemas/tlp-2.0/extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d.json') as Record<string, unknown>;
const { $schema: _draft07, ...tlpSchemaBody } = tlpSchema;
ajv.addSchema(tlpSchemaBody);
const BASE = 'https://raw.githubusercontent.com/707eric/cti-stix2-json-schemas/refs/heads/master/schemas/';
const objectSchemas: Record<string, string> = {
  indicator: `${BASE}sdos/indicator.json`,
  identity: `${BASE}sdos/identity.json`,
  'marking-definition': `${BASE}common/marking-definition.json`,
};

function schemaErrors(object: Record<string, unknown>): unknown[] {
  const id = objectSchemas[String(object.type)];
  if (!id) return [`no schema for ${String(object.type)}`];
  const validate = ajv.getSchema(id)!;
  const errors: unknown[] = validate(object) ? [] : [...(validate.errors ?? [])];
  if (object.type === 'marking-definition') {
    const tlp = ajv.getSchema(String(tlpSchemaBody.$id))!;
    if (!tlp(object)) errors.push(...(tlp.errors ?? []));
  }
  return errors;
}

const sample: Indicator[] = [
  { type: 'ipv4', value: '192.0.2.1' },
  { type: 'ipv6', value: '2001:db8::1' },
  { type: 'cidr', value: '198.51.100.0/24' },
  { type: 'cidr', value: '2001:db8::/32' },
  { type: 'domain', value: 'evil.example' },
  { type: 'url', value: "https://evil.example/it's?q=a\\b" },
  { type: 'email', value: 'phisher@evil.example' },
  { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' },
  { type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
  { type: 'sha256', value: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  {
    type: 'sha512',
    value: 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  },
  { type: 'asn', value: 'AS64496' },
];

describe('the schema harness', () => {
  it('refuses an indicator the OASIS schema refuses (so passing means something)', () => {
    expect(schemaErrors({ type: 'indicator', spec_version: '2.1', id: 'indicator--not-a-uuid', created: '2024-01-01T00:00:00Z', modified: '2024-01-01T00:00:00Z', pattern: '[x:y = 1]' })).not.toEqual([]);
  });
  it('accepts the published TLP:AMBER+STRICT marking definition', () => {
    const bundle = readJson('examples/tlp-amber+strict.json') as { objects: Array<Record<string, unknown>> };
    expect(schemaErrors(bundle.objects[0]!)).toEqual([]);
  });
});

describe('indicatorsToStixBundle', () => {
  const bundle = indicatorsToStixBundle(sample, { tlp: 'AMBER', title: 'Consultation XAA-2024-7', created: new Date('2024-05-01T12:00:00Z'), identityName: 'XAA national CERT' });

  it('writes a bundle with an identity, the TLP 2.0 marking and one indicator per value', () => {
    expect(bundle.type).toBe('bundle');
    expect(bundle.id).toMatch(/^bundle--[0-9a-f-]{36}$/);
    expect(bundle).not.toHaveProperty('spec_version');
    const types = bundle.objects.map((o) => o.type);
    expect(types).toEqual(['identity', 'marking-definition', ...sample.map(() => 'indicator')]);
    const identity = bundle.objects[0]!;
    for (const o of bundle.objects.slice(2)) {
      expect(o).toMatchObject({
        spec_version: '2.1',
        created_by_ref: identity.id,
        created: '2024-05-01T12:00:00.000Z',
        pattern_type: 'stix',
        valid_from: '2024-05-01T12:00:00.000Z',
        object_marking_refs: [TLP2_MARKING_IDS.AMBER],
        description: 'Consultation XAA-2024-7',
      });
    }
    expect(new Set(bundle.objects.map((o) => o.id)).size).toBe(bundle.objects.length);
  });

  it('validates against the OASIS STIX 2.1 JSON schemas and the TLP 2.0 extension schema', () => {
    for (const o of bundle.objects) expect(schemaErrors(o), `${o.type} ${o.id}`).toEqual([]);
  });

  it.each(TLP_LEVELS)('marks with the published TLP:%s definition', (tlp) => {
    expect(schemaErrors(tlpMarkingDefinition(tlp))).toEqual([]);
  });

  it('passes its own validation and reads back to the same indicators', () => {
    expect(() => validateStixBundle(bundle)).not.toThrow();
    const back = stixBundleToIndicators(JSON.parse(JSON.stringify(bundle)));
    expect(back.rejected).toEqual([]);
    expect(back.indicators).toEqual(sample);
    expect(back.tlp).toBe('AMBER');
  });

  it('writes the patterns STIX expects, escaping quotes and backslashes', () => {
    expect(indicatorToStixPattern({ type: 'sha256', value: 'ab'.repeat(32) })).toBe(`[file:hashes.'SHA-256' = '${'ab'.repeat(32)}']`);
    expect(indicatorToStixPattern({ type: 'asn', value: 'AS64496' })).toBe('[autonomous-system:number = 64496]');
    expect(indicatorToStixPattern({ type: 'cidr', value: '2001:db8::/32' })).toBe("[ipv6-addr:value = '2001:db8::/32']");
    expect(indicatorToStixPattern({ type: 'url', value: "http://a.example/'\\" })).toBe("[url:value = 'http://a.example/\\'\\\\']");
  });
});

describe('stixBundleToIndicators on the official OASIS examples', () => {
  it('reads the malicious-URL example', () => {
    const r = stixBundleToIndicators(readJson('examples/indicator-for-malicious-url.json'));
    expect(r.indicators).toEqual([{ type: 'url', value: 'http://x4z9arb.cn/4712/' }]);
    expect(r.rejected).toEqual([]);
    expect(r.tlp).toBeUndefined();
  });
  it('reads the file-hash example', () => {
    const r = stixBundleToIndicators(readJson('examples/malware-indicator-for-file-hash.json'));
    expect(r.indicators).toEqual([{ type: 'sha256', value: 'ef537f25c895bfa782526529a9b63d97aa631564d5d789c2b765448c8635fb6c' }]);
  });
  it('accepts JSON text as well as a parsed document', () => {
    const text = readFileSync(join(fixtures, 'examples/indicator-for-malicious-url.json'), 'utf8');
    expect(stixBundleToIndicators(text).indicators).toHaveLength(1);
  });
});

const base = { spec_version: '2.1', created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', pattern_type: 'stix', valid_from: '2024-01-01T00:00:00Z' };
const ind = (n: number, pattern: string, extra: Record<string, unknown> = {}) => ({ type: 'indicator', id: `indicator--00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, pattern, ...base, ...extra });
const wrap = (...objects: unknown[]) => ({ type: 'bundle', id: 'bundle--00000000-0000-4000-8000-000000000000', objects });

describe('stixBundleToIndicators on patterns', () => {
  it('splits OR-joined comparisons, inside and between observations', () => {
    const r = stixBundleToIndicators(
      wrap(
        ind(1, "[ipv4-addr:value = '192.0.2.1' OR ipv4-addr:value = '192.0.2.2'] OR [domain-name:value = 'Evil.Example']"),
        ind(2, "[file:hashes.MD5 = 'D41D8CD98F00B204E9800998ECF8427E' OR file:hashes.'SHA-1' = 'da39a3ee5e6b4b0d3255bfef95601890afd80709']"),
        ind(3, '[autonomous-system:number = 64496]'),
        ind(4, "[email-addr:value = 'x@evil.example'] OR [ipv6-addr:value = '2001:DB8::1'] OR [ipv4-addr:value = '10.0.0.0/8']"),
      ),
    );
    expect(r.rejected).toEqual([]);
    expect(r.indicators).toEqual([
      { type: 'ipv4', value: '192.0.2.1' },
      { type: 'ipv4', value: '192.0.2.2' },
      { type: 'domain', value: 'evil.example' },
      { type: 'md5', value: 'd41d8cd98f00b204e9800998ecf8427e' },
      { type: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
      { type: 'asn', value: 'AS64496' },
      { type: 'email', value: 'x@evil.example' },
      { type: 'ipv6', value: '2001:db8::1' },
      { type: 'cidr', value: '10.0.0.0/8' },
    ]);
  });

  it('reads the equivalent cyber-observable objects', () => {
    const r = stixBundleToIndicators(
      wrap(
        { type: 'ipv4-addr', id: 'ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd', value: '198.51.100.3' },
        { type: 'domain-name', spec_version: '2.1', id: 'domain-name--3c10e93f-798e-5a26-a0c1-08156efab7f5', value: 'example.com' },
        { type: 'file', id: 'file--66156fad-2a0d-5237-bba4-ba1912887cfe', hashes: { 'SHA-256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } },
        { type: 'autonomous-system', id: 'autonomous-system--f720c34b-98ae-597f-ade5-27ef187498ca', number: 15139 },
      ),
    );
    expect(r.rejected).toEqual([]);
    expect(r.indicators.map((i) => `${i.type} ${i.value}`)).toEqual(['ipv4 198.51.100.3', 'domain example.com', 'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'asn AS15139']);
  });

  it('rejects patterns that are not simple comparisons, each with its reason', () => {
    const r = stixBundleToIndicators(
      wrap(
        ind(1, "[ipv4-addr:value = '192.0.2.1' AND domain-name:value = 'a.example']", { name: 'Combined' }),
        ind(2, "[ipv4-addr:value = '192.0.2.1'] WITHIN 300 SECONDS"),
        ind(3, "[url:value LIKE 'http://%']"),
        ind(4, "[process:name = 'evil.exe']"),
        ind(5, "[ipv4-addr:value = '999.1.1.1']"),
        ind(6, 'rule x { condition: true }', { pattern_type: 'yara' }),
        ind(7, "[ipv4-addr:value != '192.0.2.1']"),
      ),
    );
    expect(r.indicators).toEqual([]);
    expect(r.rejected.map((x) => x.path)).toEqual(['objects[0].pattern', 'objects[1].pattern', 'objects[2].pattern', 'objects[3].pattern', 'objects[4].pattern', 'objects[5].pattern_type', 'objects[6].pattern']);
    const reasons = r.rejected.map((x) => x.reason);
    expect(reasons[0]).toBe('objects[0]: the indicator “Combined” was not imported because it combines observations with AND, and only OR can be split into separate indicators.');
    expect(reasons[1]).toMatch(/WITHIN qualifier/);
    expect(reasons[2]).toMatch(/uses LIKE/);
    expect(reasons[3]).toMatch(/“process:name” is not an address/);
    expect(reasons[4]).toBe('objects[4].pattern: “999.1.1.1” looks like an IPv4 address but 999 is above 255.');
    expect(reasons[5]).toMatch(/written in yara/);
    expect(reasons[6]).toMatch(/uses “!=”/);
  });

  it('reports an unreadable pattern', () => {
    expect(simpleStixComparisons("[url:value = 'open")).toBe('the pattern cannot be read: a quoted value is not closed');
    expect(simpleStixComparisons("[url:value = 'a'")).toBe('the pattern ends too early');
  });

  it('reads the strictest TLP marking, TLP 1.0 included', () => {
    const r = stixBundleToIndicators(
      wrap(
        ind(1, "[domain-name:value = 'a.example']", { object_marking_refs: [TLP2_MARKING_IDS.GREEN] }),
        ind(2, "[domain-name:value = 'b.example']", { object_marking_refs: ['marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed'] }),
      ),
    );
    expect(r.tlp).toBe('RED');
  });
});

describe('validateStixBundle refuses what is not STIX 2.1', () => {
  const issuesOf = (doc: unknown) => {
    try {
      validateStixBundle(doc);
    } catch (e) {
      expect(e).toBeInstanceOf(StixBundleError);
      return (e as StixBundleError).issues;
    }
    throw new Error('expected a StixBundleError');
  };

  it('names the path and the problem', () => {
    const issues = issuesOf(
      wrap(
        ind(1, "[domain-name:value = 'a.example']", { created: '2024-01-01 00:00:00' }),
        { ...ind(2, "[domain-name:value = 'a.example']"), id: 'malware--00000000-0000-4000-8000-000000000002' },
        { ...ind(3, "[domain-name:value = 'a.example']"), valid_from: undefined },
        { ...ind(4, "[domain-name:value = 'a.example']"), spec_version: '2.0' },
        { type: 'identity', id: 'identity--1234', name: 'x', ...base },
      ),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'objects[0].created', message: 'must be a UTC timestamp like 2024-05-01T12:00:00.000Z' },
        { path: 'objects[1].id', message: 'must start with "indicator--", the object\'s type' },
        { path: 'objects[2].valid_from', message: 'is missing' },
        { path: 'objects[3].spec_version', message: 'is "2.0"; Parley reads STIX 2.1 only' },
        { path: 'objects[4].id', message: 'must be a STIX identifier: the object type, two hyphens and a UUID (type--UUID)' },
      ]),
    );
  });

  it('refuses a STIX 2.0 bundle, a non-bundle and broken JSON', () => {
    expect(issuesOf({ ...wrap(), spec_version: '2.0' })).toEqual([{ path: 'spec_version', message: expect.stringMatching(/STIX 2\.0 bundle/) }]);
    expect(issuesOf({ type: 'indicator', id: 'indicator--00000000-0000-4000-8000-000000000000' })).toEqual([
      { path: 'type', message: 'must be "bundle"' },
      { path: 'id', message: 'must start with "bundle--"' },
    ]);
    expect(issuesOf('{"type": "bundle",')[0]).toMatchObject({ path: '(document)', message: expect.stringMatching(/^is not JSON/) });
    expect(issuesOf([1, 2])).toEqual([{ path: '(document)', message: 'must be a JSON object with "type": "bundle"' }]);
  });

  it('refuses missing created/modified on domain objects and an object without a type', () => {
    const issues = issuesOf(wrap({ type: 'malware', id: 'malware--00000000-0000-4000-8000-000000000001', spec_version: '2.1' }, { id: 'x--00000000-0000-4000-8000-000000000001' }));
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'objects[0].created', message: 'is missing' },
        { path: 'objects[0].modified', message: 'is missing' },
        { path: 'objects[1].type', message: 'is missing' },
      ]),
    );
    expect(() => validateStixBundle(wrap())).not.toThrow();
  });

  it('puts the first problems in the error message', () => {
    expect(() => stixBundleToIndicators({ type: 'bundle', id: 'bundle--x' })).toThrow(/^This is not a valid STIX 2\.1 bundle: id must be a STIX identifier/);
  });
});
