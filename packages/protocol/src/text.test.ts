import { describe, expect, it } from 'vitest';
import { messageBodies } from './messages.js';
import { unstorableText } from './text.js';

describe('storable text', () => {
  it('finds a NUL or a lone surrogate anywhere in a JSON value, member names included, by path', () => {
    expect(unstorableText({ a: 'fine', b: ['ok', 'emoji 😀', { c: 'nul \u0000' }], 'd\ud800': 1, e: '\udfff', f: 'x\ud83d' })).toEqual([
      { path: ['b', 2, 'c'], message: expect.stringMatching(/U\+0000/) },
      { path: ['d\ud800'], message: expect.stringMatching(/^its member name contains a lone UTF-16 surrogate/) },
      { path: ['e'], message: expect.stringMatching(/lone UTF-16 surrogate/) },
      { path: ['f'], message: expect.stringMatching(/lone UTF-16 surrogate/) },
    ]);
    expect(unstorableText({ text: 'Ελληνικά, 中文, 😀', n: 1, t: true, z: null })).toEqual([]);
  });

  it('makes every message body refuse such text', () => {
    const body = { check: '3f0c9a56-2f47-4e0a-9d4e-6b1f2a7c8d90', deadline: '2026-11-25T14:00:00.000Z', note: 'nul \u0000 char' };
    const parsed = messageBodies['check.request'].safeParse(body);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path)).toEqual([['note']]);
    expect(messageBodies['check.request'].safeParse({ ...body, note: 'fine' }).success).toBe(true);
  });
});
