// `npm run bench`: every figure next to a baseline measured in the same run.
import { evidence } from './evidence.mjs';
import { federation } from './federation.mjs';
import { foundation } from './foundation.mjs';
import { log } from './log.mjs';
import { proofs } from './proofs.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
console.log(`Parley benchmarks on ${(await import('node:os')).cpus().length} cores, Node ${process.version}, ${seconds} s per load run`);
await foundation({ seconds });
await federation({ seconds });
await log({ seconds });
await proofs();
await evidence();
// With a PostgreSQL server (a role that may create databases), the same figures on that engine.
if (process.env.PARLEY_BENCH_PG_URL) {
  const { freshBenchDatabase } = await import('./pg.mjs');
  const db = await freshBenchDatabase(process.env.PARLEY_BENCH_PG_URL);
  const db2 = await freshBenchDatabase(process.env.PARLEY_BENCH_PG_URL);
  try {
    await foundation({ seconds, databaseUrl: db.url });
    await federation({ seconds, databaseUrls: [db.url, db2.url] });
    const db3 = await freshBenchDatabase(process.env.PARLEY_BENCH_PG_URL);
    try {
      await log({ seconds, databaseUrl: db3.url });
    } finally {
      await db3.drop();
    }
    const [db4, db5] = [await freshBenchDatabase(process.env.PARLEY_BENCH_PG_URL), await freshBenchDatabase(process.env.PARLEY_BENCH_PG_URL)];
    try {
      await evidence({ databaseUrls: [db4.url, db5.url] });
    } finally {
      await db4.drop();
      await db5.drop();
    }
  } finally {
    await db.drop();
    await db2.drop();
  }
}
