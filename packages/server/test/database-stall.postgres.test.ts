import { eventually, postgresUrl, serverOf, signedInAdmin, startTcpProxy, startTestNode, throughProxy, type NetworkNode, type TcpProxy } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What the node waits, in this test, for a statement's answer (PARLEY_DATABASE_ANSWER_SECONDS). */
const ANSWER_SECONDS = 2;

/**
 * A node whose PostgreSQL sits behind a real TCP proxy on loopback that the test stalls: it stops
 * passing bytes either way, and closes nothing, as a network that silently drops packets does.
 */
describe('a node whose network to PostgreSQL silently drops packets', () => {
  let proxy: TcpProxy;
  let a: NetworkNode;

  beforeAll(async () => {
    proxy = await startTcpProxy(serverOf(postgresUrl()));
    const node = await startTestNode({ state: 'XAA', engine: 'postgres', databaseUrl: (url) => throughProxy(url, proxy), config: { databaseAnswerSeconds: ANSWER_SECONDS } });
    a = { node, admin: await signedInAdmin(node) };
  }, 60_000);
  afterAll(async () => {
    proxy?.unstall();
    await a?.node.close();
    await proxy?.close();
  });

  it('answers a request 503 within the answer bound, says what to check, and recovers once packets pass again', async () => {
    // A request now leaves an idle connection in the pool, the one the next request is given.
    expect((await a.admin.get('/api/v1/checks')).status).toBe(200);
    const logsBefore = a.node.logs.length;
    proxy.stall();
    const started = Date.now();
    const stalled = await a.admin.get('/api/v1/checks');
    const waited = Date.now() - started;
    expect([stalled.status, stalled.body.code]).toEqual([503, 'store_unavailable']);
    expect(stalled.body.detail).toBe("This node cannot reach its database just now, so it can neither read nor save anything. Try again in a minute; if this lasts, tell the node's administrator.");
    // Within the bound, with room for a loaded machine, and not at once: the statement did wait.
    expect(waited).toBeGreaterThanOrEqual(ANSWER_SECONDS * 1000 - 100);
    expect(waited).toBeLessThan(ANSWER_SECONDS * 1000 + 4_000);
    // The operator's one line says what happened and what to check, naming the server by host and port only.
    const down = a.node.logs.slice(logsBefore).filter((l) => typeof l.msg === 'string' && l.msg.startsWith('database unreachable'));
    expect(down.map((l) => l.reason)).toEqual([
      `the PostgreSQL server in DATABASE_URL (127.0.0.1:${proxy.port}) did not answer within ${ANSWER_SECONDS} seconds (PARLEY_DATABASE_ANSWER_SECONDS), so the connection was dropped: the network between them may be losing packets, or the server may be stuck. Check the network or firewall between this machine and the server, and the server itself.`,
    ]);

    proxy.unstall();
    // New connections go through again; the pool opens them on the next requests.
    await eventually(async () => (await a.admin.get('/api/v1/checks')).status === 200, 30_000, 'the node answering from its database again');
    expect(a.node.logs.slice(logsBefore).filter((l) => l.msg === 'database reachable again')).toHaveLength(1);
    // Writes work too: the connection dropped mid-stall left no lock behind.
    expect((await a.admin.post('/api/v1/contacts', { kind: 'technical', name: 'After the stall', organisation: 'National CERT', email: 'duty@cert.xaa.example', phone: '+41 58 000 00 00', languages: ['en'], timeZone: 'UTC', available24x7: true })).status).toBe(201);
  }, 90_000);
});
