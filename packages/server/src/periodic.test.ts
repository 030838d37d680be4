import { describe, expect, it } from 'vitest';
import { Periodic } from './periodic.js';

describe('a periodic background round', () => {
  it('runs rounds one after another, never overlapping, until stopped, and waits for the last', async () => {
    let inRound = 0;
    let most = 0;
    let rounds = 0;
    const loop = new Periodic(async () => {
      inRound++;
      most = Math.max(most, inRound);
      await new Promise((r) => setTimeout(r, 5));
      rounds++;
      inRound--;
    }, 1);
    loop.start();
    loop.start();
    await new Promise((r) => setTimeout(r, 60));
    await loop.stop();
    const after = rounds;
    expect(after).toBeGreaterThan(2);
    expect(most).toBe(1);
    expect(inRound).toBe(0);
    await new Promise((r) => setTimeout(r, 20));
    expect(rounds).toBe(after);
    expect(loop.active).toBe(false);
  });
});
