// Evidence throughput (issue 4): a 1 GiB file uploaded to node A through its API (streamed,
// hashed, stored by content), then pulled by node B over loopback in signed 16 MiB ranges and
// checked against its SHA-256. Reported in MB/s for the whole path, next to `sha256sum` of the
// same file in the same run, with both nodes' peak resident memory during the transfer.
import { execFileSync, fork } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, createReadStream, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, parley } from './lib.mjs';

const MB = 1_000_000;

function makeFile(path, bytes) {
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(16 * 1024 * 1024);
  for (let done = 0; done < bytes; done += block.length) writeSync(fd, randomFillSync(block), 0, Math.min(block.length, bytes - done));
  closeSync(fd);
}

const status = (pid) => readFileSync(`/proc/${pid}/status`, 'utf8');
const kb = (text, field) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(text)?.[1] ?? 0);

/** Starts a bench node as a child process with an IPC channel; resolves once it listens. */
function startNodeProcess(data, port, env) {
  const child = fork(fileURLToPath(new URL('./evidence-node.mjs', import.meta.url)), [data, String(port)], { env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let seq = 0;
  const waiting = new Map();
  child.on('message', (m) => {
    if (m.id !== undefined) {
      waiting.get(m.id)?.(m);
      waiting.delete(m.id);
    }
  });
  const ask = (msg) =>
    new Promise((resolve, reject) => {
      const id = seq++;
      waiting.set(id, (m) => (m.ok ? resolve(m) : reject(new Error(m.error))));
      child.send({ ...msg, id });
    });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`node exited (${code}):\n${stderr}`)));
    child.on('message', (m) => {
      if (m.ready) resolve({ child, url: m.url, ask, stderr: () => stderr });
    });
  });
}

async function stopChild(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function upload(url, token, file, size, name) {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1/evidence?name=${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(size) },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => (res.statusCode === 201 ? resolve(JSON.parse(body)) : reject(new Error(`upload: ${res.statusCode} ${body}`))));
    });
    req.on('error', reject);
    createReadStream(file, { highWaterMark: 1024 * 1024 }).pipe(req);
  });
}

/** `databaseUrls`: one PostgreSQL database per node; without them each node embeds PGlite. */
export async function evidence({ bytes = Number(process.env.BENCH_EVIDENCE_BYTES ?? 1024 ** 3), databaseUrls } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-ev-'));
  const nodes = [];
  try {
    const file = join(dir, 'evidence.bin');
    makeFile(file, bytes);
    // Baseline: the same file through sha256sum, once to warm the page cache, then timed.
    execFileSync('sha256sum', [file]);
    const t = performance.now();
    const expected = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
    const sumSeconds = (performance.now() - t) / 1000;

    const made = [];
    for (const [i, [state, port]] of [['XAA', 0], ['XAB', 0]].entries()) {
      const env = { ...process.env, DATABASE_URL: databaseUrls?.[i] ?? '' };
      const data = join(dir, state.toLowerCase());
      parley(['init', '--state', state, '--name', `Bench ${state}`, '--test-state', '--data', data], '', env);
      parley(['user', 'add', '--email', `admin@${state.toLowerCase()}.example`, '--role', 'admin', '--password-stdin', '--data', data], 'benchmark password', env);
      const token = parley(['token', 'create', '--user', `admin@${state.toLowerCase()}.example`, '--data', data], '', env).trim().split('\n').at(-1);
      const proc = await startNodeProcess(data, port, env);
      nodes.push(proc);
      made.push({ ...proc, token });
    }
    const [a, b] = made;
    for (const [from, to] of [[a, b], [b, a]]) {
      const info = await (await fetch(`${to.url}/.well-known/parley`)).json();
      const r = await fetch(`${from.url}/api/v1/peers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${from.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: to.url, fingerprint: info.fingerprint }),
      });
      if (r.status !== 201) throw new Error(`peering failed: ${r.status} ${await r.text()}`);
    }

    // Peak resident memory of each node while the file moves, sampled every 20 ms.
    const peak = new Map([[a.child.pid, 0], [b.child.pid, 0]]);
    const idle = new Map([...peak.keys()].map((pid) => [pid, kb(status(pid), 'VmRSS')]));
    const sampler = setInterval(() => {
      for (const pid of peak.keys()) peak.set(pid, Math.max(peak.get(pid), kb(status(pid), 'VmRSS')));
    }, 20);

    const t0 = performance.now();
    const stored = await upload(a.url, a.token, file, bytes, 'bench-disk.img');
    const t1 = performance.now();
    await a.ask({ op: 'grant', sha256: stored.sha256, recipient: 'XAB' });
    const { evidence: id } = await b.ask({ op: 'expect', ref: { sha256: stored.sha256, size: stored.size, name: stored.name, mediaType: stored.mediaType, malware: false, from: 'XAA' } });
    let last;
    for (;;) {
      last = await (await fetch(`${b.url}/api/v1/evidence/${id}`, { headers: { authorization: `Bearer ${b.token}` } })).json();
      if (last.status === 'received' || last.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const t2 = performance.now();
    clearInterval(sampler);
    if (last.status !== 'received') throw new Error(`transfer failed: ${last.error}`);
    if (stored.sha256 !== expected || last.sha256 !== expected) throw new Error('hash differs from sha256sum');
    const hwm = new Map([...peak.keys()].map((pid) => [pid, kb(status(pid), 'VmHWM')]));

    const whole = bytes / MB / ((t2 - t0) / 1000);
    const base = bytes / MB / sumSeconds;
    const mib = (k) => fmt(k / 1024, 0);
    console.log(`\n== Evidence (issue 4), ${databaseUrls ? 'PostgreSQL' : 'embedded PGlite'} stores: ${fmt(bytes / 1024 ** 3, 2)} GiB uploaded to A (API, streamed, SHA-256, stored), pulled by B over loopback in 16 MiB signed ranges, SHA-256 checked`);
    console.log(`baseline: sha256sum of the same file (page cache warm): ${fmt(base, 0)} MB/s`);
    console.log(`whole path (upload + store + transfer + check)   ${fmt(whole, 0).padStart(6)} MB/s   ${fmt((whole / base) * 100, 0)}% of sha256sum   (aim: at least 50%)`);
    console.log(`  upload to A (stream, hash, fsync, rename)      ${fmt(bytes / MB / ((t1 - t0) / 1000), 0).padStart(6)} MB/s`);
    console.log(`  transfer A → B (ranges, write, fsync, hash)    ${fmt(bytes / MB / ((t2 - t1) / 1000), 0).padStart(6)} MB/s`);
    for (const [label, n] of [['A', a], ['B', b]]) {
      console.log(`  node ${label} resident memory: idle ${mib(idle.get(n.child.pid))} MiB, peak during the transfer ${mib(peak.get(n.child.pid))} MiB, lifetime peak (VmHWM) ${mib(hwm.get(n.child.pid))} MiB   (aim: under 200 MB)`);
    }
  } finally {
    for (const n of nodes) await stopChild(n.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await evidence();
