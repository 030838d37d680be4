import { describe, expect, it } from 'vitest';
import { startCliNode } from './browser.js';

/**
 * The browser suites' node start, failing: in CI a start that does not finish must say what the
 * test was waiting for, what the node had said, and what it wrote, not just that time ran out.
 * Real `parley start` processes; no browser needed.
 */
describe('a browser suite node that is not ready', () => {
  it('names the node, the limit, each step it was waiting for, and the load when the limit passes', async () => {
    const failure = await startCliNode({ state: 'XAA', timeoutMs: 1 }).then(
      () => null,
      (e: Error) => e,
    );
    expect(failure?.message).toMatch(/^node XAA \(pid \d+\) was not ready: it was still running when the limit of 0\.001 s passed, \d+\.\d s after it was started\./);
    expect(failure?.message).toContain('[ ] its address ("Web and API:")');
    expect(failure?.message).toContain('[ ] where its first-run link is');
    expect(failure?.message).toContain('So the node was still loading Node and the CLI');
    expect(failure?.message).toMatch(/Load average \(1, 5, 15 min\): [\d.]+, [\d.]+, [\d.]+ on \d+ cores\./);
    expect(failure?.message).toContain("The node's standard error:\n    (nothing)");
  }, 60_000);

  it('quotes what the node wrote on standard error when it exits before it is ready', async () => {
    // A state code that is not one: the node refuses to start and says why.
    const failure = await startCliNode({ state: 'X1' }).then(
      () => null,
      (e: Error) => e,
    );
    expect(failure?.message).toMatch(/^node X1 \(pid \d+\) was not ready: the process exited with code [1-9]\d* \(signal none\), \d+\.\d s after it was started\./);
    expect(failure?.message).toMatch(/\n {4}\| .*--state/);
  }, 60_000);
});
