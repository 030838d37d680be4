import { createReceipt, DELIVERY_HEADER, envelopeHash, signDelivery, signReceipt, uuidv7, type Envelope } from '@parley/protocol';
import { AlreadyReceived, appendToLog, recordInboundBatch, type DomainContext, type InboundItem } from '@parley/core';
import { openStore } from '@parley/store';
import { addPeer, eventually, holdLog, signedInAdmin, startTestNode, type Engine, type NetworkNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeFrom, nextMoment, sign } from './envelopes.js';

async function deliver(to: NetworkNode, jws: string, token: string) {
  const res = await fetch(`${to.node.url}/federation/v1/inbox`, { method: 'POST', headers: { 'content-type': 'application/jose', [DELIVERY_HEADER]: token }, body: jws });
  return { status: res.status, body: (await res.json()) as { receipt?: string; duplicate?: boolean; code?: string } };
}

const token = (from: NetworkNode, jws: string) => signDelivery({ envelope: envelopeHash(jws), to: 'XAB', sent: new Date() }, from.node.ctx.keys.privateKey, from.node.ctx.nodeInfo().fingerprint);

/**
 * The id of the one envelope B's database refuses to record, as a database may refuse any
 * statement (a full disk, a lost connection): a body cannot make it, since every value a schema
 * accepts can be stored. A trigger, made before B starts, refuses that row.
 */
const UNSTORABLE = '0190a0a0-0000-7000-8000-0000000000ff';
const refuseUnstorable = [
  `create function refuse_one() returns trigger language plpgsql as $$ begin raise exception 'refused by the test'; end $$`,
  `create trigger refuse_one before insert on inbox for each row when (new.id = '${UNSTORABLE}') execute function refuse_one()`,
];

