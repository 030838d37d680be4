import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { publishDirectory } from '@parley/core';
import {
  DELIVERY_HEADER,
  envelopeHash,
  fingerprint,
  generateNodeKeyPair,
  INBOX_PATH,
  INBOX_BATCH_PATH,
  MAX_BATCH_BYTES,
  MAX_BATCH_ENVELOPES,
  signDelivery,
  verifyReceipt,
  publicKeyFromRaw,
} from '@parley/protocol';
import { addPeer, eventually, startNetwork, type Engine, type NetworkNode } from '@parley/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeFrom, nextMoment, sign } from './envelopes.js';

const batchToken = (from: NetworkNode, jwss: string[], to = 'XAB') =>
  signDelivery({ envelope: jwss.map((j) => envelopeHash(j)), to, sent: new Date() }, from.node.ctx.keys.privateKey, from.node.ctx.nodeInfo().fingerprint);

interface Answer {
  status: number;
  body: { results?: ({ receipt: string; duplicate: boolean } | { status: number; code: string; detail: string })[]; code?: string; detail?: string };
}

async function post(to: NetworkNode, body: string, token: string | null, contentType = 'application/json'): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (token) headers[DELIVERY_HEADER] = token;
  const res = await fetch(`${to.node.url}${INBOX_BATCH_PATH}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

const deliverBatch = async (from: NetworkNode, to: NetworkNode, jwss: string[]) => post(to, JSON.stringify({ envelopes: jwss }), await batchToken(from, jwss));

/**
 * Sends only the headers of a delivery, declaring a body of a megabyte, and the first bytes of
 * it; the rest never comes. The node must answer, and close the connection, without it: else the
 * answer never arrives and this fails after ten seconds with what it got.
 */
function answerWithoutBody(to: NetworkNode, path: string, token: string | null): Promise<{ status: number; code: string }> {
  const url = new URL(to.node.url);
  return new Promise((resolve, reject) => {
    let text = '';
    const start = path === INBOX_PATH ? 'eyJhbGciOiJFZERTQSJ9.' : '{"envelopes": ["';
    const socket = connect(Number(url.port), url.hostname, () => {
      const headers = [`POST ${path} HTTP/1.1`, `Host: ${url.host}`, `Content-Type: ${path === INBOX_PATH ? 'application/jose' : 'application/json'}`, `Content-Length: ${MAX_BATCH_BYTES}`];
      if (token) headers.push(`${DELIVERY_HEADER}: ${token}`);
      socket.write(`${headers.join('\r\n')}\r\n\r\n${start}`);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer without the body; got: ${JSON.stringify(text)}`));
    }, 10_000);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (text += d));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]), code: /"code":"([a-z_]+)"/.exec(text)?.[1] ?? text });
    });
  });
}

/** A reverse proxy on loopback that forwards everything to `target` but answers batches with `status`: 404 as an implementation without batches would, 413 as one that takes smaller bodies. */
async function proxyWithoutBatches(target: string, status = 404): Promise<{ url: string; batchAttempts: () => number; singles: () => number; close: () => Promise<void> }> {
  let batchAttempts = 0;
  let singles = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === INBOX_BATCH_PATH) {
        batchAttempts++;
        res.writeHead(status, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ status, code: 'refused', detail: 'Not here.' }));
        return;
      }
      if (req.url === '/federation/v1/inbox') singles++;
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'connection', 'content-length'].includes(k))) as Record<string, string>;
      fetch(`${target}${req.url}`, { method: req.method, headers, body: chunks.length ? Buffer.concat(chunks) : undefined })
        .then(async (r) => {
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await r.arrayBuffer()));
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    batchAttempts: () => batchAttempts,
    singles: () => singles,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Several envelopes in one request (protocol §4.4): each checked, stored and receipted as if alone. */
