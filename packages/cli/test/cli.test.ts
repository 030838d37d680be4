import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, parleyCli, spawnCliNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const parley = parleyCli;
const startNode = spawnCliNode;

describe('parley CLI', () => {
  let root: string;
  let data: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-cli-'));
    data = join(root, 'data');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is the command npm links (npx parley), which runs the built CLI', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { bin: { parley: string } };
    const bin = fileURLToPath(new URL(`../${pkg.bin.parley}`, import.meta.url));
    // npm links only a file that exists when it installs, before the build: so not one under dist/.
    expect(pkg.bin.parley).not.toMatch(/dist/);
    expect((await stat(bin)).mode & 0o111).not.toBe(0);
    const help = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(bin, ['--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: parley [options] [command]');
  });

  it('prints its version with --version, the one the node reports', async () => {
    const { version } = JSON.parse(await readFile(new URL('../../server/package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await parley(['--version']);
    expect([r.code, r.stdout.trim()]).toEqual([0, version]);
  });

  it('refuses a state code that does not exist, and says what to do', async () => {
    const r = await parley(['init', '--state', 'ABC', '--name', 'Nowhere', '--data', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ABC is not an assigned ISO 3166-1 alpha-3 code/);
  });

  it('takes a user-assigned code only as a test state', async () => {
    const r = await parley(['init', '--state', 'XAA', '--name', 'Demo', '--data', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--test-state/);
  });

  it('says in --help which options a command cannot run without', async () => {
    const init = (await parley(['init', '--help'])).stdout;
    expect(init).toMatch(/--state <ISO3> +required: ISO 3166-1 alpha-3 code/);
    expect(init).toMatch(/--name <name> +required: display name/);
    expect(init).not.toMatch(/--test-state +required/);
    expect((await parley(['user', 'add', '--help'])).stdout).toMatch(/--role <role> +required: what they may do/);
  });

  it('names in init --help every range of user-assigned codes a test state may take, as the node accepts them', async () => {
    const help = await parley(['init', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('a user-assigned code (AAA to AAZ, QMA to QZZ, XAA to XZZ, ZZA to ZZZ)');
  });

  it('creates a node with an owner-only key file and prints the fingerprint', async () => {
    const r = await parley(['init', '--state', 'XAA', '--name', 'Demo ministry', '--test-state', '--data', data]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Key fingerprint: SHA256:[A-Za-z0-9+/]{43}/);
    expect((await stat(join(data, 'node-key.pem'))).mode & 0o777).toBe(0o600);
    const again = await parley(['init', '--state', 'XAA', '--name', 'Demo', '--test-state', '--data', data]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already holds a node/);
  });

  it('adds a user and creates a token while the node is stopped, opening the store directly', async () => {
    const add = await parley(['user', 'add', '--email', 'officer@mfa.example', '--role', 'officer', '--password-stdin', '--data', data], 'officer password 1\n');
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const token = await parley(['token', 'create', '--user', 'officer@mfa.example', '--data', data]);
    expect(token.code).toBe(0);
    expect(token.stdout.trim().split('\n').at(-1)).toMatch(/^prl_[A-Za-z0-9_-]{43}$/);
  });

  it('refuses bad input with a message: unknown role, short password, unknown user, duplicate e-mail', async () => {
    const role = await parley(['user', 'add', '--email', 'x@mfa.example', '--role', 'root', '--password-stdin', '--data', data], 'long enough password');
    expect(role.code).toBe(1);
    expect(role.stderr).toMatch(/Allowed choices are admin, officer, viewer/);
    const short = await parley(['user', 'add', '--email', 'x@mfa.example', '--role', 'viewer', '--password-stdin', '--data', data], 'short');
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 12 characters/);
    const nobody = await parley(['token', 'create', '--user', 'nobody@mfa.example', '--data', data]);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/No user nobody@mfa.example/);
    const dup = await parley(['user', 'add', '--email', 'officer@mfa.example', '--role', 'viewer', '--password-stdin', '--data', data], 'another long password');
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/already exists/);
  });

  it('refuses an empty token name or display name in words, naming the flag', async () => {
    const token = await parley(['token', 'create', '--user', 'officer@mfa.example', '--name', ' ', '--data', data]);
    expect([token.code, token.stderr.trim()]).toEqual([1, 'parley: --name: The token name is required.\nSee: parley token create --help']);
    const user = await parley(['user', 'add', '--email', 'y@mfa.example', '--role', 'viewer', '--display-name', '', '--invite', '--data', data]);
    expect([user.code, user.stderr.trim()]).toEqual([1, 'parley: --display-name: The name is required.\nSee: parley user add --help']);
  });

  it('works through the running node, whose API accepts the printed token', async () => {
    const node = await startNode(data);
    try {
      // No administrator yet, and standard error is not a terminal (a journal, a log file): the
      // first-run link, which makes whoever opens it the administrator, is not written there but
      // to a file only the node's user can read.
      const linkFile = join(data, 'first-run-link');
      expect(node.stderr()).not.toContain('/setup#');
      expect(node.stderr()).toContain(`No administrator yet. The one-time link to set the first administrator’s password (valid 24 hours) is in ${linkFile}, readable only by this user`);
      expect(await readFile(linkFile, 'utf8')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/setup#\S+\n$/);
      expect((await stat(linkFile)).mode & 0o777).toBe(0o600);
      expect((await stat(join(data, 'parley.sock'))).mode & 0o777).toBe(0o600);
      const second = await parley(['start', '--data', data, '--port', '0']);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/already running/);

      const add = await parley(['user', 'add', '--email', 'viewer@mfa.example', '--role', 'viewer', '--invite', '--data', data]);
      expect(add.code).toBe(0);
      expect(add.stdout).toMatch(/\/setup#/);
      const token = await parley(['token', 'create', '--user', 'officer@mfa.example', '--name', 'ci', '--data', data]);
      expect(token.code).toBe(0);
      const secret = token.stdout.trim().split('\n').at(-1)!;
      const api = new Client(node.url).withToken(secret);
      const contacts = await api.get('/api/v1/contacts');
      expect(contacts.status).toBe(200);
      expect(contacts.body).toEqual({ contacts: [] });
    } finally {
      expect(await node.stop()).toBe(0);
    }
  });

  it('resets a password with a one-time link once told to go ahead, ending the old password and the tokens at once', async () => {
    const node = await startNode(data);
    try {
      const secret = (await parley(['token', 'create', '--user', 'officer@mfa.example', '--data', data])).stdout.trim().split('\n').at(-1)!;
      const api = new Client(node.url).withToken(secret);
      expect((await api.get('/api/v1/contacts')).status).toBe(200);

      const asked = await parley(['user', 'reset', '--email', 'Officer@MFA.example', '--data', data]);
      expect([asked.code, asked.stderr.trim()]).toEqual([
        1,
        'parley: Resetting the password of officer@mfa.example ends its password, API tokens and sessions at once; the person sets a new password through the link printed next. Nothing was changed: run it again with --yes to go ahead.',
      ]);
      expect((await api.get('/api/v1/contacts')).status).toBe(200);
      const unknown = await parley(['user', 'reset', '--email', 'nobody@mfa.example', '--yes', '--data', data]);
      expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringMatching(/^parley: No user nobody@mfa\.example on this node\./)]);

      const reset = await parley(['user', 'reset', '--email', 'officer@mfa.example', '--yes', '--data', data]);
      expect(reset.code).toBe(0);
      expect(reset.stdout).toContain('Reset the password of officer@mfa.example: its old password, API tokens and sessions no longer work.');
      const link = /One-time link to set the password \(valid 24 hours\): (\S+)/.exec(reset.stdout)![1]!;
      expect((await api.get('/api/v1/contacts')).status).toBe(401);
      expect((await new Client(node.url).login('officer@mfa.example', 'officer password 1')).status).toBe(401);
      expect((await new Client(node.url).setup(link, { password: 'a new officer password' })).status).toBe(200);
      expect((await new Client(node.url).login('officer@mfa.example', 'a new officer password')).status).toBe(200);
    } finally {
      expect(await node.stop()).toBe(0);
    }
  }, 120_000);

  it("unlocks an account locked out by failed sign-ins, through the running node or without it, and keeps its password", async () => {
    const failTenTimes = async (c: Client) => {
      for (let i = 0; i < 10; i++) expect((await c.login('officer@mfa.example', 'wrong password')).status).toBe(401);
      expect((await c.login('officer@mfa.example', 'a new officer password')).status).toBe(429);
    };
    let node = await startNode(data);
    try {
      const c = new Client(node.url);
      await failTenTimes(c);
      const unlocked = await parley(['user', 'unlock', '--email', 'Officer@MFA.example', '--data', data]);
      expect([unlocked.code, unlocked.stdout.trim()]).toEqual([0, 'Forgot the failed sign-ins of officer@mfa.example: they can sign in again with their password.']);
      // From the same address: the node also forgets that address's count of the account's failures.
      expect((await c.login('officer@mfa.example', 'a new officer password')).status).toBe(200);
      const unknown = await parley(['user', 'unlock', '--email', 'nobody@mfa.example', '--data', data]);
      expect([unknown.code, unknown.stderr]).toEqual([1, expect.stringMatching(/^parley: No user nobody@mfa\.example on this node\./)]);
      await failTenTimes(c);
    } finally {
      expect(await node.stop()).toBe(0);
    }
    const offline = await parley(['user', 'unlock', '--email', 'officer@mfa.example', '--data', data]);
    expect([offline.code, offline.stdout.trim()]).toEqual([0, 'Forgot the failed sign-ins of officer@mfa.example: they can sign in again with their password.']);
    const again = await parley(['user', 'unlock', '--email', 'officer@mfa.example', '--data', data]);
    expect(again.stdout.trim()).toBe('officer@mfa.example had no failed sign-ins counted: nothing to unlock.');
    node = await startNode(data);
    try {
      expect((await new Client(node.url).login('officer@mfa.example', 'a new officer password')).status).toBe(200);
    } finally {
      expect(await node.stop()).toBe(0);
    }
  }, 120_000);

  it('reuses the data directory on the next start', async () => {
    const node = await startNode(data);
    try {
      const health = await new Client(node.url).get('/healthz');
      expect(health.body).toMatchObject({ state: 'XAA', store: 'pglite' });
    } finally {
      await node.stop();
    }
  });
});
