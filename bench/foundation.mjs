// Foundation figures: cold start to first healthy answer, idle memory, and authenticated
// GET /api/v1/contacts under 50 connections, each next to a bare Node HTTP server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, fmt, load, parley, report, rssMb, spawnUntilHealthy, stop } from './lib.mjs';

const PORT = 18480;
const BASE_PORT = 18481;

export async function foundation({ seconds = 10, databaseUrl } = {}) {
  const env = { ...process.env, DATABASE_URL: databaseUrl ?? '' };
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
  const data = join(dir, 'data');
  try {
    parley(['init', '--state', 'XAA', '--name', 'Bench', '--test-state', '--data', data]);
    parley(['user', 'add', '--email', 'bench@mfa.example', '--role', 'officer', '--password-stdin', '--data', data], 'benchmark password', env);
    const token = parley(['token', 'create', '--user', 'bench@mfa.example', '--data', data], '', env).trim().split('\n').at(-1);
    const auth = { authorization: `Bearer ${token}` };

    // Cold start: a fresh process on an existing data directory, to its first healthy answer.
    const node = await spawnUntilHealthy(process.execPath, [cli, 'start', '--data', data, '--port', String(PORT)], `http://127.0.0.1:${PORT}/healthz`, 60_000, env);
    const base = await spawnUntilHealthy(process.execPath, [new URL('./baseline-server.mjs', import.meta.url).pathname, String(BASE_PORT)], `http://127.0.0.1:${BASE_PORT}/`);

    for (let i = 0; i < 20; i++) {
      const r = await fetch(`http://127.0.0.1:${PORT}/api/v1/contacts`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ kind: 'technical', name: `Desk ${i}`, organisation: 'CERT', email: `desk${i}@cert.example`, phone: '+41 22 000 00 00', languages: ['en', 'fr'], timeZone: 'UTC', available24x7: true }),
      });
      if (r.status !== 201) throw new Error(`seeding failed: ${r.status}`);
    }
    await new Promise((r) => setTimeout(r, 2000));
    const nodeRss = rssMb(node.child.pid);
    const baseRss = rssMb(base.child.pid);

    // Warm up both, then measure one after the other so they do not share the cores.
    await load(`http://127.0.0.1:${PORT}/api/v1/contacts`, { seconds: 2, headers: auth });
    const api = await load(`http://127.0.0.1:${PORT}/api/v1/contacts`, { seconds, headers: auth });
    await load(`http://127.0.0.1:${BASE_PORT}/`, { seconds: 2 });
    const bare = await load(`http://127.0.0.1:${BASE_PORT}/`, { seconds });

    await stop(node.child);
    await stop(base.child);

    console.log(`\n== Foundation (issue 2), ${databaseUrl ? 'PostgreSQL' : 'embedded PGlite'} store: one node, 50 connections, authenticated GET /api/v1/contacts (20 contacts)`);
    report([
      ['cold start to first healthy response', fmt(node.ms / 1000, 2), fmt(base.ms / 1000, 2), 's', `${fmt(node.ms / base.ms, 1)}x slower`],
      ['idle RSS', fmt(nodeRss, 0), fmt(baseRss, 0), 'MB', `${fmt(nodeRss / baseRss, 1)}x`],
      ['requests per second', fmt(api.rps, 0), fmt(bare.rps, 0), 'req/s', `${fmt((api.rps / bare.rps) * 100, 1)}% of baseline`],
      ['latency p50', fmt(api.p50, 1), fmt(bare.p50, 1), 'ms', `${fmt(api.p50 / Math.max(bare.p50, 0.1), 1)}x`],
      ['latency p99', fmt(api.p99, 1), fmt(bare.p99, 1), 'ms', `${fmt(api.p99 / Math.max(bare.p99, 0.1), 1)}x`],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
