import { describe, expect, it } from 'vitest';
import { GroupCommit, type Settled } from './group-commit.js';

/** A commit function that records each batch and waits for the test to let it finish. */
function gated() {
  const batches: number[][] = [];
  let open: () => void = () => undefined;
  let gate = new Promise<void>((r) => (open = r));
  const commit = async (items: readonly number[]): Promise<Settled<number>[]> => {
    batches.push([...items]);
    await gate;
    return items.map((i) => (i < 0 ? { ok: false, error: new Error(`bad ${i}`) } : { ok: true, value: i * 10 }));
  };
  return {
    batches,
    commit,
    release() {
      open();
      gate = Promise.resolve();
    },
  };
}

describe('GroupCommit', () => {
  it('commits what arrives while a batch is committing as one next batch, answering each in its order', async () => {
    const g = gated();
    const group = new GroupCommit(g.commit);
    const first = group.submit(1);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(g.batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((i) => group.submit(i));
    expect(group.pending).toBe(3);
    g.release();
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(g.batches).toEqual([[1], [2, 3, 4]]);
    expect(group.pending).toBe(0);
  });

  it('joins what is submitted in the same turn of the event loop into one batch', async () => {
    const g = gated();
    g.release();
    const group = new GroupCommit(g.commit);
    expect(await Promise.all([1, 2, 3].map((i) => group.submit(i)))).toEqual([10, 20, 30]);
    expect(g.batches).toEqual([[1, 2, 3]]);
  });

  it('fails only the items the commit failed', async () => {
    const g = gated();
    g.release();
    const group = new GroupCommit(g.commit);
    const results = await Promise.allSettled([1, -2, 3].map((i) => group.submit(i)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error('bad -2'));
  });

  it('fails every item of a batch whose commit throws, and goes on with the next batch', async () => {
    let calls = 0;
    const group = new GroupCommit<number, number>(async (items) => {
      if (calls++ === 0) throw new Error('database gone');
      return items.map((i) => ({ ok: true, value: i }));
    });
    const failed = await Promise.allSettled([1, 2].map((i) => group.submit(i)));
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await group.submit(3)).toBe(3);
  });

  it('splits a long queue into batches of at most the given size', async () => {
    const sizes: number[] = [];
    const group = new GroupCommit<number, number>(async (items) => {
      sizes.push(items.length);
      return items.map((i) => ({ ok: true, value: i }));
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((i) => group.submit(i)));
    expect(sizes).toEqual([2, 2, 1]);
    await group.idle();
  });
});
