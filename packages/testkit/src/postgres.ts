import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * A throwaway database on the PostgreSQL server named by PARLEY_TEST_PG_URL (a role that may
 * create databases). `.ci/run` starts that server; the PostgreSQL suites fail without it in CI.
 */
export function postgresUrl(): string {
  const url = process.env.PARLEY_TEST_PG_URL;
  if (!url) {
    throw new Error('PARLEY_TEST_PG_URL is not set: the PostgreSQL suite needs a server (see README, "Develop").');
  }
  return url;
}

/** Runs statements, in order, on a database of the test server over a connection of their own: to set up what a test needs beside a node. */
export async function runSql(url: string, statements: readonly string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A new database on the server `admin` names (by default PARLEY_TEST_PG_URL's); `drop` removes it. */
export async function freshDatabase(admin: string = postgresUrl(), prefix = 'parley_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        // A plain DROP first, retried while the closed store's connections finish ending: forcing
        // it would kill them mid-goodbye and make their clients raise errors no one listens to.
        for (let attempt = 0; attempt < 50; attempt++) {
          try {
            await c.query(`DROP DATABASE IF EXISTS ${name}`);
            return;
          } catch (e) {
            if ((e as { code?: string }).code !== '55006') throw e;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
