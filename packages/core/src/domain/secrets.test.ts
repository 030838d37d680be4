import { describe, expect, it } from 'vitest';
import { hashPassword, newSecret, sameSecret, sha256Hex, verifyPassword } from './secrets.js';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same password here')).not.toBe(await hashPassword('same password here'));
  });

  it('treats a malformed stored hash as a mismatch', async () => {
    expect(await verifyPassword('anything at all', 'md5$abc')).toBe(false);
  });
});

describe('secrets', () => {
  it('are long, prefixed and distinct', () => {
    const a = newSecret('prl_');
    expect(a).toMatch(/^prl_[A-Za-z0-9_-]{43}$/);
    expect(newSecret('prl_')).not.toBe(a);
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('comparing a sent secret', () => {
  it('accepts only the same text, whatever the lengths', () => {
    const token = newSecret();
    expect(sameSecret(token, token)).toBe(true);
    expect(sameSecret(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, token)).toBe(false);
    expect(sameSecret(token.slice(0, 10), token)).toBe(false);
    expect(sameSecret(`${token}x`, token)).toBe(false);
    expect(sameSecret('', token)).toBe(false);
  });
});
