import { addPeer, deliverAs, eventually, postgresUrl, serverOf, signedInAdmin, startTcpProxy, startTestNode, throughProxy, type NetworkNode, type TcpProxy } from '@parley/testkit';
import { envelopeHash } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Message = { id: string; hash: string; type: string; status: string; attempts: number; lastError: string | null };
const messagesTo = async (from: NetworkNode, state: string): Promise<Message[]> => (await from.admin.get(`/api/v1/messages?recipient=${state}`)).body.messages;
const incomingChecks = async (at: NetworkNode, id: string) => (await at.admin.get('/api/v1/checks?direction=incoming')).body.checks.filter((c: { id: string }) => c.id === id);

/**
 * Two nodes on PostgreSQL over loopback HTTP; XAA reaches its database through a real TCP proxy
 * that the test cuts (every connection closed, new ones refused) and restores.
 */
describe('a node whose PostgreSQL goes away and comes back', () => {
  let proxy: TcpProxy;
  let a: NetworkNode;
  let b: NetworkNode;

  beforeAll(async () => {
    proxy = await startTcpProxy(serverOf(postgresUrl()));
    const nodeA = await startTestNode({ state: 'XAA', engine: 'postgres', databaseUrl: (url) => throughProxy(url, proxy) });
    const nodeB = await startTestNode({ state: 'XAB', engine: 'postgres' });
    a = { node: nodeA, admin: await signedInAdmin(nodeA) };
    b = { node: nodeB, admin: await signedInAdmin(nodeB) };
    await addPeer(a, b);
    await addPeer(b, a);
  }, 60_000);
  afterAll(async () => {
    await proxy?.restore();
    await Promise.all([a?.node.close(), b?.node.close()]);
    await proxy?.close();
  });

  it('answers 503 while it cannot reach its database, logs the outage once, and afterwards delivers and applies every message once', async () => {
    // A message XAA's officer sent before the outage, still queued because XAB is down.
    await b.node.stop();
    const before = await a.admin.post('/api/v1/checks', { peers: ['XAB'], note: 'sent before the outage' });
    expect(before.status).toBe(201);
    const beforeId = before.body.checks[0].id as string;
    await eventually(async () => (await messagesTo(a, 'XAB')).find((m) => m.type === 'check.request' && m.attempts > 0), 10_000, 'a failed attempt to XAB');

    // The sender's reads of the outbox, counted through: it must keep trying, and slowly.
    const outbox = a.node.ctx.store.outbox;
    const due = outbox.due.bind(outbox);
    let reads = 0;
    outbox.due = (...args) => {
      reads++;
      return due(...args);
    };

    const logsBefore = a.node.logs.length;
    await proxy.cut();
    const cutAt = Date.now();
    await b.node.restart();

    // The web and API say plainly what is wrong, as a problem, and nothing internal.
    const health = await fetch(`${a.node.url}/healthz`);
    expect([health.status, health.headers.get('content-type'), health.headers.get('retry-after')]).toEqual([503, 'application/problem+json', '30']);
    const healthBody = (await health.json()) as { code: string; detail: string };
    expect(healthBody).toMatchObject({
      code: 'store_unavailable',
      detail: "This node cannot reach its database just now, so it can neither read nor save anything. Try again in a minute; if this lasts, tell the node's administrator.",
    });
    const api = await a.admin.get('/api/v1/checks');
    expect([api.status, api.body.code, api.body.detail]).toEqual([503, 'store_unavailable', healthBody.detail]);
    // What API clients are told to expect, which needs no database to read.
    const doc = (await (await fetch(`${a.node.url}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
    expect(Object.keys(doc.paths['/api/v1/checks']!.get!.responses)).toContain('503');

    // A peer's delivery is answered with a status its sender retries, so the peer keeps the message.
    const direct = await deliverAs(b, a, { type: 'directory.update', body: { publishedAt: new Date().toISOString(), contacts: [] } });
    expect([direct.status, direct.body.code]).toEqual([503, 'store_unavailable']);
    const during = await b.admin.post('/api/v1/checks', { peers: ['XAA'], note: 'sent during the outage' });
    expect(during.status).toBe(201);
    const duringId = during.body.checks[0].id as string;
    const refused = await eventually(
      async () => (await messagesTo(b, 'XAA')).find((m) => m.type === 'check.request' && m.status === 'queued' && m.attempts >= 2),
      15_000,
      'XAB retrying its delivery to XAA',
    );
    expect(refused.lastError).toBe(`XAA could not take the message for now (503 store_unavailable): ${healthBody.detail}`);

    await sleep(Math.max(0, 6_000 - (Date.now() - cutAt)));
    const readsDuringOutage = reads;
    const outageMs = Date.now() - cutAt;

    // One line says the database is gone, with why; no stack trace per request or per round.
    const outageLogs = a.node.logs.slice(logsBefore);
    const unreachable = outageLogs.filter((l) => String(l.msg).startsWith('database unreachable'));
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]).toMatchObject({ level: 50, component: 'store' });
    expect(unreachable[0]!.msg).toMatch(
      new RegExp(`^database unreachable: (the connection to|cannot connect to) the PostgreSQL server in DATABASE_URL \\(127\\.0\\.0\\.1:${proxy.port}\\)`),
    );
    expect(outageLogs.filter((l) => l.level === 50)).toHaveLength(1);
    expect(outageLogs.filter((l) => l.err !== undefined)).toEqual([]);

    await proxy.restore();

    // The pool reconnects by itself.
    await eventually(async () => (await fetch(`${a.node.url}/healthz`)).status === 200, 10_000, 'XAA healthy again');
    // Both queued messages arrive, and each is applied once.
    await eventually(async () => (await messagesTo(b, 'XAA')).find((m) => m.type === 'check.request' && m.status === 'delivered'), 30_000, 'the delivery to XAA made during the outage');
    await eventually(async () => (await messagesTo(a, 'XAB')).find((m) => m.type === 'check.request' && m.status === 'delivered'), 30_000, 'the message queued before the outage');
    expect(await incomingChecks(a, duringId)).toHaveLength(1);
    expect(await incomingChecks(b, beforeId)).toHaveLength(1);
    expect((await messagesTo(b, 'XAA')).filter((m) => m.status !== 'delivered')).toEqual([]);

    // The sender kept reading the outbox all along, backing off rather than spinning: with a
    // 200 ms poll, a loop that did not back off would have read it about 5 times a second.
    expect(readsDuringOutage).toBeGreaterThanOrEqual(2);
    expect(readsDuringOutage).toBeLessThan(outageMs / 200 / 2);

    const back = a.node.logs.slice(logsBefore).filter((l) => l.msg === 'database reachable again');
    expect(back).toHaveLength(1);
    expect(a.node.logText()).not.toContain(`:${new URL(postgresUrl()).password}@`);
  }, 60_000);

  it('keeps a message whose receipt came back while its database was gone, and sends it again once: the peer answers with its first receipt', async () => {
    // XAB takes the message, and XAA's database goes away before XAA can record the receipt.
    // XAB's answers are noted by envelope hash, whether the envelope came alone or in a batch.
    const inbox = b.node.ctx.inbox;
    const receive = inbox.receive.bind(inbox);
    const receiveBatch = inbox.receiveBatch.bind(inbox);
    const answers: { hash: string; duplicate: boolean }[] = [];
    const cutOnFirst = async () => {
      if (answers.length === 0) await proxy.cut();
    };
    inbox.receive = async (jws, token) => {
      await cutOnFirst();
      const answer = await receive(jws, token);
      answers.push({ hash: envelopeHash(jws), duplicate: answer.duplicate });
      return answer;
    };
    inbox.receiveBatch = async (envelopes, token) => {
      await cutOnFirst();
      const settled = await receiveBatch(envelopes, token);
      settled.forEach((r, i) => r.ok && answers.push({ hash: envelopeHash(envelopes[i]!), duplicate: r.value.duplicate }));
      return settled;
    };
    const earlier = new Set((await messagesTo(a, 'XAB')).map((m) => m.id));
    try {
      const started = await a.admin.post('/api/v1/checks', { peers: ['XAB'], note: 'receipt lost on the way back' });
      expect(started.status).toBe(201);
      const id = started.body.checks[0].id as string;
      await eventually(async () => answers.length > 0, 10_000, 'XAB receiving the check');
      await sleep(1_000);
      await proxy.restore();
      const delivered = await eventually(
        async () => (await messagesTo(a, 'XAB')).find((m) => !earlier.has(m.id) && m.type === 'check.request' && m.status === 'delivered'),
        30_000,
        'the check delivered after the outage',
      );
      expect(answers.filter((x) => x.hash === delivered.hash).map((x) => x.duplicate)).toEqual([false, true]);
      expect(await incomingChecks(b, id)).toHaveLength(1);
    } finally {
      inbox.receive = receive;
      inbox.receiveBatch = receiveBatch;
      await proxy.restore();
    }
  }, 60_000);
});
