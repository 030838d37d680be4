import { createEnvelope, envelopeHash, generateNodeKeyPair, MAX_BATCH_BYTES, signEnvelope } from '@parley/protocol';
import type { OutboxRecord } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { groupForDelivery } from './sender.js';

const current = generateNodeKeyPair();
const retired = generateNodeKeyPair();

async function message(recipient: string, key = current, padding = 0): Promise<OutboxRecord> {
  const envelope = createEnvelope({ sender: 'XAA', recipient, type: 'directory.update', body: { publishedAt: new Date().toISOString(), contacts: [], ...(padding ? { note: 'x'.repeat(padding) } : {}) } });
  const jws = await signEnvelope(envelope, key);
  const at = new Date();
  return { id: envelope.id, recipient, type: envelope.type, thread: null, jws, hash: envelopeHash(jws), status: 'queued', attempts: 0, nextAttemptAt: at, lastError: null, createdAt: at, deliveredAt: null, receipt: null };
}

const ids = (groups: OutboxRecord[][]) => groups.map((g) => g.map((m) => m.id));

describe('grouping due messages into delivery requests', () => {
  it('puts one recipient in each request, keeping the order the messages came in', async () => {
    const [b1, c1, b2, c2, b3] = [await message('XAB'), await message('XAC'), await message('XAB'), await message('XAC'), await message('XAB')];
    expect(ids(groupForDelivery([b1!, c1!, b2!, c2!, b3!], 50))).toEqual([
      [b1!.id, b2!.id, b3!.id],
      [c1!.id, c2!.id],
    ]);
  });

  it('starts a new request when one is full', async () => {
    const due = await Promise.all(Array.from({ length: 7 }, () => message('XAB')));
    expect(groupForDelivery(due, 3).map((g) => g.length)).toEqual([3, 3, 1]);
    // Never more than the protocol allows, whatever the setting.
    const many = await Promise.all(Array.from({ length: 150 }, () => message('XAB')));
    expect(groupForDelivery(many, 1000).map((g) => g.length)).toEqual([100, 50]);
  });

  it('keeps envelopes signed with a retired key apart: a batch token is signed by the key of its envelopes', async () => {
    const [old1, new1, old2] = [await message('XAB', retired), await message('XAB'), await message('XAB', retired)];
    expect(ids(groupForDelivery([old1!, new1!, old2!], 50))).toEqual([[old1!.id, old2!.id], [new1!.id]]);
  });

  it('keeps each request within the batch body limit, and sends an envelope too large for any batch alone', async () => {
    const quarter = await Promise.all(Array.from({ length: 5 }, () => message('XAB', current, MAX_BATCH_BYTES / 4)));
    const groups = groupForDelivery(quarter, 50);
    for (const g of groups) expect(JSON.stringify({ envelopes: g.map((m) => m.jws) }).length).toBeLessThanOrEqual(MAX_BATCH_BYTES);
    expect(groups.flat().map((m) => m.id)).toEqual(quarter.map((m) => m.id));
    expect(groups.length).toBeGreaterThan(1);
    // The largest envelope a node signs, just under 1 MiB, is too large to share a batch body with its brackets.
    let padding = Math.floor((MAX_BATCH_BYTES * 3) / 4) - 1000;
    let huge = await message('XAB', current, padding);
    for (let i = 0; i < 10 && huge.jws.length < MAX_BATCH_BYTES - 10; i++) {
      padding += Math.max(1, Math.floor(((MAX_BATCH_BYTES - 10 - huge.jws.length) * 3) / 4));
      huge = await message('XAB', current, padding);
    }
    expect(huge.jws.length).toBeGreaterThan(MAX_BATCH_BYTES - 19);
    const small = await message('XAB');
    expect(ids(groupForDelivery([small, huge], 50))).toEqual([[small.id], [huge.id]]);
  });
});