export function batchDeliverySuite(engine: Engine): void {
  describe(`batch delivery (${engine})`, () => {
    let a: NetworkNode;
    let b: NetworkNode;
    let c: NetworkNode;

    beforeAll(async () => {
      [a, b, c] = (await startNetwork(['XAA', 'XAB', 'XAC'], { engine })) as [NetworkNode, NetworkNode, NetworkNode];
      for (const n of [a, b, c]) await eventually(async () => (await n.node.ctx.store.outbox.list({ status: 'queued', limit: 1 })).length === 0, 30_000, 'the peering messages to be delivered');
    }, 120_000);
    afterAll(async () => {
      await Promise.all([a, b, c].map((n) => n?.node.close()));
    });

    it('advertises the batch endpoint in discovery', async () => {
      const doc = (await (await fetch(`${b.node.url}/.well-known/parley`)).json()) as { endpoints: Record<string, string> };
      expect(doc.endpoints).toEqual({ inbox: '/federation/v1/inbox', inboxBatch: INBOX_BATCH_PATH });
    });

    it('answers each envelope of a batch on its own, in order: receipts, a duplicate with its first receipt, and refusals', async () => {
      const good = await sign(a, envelopeFrom(a));
      const [h, p] = (await sign(a, envelopeFrom(a))).split('.');
      const forged = `${h}.${p}.${(await sign(a, envelopeFrom(a))).split('.')[2]}`;
      const elsewhere = await sign(a, envelopeFrom(a, { recipient: 'XAC' }));
      const stale = await sign(a, envelopeFrom(a, { created: new Date(Date.now() - 8 * 24 * 3600_000).toISOString() }));
      const unknownType = await sign(a, envelopeFrom(a, { type: 'weather.report' }));
      // Signed and well-formed JSON, but text no store can hold: refused alone, never a failed transaction.
      const check = (note: string) => ({ type: 'check.request', body: { check: '0190a0a0-0000-7000-8000-0000000000c1', deadline: nextMoment().toISOString(), note } });
      const nul = await sign(a, envelopeFrom(a, check('nul \u0000 char')));
      const lone = await sign(a, envelopeFrom(a, check('lone \ud800 surrogate')));
      const first = await deliverBatch(a, b, [good]);
      expect(first.status).toBe(200);
      const firstReceipt = (first.body.results![0] as { receipt: string }).receipt;

      const fresh = await sign(a, envelopeFrom(a));
      const answer = await deliverBatch(a, b, [fresh, forged, good, elsewhere, stale, unknownType, nul, lone]);
      expect(answer.status).toBe(200);
      const results = answer.body.results!;
      expect(results).toHaveLength(8);
      expect(results[0]).toMatchObject({ duplicate: false });
      expect(results.slice(1).map((r) => ('code' in r ? [r.status, r.code] : ['receipt', r.duplicate]))).toEqual([
        [401, 'bad_signature'],
        ['receipt', true],
        [400, 'wrong_recipient'],
        [400, 'stale'],
        [400, 'unknown_type'],
        [400, 'schema_invalid'],
        [400, 'schema_invalid'],
      ]);
      // The duplicate gets the receipt it got the first time; each receipt is B's signature over that envelope.
      expect((results[2] as { receipt: string }).receipt).toBe(firstReceipt);
      const keyB = publicKeyFromRaw(Buffer.from(b.node.ctx.nodeInfo().publicKey, 'base64url'));
      for (const [jws, r] of [[fresh, results[0]], [good, results[2]]] as const) {
        const receipt = await verifyReceipt((r as { receipt: string }).receipt, { publicKeyFor: () => keyB, expectedEnvelope: envelopeHash(jws), expectedReceiver: 'XAB' });
        expect(receipt.envelope).toBe(envelopeHash(jws));
      }
      // Only the accepted envelope is stored, applied and logged; the refused ones left no trace.
      const inbox = b.node.ctx.store.inbox;
      expect((await inbox.byHash(envelopeHash(fresh)))?.appliedAt).not.toBeNull();
      expect(await b.node.ctx.store.log.find('envelope.received', envelopeHash(fresh))).toBeDefined();
      for (const jws of [forged, elsewhere, stale, unknownType, nul, lone]) expect(await inbox.byHash(envelopeHash(jws))).toBeUndefined();
    });

    it('records the envelopes of one batch in one transaction, in the order of the batch', async () => {
      const jwss = await Promise.all(Array.from({ length: 8 }, () => sign(a, envelopeFrom(a))));
      const hashes = jwss.map((j) => envelopeHash(j));
      // The inbox's transactions, by the envelopes each records and whether it first looked up
      // what was received before (its signatures are checked in the thread pool, so a batch whose
      // checks finished at different times could be split).
      type Record = (items: readonly { record: { hash: string } }[], lookUp: boolean) => Promise<unknown>;
      const inbox = b.node.ctx.inbox as unknown as { record: Record };
      const record = inbox.record;
      const recorded: [string[], boolean][] = [];
      inbox.record = (items, lookUp) => {
        recorded.push([items.map((i) => i.record.hash), lookUp]);
        return record.call(b.node.ctx.inbox, items, lookUp);
      };
      let answer: Answer;
      let again: Answer;
      try {
        answer = await deliverBatch(a, b, jwss);
        // One transaction, which took them all for new without a look-up.
        expect(recorded).toEqual([[hashes, false]]);
        recorded.length = 0;
        // Delivered again: that first try falls short, and the second, with the look-up, finds them all.
        again = await deliverBatch(a, b, jwss);
        expect(recorded).toEqual([
          [hashes, false],
          [hashes, true],
        ]);
      } finally {
        inbox.record = record;
      }
      expect(answer.status).toBe(200);
      expect(answer.body.results!.every((r) => 'receipt' in r && !r.duplicate)).toBe(true);
      expect(again.status).toBe(200);
      expect(again.body.results).toEqual(answer.body.results!.map((r) => ({ ...r, duplicate: true })));
      // One log append: each envelope and its receipt, in the order of the batch.
      const found = await Promise.all(hashes.map(async (h) => (await b.node.ctx.store.log.find('envelope.received', h))!.index));
      expect(found).toEqual(found.map((_, i) => found[0]! + 2 * i));
      const last = await b.node.ctx.store.log.find('receipt.issued', envelopeHash((answer.body.results!.at(-1) as { receipt: string }).receipt));
      expect(last!.index).toBe(found.at(-1)! + 1);
    });

    it('refuses a whole batch whose body, token or sender is wrong, and stores none of it', async () => {
      const one = await sign(a, envelopeFrom(a));
      const two = await sign(a, envelopeFrom(a));
      const body = JSON.stringify({ envelopes: [one, two] });
      const code = (r: Answer) => [r.status, r.body.code];

      expect(code(await post(b, body, await batchToken(a, [one, two]), 'application/jose'))).toEqual([415, 'unsupported_media_type']);
      expect(code(await post(b, '{"envelopes": [', await batchToken(a, [one, two])))).toEqual([400, 'malformed']);
      expect(code(await post(b, JSON.stringify({ envelopes: [] }), await batchToken(a, [one])))).toEqual([400, 'malformed']);
      expect(code(await post(b, JSON.stringify({ envelopes: [one], extra: 1 }), await batchToken(a, [one])))).toEqual([400, 'malformed']);
      const tooMany = Array.from({ length: MAX_BATCH_ENVELOPES + 1 }, () => one);
      const many = await post(b, JSON.stringify({ envelopes: tooMany }), await batchToken(a, [one]));
      expect(code(many)).toEqual([400, 'malformed']);
      expect(many.body.detail).toContain(`1 to ${MAX_BATCH_ENVELOPES}`);
      expect(code(await post(b, JSON.stringify({ envelopes: [one, 'not a jws'] }), await batchToken(a, [one])))).toEqual([400, 'malformed']);
      expect(code(await post(b, body, null))).toEqual([400, 'delivery_missing']);
      // A token for other envelopes, for the same ones in another order, or for one of them alone.
      expect(code(await post(b, body, await batchToken(a, [two, one])))).toEqual([400, 'delivery_mismatch']);
      expect(code(await post(b, body, await batchToken(a, [one])))).toEqual([400, 'delivery_mismatch']);
      expect(code(await post(b, body, await batchToken(a, [one, two], 'XAC')))).toEqual([400, 'delivery_mismatch']);
      // Signed by another peer's key: the batch names XAA as its sender.
      expect(code(await post(b, body, await batchToken(c, [one, two])))).toEqual([401, 'bad_signature']);
      // Envelopes of two senders in one batch.
      const fromC = await sign(c, envelopeFrom(c));
      const mixed = await post(b, JSON.stringify({ envelopes: [one, fromC] }), await batchToken(a, [one, fromC]));
      expect(code(mixed)).toEqual([400, 'mixed_senders']);
      expect(mixed.body.detail).toContain('Envelope 2 of the batch is from XAC');
      for (const jws of [one, two]) expect(await b.node.ctx.store.inbox.byHash(envelopeHash(jws))).toBeUndefined();

      // The right token is accepted once; the same attempt replayed is refused.
      const token = await batchToken(a, [one, two]);
      expect((await post(b, body, token)).status).toBe(200);
      expect(code(await post(b, body, token))).toEqual([409, 'replayed']);
    });

    it('refuses a stranger, a suspended peer, a forged, misaddressed, stale or replayed token before reading the body, and closes the connection', async () => {
      const one = await sign(a, envelopeFrom(a));
      const aKey = a.node.ctx.nodeInfo().fingerprint;
      const stranger = generateNodeKeyPair();
      const tokenFor = async (path: string, over: { key?: typeof stranger.privateKey; kid?: string; to?: string; sent?: Date } = {}) =>
        signDelivery({ envelope: path === INBOX_PATH ? envelopeHash(one) : [envelopeHash(one)], to: over.to ?? 'XAB', sent: over.sent ?? new Date() }, over.key ?? a.node.ctx.keys.privateKey, over.kid ?? aKey);
      const used = { [INBOX_PATH]: await tokenFor(INBOX_PATH), [INBOX_BATCH_PATH]: await tokenFor(INBOX_BATCH_PATH) };
      expect((await fetch(`${b.node.url}${INBOX_PATH}`, { method: 'POST', headers: { 'content-type': 'application/jose', [DELIVERY_HEADER]: used[INBOX_PATH] }, body: one })).status).toBe(200);
      expect((await post(b, JSON.stringify({ envelopes: [one] }), used[INBOX_BATCH_PATH])).status).toBe(200);

      for (const path of [INBOX_PATH, INBOX_BATCH_PATH]) {
        const refusals: [string, string | null, number, string][] = [
          ['no token', null, 400, 'delivery_missing'],
          ['not a token', 'not.a.token', 400, 'delivery_malformed'],
          ['a stranger', await tokenFor(path, { key: stranger.privateKey, kid: fingerprint(stranger.publicKey) }), 403, 'unknown_sender'],
          ["forged with a peer's key id", await tokenFor(path, { key: stranger.privateKey }), 401, 'bad_signature'],
          ['for another node', await tokenFor(path, { to: 'XAC' }), 400, 'delivery_mismatch'],
          ['stale', await tokenFor(path, { sent: new Date(Date.now() - 10 * 60_000) }), 400, 'stale'],
          ['replayed', used[path]!, 409, 'replayed'],
        ];
        for (const [what, token, status, code] of refusals) {
          const answer = await answerWithoutBody(b, path, token);
          expect([answer.status, answer.code], `${path}: ${what}`).toEqual([status, code]);
        }
      }
      expect((await b.admin.post('/api/v1/peers/XAC/suspend', {})).status).toBe(200);
      try {
        const fromC = (path: string) => signDelivery({ envelope: path === INBOX_PATH ? envelopeHash(one) : [envelopeHash(one)], to: 'XAB', sent: new Date() }, c.node.ctx.keys.privateKey, c.node.ctx.nodeInfo().fingerprint);
        for (const path of [INBOX_PATH, INBOX_BATCH_PATH]) {
          const answer = await answerWithoutBody(b, path, await fromC(path));
          expect([answer.status, answer.code], `${path}: suspended`).toEqual([403, 'sender_suspended']);
        }
      } finally {
        expect((await b.admin.post('/api/v1/peers/XAC/resume', {})).status).toBe(200);
      }
      // A trusted peer's delivery whose body comes slowly, in pieces, is read and accepted.
      const two = await sign(a, envelopeFrom(a));
      const pieces = [`{"envelopes": ["${two.slice(0, 40)}`, `${two.slice(40)}"]}`];
      const slow = await fetch(`${b.node.url}${INBOX_BATCH_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [DELIVERY_HEADER]: await batchToken(a, [two]) },
        body: new ReadableStream({
          pull: async (ctl) => {
            await new Promise((r) => setTimeout(r, 200));
            if (pieces.length) ctl.enqueue(new TextEncoder().encode(pieces.shift()));
            else ctl.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(slow.status).toBe(200);
      expect(await b.node.ctx.store.inbox.byHash(envelopeHash(two))).toBeDefined();
    });

    it('refuses a body past its limit, whether its length is declared or it arrives in chunks, and goes on serving', async () => {
      const one = await sign(a, envelopeFrom(a));
      const token = await batchToken(a, [one]);
      const oversize = JSON.stringify({ envelopes: [one], padding: 'x'.repeat(MAX_BATCH_BYTES) });
      const send = async (path: string, contentType: string, body: string, chunked: boolean) => {
        const chunks = [body.slice(0, 1000), body.slice(1000)];
        const res = await fetch(`${b.node.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': contentType, [DELIVERY_HEADER]: token },
          // A stream has no length to declare: it goes in chunks, and the limit applies as it arrives.
          body: chunked ? new ReadableStream({ pull: (c) => (chunks.length ? c.enqueue(new TextEncoder().encode(chunks.shift())) : c.close()) }) : body,
          ...(chunked ? { duplex: 'half' } : {}),
        } as RequestInit);
        return [res.status, ((await res.json()) as { code: string }).code];
      };
      for (const chunked of [false, true]) {
        expect(await send(INBOX_BATCH_PATH, 'application/json', oversize, chunked)).toEqual([413, 'body_too_large']);
        expect(await send('/federation/v1/inbox', 'application/jose', `${one}${' '.repeat(1024 * 1024)}`, chunked)).toEqual([413, 'body_too_large']);
      }
      expect(await b.node.ctx.store.inbox.byHash(envelopeHash(one))).toBeUndefined();
      // Just under the limit is read whole, and the batch is then judged on what it holds.
      const justUnder = JSON.stringify({ envelopes: [one] }).replace('{', `{${' '.repeat(MAX_BATCH_BYTES - JSON.stringify({ envelopes: [one] }).length)}`);
      expect(Buffer.byteLength(justUnder)).toBe(MAX_BATCH_BYTES);
      expect(await send(INBOX_BATCH_PATH, 'application/json', justUnder, true)).toEqual([200, undefined]);
      expect(await b.node.ctx.store.inbox.byHash(envelopeHash(one))).toBeDefined();
    });

    it('refuses a batch from a state that is not a peer, or is suspended', async () => {
      const stranger = (await startNetwork(['XAD'], { engine, peered: false }))[0]!;
      try {
        const jws = await sign(stranger, envelopeFrom(stranger));
        const r = await deliverBatch(stranger, b, [jws]);
        expect([r.status, r.body.code]).toEqual([403, 'unknown_sender']);
      } finally {
        await stranger.node.close();
      }
      expect((await b.admin.post('/api/v1/peers/XAC/suspend', {})).status).toBe(200);
      try {
        const jws = await sign(c, envelopeFrom(c));
        const r = await deliverBatch(c, b, [jws]);
        expect([r.status, r.body.code]).toEqual([403, 'sender_suspended']);
      } finally {
        expect((await b.admin.post('/api/v1/peers/XAC/resume', {})).status).toBe(200);
      }
    });

    it("delivers a node's backlog to a peer in batches, every message with its own verified receipt", async () => {
      await a.node.ctx.sender.stop();
      const before = { ...a.node.ctx.sender.sent };
      const backlog = 120;
      for (let i = 0; i < backlog; i++) await a.node.ctx.store.transaction((tx) => publishDirectory(tx, a.node.ctx.domain, 'XAB'));
      const queued = await a.node.ctx.store.outbox.list({ status: 'queued', recipient: 'XAB', limit: 1000 });
      expect(queued).toHaveLength(backlog);
      a.node.ctx.sender.start();
      await eventually(async () => (await a.node.ctx.store.outbox.list({ status: 'queued', limit: 1 })).length === 0, 60_000, 'the backlog to be delivered');

      const sent = { requests: a.node.ctx.sender.sent.requests - before.requests, envelopes: a.node.ctx.sender.sent.envelopes - before.envelopes };
      expect(sent.envelopes).toBe(backlog);
      // 120 messages in batches of at most 50: a handful of requests, not 120.
      expect(sent.requests).toBeGreaterThanOrEqual(Math.ceil(backlog / 50));
      expect(sent.requests).toBeLessThanOrEqual(backlog / 10);
      for (const m of queued) {
        const row = (await a.node.ctx.store.outbox.list({ recipient: 'XAB', limit: 1000 })).find((r) => r.id === m.id)!;
        expect(row.status).toBe('delivered');
        expect(await b.node.ctx.store.inbox.byHash(m.hash)).toMatchObject({ receipt: row.receipt });
        expect(await a.node.ctx.store.log.find('receipt.received', envelopeHash(row.receipt!))).toBeDefined();
      }
    }, 90_000);

    for (const [status, why, attempts] of [
      [404, 'has no batch endpoint', 1],
      [413, 'takes only smaller bodies', 2],
    ] as const) {
      it(`delivers one envelope per request to a peer that ${why} (${status})`, async () => {
        const proxy = await proxyWithoutBatches(b.node.url, status);
        try {
          // XAC reaches XAB only through the proxy from now on.
          expect((await c.admin.delete('/api/v1/peers/XAB')).status).toBe(204);
          await addPeer(c, { ...b, node: { ...b.node, url: proxy.url } } as NetworkNode);
          await eventually(async () => (await c.node.ctx.store.outbox.list({ status: 'queued', limit: 1 })).length === 0, 30_000, 'the peering messages to be delivered');
          const singlesBefore = proxy.singles();
          for (const round of [1, 2]) {
            await c.node.ctx.sender.stop();
            for (let i = 0; i < 5; i++) await c.node.ctx.store.transaction((tx) => publishDirectory(tx, c.node.ctx.domain, 'XAB'));
            c.node.ctx.sender.start();
            await eventually(async () => (await c.node.ctx.store.outbox.list({ status: 'queued', limit: 1 })).length === 0, 30_000, `round ${round} to be delivered`);
          }
          const delivered = await c.node.ctx.store.outbox.list({ recipient: 'XAB', status: 'delivered', limit: 10 });
          expect(delivered).toHaveLength(10);
          for (const m of delivered) expect(await b.node.ctx.store.inbox.byHash(m.hash)).toBeDefined();
          // 404: one batch tried, then one by one, without trying batches again within the hour. 413: each round's batch tried, then split.
          expect(proxy.batchAttempts()).toBe(attempts);
          expect(proxy.singles() - singlesBefore).toBe(10);
        } finally {
          await proxy.close();
        }
      });
    }
  });
}
