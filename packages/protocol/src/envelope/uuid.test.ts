import { describe, expect, it } from 'vitest';
import { isUuid, isUuidV7, uuidv7, uuidv7Timestamp } from './uuid.js';

describe('uuidv7', () => {
  it('reproduces the example UUIDv7 of RFC 9562 Appendix A.6', () => {
    // unix_ts_ms 0x017F22E279B0, rand_a 0xCC3, rand_b 0x18C4DC0C0C07398F.
    const random = Buffer.from('0cc318c4dc0c0c07398f', 'hex');
    expect(uuidv7(0x017f22e279b0, random)).toBe('017f22e2-79b0-7cc3-98c4-dc0c0c07398f');
  });

  it('keeps the version and variant bits whatever the random bytes', () => {
    expect(uuidv7(0x017f22e279b0, Buffer.alloc(10, 0xff))).toBe('017f22e2-79b0-7fff-bfff-ffffffffffff');
    expect(uuidv7(0x017f22e279b0, Buffer.alloc(10))).toBe('017f22e2-79b0-7000-8000-000000000000');
  });

  it('reads the creation time back', () => {
    const now = Date.UTC(2025, 10, 25, 9, 30, 0, 123);
    expect(uuidv7Timestamp(uuidv7(now))).toBe(now);
  });

  it('draws fresh random bits each time', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 1000 }, () => uuidv7(now)));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isUuidV7(id)).toBe(true);
  });

  it('sorts by creation time', () => {
    const earlier = uuidv7(1_700_000_000_000);
    const later = uuidv7(1_700_000_000_001);
    expect([later, earlier].sort()).toEqual([earlier, later]);
  });

  it('refuses times outside 48 bits and random input of the wrong size', () => {
    expect(() => uuidv7(-1)).toThrow(RangeError);
    expect(() => uuidv7(2 ** 48)).toThrow(RangeError);
    expect(() => uuidv7(1.5)).toThrow(RangeError);
    expect(() => uuidv7(0, Buffer.alloc(9))).toThrow(RangeError);
  });
});

describe('UUID validation', () => {
  it('accepts canonical lowercase UUIDs and tells version 7 apart', () => {
    expect(isUuid('0b7b5c3e-2f1a-4c8e-9d3b-1a2b3c4d5e6f')).toBe(true);
    expect(isUuidV7('0b7b5c3e-2f1a-4c8e-9d3b-1a2b3c4d5e6f')).toBe(false);
    expect(isUuidV7('017f22e2-79b0-7cc3-98c4-dc0c0c07398f')).toBe(true);
  });

  it('refuses uppercase, wrong variant, missing hyphens and other shapes', () => {
    for (const value of [
      '017F22E2-79B0-7CC3-98C4-DC0C0C07398F',
      '017f22e2-79b0-7cc3-c8c4-dc0c0c07398f',
      '017f22e279b07cc398c4dc0c0c07398f',
      '{017f22e2-79b0-7cc3-98c4-dc0c0c07398f}',
      '',
    ]) {
      expect(isUuidV7(value), value).toBe(false);
    }
    expect(() => uuidv7Timestamp('0b7b5c3e-2f1a-4c8e-9d3b-1a2b3c4d5e6f')).toThrow(RangeError);
  });
});
