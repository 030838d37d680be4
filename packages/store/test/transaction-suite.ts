import { randomUUID } from 'node:crypto';
import type { Store, UserRecord } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throwawayStore, type Engine } from './log-suite.js';

const user = (email: string): UserRecord => {
  const now = new Date();
  return { id: randomUUID(), email, displayName: email, role: 'officer', status: 'active', passwordHash: null, createdAt: now, updatedAt: now };
};

const audit = (entityId: string) => ({ at: new Date(), actor: 'test', action: 'test.write', entityType: 'test', entityId, before: null, after: null, requestId: null });
const audited = async (store: Store, entityId: string) => (await store.audit.list({ entityType: 'test', entityId, limit: 10 })).length;

/**
 * What every caller of `store.transaction` relies on, whatever the engine does underneath (on
 * PostgreSQL, BEGIN and each group of statements sent together share a round trip).
 */
export function transactionSuite(engine: Engine) {
  describe(`store transactions (${engine})`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    beforeAll(async () => ({ store, drop } = await throwawayStore(engine)));
    afterAll(async () => drop());

    it('commits every statement, and the first one runs inside the transaction', async () => {
      const id = randomUUID();
      const result = await store.transaction(async (tx) => {
        await tx.audit.append(audit(id));
        // Inside, the transaction sees its own write; outside, nobody does until it commits
        // (PGlite has one connection, so there an outside read would wait for this transaction).
        expect(await audited(tx, id)).toBe(1);
        if (engine === 'postgres') expect(await audited(store, id)).toBe(0);
        return 'done';
      });
      expect(result).toBe('done');
      expect(await audited(store, id)).toBe(1);
    });

    it('undoes everything when the callback throws, and passes its error on', async () => {
      const id = randomUUID();
      const failure = new Error('the caller changed its mind');
      await expect(
        store.transaction(async (tx) => {
          await tx.audit.append(audit(id));
          await tx.users.insert(user(`${id}@example.org`));
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await audited(store, id)).toBe(0);
      expect(await store.users.byEmail(`${id}@example.org`)).toBeUndefined();
    });

    /**
     * A transaction that writes an audit entry, then inserts a user whose email is taken (a unique
     * violation), waiting for that insert or not; returns what it failed with, and the entry's id.
     */
    const failingLater = async (awaitInsert: boolean) => {
      const id = randomUUID();
      const taken = user(`${id}@example.org`);
      await store.users.insert(taken);
      const error = await store
        .transaction(async (tx) => {
          await tx.audit.append(audit(id));
          const insert = () => tx.users.insert({ ...taken, id: randomUUID() });
          // Not awaited, COMMIT must still not turn its failure into a silent rollback.
          if (awaitInsert) await insert();
          else tx.sent(insert);
          return 'looks fine';
        })
        .catch((e: unknown) => e);
      return { error, id };
    };

    /**
     * The transaction failed with the insert's error and left nothing behind, and the connection
     * it used is clean: the next transactions on the pool work.
     */
    const expectUndone = async ({ error, id }: { error: unknown; id: string }) => {
      expect(String(error)).toMatch(/unique|duplicate/i);
      expect(await audited(store, id)).toBe(0);
      for (let i = 0; i < 10; i++) await store.transaction(async (tx) => tx.audit.append(audit(id)));
      expect(await audited(store, id)).toBe(10);
    };

    it('undoes the earlier statements when a later one fails, with that statement’s error', async () => {
      await expectUndone(await failingLater(true));
    });

    it('runs statements sent without waiting in the order they were sent, inside the transaction', async () => {
      const id = randomUUID();
      await expect(
        store.transaction(async (tx) => {
          const first = tx.audit.append(audit(id));
          const second = tx.users.insert(user(`${id}@example.org`));
          const seen = audited(tx, id); // sent after the write, so it sees it
          expect(await seen).toBe(1);
          await Promise.all([first, second]);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      expect(await audited(store, id)).toBe(0);
      expect(await store.users.byEmail(`${id}@example.org`)).toBeUndefined();
    });

    it('fails, and undoes everything, when a statement it did not wait for fails', async () => {
      // COMMIT went behind the failed insert and became a rollback, which must not pass for success.
      await expectUndone(await failingLater(false));
    });

    it('fails with the error of the statement that failed first, not with the error of a statement it aborted', async () => {
      const id = randomUUID();
      const taken = user(`${id}@example.org`);
      await store.users.insert(taken);
      const error = await store
        .transaction(async (tx) => {
          tx.sent(() => tx.users.insert({ ...taken, id: randomUUID() }));
          // Runs after the failed insert, in a transaction PostgreSQL now holds as aborted.
          await tx.audit.append(audit(id));
        })
        .catch((e: unknown) => e);
      expect(String(error)).toMatch(/unique|duplicate/i);
      expect(String(error)).not.toMatch(/aborted/);
      expect(await audited(store, id)).toBe(0);
    });

    it('refuses to leave a statement unanswered outside a transaction, where nothing would check it', async () => {
      const id = randomUUID();
      expect(() => store.sent(() => store.audit.append(audit(id)))).toThrow(/only inside a transaction/);
    });

    it('refuses a statement left unanswered that is not sent at once, and rolls back', async () => {
      const id = randomUUID();
      await expect(
        store.transaction(async (tx) => {
          await tx.audit.append(audit(id));
          tx.sent(async () => {
            await new Promise((resolve) => setTimeout(resolve, 5)); // e.g. a look-up first
            await tx.audit.append(audit(id));
          });
        }),
      ).rejects.toThrow(/sent at once/);
      expect(await audited(store, id)).toBe(0);
    });

    it('sends nothing on a transaction’s connection once it has ended', async () => {
      const id = randomUUID();
      let late: Promise<unknown> | undefined;
      await store.transaction(async (tx) => {
        await tx.audit.append(audit(id));
        // A write asked for after the callback returned, as a careless callback might.
        late = new Promise((resolve) => setImmediate(resolve))
          .then(() => tx.audit.append(audit(id)))
          .then(() => 'sent', (e: unknown) => e);
      });
      expect(String(await late)).toMatch(/after its transaction ended/);
      // Neither committed outside the transaction nor slipped into another one on that connection.
      await store.transaction(async (tx) => expect(await audited(tx, id)).toBe(1));
      expect(await audited(store, id)).toBe(1);
    });

    it('keeps concurrent transactions apart', async () => {
      const ids = Array.from({ length: 12 }, () => randomUUID());
      const outcomes = await Promise.allSettled(
        ids.map((id, i) =>
          store.transaction(async (tx) => {
            await tx.audit.append(audit(id));
            await tx.audit.append(audit(id));
            expect(await audited(tx, id)).toBe(2);
            if (i % 3 === 0) throw new Error(`transaction ${i} rolls back`);
          }),
        ),
      );
      for (const [i, id] of ids.entries()) {
        expect(outcomes[i]!.status).toBe(i % 3 === 0 ? 'rejected' : 'fulfilled');
        expect(await audited(store, id)).toBe(i % 3 === 0 ? 0 : 2);
      }
    });
  });
}
