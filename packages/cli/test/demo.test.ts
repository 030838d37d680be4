import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BIN, Client, eventually, parleyCli } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `parley demo` as a newcomer runs it (`npm run demo`), as a real process, on three ports of the
// test's choosing so that it cannot meet a demo someone is running on 8081-8083.

const PASSWORD = 'parley demo password';

function listenOn(port: number): Promise<Server | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
const close = (server: Server) => new Promise<void>((r) => server.close(() => r()));

/** A port whose next two are free as well, found by listening on all three and letting them go. */
async function threeFreePorts(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const probe = await listenOn(0);
    const first = (probe!.address() as { port: number }).port;
    await close(probe!);
    if (first > 65533) continue;
    const held = await Promise.all([first, first + 1, first + 2].map(listenOn));
    await Promise.all(held.filter((s): s is Server => s !== null).map(close));
    if (held.every((s) => s !== null)) return first;
  }
  throw new Error('found no three free ports in a row');
}

interface Demo {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts the demo and resolves once it has printed how to sign in (or rejects with what it said). */
function startDemo(dir: string, port: number): Promise<Demo> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, 'demo', '--dir', dir, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } });
    let [out, err] = ['', ''];
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not start within 90 s:\n${out}\n${err}`));
    }, 90_000);
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Stop with Ctrl-C')) {
        clearTimeout(timer);
        resolve({ child, stdout: () => out, stderr: () => err, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited with ${code} before it was ready:\n${out}\n${err}`));
    });
  });
}

