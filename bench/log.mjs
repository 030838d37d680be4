// Transparency log figures (issue 5): durable appends per second through the store, batched by
// group commit, with the real checkpointer signing at least once a second; the time from submit
// to durable; the time to produce an inclusion proof in a log of 1,000,000 entries; and proof
// verifications per second. Each is printed next to the SHA-256 rate of node:crypto measured in
// the same run: hashing is the floor of every one of them.
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendToLog, claimLogOrigin, proveConsistency, proveInclusion } from '../packages/core/dist/index.js';
import { fingerprint, rawPublicKey, verifyInclusion } from '../packages/protocol/dist/index.js';
import { Checkpointer, createLogger } from '../packages/server/dist/index.js';
import { openStore } from '../packages/store/dist/index.js';
import { fmt, report } from './lib.mjs';

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
// PGlite settles its promises without returning to the event loop; timers need a turn.
const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));

function entry(i) {
  return {
    kind: 'envelope.received',
    hash: `sha256:${createHash('sha256').update(`bench ${i}`).digest('base64url')}`,
    sender: 'XAB',
    recipient: 'XAA',
    type: 'check.request',
    at: new Date(Date.UTC(2026, 10, 25, 12) + i).toISOString(),
  };
}

/** SHA-256 operations per second over `bytes`-long inputs, one core. */
function sha256Rate(bytes, ms = 1000) {
  const input = Buffer.alloc(bytes, 7);
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) createHash('sha256').update(input).digest();
    n += 1000;
  }
  return (n / ms) * 1000;
}

/**
 * Group commit: submitters queue entries; one writer appends whatever is queued in one
 * transaction and resolves each submitter when it has committed.
 */
function groupCommit(store, ctx, maxBatch) {
  const queue = [];
  let wake = null;
  let open = true;
  const writer = (async () => {
    while (open || queue.length > 0) {
      if (queue.length === 0) {
        await new Promise((resolve) => (wake = resolve));
        continue;
      }
      const batch = queue.splice(0, maxBatch);
      await appendToLog(store, ctx, batch.map((b) => b.entry));
      const done = performance.now();
      for (const b of batch) b.resolve(done);
      await yieldToLoop();
    }
  })();
  return {
    submit(e) {
      return new Promise((resolve) => {
        queue.push({ entry: e, resolve });
        wake?.();
        wake = null;
      });
    },
    async close() {
      open = false;
      wake?.();
      await writer;
    },
  };
}

/** Watches the latest checkpoint and reports the longest time the log went without a new one. */
function watchCheckpoints(store) {
  let last = { size: -1, at: performance.now() };
  let longestGap = 0;
  let count = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const c = await store.log.latestCheckpoint();
      const now = performance.now();
      if (c && c.size !== last.size) {
        if (last.size >= 0) longestGap = Math.max(longestGap, now - last.at);
        last = { size: c.size, at: now };
        count++;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { count, longestGapMs: longestGap };
    },
  };
}

