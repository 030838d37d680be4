import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepBaseTypeParsers } from '../src/store.js';

describe('PGlite type parsers, trimmed to base types and arrays of them', () => {
  let db: PGlite;
  let before: number;
  beforeAll(async () => {
    db = await PGlite.create();
    before = Object.keys(db.parsers).length;
    await keepBaseTypeParsers(db);
  });
  afterAll(async () => db.close());

  it('still parses every kind of value the schema returns', async () => {
    const { rows } = await db.query<Record<string, unknown>>(`
      select array['en', 'fr']::text[] as languages, array['0190a0a0-0000-7000-8000-000000000001']::uuid[] as ids,
             array[1, 2]::int8[] as sizes, 42::int8 as size, true as flag, '{"a": [1]}'::jsonb as doc,
             '\\x0102'::bytea as bytes, timestamptz '2026-11-26T08:00:00Z' as at, '0190a0a0-0000-7000-8000-000000000001'::uuid as id`);
    expect(rows[0]).toEqual({
      languages: ['en', 'fr'],
      ids: ['0190a0a0-0000-7000-8000-000000000001'],
      sizes: [1, 2],
      size: 42,
      flag: true,
      doc: { a: [1] },
      bytes: new Uint8Array([1, 2]),
      at: new Date('2026-11-26T08:00:00Z'),
      id: '0190a0a0-0000-7000-8000-000000000001',
    });
  });

  it('drops the parsers of arrays of row types, which no query returns; such an array comes back as its text', async () => {
    expect(Object.keys(db.parsers).length).toBeLessThan(before / 2);
    // pg_namespace[]: a catalog row type, whose array parser PGlite made when it started.
    const { rows } = await db.query<{ spaces: unknown }>(`select array_agg(n) as spaces from pg_namespace n where nspname = 'public'`);
    expect(typeof rows[0]?.spaces).toBe('string');
    expect(rows[0]?.spaces).toMatch(/^\{.*public.*\}$/);
  });
});