describe('parley demo', () => {
  let root: string;
  let port: number;
  let demo: Demo;
  const url = (i: number) => `http://127.0.0.1:${port + i}`;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-demo-'));
    port = await threeFreePorts();
    demo = await startDemo(join(root, 'demo-data'), port);
  }, 120_000);
  afterAll(async () => {
    if (demo && demo.child.exitCode === null) {
      demo.child.kill('SIGKILL');
      await demo.exited;
    }
    await rm(root, { recursive: true, force: true });
  });

  it('prints each state’s address, key and sign-in, and says every state is a test state', () => {
    const out = demo.stdout();
    expect(out).toContain('Every state here is a TEST STATE with a user-assigned code; none stands for a real state.');
    for (const [i, code, domain] of [[0, 'XAA', 'aurelia.example'], [1, 'XAB', 'borealis.example'], [2, 'XAC', 'caldera.example']] as const) {
      expect(out).toMatch(new RegExp(`${code} {2}\\S.*\\n +${url(i).replace(/\./g, '\\.')} +key SHA256:[A-Za-z0-9+/]{43}\\n +sign in as admin@${domain}, officer@${domain} or viewer@${domain}`));
    }
    expect(out).toContain(`Password for every demo account: ${PASSWORD}`);
  });

  it('runs three test-state nodes whose keys are the ones printed', async () => {
    for (const [i, code] of ['XAA', 'XAB', 'XAC'].entries()) {
      const info = (await (await fetch(`${url(i)}/.well-known/parley`)).json()) as { stateCode: string; isTestState: boolean; fingerprint: string };
      expect(info.stateCode).toBe(code);
      expect(info.isTestState).toBe(true);
      expect(demo.stdout()).toContain(`${url(i)}   key ${info.fingerprint}`);
    }
  });

  it('has each state trust the other two, and the printed accounts sign in with their roles', async () => {
    for (const [i, domain] of ['aurelia.example', 'borealis.example', 'caldera.example'].entries()) {
      const admin = new Client(url(i));
      expect((await admin.login(`admin@${domain}`, PASSWORD)).status).toBe(200);
      const peers = (await admin.get('/api/v1/peers')).body.peers as { stateCode: string; status: string }[];
      expect(peers.map((p) => [p.stateCode, p.status]).sort()).toEqual(
        ['XAA', 'XAB', 'XAC']
          .filter((_, j) => j !== i)
          .map((c) => [c, 'trusted'])
          .sort(),
      );
      const viewer = new Client(url(i));
      expect((await viewer.login(`viewer@${domain}`, PASSWORD)).status).toBe(200);
      expect((await viewer.post('/api/v1/checks', { note: 'not allowed' })).status).toBe(403);
    }
  });

  it('has the check Aurelia sent waiting for a person at Borealis and Caldera, and Aurelia’s contacts in their directories', async () => {
    for (const [i, domain] of [[1, 'borealis.example'], [2, 'caldera.example']] as const) {
      const officer = new Client(url(i));
      await officer.login(`officer@${domain}`, PASSWORD);
      const check = await eventually(
        async () => ((await officer.get('/api/v1/checks?direction=incoming')).body.checks as { peer: string; status: string; note: string }[]).find((c) => c.peer === 'XAA'),
        20_000,
        `the check from XAA at ${domain}`,
      );
      expect(check.note).toBe('Demo communication check from Aurelia');
      const directory = await eventually(
        async () => ((await officer.get('/api/v1/federation/directory')).body.states as { stateCode: string; contacts: unknown[] }[] | undefined)?.find((s) => s.stateCode === 'XAA' && s.contacts.length === 3),
        20_000,
        `Aurelia's directory at ${domain}`,
      );
      expect(directory.contacts).toHaveLength(3);
    }
  });

  it('refuses to start a second demo in the directory of one that runs, and leaves that one whole', async () => {
    const other = await threeFreePorts();
    const r = await parleyCli(['demo', '--dir', join(root, 'demo-data'), '--port', String(other)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`parley: a demo is already running from ${join(root, 'demo-data')} (process ${demo.child.pid}, ${url(0)}); starting another there would delete its data.`);
    expect(r.stderr).toContain('run this one in another directory with --dir DIR (and other ports with --port N)');
    // The running demo still has its data and answers.
    const admin = new Client(url(1));
    expect((await admin.login('admin@borealis.example', PASSWORD)).status).toBe(200);
    expect(((await admin.get('/api/v1/peers')).body.peers as unknown[]).length).toBe(2);
    await access(join(root, 'demo-data', 'xab', 'node-key.pem'));
  });

  it('stops on SIGTERM and frees its ports', async () => {
    demo.child.kill('SIGTERM');
    expect(await demo.exited).toBe(0);
    expect(demo.stderr()).toContain('Stopping the demo');
    const held = await Promise.all([0, 1, 2].map((i) => listenOn(port + i)));
    await Promise.all(held.filter((s): s is Server => s !== null).map(close));
    expect(held.every((s) => s !== null)).toBe(true);
  });

  it('says which port is taken and what to do, and leaves no node of its own running', async () => {
    const taken = await threeFreePorts();
    const squatter = await listenOn(taken + 1); // the second state's port: the first one starts before the demo finds out
    try {
      const r = await parleyCli(['demo', '--dir', join(root, 'taken'), '--port', String(taken)]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`parley: port ${taken + 1} on 127.0.0.1 is in use, and the demo needs ports ${taken}, ${taken + 1} and ${taken + 2}.`);
      expect(r.stderr).toContain('start this one on other ports with --port N (it takes N, N+1 and N+2; with npm: npm run demo -- --port N).');
      const first = await listenOn(taken);
      expect(first).not.toBeNull();
      await close(first!);
    } finally {
      await close(squatter!);
    }
  }, 90_000);

  it('deletes no directory that is not a demo’s: a node’s data, other files, a file', async () => {
    // Someone's node, with a file of their own beside it.
    const node = join(root, 'someones-node');
    expect((await parleyCli(['init', '--state', 'CHE', '--name', 'FDFA', '--data', node])).code).toBe(0);
    await writeFile(join(node, 'notes.txt'), 'keep me');
    const r = await parleyCli(['demo', '--dir', node, '--port', String(await threeFreePorts())]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${node} holds files that are not the demo's (`);
    expect(r.stderr).toContain('it only uses a new or empty directory, or one an earlier demo made. Choose another with --dir DIR.');
    expect((await readdir(node)).sort()).toEqual(['node-key.pem', 'node.json', 'notes.txt']);
    expect(await readFile(join(node, 'notes.txt'), 'utf8')).toBe('keep me');

    const file = join(root, 'a-file');
    await writeFile(file, 'keep me too');
    const f = await parleyCli(['demo', '--dir', file, '--port', String(await threeFreePorts())]);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain(`${file} is a file, not a directory.`);
    expect(await readFile(file, 'utf8')).toBe('keep me too');
  });

  it('refuses a first port that leaves no room for three', async () => {
    for (const bad of ['65534', '0', '80x', '-1']) {
      const r = await parleyCli(['demo', '--dir', join(root, 'bad'), '--port', bad]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('the demo takes this port and the next two, so it is a whole number from 1 to 65533.');
    }
  });
});
