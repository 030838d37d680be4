import { randomUUID } from 'node:crypto';
import type { Store, UserRecord } from '@parley/core';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { throwawayStore } from './log-suite.js';

const user = (email: string): UserRecord => {
  const now = new Date();
  return { id: randomUUID(), email, displayName: email, role: 'officer', status: 'active', passwordHash: null, createdAt: now, updatedAt: now };
};

/** Each statement pg asks the server to parse: its text and the name it is prepared under ('' for none). */
function watchParses() {
  const parsed: { text: string; name: string }[] = [];
  const parse = pg.Connection.prototype.parse;
  vi.spyOn(pg.Connection.prototype, 'parse').mockImplementation(function (this: pg.Connection, query: { text: string; name?: string }) {
    parsed.push({ text: query.text, name: query.name ?? '' });
    return (parse as (q: unknown) => void).call(this, query);
  } as typeof parse);
  return parsed;
}

// PostgreSQL parses and plans a named statement once per connection; the store names a statement
// from its second use. (The embedded engine prepares its own: pglite-dialect.test.ts.)
describe('named statements (postgres)', () => {
  let store: Store;
  let drop: () => Promise<void>;
  beforeAll(async () => ({ store, drop } = await throwawayStore('postgres')));
  afterAll(async () => drop());
  afterEach(() => vi.restoreAllMocks());

  it('parses a statement on its second use under a name, and not again on that connection, with the same answers', async () => {
    const u = user(`named-${randomUUID()}@example.org`);
    await store.users.insert(u);
    const parsed = watchParses();
    // One transaction: one connection.
    const found = await store.transaction(async (tx) => {
      const rows = [];
      for (let i = 0; i < 4; i++) rows.push(await tx.users.byEmail(u.email));
      return rows;
    });
    expect(found.map((f) => f?.id)).toEqual([u.id, u.id, u.id, u.id]);
    const lookups = parsed.filter((p) => /from "users"/.test(p.text) && /"email" = \$1/.test(p.text));
    // Unnamed the first time (unless an earlier use named it already), then once under its name.
    expect(lookups.length).toBeLessThanOrEqual(2);
    expect(lookups.at(-1)!.name).toMatch(/^parley_\d+$/);
    // Transaction control is never named.
    expect(parsed.filter((p) => /^\s*(begin|commit)/i.test(p.text)).every((p) => p.name === '')).toBe(true);
  });

  it('parses a named statement again after its first parse on a connection failed with its transaction', async () => {
    const u = user(`fail-${randomUUID()}@example.org`);
    await store.users.insert(u);
    // First use: unnamed. (The pool hands back the connection used last, so all of this runs on one.)
    expect((await store.users.byId(u.id))?.email).toBe(u.email);
    const parsed = watchParses();
    // Second use, so under a name, parsed on this connection for the first time inside a
    // transaction that a broken unique email has already aborted: the parse fails too.
    const duplicate = { ...u, id: randomUUID() };
    await expect(
      store.transaction(async (tx) => {
        await tx.users.insert(duplicate).catch(() => undefined);
        return tx.users.byId(u.id);
      }),
    ).rejects.toThrow();
    const named = parsed.filter((p) => /from "users"/.test(p.text) && /"id" = \$1/.test(p.text));
    expect(named.map((p) => p.name)).toEqual([expect.stringMatching(/^parley_\d+$/)]);
    // Used again, it is parsed again, and answers.
    for (let i = 0; i < 3; i++) expect((await store.users.byId(u.id))?.email).toBe(u.email);
    expect(await store.transaction(async (tx) => (await tx.users.byId(u.id))?.email)).toBe(u.email);
  });
});
