import { describe, expect, it } from 'vitest';
import { parseRange } from './range.js';

describe('byte ranges', () => {
  it('serves the whole without a header or with several ranges', () => {
    expect(parseRange(undefined, 10)).toEqual({ start: 0, end: 9, partial: false });
    expect(parseRange('bytes=0-1,4-5', 10)).toEqual({ start: 0, end: 9, partial: false });
  });
  it('reads closed, open and suffix ranges, clamped to the size', () => {
    expect(parseRange('bytes=2-5', 10)).toEqual({ start: 2, end: 5, partial: true });
    expect(parseRange('bytes=7-', 10)).toEqual({ start: 7, end: 9, partial: true });
    expect(parseRange('bytes=5-100', 10)).toEqual({ start: 5, end: 9, partial: true });
    expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9, partial: true });
  });
  it('refuses a range past the end', () => {
    expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
  });
});
