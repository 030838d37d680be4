import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDir } from '@parley/store';
import { CLI_BIN, parleyCli, spawnCliNode, startTestNode, type CliNode, type CliRun, type TestNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// One process at a time has a data directory's store open: the node, or a command run while no node runs.

/** `parley ARGS`, killed after `ms` if it has not ended (a node that should have been refused runs forever). */
async function parleyWithin(ms: number, args: string[]): Promise<CliRun> {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGTERM'), ms);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

describe('the data directory lock', () => {
  let root: string;
  let peer: TestNode;
  let slow: Server;
  let slowUrl = '';
  /** Called when the slow peer has been asked for its discovery document; it answers once `answer` is called. */
  let asked: () => void = () => undefined;
  let answer: () => void = () => undefined;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-cli-lock-'));
    peer = await startTestNode({ state: 'XAB' });
    // A peer that answers discovery only when the test lets it: `peer add` holds the store meanwhile.
    slow = createServer((req, res) => {
      void (async () => {
        const released = new Promise<void>((r) => (answer = r));
        asked();
        await released;
        const upstream = await fetch(`${peer.url}${req.url}`);
        res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
      })();
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    slow.closeAllConnections();
    await new Promise((r) => slow.close(r));
    await peer.close();
    await rm(root, { recursive: true, force: true });
  });

  const init = async (name: string) => {
    const data = join(root, name);
    expect((await parleyCli(['init', '--state', 'XAA', '--name', 'Lock test', '--test-state', '--data', data])).code).toBe(0);
    return data;
  };

  it('refuses to start a node while a command has the store open, and keeps what the command wrote', async () => {
    const data = await init('command-first');
    const isAsked = new Promise<void>((r) => (asked = r));
    const adding = parleyCli(['peer', 'add', slowUrl, '--fingerprint', peer.ctx.domain.self.fingerprint, '--data', data]);
    await isAsked;
    const start = await parleyWithin(15_000, ['start', '--data', data, '--port', '0']);
    answer();
    const added = await adding;
    expect(start.code).toBe(1);
    expect(start.stderr).toMatch(new RegExp(`^parley: another parley command \\(pid \\d+, parley peer add\\) is using ${data}; try again when it has finished\\.$`, 'm'));
    expect([added.code, added.stdout]).toEqual([0, expect.stringContaining('Trusted XAB')]);
    expect((await parleyCli(['peer', 'list', '--data', data])).stdout).toMatch(/^XAB {2}trusted/);
    await expect(readFile(join(data, 'parley.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  }, 90_000);

  it('refuses a command while the node is starting, before its control socket is open', async () => {
    const data = await init('node-starting');
    // This test process holds the directory as a starting node does.
    const lock = await new DataDir(data).lock({ role: 'node', what: 'parley start' });
    try {
      const list = await parleyCli(['peer', 'list', '--data', data]);
      expect(list.code).toBe(1);
      expect(list.stderr.trim()).toBe(`parley: the node in ${data} (pid ${process.pid}) is starting and does not answer on its control socket yet; try again in a moment.`);
    } finally {
      await lock.release();
    }
    expect((await parleyCli(['peer', 'list', '--data', data])).code).toBe(0);
  }, 60_000);

  it('takes over a lock whose process was killed but not yet reaped by its parent', async () => {
    const data = await init('zombie');
    // sh starts a child that ends at once, then becomes `sleep`, which never reaps it: a zombie for a while.
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const [line] = (await once(parent.stdout, 'data')) as [Buffer];
      const zombie = Number(line.toString().trim());
      await new Promise((r) => setTimeout(r, 300));
      expect(await readFile(`/proc/${zombie}/stat`, 'utf8')).toMatch(/\) Z /);
      await writeFile(join(data, 'parley.lock'), JSON.stringify({ pid: zombie, role: 'command', what: 'parley peer add', since: new Date().toISOString() }) + '\n');
      const list = await parleyCli(['peer', 'list', '--data', data]);
      expect([list.code, list.stderr]).toEqual([0, '']);
    } finally {
      parent.kill('SIGKILL');
    }
  }, 60_000);

  it('takes over a lock and a pid file whose pid now names another process, as after a restart', async () => {
    const data = await init('stale');
    // pid 1 is alive (the container's init, or the machine's) but is no Parley process.
    await writeFile(join(data, 'parley.pid'), JSON.stringify({ pid: 1, url: 'http://127.0.0.1:1', startedAt: '2026-01-01T00:00:00.000Z' }) + '\n');
    await writeFile(join(data, 'parley.lock'), JSON.stringify({ pid: 1, role: 'node', what: 'parley start', since: '2026-01-01T00:00:00.000Z', process: 'an-earlier-boot/1' }) + '\n');
    const list = await parleyCli(['peer', 'list', '--data', data]);
    expect([list.code, list.stderr]).toEqual([0, '']);
    await writeFile(join(data, 'parley.pid'), JSON.stringify({ pid: 1, url: 'http://127.0.0.1:1', startedAt: '2026-01-01T00:00:00.000Z' }) + '\n');
    let node: CliNode | undefined;
    try {
      node = await spawnCliNode(data);
      expect(JSON.parse(await readFile(join(data, 'parley.pid'), 'utf8'))).toMatchObject({ pid: node.child.pid, url: node.url });
      const second = await parleyWithin(15_000, ['start', '--data', data, '--port', '0']);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`parley: a node is already running on ${data} (pid ${node.child.pid}, ${node.url}). Stop it first, or use another --data directory.`);
    } finally {
      expect(await node?.stop()).toBe(0);
    }
  }, 90_000);
});
