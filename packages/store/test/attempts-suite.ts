import type { Store } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throwawayStore, type Engine } from './log-suite.js';

const WINDOW = 15 * 60_000;
const at = (minutes: number) => new Date(Date.UTC(2026, 10, 27, 9, minutes));

/** Sign-in attempts counted per key in the store (server/src/store-limiter.ts builds the limit on them). */
export function attemptsSuite(engine: Engine) {
  describe(`sign-in attempts kept in the store (${engine})`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    beforeAll(async () => ({ store, drop } = await throwawayStore(engine)));
    afterAll(async () => drop());

    it('adds attempts within a window and starts a new window once it has ended', async () => {
      const attempts = store.signInAttempts;
      expect(await attempts.add('k1', 1, WINDOW, at(0))).toEqual({ points: 1, expiresAt: at(15) });
      expect(await attempts.add('k1', 1, WINDOW, at(5))).toEqual({ points: 2, expiresAt: at(15) });
      expect(await attempts.add('k1', -1, WINDOW, at(6))).toEqual({ points: 1, expiresAt: at(15) });
      expect(await attempts.add('k1', 1, WINDOW, at(15))).toEqual({ points: 1, expiresAt: at(30) });
    });

    it('counts attempts made at once, one by one', async () => {
      const counts = await Promise.all(Array.from({ length: 20 }, () => store.signInAttempts.add('k2', 1, WINDOW, at(0))));
      expect(counts.map((c) => c.points).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    });

    it('reads the counts of the keys asked whose window has not ended', async () => {
      const attempts = store.signInAttempts;
      await attempts.add('k6', 2, WINDOW, at(0));
      await attempts.add('k7', 1, WINDOW, at(10));
      expect(await attempts.current(['k6', 'k7', 'k8'], at(20))).toEqual(new Map([['k7', { points: 1, expiresAt: at(25) }]]));
      expect(await attempts.current(['k6'], at(5))).toEqual(new Map([['k6', { points: 2, expiresAt: at(15) }]]));
      expect(await attempts.current([], at(5))).toEqual(new Map());
    });

    it('forgets a key, and every key whose window has ended', async () => {
      const attempts = store.signInAttempts;
      await attempts.add('k3', 1, WINDOW, at(0));
      expect(await attempts.delete('k3')).toBe(true);
      expect(await attempts.delete('k3')).toBe(false);
      await attempts.add('k4', 1, WINDOW, at(0));
      await attempts.add('k5', 1, WINDOW, at(10));
      await attempts.deleteExpired(at(20));
      expect(await attempts.delete('k4')).toBe(false);
      expect(await attempts.add('k5', 1, WINDOW, at(20))).toEqual({ points: 2, expiresAt: at(25) });
    });
  });
}
