// Shared helpers for the benchmarks: spawning processes, polling, measuring, printing.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const cli = `${root}packages/cli/dist/bin.js`;

export function parley(args, input = '', env = process.env) {
  return execFileSync(process.execPath, [cli, ...args], { input, env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Spawns a server process and resolves with the time until `url` first answers 200. */
export async function spawnUntilHealthy(command, args, url, timeoutMs = 60_000, env = process.env) {
  const started = performance.now();
  const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const deadline = started + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const r = await fetch(url);
      if (r.status === 200) return { child, ms: performance.now() - started, stderr: () => stderr };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`process exited early:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  child.kill('SIGKILL');
  throw new Error(`no healthy answer from ${url} within ${timeoutMs} ms:\n${stderr}`);
}

export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

export async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Load with a fixed number of connections for a fixed time; loopback only. */
export function load(url, { connections = 50, seconds = 10, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections, duration: seconds, headers }, (err, result) => {
      if (err) return reject(err);
      if (result.non2xx > 0 || result.errors > 0) return reject(new Error(`${result.non2xx} non-2xx answers, ${result.errors} errors`));
      resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total });
    });
  });
}

export const fmt = (n, digits = 1) => Number(n).toFixed(digits);

/** One line of the report: the figure, the baseline from the same run, and their ratio. */
export function report(rows) {
  const w = Math.max(...rows.map((r) => r[0].length));
  for (const [name, value, baseline, unit, ratio] of rows) {
    console.log(`${name.padEnd(w)}  ${String(value).padStart(10)} ${unit.padEnd(6)} baseline ${String(baseline).padStart(10)} ${unit.padEnd(6)} ratio ${ratio}`);
  }
}
