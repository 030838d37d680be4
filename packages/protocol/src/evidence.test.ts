import { describe, expect, it } from 'vitest';
import { NonceMemory } from './delivery.js';
import { FetchTokenError, peekFetch, signFetch, verifyFetch } from './evidence.js';
import { generateNodeKeyPair } from './keys.js';

const sha = 'ab'.repeat(32);
const key = generateNodeKeyPair();
const now = new Date('2026-11-25T12:00:00Z');
const expected = (over: Partial<Parameters<typeof verifyFetch>[1]> = {}) => ({
  sha256: sha,
  owner: 'XAA',
  key: (kid: string) => (kid === 'kid' ? key.publicKey : undefined),
  now,
  maxSkewMs: 300_000,
  nonces: new NonceMemory(),
  ...over,
});
const codeOf = async (p: Promise<unknown>) => p.then(() => 'accepted', (e: FetchTokenError) => e.code);
const sign = (over: Partial<{ from: string; to: string; sha256: string; sent: Date }> = {}) => signFetch({ from: 'XAB', to: 'XAA', sha256: sha, sent: now, ...over }, key.privateKey, 'kid');

describe('fetch tokens', () => {
  it('name the requester before verification, and verify once', async () => {
    const token = await sign();
    expect(peekFetch(token)).toEqual({ from: 'XAB', kid: 'kid' });
    const nonces = new NonceMemory();
    const claims = await verifyFetch(token, expected({ nonces }));
    expect(claims).toMatchObject({ from: 'XAB', to: 'XAA', sha256: sha });
    expect(await codeOf(verifyFetch(token, expected({ nonces })))).toBe('replayed');
  });

  it('refuse another content, another owner, a stranger key, stale or future requests, or none', async () => {
    const token = await sign();
    expect(await codeOf(verifyFetch(token, expected({ sha256: 'cd'.repeat(32) })))).toBe('fetch_token_mismatch');
    expect(await codeOf(verifyFetch(token, expected({ owner: 'XAC' })))).toBe('fetch_token_mismatch');
    expect(await codeOf(verifyFetch(token, expected({ key: () => generateNodeKeyPair().publicKey })))).toBe('bad_signature');
    expect(await codeOf(verifyFetch(token, expected({ key: () => undefined })))).toBe('bad_signature');
    expect(await codeOf(verifyFetch(await sign({ sent: new Date(now.getTime() - 301_000) }), expected()))).toBe('stale');
    expect(await codeOf(verifyFetch(await sign({ sent: new Date(now.getTime() + 301_000) }), expected()))).toBe('from_future');
    expect(await codeOf(verifyFetch(undefined, expected()))).toBe('fetch_token_missing');
    expect(await codeOf(verifyFetch('a.b.c', expected()))).toBe('fetch_token_malformed');
    expect(() => peekFetch('nonsense')).toThrow(FetchTokenError);
  });
});
