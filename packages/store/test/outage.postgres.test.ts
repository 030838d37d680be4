import { randomUUID } from 'node:crypto';
import { isStoreUnavailable, type Store } from '@parley/core';
import { openStore, type Reachability } from '@parley/store';
import { freshDatabase, serverOf, startTcpProxy, throughProxy, type TcpProxy } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const audit = (entityId: string) => ({ at: new Date(), actor: 'test', action: 'test.write', entityType: 'test', entityId, before: null, after: null, requestId: null });

/** What a failed call threw, to look at; fails the test if it succeeded. */
const failureOf = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
};

/** The store on PostgreSQL through a real TCP proxy that the test cuts and restores. */
describe('the PostgreSQL store when the network to its server is cut and restored', () => {
  let proxy: TcpProxy;
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let store: Store;
  const changes: Reachability[] = [];

  beforeAll(async () => {
    db = await freshDatabase();
    proxy = await startTcpProxy(serverOf(db.url));
    store = await openStore({ engine: 'postgres', url: throughProxy(db.url, proxy), maxConnections: 4, onReachability: (c) => changes.push(c) });
  });
  afterAll(async () => {
    await store?.close();
    await proxy?.close();
    await db?.drop();
  });

  it('fails a transaction whose connection is cut as store_unavailable, without ending the process, and recovers by itself', async () => {
    const id = randomUUID();
    // A transaction holds its connection while it waits; the cut comes in the middle of it.
    let inside!: () => void;
    const holding = new Promise<void>((resolve) => (inside = resolve));
    const tx = store.transaction(async (t) => {
      await t.audit.append(audit(id));
      inside();
      await new Promise((r) => setTimeout(r, 500));
      await t.audit.append(audit(id));
    });
    await holding;
    await proxy.cut();
    const cut = await failureOf(tx);
    expect(isStoreUnavailable(cut)).toBe(true);
    expect(cut).toMatchObject({ kind: 'unavailable', code: 'store_unavailable' });

    // While it is down, every call fails at once the same way, and the change is reported once.
    for (let i = 0; i < 5; i++) expect(isStoreUnavailable(await failureOf(store.ping()))).toBe(true);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ reachable: false });
    const reason = (changes[0] as { reason: string }).reason;
    expect(reason).toMatch(new RegExp(`^(the connection to the PostgreSQL server in DATABASE_URL \\(127\\.0\\.0\\.1:${proxy.port}\\) was cut|cannot connect to the PostgreSQL server in DATABASE_URL \\(127\\.0\\.0\\.1:${proxy.port}\\): connection refused)`));
    expect(reason).not.toContain(new URL(db.url).password);

    await proxy.restore();
    await store.ping();
    expect(changes.slice(1)).toEqual([{ reachable: true, afterMs: expect.any(Number) }]);
    // The transaction cut in the middle left nothing behind; a new one commits.
    expect(await store.audit.list({ entityType: 'test', entityId: id, limit: 10 })).toEqual([]);
    await store.transaction(async (t) => t.audit.append(audit(id)));
    expect(await store.audit.list({ entityType: 'test', entityId: id, limit: 10 })).toHaveLength(1);
  }, 30_000);

  it('gives up on a server that accepts the connection and never answers after the connect timeout, as store_unavailable', async () => {
    await proxy.cut();
    // The pool drops the connections the cut closed as it hears of it; a ping before then would fail at once on one.
    await new Promise((r) => setTimeout(r, 300));
    proxy.mode = 'silent';
    await proxy.restore();
    const started = Date.now();
    const e = await failureOf(store.ping());
    const waited = Date.now() - started;
    expect(isStoreUnavailable(e)).toBe(true);
    expect((e as { reason: string }).reason).toBe(
      `cannot connect to the PostgreSQL server in DATABASE_URL (127.0.0.1:${proxy.port}): no answer within 10 seconds. Check the host and port in DATABASE_URL, and that a firewall lets this machine reach it.`,
    );
    expect(waited).toBeGreaterThanOrEqual(9_000);
    expect(waited).toBeLessThan(20_000);
    proxy.mode = 'forward';
  }, 40_000);
});
