import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ed25519NoteVerifier, encodeLogEntry, openCheckpoint, parseVerifierKey, verifyConsistency, type Checkpoint, type LogEntry } from '@parley/protocol';
import { Client, eventually, parleyCli, spawnCliNode, type CliNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashEntry } from './fixtures/crash-entry.mjs';

const APPENDER = fileURLToPath(new URL('./fixtures/log-appender.mjs', import.meta.url));
const b64 = (s: string) => Buffer.from(s, 'base64');

async function logKey(client: Client) {
  const { log } = (await client.get('/.well-known/parley')).body as { log: { origin: string; verifierKey: string } };
  const key = parseVerifierKey(log.verifierKey);
  return { origin: log.origin, verifier: ed25519NoteVerifier(key.name, key.publicKey) };
}

/**
 * A node appending to its log as fast as it can is killed with SIGKILL; restarted with the
 * built `parley` command, it holds every entry it acknowledged, and its tree extends every
 * checkpoint it had published.
 */
describe('the transparency log survives SIGKILL in the middle of appends', () => {
  let root: string;
  let data: string;
  let appender: ChildProcess | undefined;
  let restarted: CliNode | undefined;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-log-crash-'));
    data = join(root, 'xaa');
    expect((await parleyCli(['init', '--state', 'XAA', '--name', 'Log crash test', '--test-state', '--data', data])).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    appender?.kill('SIGKILL');
    await restarted?.kill();
    await rm(root, { recursive: true, force: true });
  });

  it('keeps every acknowledged entry and every published checkpoint', async () => {
    appender = spawn(process.execPath, [APPENDER, data], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<void>((resolve) => appender!.once('exit', () => resolve()));
    let stdout = '';
    let stderr = '';
    appender.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    appender.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const url = await eventually(async () => /^url (\S+)$/m.exec(stdout)?.[1], 60_000, `the appending node to start (${stderr})`);
    const client = new Client(url);
    const { origin, verifier } = await logKey(client);

    // Collect the checkpoints it publishes while it appends; kill it once several are out.
    const published = new Map<number, Checkpoint>();
    await eventually(
      async () => {
        const r = await client.get('/log/checkpoint');
        const c = openCheckpoint(r.body as string, { origin, log: verifier }).checkpoint;
        published.set(c.size, c);
        return published.size >= 5 && c.size > 500;
      },
      60_000,
      'five checkpoints from the appending node',
    );
    appender.kill('SIGKILL');
    await exited;

    // Only complete lines: a line cut by the kill was not acknowledged.
    const acked = [...stdout.matchAll(/^ack (\d+) (\d+)$/gm)].map((m) => ({ first: Number(m[1]), count: Number(m[2]) }));
    const end = acked.reduce((n, a) => Math.max(n, a.first + a.count), 0);
    expect(end).toBeGreaterThan(500);

    restarted = await spawnCliNode(data);
    const after = new Client(restarted.url);
    expect((await logKey(after)).origin).toBe(origin);
    const latest = await eventually(
      async () => {
        const c = openCheckpoint((await after.get('/log/checkpoint')).body as string, { origin, log: verifier }).checkpoint;
        return c.size >= end && c;
      },
      30_000,
      `a checkpoint covering the ${end} acknowledged entries`,
    );

    const stored = new Map<number, string>();
    for (let start = 0; start < end; start += 1000) {
      const page = await after.get(`/log/entries?start=${start}&end=${end}`);
      for (const e of page.body.entries as { index: number; data: string }[]) stored.set(e.index, e.data);
    }
    for (const { first, count } of acked) {
      for (let i = first; i < first + count; i++) {
        expect(stored.get(i), `entry ${i}`).toBe(encodeLogEntry(crashEntry(i) as LogEntry).toString('utf8'));
      }
    }

    for (const c of published.values()) {
      expect(c.size).toBeLessThanOrEqual(latest.size);
      if (c.size === 0) continue;
      const r = await after.get(`/log/proof/consistency?old=${c.size}&new=${latest.size}`);
      expect(r.status).toBe(200);
      verifyConsistency(c.size, latest.size, (r.body.proof as string[]).map(b64), c.rootHash, latest.rootHash);
    }
  }, 240_000);
});
