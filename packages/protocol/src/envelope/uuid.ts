import { randomBytes } from 'node:crypto';

/** A canonical (lowercase) UUID of any version, RFC 9562 §4. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A canonical UUIDv7: version nibble 7, variant bits 10. */
export const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

export function isUuidV7(value: string): boolean {
  return UUID_V7_PATTERN.test(value);
}

/**
 * A UUIDv7 (RFC 9562 §5.7): 48 bits of Unix time in milliseconds, then 74 random bits
 * around the version and variant. IDs sort by creation time, which suits an append-only log.
 */
export function uuidv7(now: number = Date.now(), random: Uint8Array = randomBytes(10)): string {
  if (!Number.isSafeInteger(now) || now < 0 || now >= 2 ** 48) {
    throw new RangeError(`a UUIDv7 timestamp is a 48-bit count of milliseconds, got ${String(now)}`);
  }
  if (random.length !== 10) throw new RangeError(`a UUIDv7 needs 10 random bytes, got ${random.length}`);
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes.set(random, 6);
  bytes[6] = 0x70 | ((random[0] as number) & 0x0f);
  bytes[8] = 0x80 | ((random[2] as number) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The creation time, in Unix milliseconds, carried by a UUIDv7. */
export function uuidv7Timestamp(value: string): number {
  if (!isUuidV7(value)) throw new RangeError(`not a UUIDv7: ${JSON.stringify(value)}`);
  return Number.parseInt(value.slice(0, 8) + value.slice(9, 13), 16);
}
