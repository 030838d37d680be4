// Federation figures: signed envelopes per second from A to B, each with its signature, B's
// verification, B's durable store, B's signed receipt and A's check of that receipt, at 1, 10 and
// 100 in flight; next to the raw Ed25519 sign+verify rate of node:crypto in the same run.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { Agent, request } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEnvelope,
  envelopeHash,
  importPrivateKeyPem,
  publicKeyFromRaw,
  signDelivery,
  signEnvelope,
  fingerprint,
  verifyReceipt,
} from '../packages/protocol/dist/index.js';
import { cli, fmt, parley, report, root, spawnUntilHealthy, stop } from './lib.mjs';

function ed25519Rate(ms) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const msg = Buffer.alloc(600, 7);
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const sig = sign(null, msg, privateKey);
    if (!verify(null, msg, publicKey, sig)) throw new Error('verify failed');
    n++;
  }
  return (n / ms) * 1000;
}

/**
 * The same pairs as Parley runs them: in node:crypto's thread pool (its callback form), ten at a
 * time, so on every core. Returns pairs per second, and CPU per pair (ms, every thread of this process).
 */
async function ed25519PoolRate(ms) {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const msg = Buffer.alloc(600, 7);
  const pair = () =>
    new Promise((resolve, reject) =>
      sign(null, msg, privateKey, (e, sig) => (e ? reject(e) : verify(null, msg, publicKey, sig, (e2, ok) => (e2 || !ok ? reject(e2 ?? new Error('verify failed')) : resolve())))),
    );
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() < t0 + ms) {
    await Promise.all(Array.from({ length: 10 }, pair));
    n += 10;
  }
  const c = process.cpuUsage(c0);
  return { rate: (n / (performance.now() - t0)) * 1000, cpu: (c.user + c.system) / 1000 / n };
}

/** CPU time (user + system, ms) a process has used so far, from /proc: a figure other load on the machine barely moves. */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return Number.NaN;
  }
}

/**
 * CPU time of the PostgreSQL server on this machine (both nodes' databases; the sending node's is
 * idle): every server process's own, plus what the postmaster has collected from backends that
 * have exited (the pool closes idle connections), so a connection ending mid-run is still counted.
 */
function postgresCpuMs() {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      total += ((Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 1000) / 100; // utime, stime, cutime, cstime
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/**
 * The CPU one round trip to PostgreSQL costs, client and server together: `select 1` on one
 * connection, the smallest query there is. Every statement the inbox makes costs at least this.
 */
async function postgresRoundTrip(url, n = 2000) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let i = 0; i < 200; i++) await client.query('select 1');
    const [c0, p0] = [process.cpuUsage(), postgresCpuMs()];
    for (let i = 0; i < n; i++) await client.query('select 1');
    const c = process.cpuUsage(c0);
    return { client: (c.user + c.system) / 1000 / n, server: (postgresCpuMs() - p0) / n };
  } finally {
    await client.end();
  }
}

/**
 * The load generator's HTTP client: node:http over keep-alive connections. fetch (undici) opened a
 * new connection for most requests sent at once (it took 329 connections for about 500 requests
 * in 2 s at 10 in flight): the churn cost the generator about twice the CPU per envelope, and
 * the requests caught in it made the p99 of the one-per-request runs (1.1 to 3.1 s at 100 in
 * flight on the embedded store), none of which was the receiving node's doing.
 */
