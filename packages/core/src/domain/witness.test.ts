import { describe, expect, it } from 'vitest';
import { witnessBackoffMs } from './witness.js';

describe('witness backoff', () => {
  it('asks a healthy peer every interval', () => {
    expect(witnessBackoffMs(0, 30_000, 900_000)).toBe(30_000);
  });

  it('doubles the pause after each failure in a row, up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => witnessBackoffMs(n, 1_000, 10_000))).toEqual([2_000, 4_000, 8_000, 10_000]);
    expect(witnessBackoffMs(1_000, 1_000, 10_000)).toBe(10_000);
  });
});
