// A throwaway database for a benchmark run on the server named by PARLEY_BENCH_PG_URL.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export async function freshBenchDatabase(adminUrl) {
  const name = `parley_bench_${randomBytes(4).toString('hex')}`;
  const run = async (sql) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
