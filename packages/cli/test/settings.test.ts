import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { CLI_BIN, Client, freePort, parleyCli, spawnCliNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// How the CLI takes its settings: flags over the environment (README's table) over the defaults,
// and what it says about a bad one.

/** `parley start` with these environment variables and flags, until it prints where it listens; then SIGTERM. */
function startWithEnv(env: NodeJS.ProcessEnv, args: string[] = []): Promise<{ stderr: string; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, 'start', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DATABASE_URL: '', ...env } });
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (/Store:/.test(stderr)) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('exit', () => {
      clearTimeout(timer);
      const url = /Web and API:\s+(\S+)/.exec(stderr)?.[1];
      if (url) resolve({ stderr, url });
      else reject(new Error(`no address printed:\n${stderr}`));
    });
  });
}

// Each test starts processes, some of them a node: generous limits for a loaded machine.
describe('parley settings', { timeout: 90_000 }, () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-settings-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('start takes the data directory, address and port from PARLEY_DATA, PARLEY_HOST and PARLEY_PORT', async () => {
    const port = await freePort();
    const data = join(root, 'from-env');
    const run = await startWithEnv({ PARLEY_DATA: data, PARLEY_HOST: '127.0.0.1', PARLEY_PORT: String(port) }, ['--init-if-needed']);
    expect(run.url).toBe(`http://127.0.0.1:${port}`);
    expect(run.stderr).toContain(`created node XAA (Test state XAA) in ${data}`);
    expect(JSON.parse(await readFile(join(data, 'node.json'), 'utf8'))).toMatchObject({ stateCode: 'XAA' });
    // Commands that act on a node find it through PARLEY_DATA too.
    const add = await parleyCli(['user', 'add', '--email', 'admin@env.example', '--role', 'admin', '--password-stdin'], 'a long enough password', { PARLEY_DATA: data });
    expect(add.stderr).toBe('');
    expect(add.stdout).toContain('Added admin@env.example as admin.');
  });

  it('a flag wins over the environment', async () => {
    const port = await freePort();
    const run = await startWithEnv({ PARLEY_DATA: join(root, 'not-this-one'), PARLEY_PORT: '1' }, ['--data', join(root, 'flagged'), '--port', String(port), '--init-if-needed']);
    expect(run.url).toBe(`http://127.0.0.1:${port}`);
    expect(run.stderr).toContain(`in ${join(root, 'flagged')}`);
  });

  it('refuses a bad port, from a flag or PARLEY_PORT, and names where it came from', async () => {
    const data = join(root, 'ports');
    const bads = ['0x50', '1e3', '', ' ', '70000', '-1', '8080.5'];
    const runs = await Promise.all(bads.map((bad) => parleyCli(['start', '--data', data, '--init-if-needed', '--port', bad])));
    runs.forEach((r, i) => {
      expect(r.code, bads[i]).toBe(1);
      expect(r.stderr, bads[i]).toContain(`error: option '--port <n>' argument '${bads[i]}' is invalid. a port is a whole number from 0 to 65535 (0 picks a free one).`);
    });
    const env = await parleyCli(['start', '--data', data, '--init-if-needed'], '', { PARLEY_PORT: 'abc' });
    expect(env.code).toBe(1);
    expect(env.stderr).toContain("error: option '--port <n>' value 'abc' from env 'PARLEY_PORT' is invalid. a port is a whole number from 0 to 65535 (0 picks a free one).");
    expect(env.stderr).not.toContain('Web and API');
  });

  it('refuses an empty data directory rather than using the current one', async () => {
    const r = await parleyCli(['init', '--state', 'XAA', '--name', 'Nowhere', '--test-state', '--data', '']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: option '--data <dir>' argument '' is invalid. give the node’s data directory, such as ./data or /srv/parley.");
  });

  it('names the flag a bad value came from', async () => {
    const data = join(root, 'flags');
    expect((await parleyCli(['init', '--state', 'XAA', '--name', 'Flags', '--test-state', '--data', data])).code).toBe(0);
    const name = await parleyCli(['user', 'add', '--email', 'v@flags.example', '--role', 'viewer', '--display-name', '', '--password-stdin', '--data', data], 'a long enough password');
    expect(name.code).toBe(1);
    expect(name.stderr).toMatch(/^parley: --display-name: /);
    const password = await parleyCli(['user', 'add', '--email', 'v@flags.example', '--role', 'viewer', '--password-stdin', '--data', data], 'short');
    expect(password.stderr).toMatch(/^parley: the password on standard input: A password needs at least 12 characters/);
    const user = await parleyCli(['token', 'create', '--user', 'not-an-email', '--data', data]);
    expect(user.code).toBe(1);
    expect(user.stderr).toMatch(/^parley: --user: /);
  });

  it('checks the e-mail address before asking for a password, so that a typo does not cost the password typed', async () => {
    // No terminal here: before the fix the command answered that it could not ask for the password.
    const r = await parleyCli(['user', 'add', '--email', 'officer.mfa.example', '--role', 'viewer', '--data', join(root, 'flags')]);
    expect([r.code, r.stderr.trim()]).toEqual([1, 'parley: --email: Enter an e-mail address such as name@ministry.example.\nSee: parley user add --help']);
  });

  it('refuses --password-stdin with --invite, which would set a password and send no link', async () => {
    const r = await parleyCli(['user', 'add', '--email', 'x@flags.example', '--role', 'viewer', '--password-stdin', '--invite', '--data', join(root, 'flags')], 'a long enough password');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("error: option '--password-stdin' cannot be used with option '--invite'");
  });

  it('start --init-if-needed makes any user-assigned code a test state, not only X..', async () => {
    const node = await spawnCliNode(join(root, 'zzz'), ['--init-if-needed', '--state', 'ZZZ']);
    try {
      const health = await new Client(node.url).get('/healthz');
      expect(health.body).toMatchObject({ state: 'ZZZ' });
      const info = await new Client(node.url).get('/.well-known/parley');
      expect(info.body).toMatchObject({ stateCode: 'ZZZ', isTestState: true });
    } finally {
      await node.stop();
    }
  });
});
