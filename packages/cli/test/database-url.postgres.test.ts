import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDir } from '@parley/store';
import { freshDatabase, parleyCli, postgresUrl } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A DATABASE_URL on the test server with some parts replaced. */
const databaseUrl = (base: string, parts: { password?: string; port?: number; database?: string }) => {
  const u = new URL(base);
  if (parts.password !== undefined) u.password = parts.password;
  if (parts.port !== undefined) u.port = String(parts.port);
  if (parts.database !== undefined) u.pathname = `/${parts.database}`;
  return u.toString();
};

/** `parley start` with each kind of wrong DATABASE_URL: one line that says what to correct, never the password. */
describe('parley start with a DATABASE_URL it cannot use', () => {
  let dir: string;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const password = `pw-${randomBytes(6).toString('hex')}`;
  const start = (url: string) => parleyCli(['start', '--data', dir, '--port', '0'], '', { DATABASE_URL: url });
  const server = () => {
    const u = new URL(postgresUrl());
    return `${u.hostname}:${u.port || 5432}`;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-dburl-'));
    await new DataDir(dir).init({ stateCode: 'XAA', name: 'Database URL test', testState: true });
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('names the user the server refused for a wrong password, and not the password', async () => {
    const r = await start(databaseUrl(db.url, { password }));
    const user = new URL(db.url).username;
    expect([r.code, r.stderr.trim()]).toEqual([
      1,
      `parley: the PostgreSQL server in DATABASE_URL (${server()}) refused the user ${user}: password authentication failed for user "${user}". Check the user and password in DATABASE_URL.`,
    ]);
    expect(r.stdout + r.stderr).not.toContain(password);
  }, 60_000);

  it('says which database does not exist and how to create it', async () => {
    const missing = `parley_missing_${randomBytes(4).toString('hex')}`;
    const r = await start(databaseUrl(db.url, { database: missing }));
    expect([r.code, r.stderr.trim()]).toEqual([
      1,
      `parley: the database ${missing} does not exist on the PostgreSQL server in DATABASE_URL (${server()}). Create it (createdb), or name another in DATABASE_URL.`,
    ]);
  }, 60_000);

  it('says the server refused the connection at a wrong port', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const port = (free.address() as { port: number }).port;
    await new Promise((resolve) => free.close(resolve));
    const r = await start(`postgres://parley:${password}@127.0.0.1:${port}/parley`);
    expect([r.code, r.stderr.trim()]).toEqual([1, `parley: cannot connect to the PostgreSQL server in DATABASE_URL (127.0.0.1:${port}): connection refused. Is it running and listening there?`]);
    expect(r.stdout + r.stderr).not.toContain(password);
  }, 60_000);

  it('gives up on a host that never answers after 10 seconds, saying what to check', async () => {
    // Accepts connections and says nothing, like a host behind a firewall that drops packets.
    const sockets = new Set<Socket>();
    const silent: Server = createServer((s) => {
      sockets.add(s);
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const started = Date.now();
      const r = await start(`postgres://parley:${password}@127.0.0.1:${port}/parley`);
      const took = Date.now() - started;
      expect([r.code, r.stderr.trim()]).toEqual([
        1,
        `parley: cannot connect to the PostgreSQL server in DATABASE_URL (127.0.0.1:${port}): no answer within 10 seconds. Check the host and port in DATABASE_URL, and that a firewall lets this machine reach it.`,
      ]);
      expect(took).toBeLessThan(30_000);
      expect(r.stdout + r.stderr).not.toContain(password);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 60_000);
});
