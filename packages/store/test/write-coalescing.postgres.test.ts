import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import type { Store, UserRecord } from '@parley/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { throwawayStore } from './log-suite.js';

const user = (email: string): UserRecord => {
  const now = new Date();
  return { id: randomUUID(), email, displayName: email, role: 'officer', status: 'active', passwordHash: null, createdAt: now, updatedAt: now };
};

/** How many writes this process's sockets make: each is a system call, and a wake-up and read on the server. */
function countSocketWrites() {
  const writes = { count: 0 };
  const [write, writev] = [Socket.prototype._write, Socket.prototype._writev!];
  vi.spyOn(Socket.prototype, '_write').mockImplementation(function (this: Socket, ...args: Parameters<typeof write>) {
    writes.count++;
    return write.apply(this, args);
  });
  vi.spyOn(Socket.prototype, '_writev').mockImplementation(function (this: Socket, ...args: Parameters<typeof writev>) {
    writes.count++;
    return writev.apply(this, args);
  });
  return writes;
}

// The store pipelines a transaction's statements (store.ts, pipelinedTransaction); they should
// also leave in one write, not one each (write-coalescing.ts).
describe('write coalescing (postgres)', () => {
  let store: Store;
  let drop: () => Promise<void>;
  beforeAll(async () => ({ store, drop } = await throwawayStore('postgres')));
  afterAll(async () => drop());
  afterEach(() => vi.restoreAllMocks());

  it('sends BEGIN, the statements a transaction sends without waiting, and COMMIT in one write', async () => {
    const users = [1, 2, 3].map((i) => user(`coalesce-${i}-${randomUUID()}@example.org`));
    await store.users.insert(user(`warm-${randomUUID()}@example.org`)); // a connection in the pool, and the insert named
    await store.users.insert(user(`warm-${randomUUID()}@example.org`));
    const writes = countSocketWrites();
    await store.transaction(async (tx) => {
      for (const u of users) tx.sent(() => tx.users.insert(u));
    });
    expect(writes.count).toBe(1);
    for (const u of users) expect((await store.users.byEmail(u.email))?.id).toBe(u.id);
  });

  it('still sends a statement that waits for the one before it, and gets its answer', async () => {
    const u = user(`alone-${randomUUID()}@example.org`);
    const writes = countSocketWrites();
    const found = await store.transaction(async (tx) => {
      await tx.users.insert(u);
      return tx.users.byEmail(u.email);
    });
    expect(found?.id).toBe(u.id);
    // BEGIN and the insert together; the look-up after the insert's answer; COMMIT after the look-up's.
    expect(writes.count).toBe(3);
  });
});
