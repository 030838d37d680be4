import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually, signedInAdmin, startTestNode, type NetworkNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A trusted peer that answers with more than it was asked for: its discovery document is a real
 * node's (so this node trusts it by its fingerprint), but every other answer never ends.
 */
describe('a peer whose answers never end', () => {
  let a: NetworkNode;
  let b: NetworkNode;
  let hostile: Server;
  let url = '';
  let written = 0;

  beforeAll(async () => {
    const [nodeA, nodeB] = await Promise.all([startTestNode({ state: 'XAA' }), startTestNode({ state: 'XAB' })]);
    a = { node: nodeA, admin: await signedInAdmin(nodeA) };
    b = { node: nodeB, admin: await signedInAdmin(nodeB) };
    hostile = createServer((req, res) => {
      if (req.url === '/.well-known/parley') return void res.end(JSON.stringify(b.node.ctx.discovery()));
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"receipt":"');
      const chunk = Buffer.alloc(64 * 1024, 0x41);
      // Bounded at 1 GiB so the test ends whatever the node does.
      const pump = () => {
        while (!res.destroyed && written < 1024 ** 3) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end('"}');
      };
      pump();
    });
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
    const added = await a.admin.post('/api/v1/peers', { url, fingerprint: b.node.ctx.nodeInfo().fingerprint });
    expect(added.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    hostile?.closeAllConnections();
    await new Promise((r) => hostile?.close(r));
    await Promise.all([a?.node.close(), b?.node.close()]);
  });

  it('stops reading an answer to a delivery once it is larger than a receipt can be, and keeps the message to retry with the reason', async () => {
    expect((await a.admin.post('/api/v1/checks', { peers: ['XAB'] })).status).toBe(201);
    const message = await eventually(async () => {
      const r = await a.admin.get('/api/v1/messages');
      return (r.body.messages as { type: string; lastError: string | null; status: string }[]).find((m) => m.type === 'check.request' && m.lastError);
    }, 20_000, 'the delivery to fail');
    expect(message.status).toBe('queued');
    expect(message.lastError).toBe('XAB answered with more than 64 KiB, more than a receipt can be');
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });
});
