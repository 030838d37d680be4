import type { PeerDirectoryRecord, Store } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { throwawayStore, type Engine } from './log-suite.js';

const at = (minute: number) => new Date(Date.UTC(2026, 10, 26, 12, minute));
const directory = (state: string, minute: number, email: string): PeerDirectoryRecord => ({
  stateCode: state,
  publishedAt: at(minute),
  receivedAt: at(minute + 1),
  contacts: [{ name: 'Duty officer', email, languages: ['en', 'fr'] }],
  envelopeHash: `sha256:${String(minute).padStart(43, 'A')}`,
});

/** A peer's published directory: the newest one held wins, whatever order copies arrive in. */
export function directorySuite(engine: Engine) {
  describe(`peer directories (${engine})`, () => {
    let store: Store;
    let drop: () => Promise<void>;
    beforeAll(async () => ({ store, drop } = await throwawayStore(engine)));
    afterAll(async () => drop());

    it('keeps the newest copy of each state’s directory, and says whether it stored one', async () => {
      expect(await store.peerDirectories.put(directory('XAB', 10, 'first@xab.example'))).toBe(true);
      expect(await store.peerDirectories.put(directory('XAC', 5, 'only@xac.example'))).toBe(true);
      // Older than the one held, then the same age: neither replaces it.
      expect(await store.peerDirectories.put(directory('XAB', 9, 'older@xab.example'))).toBe(false);
      expect(await store.peerDirectories.put(directory('XAB', 10, 'same@xab.example'))).toBe(false);
      expect((await store.peerDirectories.list()).find((d) => d.stateCode === 'XAB')).toEqual(directory('XAB', 10, 'first@xab.example'));
      expect(await store.peerDirectories.put(directory('XAB', 11, 'newer@xab.example'))).toBe(true);
      const held = Object.fromEntries((await store.peerDirectories.list()).map((d) => [d.stateCode, d]));
      expect(held).toEqual({ XAB: directory('XAB', 11, 'newer@xab.example'), XAC: directory('XAC', 5, 'only@xac.example') });
    });
  });
}