const agent = new Agent({ keepAlive: true });
function post(url, headers, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        } catch (e) {
          reject(e);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

// Extra node flags for the two servers, e.g. BENCH_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile them.
const nodeFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
// BENCH_IN_FLIGHT='1' (say) measures only some of the levels, e.g. to profile one of them.
const inFlightLevels = (process.env.BENCH_IN_FLIGHT ?? '1,10,100').split(',').map(Number);

async function node(dir, state, port, env) {
  const data = join(dir, state.toLowerCase());
  parley(['init', '--state', state, '--name', `Bench ${state}`, '--test-state', '--data', data], '', env);
  parley(['user', 'add', '--email', `admin@${state.toLowerCase()}.example`, '--role', 'admin', '--password-stdin', '--data', data], 'benchmark password', env);
  const token = parley(['token', 'create', '--user', `admin@${state.toLowerCase()}.example`, '--data', data], '', env).trim().split('\n').at(-1);
  const proc = await spawnUntilHealthy(process.execPath, [...nodeFlags, cli, 'start', '--data', data, '--port', String(port)], `http://127.0.0.1:${port}/healthz`, 60_000, env);
  return { data, token, proc, url: `http://127.0.0.1:${port}` };
}

export async function federation({ seconds = 10, databaseUrls } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-fed-'));
  const envA = { ...process.env, DATABASE_URL: databaseUrls?.[0] ?? '' };
  const envB = { ...process.env, DATABASE_URL: databaseUrls?.[1] ?? '' };
  const postgres = !!databaseUrls;
  try {
    const a = await node(dir, 'XAA', 18581, envA);
    const b = await node(dir, 'XAB', 18582, envB);
    const info = async (n) => (await fetch(`${n.url}/.well-known/parley`)).json();
    const [ia, ib] = [await info(a), await info(b)];
    for (const [from, to, i] of [[a, b, ib], [b, a, ia]]) {
      const r = await fetch(`${from.url}/api/v1/peers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${from.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: to.url, fingerprint: i.fingerprint }),
      });
      if (r.status !== 201) throw new Error(`peering failed: ${r.status} ${await r.text()}`);
    }
    // The load generator speaks as node A, with A's own key from its data directory.
    const keyA = importPrivateKeyPem(readFileSync(join(a.data, 'node-key.pem'), 'utf8'));
    const kidA = fingerprint(keyA.publicKey);
    const keyB = publicKeyFromRaw(Buffer.from(ib.publicKey, 'base64url'));
    // Where the load goes: node B, or (with PostgreSQL, at the end) the bare receiver baseline.
    let target = { url: b.url, key: keyB, pid: b.proc.child.pid };
    let seq = Date.now();

    // The sending node's outbox. A node signs an envelope when the action that causes it commits
    // (core's \`queueMessage\`), not when its sender delivers it, so a delivery takes envelopes
    // already signed. Here a producer signs them ahead, as officers' actions would, into a queue of
    // at most \`ahead\` envelopes; the signing is still this process's work and counted in A's CPU,
    // but it overlaps with B's, as on two real nodes. \`BENCH_SIGN_AHEAD=0\` signs each envelope
    // only when a delivery needs it, as the bench did before.
    const signAhead = process.env.BENCH_SIGN_AHEAD !== '0';
    const newEnvelope = async () => {
      const jws = await signEnvelope(createEnvelope({ sender: 'XAA', recipient: 'XAB', type: 'directory.update', body: { publishedAt: new Date(seq++).toISOString(), contacts: [] } }), keyA);
      return { jws, hash: envelopeHash(jws) };
    };
    const outbox = { ready: [], waiting: [], producing: 0, ahead: 0 };
    const produce = () => {
      while (signAhead && outbox.ready.length + outbox.producing < outbox.ahead) {
        outbox.producing++;
        newEnvelope().then((e) => {
          outbox.producing--;
          const waiter = outbox.waiting.shift();
          if (waiter) waiter(e);
          else outbox.ready.push(e);
          produce();
        });
      }
    };
    /** Takes \`n\` signed envelopes from the outbox, waiting for the producer if it has fewer. */
    const take = (n) => {
      if (!signAhead) return Promise.all(Array.from({ length: n }, newEnvelope));
      const got = outbox.ready.splice(0, n).map((e) => Promise.resolve(e));
      while (got.length < n) got.push(new Promise((resolve) => outbox.waiting.push(resolve)));
      produce();
      return Promise.all(got);
    };

    // Latency runs from taking the envelopes for delivery to their checked receipts.
    async function sendOne() {
      const [{ jws, hash }] = await take(1);
      const started = performance.now();
      const token = await signDelivery({ envelope: hash, to: 'XAB', sent: new Date() }, keyA.privateKey, kidA);
      const { status, body } = await post(`${target.url}/federation/v1/inbox`, { 'content-type': 'application/jose', 'parley-delivery': token }, jws);
      if (status !== 200) throw new Error(`refused: ${status} ${JSON.stringify(body)}`);
      await verifyReceipt(body.receipt, { publicKeyFor: () => target.key, expectedEnvelope: hash, expectedReceiver: 'XAB' });
      return performance.now() - started;
    }

    // A batch, as a node's sender delivers its queue to a peer: the envelopes in one request under
    // one delivery token, each answered with its own receipt (protocol §4.4).
    async function sendBatch(size) {
      const taken = await take(size);
      const started = performance.now();
      const [jwss, hashes] = [taken.map((e) => e.jws), taken.map((e) => e.hash)];
      const token = await signDelivery({ envelope: hashes, to: 'XAB', sent: new Date() }, keyA.privateKey, kidA);
      const { status, body } = await post(`${target.url}/federation/v1/inbox/batch`, { 'content-type': 'application/json', 'parley-delivery': token }, JSON.stringify({ envelopes: jwss }));
      if (status !== 200) throw new Error(`refused: ${status} ${JSON.stringify(body)}`);
      await Promise.all(
        body.results.map((r, i) => {
          if (!r.receipt) throw new Error(`envelope refused: ${JSON.stringify(r)}`);
          return verifyReceipt(r.receipt, { publicKeyFor: () => target.key, expectedEnvelope: hashes[i], expectedReceiver: 'XAB' });
        }),
      );
      const took = performance.now() - started;
      return Array.from({ length: size }, () => took);
    }

    // Batched as a node's sender groups its queue for a peer: up to 50 envelopes a request (its
    // default batchSize), so 10 in flight travel in one request and 100 in two (BENCH_REQUESTS=N
    // shares them among N requests instead, to try other shapes).
    const requestsFor = (inFlight) => Math.min(inFlight, Number(process.env.BENCH_REQUESTS ?? Math.ceil(inFlight / 50)));

    // `inFlight` envelopes outstanding at any time: alone, one per request; batched, in `requests` requests at once.
    async function run(inFlight, secs, batched = false) {
      const latencies = [];
      // The outbox starts with a round of envelopes signed, as a node with a backlog has.
      outbox.ahead = inFlight;
      await take(0);
      while (signAhead && outbox.ready.length < inFlight) await new Promise((resolve) => setTimeout(resolve, 1));
      const end = performance.now() + secs * 1000;
      const requests = batched ? requestsFor(inFlight) : inFlight;
      const worker = async (w) => {
        // The in-flight envelopes shared out among the requests.
        const size = Math.floor(inFlight / requests) + (w < inFlight % requests ? 1 : 0);
        while (performance.now() < end) {
          if (batched) latencies.push(...(await sendBatch(size)));
          else latencies.push(await sendOne());
        }
      };
      const [b0, c0, p0] = [cpuMs(target.pid), process.cpuUsage(), postgres ? postgresCpuMs() : 0];
      const t0 = performance.now();
      await Promise.all(Array.from({ length: requests }, (_, w) => worker(w)));
      const elapsed = (performance.now() - t0) / 1000;
      const c1 = process.cpuUsage(c0);
      outbox.ahead = 0;
      latencies.sort((x, y) => x - y);
      const n = latencies.length;
      return {
        rate: n / elapsed,
        p50: percentile(latencies, 50),
        p99: percentile(latencies, 99),
        // CPU per envelope of the receiving node B and of this load generator (A's side of each exchange).
        cpuB: (cpuMs(target.pid) - b0) / n,
        cpuClient: (c1.user + c1.system) / 1000 / n,
        // With PostgreSQL: its server's CPU per envelope, on the same two cores.
        cpuDb: postgres ? (postgresCpuMs() - p0) / n : 0,
      };
    }

    // One envelope per request at each level, and, above one in flight, batched as a node's sender
    // delivers its queue (`BENCH_MODES=batched` for the batched runs only).
    const modes = (process.env.BENCH_MODES ?? 'single,batched').split(',');
    // Warm-up, in the modes measured (a profile of one mode then holds only that mode).
    if (modes.includes('single') || inFlightLevels.includes(1)) await run(10, 2);
    if (modes.includes('batched')) await run(10, 2, true);
    const results = [];
    for (const inFlight of inFlightLevels) {
      if (modes.includes('single') || inFlight === 1) results.push([inFlight, 'one per request', await run(inFlight, seconds)]);
      if (modes.includes('batched') && inFlight > 1) results.push([inFlight, `batched, ${requestsFor(inFlight)} request${requestsFor(inFlight) > 1 ? 's' : ''}`, await run(inFlight, seconds, true)]);
    }
    await stop(b.proc.child);
    // The bare receiver, batched as above: what the same load gets from the least a receiver can do.
    const bare = [];
    if (postgres) {
      const child = spawn(process.execPath, [join(root, 'bench/bare-receiver.mjs'), '18583', databaseUrls[1], ia.publicKey], { stdio: ['ignore', 'pipe', 'inherit'] });
      const key = await new Promise((resolve, reject) => {
        child.stdout.once('data', (d) => resolve(String(d).trim()));
        child.once('exit', (code) => reject(new Error(`the bare receiver exited with ${code}`)));
      });
      target = { url: 'http://127.0.0.1:18583', key: publicKeyFromRaw(Buffer.from(key, 'base64url')), pid: child.pid };
      try {
        await run(10, 2, true); // warm-up
        for (const inFlight of inFlightLevels.filter((n) => n > 1)) bare.push([inFlight, `batched, ${requestsFor(inFlight)} request${requestsFor(inFlight) > 1 ? 's' : ''}`, await run(inFlight, seconds, true)]);
      } finally {
        await stop(child);
      }
    }
    const ed = ed25519Rate(2000);
    const pool = await ed25519PoolRate(2000);
    const roundTrip = postgres ? await postgresRoundTrip(databaseUrls[1]) : null;
    await stop(a.proc.child);

    console.log(`\n== Federation (issue 3), ${postgres ? 'PostgreSQL' : 'embedded PGlite'} stores: envelope from A, verified, stored and receipted by B, receipt checked by A`);
    console.log(`baseline: raw Ed25519 sign+verify in node:crypto, one core: ${fmt(ed, 0)} per second`);
    console.log(
      `baseline: the same in node:crypto's thread pool, ten at a time, as Parley runs them: ${fmt(pool.rate, 0)} per second on ${availableParallelism()} cores, ${fmt(pool.cpu, 3)} ms of CPU a pair (one core: ${fmt(1000 / ed, 3)})`,
    );
    report(
      results.map(([n, mode, r]) => [
        `${String(n).padStart(3)} in flight, ${mode}: envelopes/s (p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms)`,
        fmt(r.rate, 0),
        fmt(ed, 0),
        '/s',
        `${fmt((r.rate / ed) * 100, 2)}% of raw sign+verify`,
      ]),
    );
    for (const [n, mode, r] of bare) {
      const parley = results.find(([m, kind]) => m === n && kind === mode)?.[2];
      console.log(
        `baseline: a bare receiver (node:http, node:crypto, pg; signatures checked, receipts signed, one group-committed insert, no log, apply or checks) at ${n} in flight, ${mode}: ${fmt(r.rate, 0)} envelopes/s (p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms; CPU per envelope: receiver ${fmt(r.cpuB, 2)} + A ${fmt(r.cpuClient, 2)} + PostgreSQL ${fmt(r.cpuDb, 2)} ms)${parley ? `; Parley's node does ${fmt((parley.rate / r.rate) * 100, 0)}% of it` : ''}`,
      );
    }
    if (roundTrip) {
      console.log(
        `baseline: one PostgreSQL round trip (select 1) costs ${fmt(roundTrip.client, 3)} ms of CPU in the client and ${fmt(roundTrip.server, 3)} ms in the server; B's transaction for a batch of n envelopes makes 4 + n statements in 1 round trip when no other process has appended to its log`,
      );
    }
    console.log(`(raw sign+verify costs ${fmt(1000 / ed, 2)} ms of CPU a pair; an envelope needs two (envelope, receipt), and one more per delivery request for its token)`);
    // What the machine allows at best: its cores divided by the CPU one envelope costs: the
    // receiving node B, the load generator speaking for A, and with PostgreSQL its server.
    const cores = availableParallelism();
    for (const [n, mode, r] of results) {
      const parts = [r.cpuB, r.cpuClient, ...(postgres ? [r.cpuDb] : [])];
      const sum = parts.reduce((x, y) => x + y, 0);
      console.log(
        `CPU per envelope at ${n} in flight, ${mode}: B ${fmt(r.cpuB, 2)} + A ${fmt(r.cpuClient, 2)}${postgres ? ` + PostgreSQL ${fmt(r.cpuDb, 2)}` : ''} ms; ceiling ${cores} cores / ${fmt(sum, 2)} ms = ${fmt((cores * 1000) / sum, 0)} envelopes/s`,
      );
    }
  } finally {
    agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

// `node bench/federation.mjs`: these figures alone (PostgreSQL too with PARLEY_BENCH_PG_URL).
if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const engine = process.env.BENCH_ENGINE; // 'pglite' or 'postgres' for one engine only
  if (engine !== 'postgres') await federation({ seconds });
  if (process.env.PARLEY_BENCH_PG_URL && engine !== 'pglite') {
    const { freshBenchDatabase } = await import('./pg.mjs');
    const [db, db2] = [await freshBenchDatabase(process.env.PARLEY_BENCH_PG_URL), await freshBenchDatabase(process.env.PARLEY_BENCH_PG_URL)];
    try {
      await federation({ seconds, databaseUrls: [db.url, db2.url] });
    } finally {
      await db.drop();
      await db2.drop();
    }
  }
}