export async function log({ seconds = 10, databaseUrl, million = Number(process.env.BENCH_LOG_ENTRIES ?? 1_000_000) } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-log-'));
  const store = await openStore(databaseUrl ? { engine: 'postgres', url: databaseUrl } : { engine: 'pglite', dataDir: dir });
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const ctx = { store, now: () => new Date(), publicUrl: 'http://127.0.0.1', self: { stateCode: 'XAA', name: 'Bench', privateKey, fingerprint: fingerprint(rawPublicKey(publicKey)), previousKeys: new Map() } };
  const checkpointer = new Checkpointer(ctx, await claimLogOrigin(ctx), createLogger({ logLevel: 'warn' }), { intervalMs: 1000 });
  let next = 0;
  try {
    checkpointer.start();

    // 1. Durable appends, closed loop: `inFlight` submitters, each waiting for its entry to commit.
    async function run(inFlight, secs) {
      const log = groupCommit(store, ctx, 2000);
      const watch = watchCheckpoints(store);
      const latencies = [];
      const end = performance.now() + secs * 1000;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (performance.now() < end) {
            const submitted = performance.now();
            latencies.push((await log.submit(entry(next++))) - submitted);
          }
        }),
      );
      const elapsed = (performance.now() - t0) / 1000;
      await log.close();
      const checkpoints = await watch.stop();
      latencies.sort((a, b) => a - b);
      return { rate: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), checkpoints };
    }
    await run(500, 2); // warm-up
    const loads = [];
    for (const inFlight of [100, 1000, 4000]) loads.push([inFlight, await run(inFlight, seconds)]);
    await checkpointer.stop();

    // 2. Fill the log to a million entries, in large batches, and prove inclusion in it.
    const fillStart = performance.now();
    const filled = next;
    while (next < million) {
      const n = Math.min(10_000, million - next);
      await appendToLog(store, ctx, Array.from({ length: n }, (_, k) => entry(next + k)));
      next += n;
      await yieldToLoop();
    }
    const fillRate = next > filled ? (next - filled) / ((performance.now() - fillStart) / 1000) : 0;
    const size = (await store.log.head()).size;
    const proofs = [];
    const proofTimes = [];
    for (let i = 0; i < 20; i++) await proveInclusion(store, (i * 7919) % size, size);
    const proofEnd = performance.now() + 3000;
    while (performance.now() < proofEnd) {
      const index = Math.floor(Math.random() * size);
      const t = performance.now();
      const p = await proveInclusion(store, index, size);
      proofTimes.push(performance.now() - t);
      if (proofs.length < 1000) proofs.push({ index, ...p });
    }
    proofTimes.sort((a, b) => a - b);
    const consistencyTimes = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await proveConsistency(store, 1 + Math.floor(Math.random() * (size - 1)), size);
      consistencyTimes.push(performance.now() - t);
    }
    consistencyTimes.sort((a, b) => a - b);
    const { rootAt } = await import('../packages/core/dist/index.js');
    const root = await rootAt(store, size);

    // 3. Verifying: what any third party does with a proof, offline.
    let verified = 0;
    const verifyEnd = performance.now() + 2000;
    const vt0 = performance.now();
    while (performance.now() < verifyEnd) {
      for (const p of proofs) verifyInclusion(p.index, size, p.leafHash, p.proof, root);
      verified += proofs.length;
    }
    const verifyRate = verified / ((performance.now() - vt0) / 1000);
    const proofLength = proofs[0].proof.length;

    const leafBytes = 1 + 190; // a leaf hash covers 0x00 and about 190 bytes of canonical JSON
    const shaLeaf = sha256Rate(leafBytes);
    const shaNode = sha256Rate(65);

    console.log(`\n== Transparency log (issue 5), ${databaseUrl ? 'PostgreSQL' : 'embedded PGlite'} store, checkpoint signed at most once a second while appending`);
    console.log(`baseline: SHA-256 in node:crypto, one core: ${fmt(shaLeaf, 0)}/s over a ${leafBytes}-byte leaf, ${fmt(shaNode, 0)}/s over a 65-byte interior node`);
    report([
      ...loads.map(([n, r]) => [
        `durable appends/s, ${String(n).padStart(4)} waiting (p50 ${fmt(r.p50, 1)} ms, p99 ${fmt(r.p99, 1)} ms submit to durable; ${r.checkpoints.count} checkpoints, longest gap ${fmt(r.checkpoints.longestGapMs / 1000, 2)} s)`,
        fmt(r.rate, 0),
        fmt(shaLeaf, 0),
        '/s',
        `${fmt((r.rate / shaLeaf) * 100, 2)}% of hashing the leaves alone`,
      ]),
      ...(fillRate > 0 ? [[`appends/s filling to ${size} entries, 10,000 per transaction, no checkpointer`, fmt(fillRate, 0), fmt(shaLeaf, 0), '/s', `${fmt((fillRate / shaLeaf) * 100, 2)}% of hashing the leaves alone`]] : []),
      [
        `inclusion proof in ${size} entries (${proofLength} hashes), p50 ms (p99 ${fmt(percentile(proofTimes, 99), 2)} ms)`,
        fmt(percentile(proofTimes, 50), 3),
        fmt((proofLength / shaNode) * 1000, 4),
        'ms',
        `${fmt(percentile(proofTimes, 50) / ((proofLength / shaNode) * 1000), 0)}x the time to hash the proof's nodes`,
      ],
      [
        `consistency proof to ${size} entries from a random size, p50 ms (p99 ${fmt(percentile(consistencyTimes, 99), 2)} ms)`,
        fmt(percentile(consistencyTimes, 50), 3),
        fmt((proofLength / shaNode) * 1000, 4),
        'ms',
        `${fmt(percentile(consistencyTimes, 50) / ((proofLength / shaNode) * 1000), 0)}x the time to hash ${proofLength} nodes`,
      ],
      [`inclusion proof verifications/s (${proofLength} hashes each)`, fmt(verifyRate, 0), fmt(shaNode, 0), '/s', `${fmt((verifyRate * proofLength / shaNode) * 100, 0)}% of the SHA-256 rate, per hash`],
    ]);
  } finally {
    await checkpointer.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
