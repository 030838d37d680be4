import { createHash } from 'node:crypto';
import type { AttemptCount, AttemptRepo } from '@parley/core';
import { RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Counts attempts per key in fixed windows, as rate-limiter-flexible's `RateLimiterMemory` does
 * and answering as it does (a `RateLimiterRes`, thrown when the allowance is spent), but in the
 * node's store, on either engine, so that a restart lifts no lockout. The library's PostgreSQL
 * limiter takes a pg pool and creates its own table, and the package does not export the base class
 * its types declare for other stores; PGlite is not a pool, and tables come from migrations. Keys are stored as their
 * SHA-256, so the table holds no e-mail addresses.
 */
export class StoreRateLimiter {
  constructor(
    private readonly attempts: AttemptRepo,
    private readonly limit: { points: number; duration: number },
  ) {}

  /** Takes `points` from the key's allowance; throws the `RateLimiterRes` when it is spent. */
  async consume(key: string, points = 1): Promise<RateLimiterRes> {
    const res = await this.add(key, points);
    if (res.consumedPoints > this.limit.points) throw res;
    return res;
  }

  /** Gives `points` back to the key's allowance. */
  async reward(key: string, points = 1): Promise<RateLimiterRes> {
    return this.add(key, -points);
  }

  async delete(key: string): Promise<boolean> {
    return this.attempts.delete(hashed(key));
  }

  private async add(key: string, points: number): Promise<RateLimiterRes> {
    const now = new Date();
    const count = await this.attempts.add(hashed(key), points, this.limit.duration * 1000, now);
    // A new window is the moment to drop ended ones: rare, and the table stays the size of one window.
    if (count.points === points) await this.attempts.deleteExpired(now);
    return this.answer(count, now, points);
  }

  private answer(count: AttemptCount, now: Date, changed: number): RateLimiterRes {
    return new RateLimiterRes(Math.max(this.limit.points - count.points, 0), Math.max(count.expiresAt.getTime() - now.getTime(), 0), count.points, count.points === changed);
  }
}

/** The key an account's failed sign-ins are counted under. */
export const accountKey = (email: string) => `account:${email}`;

const hashed = (key: string) => createHash('sha256').update(key).digest('hex');