/** The inbox's group commit: many envelopes in one transaction, each with the guarantees of one. */
export function inboxBatchSuite(engine: Engine): void {
  describe(`inbox group commit (${engine})`, () => {
    let a: NetworkNode;
    let b: NetworkNode;

    beforeAll(async () => {
      const nodes = [await startTestNode({ state: 'XAA', engine }), await startTestNode({ state: 'XAB', engine, sql: refuseUnstorable })];
      [a, b] = (await Promise.all(nodes.map(async (node) => ({ node, admin: await signedInAdmin(node) })))) as [NetworkNode, NetworkNode];
      await addPeer(a, b);
      await addPeer(b, a);
      // The directories the peering sent are delivered, then the senders stop: only the tests deliver to B.
      for (const n of [a, b]) {
        await eventually(async () => (await n.node.ctx.store.outbox.list({ status: 'queued', limit: 1 })).length === 0, 30_000, 'the peering messages to be delivered');
        await n.node.ctx.sender.stop();
      }
    }, 120_000);
    afterAll(async () => {
      await Promise.all([a, b].map((n) => n?.node.close()));
    });

    /**
     * Holds B's log head in a transaction of its own, so the inbox's next batch waits at the lock
     * and whatever `run` delivers meanwhile queues for the batch after it; then lets go and
     * returns the answers to those deliveries.
     */
    async function withInboxHeld(run: (queue: (jws: string) => Promise<void>) => Promise<void>): Promise<Awaited<ReturnType<typeof deliver>>[]> {
      const release = await holdLog(b.node);
      // A first delivery takes the batch that waits for the lock.
      const blocker = await sign(a, envelopeFrom(a));
      const first = deliver(b, blocker, await token(a, blocker));
      await eventually(async () => b.node.ctx.inbox.queue.committing === 1 && b.node.ctx.inbox.queue.pending === 0, 10_000, 'a batch waiting for the lock');
      const answers: Promise<Awaited<ReturnType<typeof deliver>>>[] = [];
      try {
        // Each delivery waits until it is queued for the next batch, so their order there is known.
        await run(async (jws) => {
          const before = b.node.ctx.inbox.queue.pending;
          answers.push(deliver(b, jws, await token(a, jws)));
          await eventually(async () => b.node.ctx.inbox.queue.pending > before, 10_000, 'the delivery to be queued');
        });
      } finally {
        await release();
      }
      expect((await first).status).toBe(200);
      return Promise.all(answers);
    }

    it('records envelopes delivered together in one batch: a duplicate once with one receipt, a thread in order, a bad envelope alone refused', async () => {
      const thread = '0190a0a0-0000-7000-8000-0000000000b1';
      const twice = await sign(a, envelopeFrom(a));
      const parent = await sign(a, envelopeFrom(a, { thread }));
      const child = await sign(a, envelopeFrom(a, { thread, prev: envelopeHash(parent) }));
      const bad = await sign(a, envelopeFrom(a, { id: UNSTORABLE }));
      const good = await sign(a, envelopeFrom(a));

      const [t1, c, t2, x, p, g] = await withInboxHeld(async (queue) => {
        for (const jws of [twice, child, twice, bad, parent, good]) await queue(jws);
        expect(b.node.ctx.inbox.queue).toEqual({ pending: 6, committing: 1 });
      });

      // The same envelope twice in one batch: one effect, one receipt.
      expect([t1!.status, t2!.status]).toEqual([200, 200]);
      expect(t2!.body.receipt).toBe(t1!.body.receipt);
      expect([t1!.body.duplicate, t2!.body.duplicate]).toEqual([false, true]);
      const log = b.node.ctx.store.log;
      expect(await log.find('envelope.received', envelopeHash(twice))).toBeDefined();
      // A bad envelope fails alone; the others of its batch are recorded.
      expect(x!.status).toBe(500);
      expect(await b.node.ctx.store.inbox.byHash(envelopeHash(bad))).toBeUndefined();
      expect([c!.status, p!.status, g!.status]).toEqual([200, 200, 200]);
      for (const jws of [twice, child, parent, good]) {
        const row = await b.node.ctx.store.inbox.byHash(envelopeHash(jws));
        expect(row?.appliedAt, 'applied').not.toBeNull();
        expect(row?.applyError).toBeNull();
      }
      // The child arrived first in the batch but was applied only once its parent was.
      const [pr, cr] = [await b.node.ctx.store.inbox.byHash(envelopeHash(parent)), await b.node.ctx.store.inbox.byHash(envelopeHash(child))];
      expect(cr!.appliedAt!.getTime()).toBeGreaterThanOrEqual(pr!.appliedAt!.getTime());
      // Delivered again later, the duplicate still gets its first receipt.
      expect((await deliver(b, twice, await token(a, twice))).body).toEqual({ receipt: t1!.body.receipt, duplicate: true });
    });

    it('commits a batch only once every signature in it has passed: one that fails is refused and leaves no trace, and the rest is recorded without it', async () => {
      const thread = '0190a0a0-0000-7000-8000-0000000000c1';
      const before = await sign(a, envelopeFrom(a));
      // Signed by A's key over other bytes: the signature of another envelope, under a token A
      // did sign for this one, so only the envelope's own signature check can find it out.
      // Its directory is the newest of all, so had it been applied, `after`'s would not replace it.
      const publishedIn = (hours: number) => ({ publishedAt: new Date(nextMoment().getTime() + hours * 3_600_000).toISOString(), contacts: [] });
      const forgedFrom = await sign(a, envelopeFrom(a, { thread, body: publishedIn(2) }));
      const other = await sign(a, envelopeFrom(a));
      const forged = `${forgedFrom.slice(0, forgedFrom.lastIndexOf('.'))}.${other.slice(other.lastIndexOf('.') + 1)}`;
      const follower = await sign(a, envelopeFrom(a, { thread, prev: envelopeHash(forged) }));
      const after = await sign(a, envelopeFrom(a, { body: publishedIn(1) }));

      const [x, f, y, z] = await withInboxHeld(async (queue) => {
        for (const jws of [before, forged, follower, after]) await queue(jws);
      });

      expect([f!.status, f!.body.code]).toEqual([401, 'bad_signature']);
      expect(await b.node.ctx.store.inbox.byHash(envelopeHash(forged))).toBeUndefined();
      expect(await b.node.ctx.store.log.find('envelope.received', envelopeHash(forged))).toBeUndefined();
      expect([x!.status, y!.status, z!.status]).toEqual([200, 200, 200]);
      for (const jws of [before, after]) expect((await b.node.ctx.store.inbox.byHash(envelopeHash(jws)))?.appliedAt, 'applied').not.toBeNull();
      // What follows the forged envelope in its thread is kept and receipted, but waits for it.
      expect((await b.node.ctx.store.inbox.byHash(envelopeHash(follower)))?.appliedAt).toBeNull();
      // Nothing the forged envelope did while its transaction ran was kept: A's directory is the last good one.
      const held = (await b.node.ctx.store.peerDirectories.list()).find((d) => d.stateCode === 'XAA');
      expect(held?.envelopeHash).toBe(envelopeHash(after));
    });

    it('refuses, in one batch, a second envelope reusing the id of the first with other content', async () => {
      const id = uuidv7();
      const first = await sign(a, envelopeFrom(a, { id }));
      const reuse = await sign(a, envelopeFrom(a, { id, body: { publishedAt: nextMoment().toISOString(), contacts: [] } }));
      const [f, r] = await withInboxHeld(async (queue) => {
        for (const jws of [first, reuse]) await queue(jws);
        expect(b.node.ctx.inbox.queue).toEqual({ pending: 2, committing: 1 });
      });
      expect(f!.status).toBe(200);
      expect([r!.status, r!.body.code]).toEqual([409, 'id_reused']);
    });

    it('without the look-up, takes a batch for new, and refuses the whole of one holding an envelope received before', async () => {
      const ctx: DomainContext = b.node.ctx.domain;
      const item = async (jws: string): Promise<InboundItem> => {
        const envelope = JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString()) as Envelope;
        const receipt = await signReceipt(createReceipt(jws, 'XAB', ctx.now()), { privateKey: b.node.ctx.keys.privateKey });
        const record = { id: envelope.id, hash: envelopeHash(jws), sender: 'XAA', type: envelope.type, thread: null, prev: null, jws, receivedAt: ctx.now(), receipt, appliedAt: null, applyError: null };
        return { record, envelope };
      };
      const [x, y] = [await item(await sign(a, envelopeFrom(a))), await item(await sign(a, envelopeFrom(a)))];
      // The same envelope twice in one batch is still one envelope, with one receipt.
      const outcomes = await b.node.ctx.store.transaction((tx) => recordInboundBatch(tx, ctx, [x, x], { lookUp: false }));
      expect(outcomes).toEqual([
        { kind: 'stored', receipt: x.record.receipt },
        { kind: 'duplicate', receipt: x.record.receipt },
      ]);
      const size = (await b.node.ctx.store.log.head()).size;
      // Received before: the insert fails, and nothing of the batch is kept, y included.
      await expect(b.node.ctx.store.transaction((tx) => recordInboundBatch(tx, ctx, [y, x], { lookUp: false }))).rejects.toBeInstanceOf(AlreadyReceived);
      expect(await b.node.ctx.store.inbox.byHash(y.record.hash)).toBeUndefined();
      expect((await b.node.ctx.store.log.head()).size).toBe(size);
      // With the look-up, the same batch is recorded: y stored, x answered with its first receipt.
      const again = await b.node.ctx.store.transaction((tx) => recordInboundBatch(tx, ctx, [y, x]));
      expect(again).toEqual([
        { kind: 'stored', receipt: y.record.receipt },
        { kind: 'duplicate', receipt: x.record.receipt },
      ]);
    });

    if (engine === 'postgres') {
      it('records an envelope after another process appended to its log: the transaction that started from the head it last wrote runs again with the head locked', async () => {
        const before = await sign(a, envelopeFrom(a));
        expect((await deliver(b, before, await token(a, before))).status).toBe(200);
        // B's checkpointer reads the head every second, which would bring what B remembers up to date.
        await b.node.ctx.checkpointer.stop();
        // What another process on B's database appends behind the node's back (a second node
        // process, an operator's tool): the head B last wrote is no longer the head.
        const other = await openStore({ engine: 'postgres', url: b.node.databaseUrl!, maxConnections: 1 });
        let moved: number;
        try {
          const entry = { kind: 'envelope.sent', hash: envelopeHash(await sign(a, envelopeFrom(a))), sender: 'XAB', recipient: 'XAA', type: 'directory.update', at: new Date().toISOString() } as const;
          moved = (await appendToLog(other, { now: () => new Date() }, [entry])).size;
        } finally {
          await other.close();
        }
        const after = await sign(a, envelopeFrom(a));
        const answer = await deliver(b, after, await token(a, after));
        expect(answer.status).toBe(200);
        expect(answer.body.receipt).toBeDefined();
        // Appended after the other process's entry, with no gap and nothing twice.
        const log = b.node.ctx.store.log;
        expect((await log.find('envelope.received', envelopeHash(after)))?.index).toBe(moved);
        expect((await log.find('receipt.issued', envelopeHash(answer.body.receipt!)))?.index).toBe(moved + 1);
        expect((await log.head()).size).toBe(moved + 2);
        expect((await log.entries(0, moved + 2)).map((e) => e.index)).toEqual(Array.from({ length: moved + 2 }, (_, i) => i));
      });
    }

    it('applies a batch in the order given: a message before the one it follows is held, then applied after it', async () => {
      // Called directly with a clock that ticks on every reading, so the order of application shows.
      let tick = Date.now();
      const ctx: DomainContext = { ...b.node.ctx.domain, now: () => new Date(tick++) };
      const thread = '0190a0a0-0000-7000-8000-0000000000b2';
      const e1 = await sign(a, envelopeFrom(a, { thread }));
      const e2 = await sign(a, envelopeFrom(a, { thread, prev: envelopeHash(e1) }));
      const e3 = await sign(a, envelopeFrom(a, { thread, prev: envelopeHash(e2) }));
      const item = async (jws: string): Promise<InboundItem> => {
        const envelope = JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString()) as Envelope;
        const receipt = await signReceipt(createReceipt(jws, 'XAB', ctx.now()), { privateKey: b.node.ctx.keys.privateKey });
        const record = { id: envelope.id, hash: envelopeHash(jws), sender: 'XAA', type: envelope.type, thread, prev: envelope.prev ?? null, jws, receivedAt: ctx.now(), receipt, appliedAt: null, applyError: null };
        return { record, envelope };
      };
      const items = [await item(e3), await item(e2), await item(e1), await item(e2)];
      const outcomes = await b.node.ctx.store.transaction((tx) => recordInboundBatch(tx, ctx, items));
      expect(outcomes.map((o) => o.kind)).toEqual(['stored', 'stored', 'stored', 'duplicate']);
      expect(outcomes[3]).toEqual({ kind: 'duplicate', receipt: items[1]!.record.receipt });
      const applied = await Promise.all([e1, e2, e3].map(async (jws) => (await b.node.ctx.store.inbox.byHash(envelopeHash(jws)))!.appliedAt!.getTime()));
      expect(applied[0]).toBeLessThan(applied[1]!);
      expect(applied[1]).toBeLessThan(applied[2]!);
      // One append for the batch: each stored envelope and its receipt, in the order they were stored.
      const head = await b.node.ctx.store.log.head();
      const entries = await b.node.ctx.store.log.entries(head.size - 6, head.size);
      expect(entries.map((e) => [e.kind, JSON.parse(e.data.toString()).envelope ?? JSON.parse(e.data.toString()).hash])).toEqual(
        [e3, e2, e1].flatMap((jws) => [
          ['envelope.received', envelopeHash(jws)],
          ['receipt.issued', envelopeHash(jws)],
        ]),
      );
    });
  });
}
