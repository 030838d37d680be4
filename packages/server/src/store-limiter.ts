import { accountAttemptKey, attemptKeyHash as hashed, type AttemptCount, type AttemptRepo } from '@parley/core';
import { RateLimiterRes, type RateLimiterMemory } from 'rate-limiter-flexible';

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

  /** The keys among those given whose allowance is spent, each with when its window ends. */
  async spent(keys: readonly string[]): Promise<Map<string, Date>> {
    const counts = await this.attempts.current(keys.map(hashed), new Date());
    return new Map(keys.flatMap((key) => {
      const count = counts.get(hashed(key));
      // The next attempt would be refused: `consume` refuses one that takes the count past the limit.
      return count && count.points >= this.limit.points ? [[key, count.expiresAt]] : [];
    }));
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

/** The key an account's failed sign-ins are counted under; the domain's unlock forgets it. */
export const accountKey = accountAttemptKey;

/**
 * The addresses each account's failed sign-ins came from, in memory like the counts per address.
 * Both limits count the same failures, so a person who mistyped their password at their desk has
 * spent their address's allowance as well as their account's; an administrator's unlock forgets
 * both, or the person would still be refused from where they sit.
 */
export class FailedSignInAddresses {
  private readonly byAccount = new Map<string, Set<string>>();
  constructor(private readonly maxAccounts = 10_000) {}

  note(accountKey: string, addressKey: string): void {
    // Bounded: made-up addresses typed from many places could otherwise grow it without end.
    if (!this.byAccount.has(accountKey) && this.byAccount.size >= this.maxAccounts) this.byAccount.clear();
    const addresses = this.byAccount.get(accountKey) ?? new Set<string>();
    addresses.add(addressKey);
    this.byAccount.set(accountKey, addresses);
  }

  /** Forgets the counts of the addresses the account's failed sign-ins came from. */
  async forgive(accountKey: string, perAddress: Pick<RateLimiterMemory, 'delete'>): Promise<void> {
    const addresses = [...(this.byAccount.get(accountKey) ?? [])];
    this.byAccount.delete(accountKey);
    await Promise.all(addresses.map((a) => perAddress.delete(a)));
  }
}
