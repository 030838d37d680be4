import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, eventually, parleyCli, signedInAdmin, spawnCliNode, startTestNode, type CliNode, type TestNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The sending node is a real `parley start` process, killed with SIGKILL after it committed a
 * message it could not yet deliver; after a restart, the message is delivered all the same.
 */
describe('delivery survives the sender being killed', () => {
  let root: string;
  let data: string;
  let a: CliNode | undefined;
  let b: TestNode;
  let token: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'parley-crash-'));
    data = join(root, 'xaa');
    expect((await parleyCli(['init', '--state', 'XAA', '--name', 'Crash test A', '--test-state', '--data', data])).code).toBe(0);
    expect((await parleyCli(['user', 'add', '--email', 'admin@xaa.example', '--role', 'admin', '--password-stdin', '--data', data], 'crash test password')).code).toBe(0);
    token = (await parleyCli(['token', 'create', '--user', 'admin@xaa.example', '--data', data])).stdout.trim().split('\n').at(-1)!;
    b = await startTestNode({ state: 'XAB' });
  }, 120_000);
  afterAll(async () => {
    await a?.kill();
    await b?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('delivers after restart what was committed before the kill', async () => {
    a = await spawnCliNode(data);
    const apiA = new Client(a.url).withToken(token);
    const adminB = await signedInAdmin(b);
    const infoA = (await apiA.get('/api/v1/node')).body;
    expect((await apiA.post('/api/v1/peers', { url: b.url, fingerprint: b.ctx.nodeInfo().fingerprint })).status).toBe(201);
    expect((await adminB.post('/api/v1/peers', { url: a.url, fingerprint: infoA.fingerprint })).status).toBe(201);

    await b.stop();
    const started = await apiA.post('/api/v1/checks', { peers: ['XAB'], note: 'must survive a crash' });
    expect(started.status).toBe(201);
    const checkId = started.body.checks[0].id as string;
    // Committed (the API answered), and not delivered: B is down.
    const queued = (await apiA.get('/api/v1/messages?recipient=XAB&status=queued')).body.messages.map((m: { type: string }) => m.type);
    expect(queued).toContain('check.request');

    await a.kill();
    await b.restart();
    a = await spawnCliNode(data);
    const apiA2 = new Client(a.url).withToken(token);
    // B learnt A's URL when peering; a restarted A listens on a new port, so B's view of A is
    // not needed here: the check travels from A to B.
    const arrived = await eventually(
      async () => (await adminB.get('/api/v1/checks?direction=incoming')).body.checks.find((c: { id: string }) => c.id === checkId),
      20_000,
      'the check at XAB after A restarted',
    );
    expect(arrived.peer).toBe('XAA');
    const delivered = await eventually(async () => {
      const m = (await apiA2.get('/api/v1/messages?recipient=XAB')).body.messages.find((x: { type: string; status: string }) => x.type === 'check.request' && x.status === 'delivered');
      return m;
    }, 10_000, 'delivered status at XAA');
    expect(delivered.hasReceipt).toBe(true);
  });
});
