import { DELIVERY_HEADER, ENVELOPE_MEDIA_TYPE, envelopeHash, INBOX_PATH, signDelivery, signEnvelope, uuidv7, type Envelope } from '@parley/protocol';
import { Client, signedInAdmin } from './client.js';
import { startTestNode, type Engine, type TestNode } from './node.js';

export interface NetworkNode {
  node: TestNode;
  admin: Client;
}

/** Makes `from` trust `to`, by URL and the fingerprint `to` shows, as an administrator would. */
export async function addPeer(from: NetworkNode, to: NetworkNode): Promise<void> {
  const r = await from.admin.post('/api/v1/peers', { url: to.node.url, fingerprint: to.node.ctx.nodeInfo().fingerprint });
  if (r.status !== 201) throw new Error(`peering ${from.node.ctx.identity.stateCode} → ${to.node.ctx.identity.stateCode} failed: ${r.status} ${JSON.stringify(r.body)}`);
}

/**
 * Signs an envelope of `from`'s state to `to`'s with `from`'s node key and delivers it to `to`'s
 * inbox with a fresh delivery token, as `from`'s sender would: whatever a trusted peer, honest or
 * not, can make a node receive. Returns the inbox's answer and the envelope's hash.
 */
export async function deliverAs(
  from: NetworkNode,
  to: NetworkNode,
  fields: Pick<Envelope, 'type' | 'body'> & Partial<Envelope>,
): Promise<{ status: number; body: { receipt?: string; duplicate?: boolean; code?: string; detail?: string }; hash: string }> {
  const recipient = to.node.ctx.identity.stateCode;
  const jws = await signEnvelope({ v: 1, id: uuidv7(), sender: from.node.ctx.identity.stateCode, recipient, created: new Date().toISOString(), ...fields }, from.node.ctx.keys);
  const hash = envelopeHash(jws);
  const token = await signDelivery({ envelope: hash, to: recipient, sent: new Date() }, from.node.ctx.keys.privateKey, from.node.ctx.nodeInfo().fingerprint);
  const res = await fetch(`${to.node.url}${INBOX_PATH}`, { method: 'POST', headers: { 'content-type': ENVELOPE_MEDIA_TYPE, [DELIVERY_HEADER]: token }, body: jws });
  return { status: res.status, body: (await res.json()) as { receipt?: string; code?: string }, hash };
}

/** Several test states on loopback, each with its own store and administrator, all peered with each other. */
export async function startNetwork(states: string[], options: { engine?: Engine; peered?: boolean } = {}): Promise<NetworkNode[]> {
  const nodes: NetworkNode[] = [];
  for (const state of states) {
    const node = await startTestNode({ state, engine: options.engine ?? 'pglite' });
    nodes.push({ node, admin: await signedInAdmin(node) });
  }
  if (options.peered !== false) {
    for (const a of nodes) for (const b of nodes) if (a !== b) await addPeer(a, b);
  }
  return nodes;
}

/** Polls until `check` returns a value, for at most `ms`; a bounded wait for something asynchronous. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, ms = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}
