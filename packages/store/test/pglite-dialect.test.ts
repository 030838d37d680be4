import { PGlite, protocol } from '@electric-sql/pglite';
import { CompiledQuery, Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindExecuteSync, PreparedPGliteConnection, PreparedPGliteDialect } from '../src/pglite-dialect.js';

const ID = '0190a0a0-0000-7000-8000-000000000001';
const prepared = async (db: Kysely<unknown>) =>
  (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements order by prepare_time`.execute(db)).rows;

describe('Kysely over PGlite with prepared statements', () => {
  let pglite: PGlite;
  let db: Kysely<unknown>;
  beforeAll(async () => {
    pglite = await PGlite.create();
    db = new Kysely<unknown>({ dialect: new PreparedPGliteDialect(pglite) });
    await sql`create table t (id uuid primary key, name text not null unique, doc jsonb, bytes bytea, at timestamptz, size int8, tags text[])`.execute(db);
  });
  afterAll(async () => db.destroy());

  it('sends and reads back every kind of value the schema holds, multi-byte text and nulls included', async () => {
    const row = { id: ID, name: 'Côte d’Ivoire — 中文 🛰️', doc: { a: [1, 'é'] }, bytes: new Uint8Array([0, 1, 254, 255]), at: new Date('2026-11-26T08:00:00.123Z'), size: 42, tags: ['en', 'fr', 'a,b', 'x"y'] };
    await sql`insert into t values (${row.id}, ${row.name}, ${JSON.stringify(row.doc)}, ${row.bytes}, ${row.at}, ${row.size}, ${row.tags})`.execute(db);
    await sql`insert into t (id, name) values (${'0190a0a0-0000-7000-8000-000000000002'}, ${'empty'})`.execute(db);
    const { rows } = await sql<Record<string, unknown>>`select * from t order by id`.execute(db);
    expect(rows).toEqual([row, { id: '0190a0a0-0000-7000-8000-000000000002', name: 'empty', doc: null, bytes: null, at: null, size: null, tags: null }]);
    const { rows: computed } = await sql<Record<string, unknown>>`
      select array[${ID}]::uuid[] as ids, array[1, 2]::int8[] as sizes, true as flag, ${'x'}::text || ${'ü'} as joined`.execute(db);
    expect(computed[0]).toEqual({ ids: [ID], sizes: [1, 2], flag: true, joined: 'xü' });
  });

  it('parses a statement once and then only binds and runs it', async () => {
    const before = (await prepared(db)).length;
    for (let i = 0; i < 3; i++) await sql`select name from t where size = ${i}`.execute(db);
    const after = await prepared(db);
    // The statement above, and the look-up into pg_prepared_statements itself.
    expect(after.filter((p) => p.statement.includes('select name from t where size ='))).toHaveLength(1);
    expect(after.length).toBeLessThanOrEqual(before + 2);
  });

  it('says how many rows a change touched, and nothing for a read', async () => {
    await sql`insert into t (id, name, size) values (gen_random_uuid(), 'n1', 7), (gen_random_uuid(), 'n2', 7)`.execute(db);
    expect((await sql`update t set doc = '{}' where size = ${7}`.execute(db)).numAffectedRows).toBe(2n);
    expect((await sql`delete from t where size = ${8}`.execute(db)).numAffectedRows).toBe(0n);
    expect((await sql`select 1 as one`.execute(db)).numAffectedRows).toBeUndefined();
  });

  it('fails a statement with PostgreSQL’s error and code, without its parameters, and goes on working', async () => {
    const duplicate = await sql`insert into t (id, name) values (${'0190a0a0-0000-7000-8000-000000000009'}, ${'empty'})`.execute(db).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(protocol.messages.DatabaseError);
    expect(duplicate).toMatchObject({ code: '23505', constraint: 't_name_key', query: expect.stringContaining('insert into t') });
    expect(duplicate).not.toHaveProperty('params');
    // An error while binding (a malformed uuid), on a statement already prepared.
    await sql`select name from t where id = ${ID}`.execute(db);
    await expect(sql`select name from t where id = ${'not-a-uuid'}`.execute(db)).rejects.toMatchObject({ code: '22P02' });
    // A statement that does not parse is not kept.
    await expect(sql`selec nothing`.execute(db)).rejects.toMatchObject({ code: '42601' });
    expect((await sql<{ name: string }>`select name from t where id = ${ID}`.execute(db)).rows).toEqual([{ name: 'Côte d’Ivoire — 中文 🛰️' }]);
  });

  it('parses its statements again after the schema changes, so a changed table is read as it now is', async () => {
    await sql`create table shape (a int)`.execute(db);
    await sql`insert into shape values (1)`.execute(db);
    expect((await sql`select * from shape`.execute(db)).rows).toEqual([{ a: 1 }]);
    await sql`alter table shape add column b text default 'x'`.execute(db);
    expect((await sql`select * from shape`.execute(db)).rows).toEqual([{ a: 1, b: 'x' }]);
  });

  it('runs a statement it does not keep with parameters too', async () => {
    expect((await sql<{ column1: number }>`values (${5}::int)`.execute(db)).rows).toEqual([{ column1: 5 }]);
  });

  it('runs statements asked for at once one by one, in order, each with its own answer', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => sql<{ n: number }>`select ${i}::int as n`.execute(db)));
    expect(answers.map((a) => a.rows[0]?.n)).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('keeps a transaction’s statements inside it, and rolls them back', async () => {
    await expect(
      db.transaction().execute(async (tx) => {
        await sql`insert into t (id, name) values (gen_random_uuid(), ${'inside'})`.execute(tx);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await sql`select 1 from t where name = ${'inside'}`.execute(db)).rows).toEqual([]);
    // BEGIN and ROLLBACK are among the statements kept prepared.
    expect((await prepared(db)).map((p) => p.statement)).toEqual(expect.arrayContaining(['begin', 'rollback']));
  });
});

describe('the prepared statements one connection keeps', () => {
  it('closes the least recently used beyond its capacity, and prepares it again when it comes back', async () => {
    const pglite = await PGlite.create();
    try {
      const connection = new PreparedPGliteConnection(pglite, 3);
      const run = async (text: string) => (await connection.executeQuery<{ n: number }>(CompiledQuery.raw(text, []))).rows[0]?.n;
      for (let i = 1; i <= 6; i++) expect(await run(`select ${i} as n`)).toBe(i);
      expect(connection.preparedCount).toBe(3);
      const { rows } = await connection.executeQuery<{ statement: string }>(CompiledQuery.raw('select statement from pg_prepared_statements', []));
      // The three kept and this look-up; the ones beyond capacity are closed on the next prepare.
      expect(rows.length).toBeLessThanOrEqual(4);
      expect(rows.map((r) => r.statement)).not.toContain('select 1 as n');
      expect(await run('select 1 as n')).toBe(1);
    } finally {
      await pglite.close();
    }
  });
});

describe('the Bind, Execute and Sync messages', () => {
  it('are byte for byte what pg-protocol’s serializer makes of the same values', () => {
    const values = ['plain', 'Côte d’Ivoire 🛰️', '', null, new Uint8Array([0, 255, 7])];
    const { serialize } = protocol;
    const theirs = [serialize.bind({ statement: 'parley_7', values }), serialize.execute(), serialize.sync()];
    const expected = Buffer.concat(theirs.map((m) => Buffer.from(m)));
    expect(Buffer.from(bindExecuteSync('parley_7', values))).toEqual(expected);
    expect(Buffer.from(bindExecuteSync('', []))).toEqual(Buffer.concat([serialize.bind({}), serialize.execute(), serialize.sync()].map((m) => Buffer.from(m))));
  });

  it('waits for a database that is still starting', async () => {
    const starting = new PGlite();
    const early = new Kysely<unknown>({ dialect: new PreparedPGliteDialect(starting) });
    try {
      expect((await sql<{ n: number }>`select ${2}::int4 + 1 as n`.execute(early)).rows).toEqual([{ n: 3 }]);
    } finally {
      await early.destroy();
    }
  });
});
