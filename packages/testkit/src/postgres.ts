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

export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgresUrl();
  const name = `parley_test_${randomBytes(6).toString('hex')}`;
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
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
