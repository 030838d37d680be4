import { createHash, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateNodeKeyPair } from './keys.js';
import { batchDigest, bindDelivery, checkDelivery, deliveryClaims, DeliveryError, NonceMemory, PeerNonceMemory, readDelivery, signDelivery, verifyDelivery } from './delivery.js';

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

  it('are checked without the body, naming the key to find the sender by, and spend their nonce only once bound to the body', async () => {
    const token = await signDelivery({ envelope: hash, to: 'XAB', sent: now }, key.privateKey, 'the-kid');
    const read = readDelivery(token);
    expect(read.kid).toBe('the-kid');
    const nonces = new NonceMemory();
    const claims = await checkDelivery(read, expected({ nonces }));
    // A body refused before it is bound (too large, malformed) leaves the attempt unspent.
    expect(await codeOf(checkDelivery(read, expected({ nonces })))).toBe('accepted');
    expect(() => bindDelivery(claims, 'sha256:' + 'B'.repeat(43), expected({ nonces }))).toThrow(expect.objectContaining({ code: 'delivery_mismatch' }));
    bindDelivery(claims, hash, expected({ nonces }));
    // Spent: refused before any body the next time, and when bound again.
    expect(await codeOf(checkDelivery(read, expected({ nonces })))).toBe('replayed');
    expect(() => bindDelivery(claims, hash, expected({ nonces }))).toThrow(expect.objectContaining({ code: 'replayed' }));
    expect(await codeOf(checkDelivery(readDelivery(token), expected({ recipient: 'XAC' })))).toBe('delivery_mismatch');
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

  it('refuse claims naming a member twice, whichever value would be kept', async () => {
    const token = await signDelivery({ envelope: hash, to: 'XAB', sent: now }, key.privateKey, 'kid');
    const [header, payload] = token.split('.') as [string, string];
    const twice = Buffer.from(payload, 'base64url').toString().replace('"to":"XAB"', '"to":"XAC","to":"XAB"');
    const input = `${header}.${Buffer.from(twice).toString('base64url')}`;
    const forged = `${input}.${sign(null, Buffer.from(input), key.privateKey).toString('base64url')}`;
    expect(await codeOf(verifyDelivery(forged, expected()))).toBe('delivery_malformed');
  });

  it('refuse claims nested deeper than any token needs, saying so', async () => {
    const token = await signDelivery({ envelope: hash, to: 'XAB', sent: now }, key.privateKey, 'kid');
    const [header, payload] = token.split('.') as [string, string];
    const deep = Buffer.from(payload, 'base64url').toString().replace('"to":"XAB"', `"to":"XAB","x":${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const input = `${header}.${Buffer.from(deep).toString('base64url')}`;
    const forged = `${input}.${sign(null, Buffer.from(input), key.privateKey).toString('base64url')}`;
    expect(await codeOf(verifyDelivery(forged, expected()))).toBe('delivery_malformed');
    await expect(verifyDelivery(forged, expected())).rejects.toThrow('The delivery token’s payload nests arrays and objects more than 64 levels deep.');
  });

  it('bind a batch to its envelopes, their number and their order', async () => {
    const hashes = ['A', 'B', 'C'].map((c) => 'sha256:' + c.repeat(43));
    const token = await signDelivery({ envelope: hashes, to: 'XAB', sent: now }, key.privateKey, 'kid');
    expect(await codeOf(verifyDelivery(token, expected({ envelope: hashes })))).toBe('accepted');
    expect(await codeOf(verifyDelivery(token, expected({ envelope: [hashes[1]!, hashes[0]!, hashes[2]!] })))).toBe('delivery_mismatch');
    expect(await codeOf(verifyDelivery(token, expected({ envelope: hashes.slice(0, 2) })))).toBe('delivery_mismatch');
    // A batch token is not a token for one of its envelopes, nor the reverse.
    expect(await codeOf(verifyDelivery(token, expected({ envelope: hashes[0]! })))).toBe('delivery_mismatch');
    const single = await signDelivery({ envelope: hashes[0]!, to: 'XAB', sent: now }, key.privateKey, 'kid');
    expect(await codeOf(verifyDelivery(single, expected({ envelope: [hashes[0]!] })))).toBe('delivery_mismatch');
  });

  it('digest a batch as SHA-256 over each hash and a line feed', () => {
    // The definition, spelt out: each hash in ASCII followed by a line feed, hashed together.
    const one = 'sha256:' + 'A'.repeat(43);
    const expectedDigest = createHash('sha256').update(Buffer.from(`${one}\n${one}\n`, 'ascii')).digest('base64url');
    expect(batchDigest([one, one])).toBe(`sha256:${expectedDigest}`);
    expect(batchDigest([one])).not.toBe(batchDigest([one, one]));
  });

  it('have claims that are one envelope or one batch, never both', () => {
    const common = { to: 'XAB', sent: now.toISOString(), nonce: '5b0e1f0c-8a3e-4c55-9a77-1d2b3c4d5e6f' };
    expect(deliveryClaims.safeParse({ envelope: hash, ...common }).success).toBe(true);
    expect(deliveryClaims.safeParse({ batch: hash, count: 2, ...common }).success).toBe(true);
    expect(deliveryClaims.safeParse({ envelope: hash, batch: hash, count: 2, ...common }).success).toBe(false);
    expect(deliveryClaims.safeParse({ batch: hash, count: 101, ...common }).success).toBe(false);
    expect(deliveryClaims.safeParse({ batch: hash, ...common }).success).toBe(false);
  });
});

describe('nonce memory', () => {
  it('keeps each peer apart, so one peer flooding attempts cannot push out another peer\'s nonce and reopen its replay', () => {
    const [now, until] = [1_000, 1_000_000];
    const shared = new NonceMemory(10);
    const apart = new PeerNonceMemory(10);
    expect(shared.remember('xab-1', until, now)).toBe(true);
    expect(apart.of('XAB').remember('xab-1', until, now)).toBe(true);
    for (let i = 0; i < 50; i++) {
      shared.remember(`xac-${i}`, until, now);
      apart.of('XAC').remember(`xac-${i}`, until, now);
    }
    expect(shared.remember('xab-1', until, now)).toBe(true); // forgotten: the replay would pass
    expect(apart.of('XAB').remember('xab-1', until, now)).toBe(false);
  });
});
