import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDomainError } from '../errors.js';
import { assertKnownNorms, loadNormCatalogue, normCatalogue } from './catalogue.js';

describe('norms catalogue shipped with the node', () => {
  it('loads the 11 norms of A/70/174 para 13 (a)–(k), each with its source', () => {
    const gge = normCatalogue().lists.find((l) => l.id === 'un-gge-2015');
    expect(gge?.entries.map((e) => e.id)).toEqual('abcdefghijk'.split('').map((l) => `gge2015-13${l}`));
    for (const [i, e] of (gge?.entries ?? []).entries()) {
      expect(e.source).toEqual({ symbol: 'A/70/174', paragraph: `13 (${'abcdefghijk'[i]})` });
      expect(e.text.en.length).toBeGreaterThan(40);
    }
  });

  it('loads the 13 entries of A/RES/73/27 para 1.1–1.13, each with its source, marked unverified until checked', () => {
    const res = normCatalogue().lists.find((l) => l.id === 'unga-73-27');
    expect(res?.entries.map((e) => e.source.paragraph)).toEqual(Array.from({ length: 13 }, (_, i) => `1.${i + 1}`));
    expect(res?.entries.every((e) => e.source.symbol === 'A/RES/73/27' && e.verified === false)).toBe(true);
  });

  it('links overlapping entries both ways and holds 24 entries in all', () => {
    const { byId } = normCatalogue();
    expect(byId.size).toBe(24);
    expect(byId.get('gge2015-13c')?.overlaps).toContain('a73-27-1.3');
    expect(byId.get('a73-27-1.3')?.overlaps).toContain('gge2015-13c');
  });

  it('takes a new list from a new file, without code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'norms-'));
    const list = {
      id: 'regional-test',
      version: '1',
      title: 'A regional list',
      symbol: 'REG/1',
      date: '2020-01-01',
      entries: [{ id: 'reg-1', title: 'One', text: { en: 'Text one.', fr: 'Texte un.' }, source: { symbol: 'REG/1', paragraph: '1' }, verified: false }],
    };
    writeFileSync(join(dir, 'regional-test.json'), JSON.stringify(list));
    const c = loadNormCatalogue(dir);
    expect(c.byId.get('reg-1')).toMatchObject({ list: 'regional-test', text: { en: 'Text one.', fr: 'Texte un.' } });
  });

  it('refuses a list without English text, naming the file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'norms-'));
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ id: 'bad', version: '1', title: 'Bad', symbol: 'X', date: '2020-01-01', entries: [{ id: 'bad-1', title: 'B', text: { fr: 'Seulement français' }, source: { symbol: 'X', paragraph: '1' }, verified: false }] }),
    );
    expect(() => loadNormCatalogue(dir)).toThrow(/bad\.json: entries\.0\.text\.en/);
  });

  it('refuses an overlap with an entry that does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'norms-'));
    writeFileSync(
      join(dir, 'one.json'),
      JSON.stringify({ id: 'one', version: '1', title: 'One', symbol: 'X', date: '2020-01-01', entries: [{ id: 'one-1', title: 'A', text: { en: 'A' }, source: { symbol: 'X', paragraph: '1' }, overlaps: ['nowhere-9'], verified: false }] }),
    );
    expect(() => loadNormCatalogue(dir)).toThrow(/overlaps unknown entry nowhere-9/);
  });

  it('names the unknown identifier for features that invoke entries', () => {
    expect(() => assertKnownNorms(['gge2015-13a', 'gge2015-13z'])).toThrow(/gge2015-13z/);
    try {
      assertKnownNorms(['nope']);
    } catch (e) {
      expect(isDomainError(e) && e.code === 'unknown_norm' && e.kind === 'invalid').toBe(true);
    }
    expect(() => assertKnownNorms(['gge2015-13a', 'a73-27-1.13'])).not.toThrow();
  });
});
