import { describe, expect, it } from 'vitest';
import { decodeBase64Strict, decodeBase64UrlStrict, isWellFormedUnicode } from './encoding.js';

describe('strict base64', () => {
  it('decodes canonical padded base64', () => {
    expect(decodeBase64Strict('aGk=')?.toString()).toBe('hi');
    expect(decodeBase64Strict('')?.length).toBe(0);
  });

  it.each([
    ['missing padding', 'aGk'],
    ['non-zero unused bits', 'aGl='],
    ['a character outside the alphabet', 'aG!='],
    ['the url-safe alphabet', 'a-_k'],
    ['whitespace', 'aG k='],
  ])('refuses %s', (_what, text) => {
    expect(decodeBase64Strict(text)).toBeUndefined();
  });
});

describe('strict base64url', () => {
  it('decodes canonical unpadded base64url', () => {
    expect(decodeBase64UrlStrict('-_8')?.toString('hex')).toBe('fbff');
  });

  it.each([
    ['padding', 'aGk='],
    ['non-zero unused bits', 'aGl'],
    ['the standard alphabet', 'a+/k'],
    ['an impossible length', 'aGkaG'],
  ])('refuses %s', (_what, text) => {
    expect(decodeBase64UrlStrict(text)).toBeUndefined();
  });
});

describe('isWellFormedUnicode', () => {
  it('accepts surrogate pairs and refuses lone surrogates', () => {
    expect(isWellFormedUnicode('caf\u00e9 \ud83d\ude00')).toBe(true);
    expect(isWellFormedUnicode('\ud83d')).toBe(false);
    expect(isWellFormedUnicode('\ude00x')).toBe(false);
  });
});
