import { chmod, cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, parleyCli, spawnCliNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// What an administrator sees when a path, a file or a setting is wrong: one line naming it, never a raw system error.

describe('parley refuses broken files and settings in words', () => {
  let root: string;
  let data: string;
  /** A copy of the initialised node, to break one thing in. */
  const copy = async (name: string) => {
    const dir = join(root, name);
    await cp(data, dir, { recursive: true });
    return dir;
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-cli-errors-'));
    data = join(root, 'data');
    expect((await parleyCli(['init', '--state', 'XAA', '--name', 'Errors test', '--test-state', '--data', data])).code).toBe(0);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('follows a missing argument, a missing option or an unknown command with the command whose --help to read', async () => {
    const runs = await Promise.all([['peer', 'add'], ['peer', 'frobnicate'], ['user', 'add', '--email', 'x@mfa.example'], ['users']].map((argv) => parleyCli(argv)));
    expect(runs.map((r) => [r.code, r.stderr.trim().split('\n').at(-1)])).toEqual([
      [1, 'See: parley peer add --help'],
      [1, 'See: parley peer --help'],
      [1, 'See: parley user add --help'],
      [1, 'See: parley --help'],
    ]);
    expect(runs[0]!.stderr).toContain("error: required option '--fingerprint <SHA256:...>' not specified");
  });

  it('follows an argument a command refuses itself with the command whose --help to read', async () => {
    const runs = await Promise.all(
      [
        ['peer', 'add', 'https://parley.other.example', '--fingerprint', 'SHA256:tooshort', '--data', data],
        ['peer', 'add', 'parley.other.example', '--fingerprint', `SHA256:${'A'.repeat(43)}`, '--data', data],
        ['user', 'add', '--email', 'not-an-address', '--role', 'officer', '--invite', '--data', data],
        ['user', 'add', '--email', 'officer@mfa.example', '--role', 'officer', '--data', data],
        ['token', 'create', '--user', 'nobody', '--data', data],
        ['init', '--state', 'XAA', '--name', 'Test', '--data', join(root, 'never-created')],
        ['start', '--tls-cert', join(root, 'cert.pem'), '--data', data],
      ].map((argv) => parleyCli(argv)),
    );
    expect(runs.map((r) => [r.code, ...r.stderr.trim().split('\n')])).toEqual([
      [1, 'parley: --fingerprint: A fingerprint looks like SHA256: followed by 43 characters; copy it exactly as the other state gave it.', 'See: parley peer add --help'],
      [1, 'parley: "parley.other.example" is not a URL: it does not start with https://. If the node is there, give https://parley.other.example', 'See: parley peer add --help'],
      [1, 'parley: --email: Enter an e-mail address such as name@ministry.example.', 'See: parley user add --help'],
      [1, 'parley: no terminal to ask for a password: pass --password-stdin and pipe it in, or --invite for a one-time link.', 'See: parley user add --help'],
      [1, 'parley: --user: Enter an e-mail address such as name@ministry.example.', 'See: parley token create --help'],
      [1, "parley: XAA is a user-assigned code, reserved for test states. Pass --test-state to create a test node, or use your state's ISO 3166-1 alpha-3 code.", 'See: parley init --help'],
      [1, 'parley: invalid configuration: --tls-cert: give both a TLS certificate and its key, or neither', 'See: parley start --help'],
    ]);
  });

  it('start --init-if-needed names the flag or the variable a wrong state code or node name came from', async () => {
    const fresh = join(root, 'never-started');
    const runs = await Promise.all([
      parleyCli(['start', '--init-if-needed', '--state', 'ABCD', '--data', fresh, '--port', '0']),
      parleyCli(['start', '--init-if-needed', '--data', fresh, '--port', '0'], '', { PARLEY_STATE: 'ZZ' }),
      parleyCli(['start', '--init-if-needed', '--data', fresh, '--port', '0'], '', { PARLEY_NAME: '\u0007' }),
    ]);
    expect(runs.map((r) => [r.code, r.stderr.trim().split('\n')[0]])).toEqual([
      [1, 'parley: --state: "ABCD" is not an ISO 3166-1 alpha-3 code: use three letters, such as CHE or KEN.'],
      [1, 'parley: PARLEY_STATE: "ZZ" is not an ISO 3166-1 alpha-3 code: use three letters, such as CHE or KEN.'],
      [1, 'parley: PARLEY_NAME: The node name must be 1 to 200 printable characters, such as "Ministry of Foreign Affairs".'],
    ]);
    expect(await readdir(root)).not.toContain('never-started');
  });

  it('gives no --help hint where the arguments were right and the node refused', async () => {
    const r = await parleyCli(['token', 'create', '--user', 'nobody@mfa.example', '--data', data]);
    expect([r.code, r.stderr.trim()]).toEqual([1, 'parley: No user nobody@mfa.example on this node. Add one with: parley user add --email E --role R']);
  });

  it('refuses a data directory under /proc at once, instead of looping in mkdir', async () => {
    const started = Date.now();
    const r = await parleyCli(['init', '--state', 'XAA', '--name', 'Nowhere', '--test-state', '--data', '/proc/nope']);
    expect([r.code, r.stderr.trim()]).toEqual([1, 'parley: cannot create /proc/nope: /proc does not allow new directories. Choose another --data directory.']);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('says a --data that is a file is not a directory, for init, start and a command', async () => {
    const file = join(root, 'afile');
    await writeFile(file, 'not a directory\n');
    const expected = `parley: ${file} is a file, not a directory. Give --data a directory (it is created by parley init).`;
    const init = await parleyCli(['init', '--state', 'XAA', '--name', 'File', '--test-state', '--data', file]);
    const start = await parleyCli(['start', '--data', file, '--port', '0']);
    const list = await parleyCli(['peer', 'list', '--data', file]);
    expect([init.code, init.stderr.trim()]).toEqual([1, expected]);
    expect([start.code, start.stderr.trim()]).toEqual([1, expected]);
    expect([list.code, list.stderr.trim()]).toEqual([1, expected]);
  });

  it('says start cannot write in a data directory it has no permission for, and who should run it', async () => {
    const dir = await copy('not-writable');
    // Root passes every permission check, so start as nobody, who may pass through the test's directory but not write in the node's.
    const asRoot = process.getuid?.() === 0;
    if (asRoot) await chmod(root, 0o755);
    else await chmod(dir, 0o500);
    try {
      const r = await parleyCli(['start', '--data', dir, '--port', '0'], '', {}, asRoot ? { uid: 65534, gid: 65534 } : {});
      expect([r.code, r.stderr.trim()]).toEqual([1, `parley: cannot write in ${dir} (permission denied). Run parley as the user that owns it.`]);
    } finally {
      if (asRoot) await chmod(root, 0o700);
      else await chmod(dir, 0o700);
    }
  }, 60_000);

  it('says a command cannot reach a running node it has no permission for, instead of connect EACCES', async () => {
    const dir = await copy('other-user');
    const node = await spawnCliNode(dir, ['--port', '0']);
    try {
      // Root passes every permission check, so run the command as nobody; anyone else is kept out of a socket without permissions.
      const root = process.getuid?.() === 0;
      if (!root) await chmod(join(dir, 'parley.sock'), 0);
      const r = await parleyCli(['peer', 'list', '--data', dir], '', {}, root ? { uid: 65534, gid: 65534 } : {});
      expect([r.code, r.stderr.trim()]).toEqual([1, `parley: cannot reach the node in ${dir} (permission denied). Run parley as the user that owns it.`]);
    } finally {
      await node.stop();
    }
  }, 90_000);

  it('names node.json when it is not valid JSON', async () => {
    const dir = await copy('bad-identity');
    await writeFile(join(dir, 'node.json'), '{oops');
    const r = await parleyCli(['peer', 'list', '--data', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^parley: ${join(dir, 'node.json')} is not a valid node identity \\(not JSON: .*\\)\\. Restore it from a backup of ${dir}\\.\\n$`));
  });

  it('names the key file when it is missing or holds no key', async () => {
    const missing = await copy('no-key');
    await rm(join(missing, 'node-key.pem'));
    const gone = await parleyCli(['start', '--data', missing, '--port', '0']);
    expect([gone.code, gone.stderr.trim()]).toEqual([
      1,
      `parley: ${join(missing, 'node-key.pem')} is missing: it holds the node's private key, which peers know it by. Restore it from a backup of ${missing}.`,
    ]);
    const garbage = await copy('bad-key');
    await writeFile(join(garbage, 'node-key.pem'), 'garbage\n', { mode: 0o600 });
    const bad = await parleyCli(['peer', 'list', '--data', garbage]);
    expect([bad.code, bad.stderr.trim()]).toEqual([1, `parley: ${join(garbage, 'node-key.pem')} is not a node key: no PEM private key could be read from it. Restore it from a backup of ${garbage}.`]);
  });

  it('names the TLS file that is missing or is not PEM', async () => {
    const junk = join(root, 'junk.pem');
    await writeFile(junk, 'junk\n');
    const missing = await parleyCli(['start', '--data', data, '--port', '0', '--tls-cert', join(root, 'nonexistent.pem'), '--tls-key', junk]);
    expect([missing.code, missing.stderr.trim()]).toEqual([1, `parley: the TLS certificate file ${join(root, 'nonexistent.pem')} does not exist.`]);
    const notPem = await parleyCli(['start', '--data', data, '--port', '0', '--tls-cert', junk, '--tls-key', junk]);
    expect([notPem.code, notPem.stderr.trim()]).toEqual([1, `parley: the TLS certificate file ${junk} is not a PEM certificate (it should begin with -----BEGIN CERTIFICATE-----).`]);
  });

  it('says a --host that is no address of this machine cannot be listened on', async () => {
    const r = await parleyCli(['start', '--data', data, '--port', '0', '--host', '999.1.1.1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('parley: cannot listen on 999.1.1.1: it is not an address of this machine. Choose one with --host');
  }, 60_000);

  it('says a port in use is, and how to choose another with the flag or the variable npm start reads', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const r = await parleyCli(['start', '--data', data, '--port', String(port)]);
      expect([r.code, r.stderr.trim().split('\n').at(-1)]).toEqual([
        1,
        `parley: port ${port} on 127.0.0.1 is in use, by another node or program. Choose another with --port N, or PARLEY_PORT=N (as with npm start).`,
      ]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 60_000);

  it('start --init-if-needed on a port in use says so before it creates the node, and leaves no data directory', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    const { port } = taken.address() as { port: number };
    const fresh = join(root, 'port-taken', 'data');
    try {
      const r = await parleyCli(['start', '--init-if-needed', '--data', fresh, '--port', String(port)]);
      expect([r.code, r.stderr.trim()]).toEqual([
        1,
        `parley: port ${port} on 127.0.0.1 is in use, by another node or program. Choose another with --port N, or PARLEY_PORT=N (as with npm start).`,
      ]);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    expect(await readdir(root)).not.toContain('port-taken');
  }, 60_000);

  it('start --init-if-needed takes back the node it created when the node then cannot start, and only what it created', async () => {
    const port = await freePort();
    const env = { DATABASE_URL: `postgres://user:pw@127.0.0.1:${port}/parley` };
    const fresh = join(root, 'no-database');
    const created = await parleyCli(['start', '--init-if-needed', '--data', fresh, '--port', '0'], '', env);
    expect(created.code).toBe(1);
    expect(created.stderr).toContain(`Removed the node created in ${fresh}, as it could not start.`);
    expect(await readdir(root)).not.toContain('no-database');
    // A directory that was there keeps what it held.
    const kept = join(root, 'kept');
    await mkdir(kept);
    await writeFile(join(kept, 'README.txt'), 'the administrator’s own note\n');
    const r = await parleyCli(['start', '--init-if-needed', '--data', kept, '--port', '0'], '', env);
    expect(r.code).toBe(1);
    expect(await readdir(kept)).toEqual(['README.txt']);
  }, 60_000);

  it('says the PostgreSQL server in DATABASE_URL refuses connections, without its password, and refuses a URL that is not postgres://', async () => {
    const port = await freePort();
    const r = await parleyCli(['peer', 'list', '--data', data], '', { DATABASE_URL: `postgres://user:s3cret-pw@127.0.0.1:${port}/parley` });
    expect([r.code, r.stderr.trim()]).toEqual([1, `parley: cannot connect to the PostgreSQL server in DATABASE_URL (127.0.0.1:${port}): connection refused. Is it running and listening there?`]);
    const mysql = await parleyCli(['peer', 'list', '--data', data], '', { DATABASE_URL: 'mysql://user:s3cret-pw@127.0.0.1:3306/parley' });
    expect(mysql.code).toBe(1);
    expect(mysql.stderr).toContain('DATABASE_URL is a postgres:// URL');
    expect(r.stderr + mysql.stderr).not.toContain('s3cret-pw');
  });
});
