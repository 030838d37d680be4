import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Store } from '@parley/core';
import { openStore, pgliteDir } from '@parley/store';
import { freshDatabase, postgresUrl } from '@parley/testkit';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../src/migrations/index.js';
import { PreparedPGliteDialect } from '../src/pglite-dialect.js';
import type { Engine } from './log-suite.js';

const CONSULTATION = '0190a0a0-0000-7000-8000-0000000000c1';
const REQUEST = '0190a0a0-0000-7000-8000-0000000000c2';

/** A database holding a consultation, a message and a request written before migration 0011, then opened as a store. */
async function storeUpgradedFrom0010(engine: Engine, localeC: boolean): Promise<{ store: Store; drop(): Promise<void> }> {
  let db: Kysely<unknown>;
  let open: () => Promise<Store>;
  let cleanup: () => Promise<void>;
  if (engine === 'postgres') {
    const fresh = localeC ? await localeCDatabase() : await freshDatabase();
    db = new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: fresh.url, max: 1 }) }) });
    open = () => openStore({ engine: 'postgres', url: fresh.url, maxConnections: 4 });
    cleanup = fresh.drop;
  } else {
    const dir = await mkdtemp(join(tmpdir(), 'parley-search-'));
    db = new Kysely({ dialect: new PreparedPGliteDialect(await PGlite.create(pgliteDir(dir))) });
    open = () => openStore({ engine: 'pglite', dataDir: dir });
    cleanup = () => rm(dir, { recursive: true, force: true });
  }
  const { error } = await new Migrator({ db, provider: migrations }).migrateTo('0010-cooperation');
  if (error) throw error;
  const row = (id: string, kind: string, title: string, request: unknown) => sql`
    insert into consultations (id, group_id, side, raiser, recipient, addressees, status, title, summary, sectors, severity, urgency,
      communication_kind, norms, actions_requested, tlp, indicators, evidence, raised_by, created_at, updated_at, version, kind, request)
    values (${id}, ${id}, 'raiser', 'XAA', 'XAB', '["XAB"]', 'sent', ${title}, '', '[]', 'high', 'urgent',
      'notification', '[]', '', 'GREEN', '[]', '[]', 'officer@xaa.example', now(), now(), 1, ${kind}, ${request === null ? null : JSON.stringify(request)})`;
  await row(CONSULTATION, 'consultation', 'ÉNERGIE : 电网扫描事件。', null).execute(db);
  await row(REQUEST, 'preservation', 'Preservation of mailbox data', { reference: 'MLA/2026/٤٢-ب' }).execute(db);
  await sql`insert into consultation_events (id, consultation_id, at, side, actor, action, text, evidence)
    values ('0190a0a0-0000-7000-8000-0000000000e1', ${CONSULTATION}, now(), 'raiser', 'officer@xaa.example', 'message', '攻击者使用了僵尸网络', '[]')`.execute(db);
  await db.destroy();
  const store = await open();
  return { store, drop: async () => (await store.close(), await cleanup()) };
}

/**
 * A database whose locale is C, as `initdb --locale=C` makes: PostgreSQL then lowercases only
 * ASCII letters and takes every other character, punctuation included, for a letter.
 */
async function localeCDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const fresh = await freshDatabase();
  const name = new URL(fresh.url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: postgresUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE ${name}`);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  } finally {
    await admin.end();
  }
  return fresh;
}

/**
 * Search in the store, on rows written before the search vectors were built by the store
 * (migration 0011); on PostgreSQL, also on a database whose locale is C.
 */
export function searchSuite(engine: Engine, options: { localeC?: boolean } = {}): void {
  const localeC = options.localeC ?? false;
  describe(`full-text search after upgrading (${engine}${localeC ? ', locale C' : ''})`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    beforeAll(async () => ({ store, drop } = await storeUpgradedFrom0010(engine, localeC)), 60_000);
    afterAll(async () => drop?.());

    const found = async (text: string, kinds: ('consultation' | 'preservation')[]) => (await store.consultations.list({ kinds, text, limit: 10 })).map((c) => c.id);

    it('indexes again the consultations and messages stored before, so part of a Chinese title or message finds them', async () => {
      expect(await found('扫描', ['consultation'])).toEqual([CONSULTATION]);
      expect(await found('僵尸网络', ['consultation'])).toEqual([CONSULTATION]);
    });

    it('lowercases letters beyond ASCII and keeps punctuation beyond ASCII off the words, whatever the database locale', async () => {
      expect(await found('énergie', ['consultation'])).toEqual([CONSULTATION]);
      expect(await found('电网扫描事件', ['consultation'])).toEqual([CONSULTATION]);
    });

    it('finds a request by its reference number, as the search box says it does', async () => {
      expect(await found('MLA/2026/٤٢-ب', ['preservation'])).toEqual([REQUEST]);
    });
  });
}
