// A throwaway database for a benchmark run on the server named by PARLEY_BENCH_PG_URL, made and
// dropped as the tests' are (a plain DROP retried while the closed nodes' connections end, which
// also stops an autovacuum worker; forcing only after that).
import { freshDatabase } from '../packages/testkit/dist/postgres.js';

export const freshBenchDatabase = (adminUrl) => freshDatabase(adminUrl, 'parley_bench');
