import { describe, expect, it } from 'vitest';
import { generateNodeKeyPair } from './keys.js';
import { DeliveryError, NonceMemory, signDelivery, verifyDelivery } from './delivery.js';

const hash = 'sha256:' + 'A'.repeat(43);
const key = generateNodeKeyPair();
const now = new Date('2026-11-25T12:00:00Z');
const expected = (over: Partial<Parameters<typeof verifyDelivery>[1]> = {}) => ({
  envelope: hash,
  recipient: 'XAB',
  key: key.publicKey,
  now,
  maxSkewMs: 300_000,
  nonces: new NonceMemory(),
  ...over,
});
const codeOf = async (p: Promise<unknown>) => p.then(() => 'accepted', (e: DeliveryError) => e.code);

describe('delivery tokens', () => {
  it('accept a fresh attempt once and refuse its replay', async () => {
    const token = await signDelivery({ envelope: hash, to: 'XAB', sent: now }, key.privateKey, 'kid');
    const nonces = new NonceMemory();
    expect(await codeOf(verifyDelivery(token, expected({ nonces })))).toBe('accepted');
    expect(await codeOf(verifyDelivery(token, expected({ nonces })))).toBe('replayed');
  });

  it('refuse attempts outside the clock window on either side', async () => {
    const old = await signDelivery({ envelope: hash, to: 'XAB', sent: new Date(now.getTime() - 301_000) }, key.privateKey, 'kid');
    const ahead = await signDelivery({ envelope: hash, to: 'XAB', sent: new Date(now.getTime() + 301_000) }, key.privateKey, 'kid');
    expect(await codeOf(verifyDelivery(old, expected()))).toBe('stale');
    expect(await codeOf(verifyDelivery(ahead, expected()))).toBe('from_future');
  });

  it('refuse a token for another envelope, another recipient, another key, or none', async () => {
    const token = await signDelivery({ envelope: hash, to: 'XAB', sent: now }, key.privateKey, 'kid');
    expect(await codeOf(verifyDelivery(token, expected({ envelope: 'sha256:' + 'B'.repeat(43) })))).toBe('delivery_mismatch');
    expect(await codeOf(verifyDelivery(token, expected({ recipient: 'XAC' })))).toBe('delivery_mismatch');
    expect(await codeOf(verifyDelivery(token, expected({ key: generateNodeKeyPair().publicKey })))).toBe('bad_signature');
    expect(await codeOf(verifyDelivery(undefined, expected()))).toBe('delivery_missing');
    expect(await codeOf(verifyDelivery('not.a.jws', expected()))).toBe('delivery_malformed');
  });
});
