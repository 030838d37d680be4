import { isStoreUnavailable } from '@parley/core';
import type { Logger } from 'pino';

/** The longest a background loop waits between rounds that fail: how soon it notices the database is back. */
export const MAX_FAILING_WAIT_MS = 30_000;

/**
 * How long a background loop waits before its next round: its poll interval, doubled for each
 * round in a row that failed (the database down, say), up to MAX_FAILING_WAIT_MS, so an outage
 * neither stops the loop nor makes it spin.
 */
export const nextRoundIn = (pollMs: number, failures: number): number =>
  failures === 0 ? pollMs : Math.max(pollMs, Math.min(pollMs * 2 ** Math.min(failures, 20), MAX_FAILING_WAIT_MS));

/**
 * Logs what a background round failed of, unless it is the database being unreachable: the store
 * logs that once when it happens and once when it ends, not once per round and per message.
 */
export function logRoundFailure(log: Logger, err: unknown, fields: Record<string, unknown>, message: string): void {
  if (!isStoreUnavailable(err)) log.error({ err, ...fields }, message);
}

/**
 * The loop of a background worker (the sender, the evidence fetcher): runs a round, then waits
 * for the poll interval or a wake-up. A round that throws is logged (unless the database is
 * down) and the wait grows (`nextRoundIn`), so the loop outlives any failure of its store.
 */
export class Rounds {
  private wakeUp: (() => void) | null = null;

  constructor(
    private readonly pollMs: number,
    private readonly log: Logger,
    /** What a round reads, for the log: "the outbox". */
    private readonly what: string,
  ) {}

  /** Ends the current wait now. */
  wake(): void {
    this.wakeUp?.();
  }

  /** Runs `round` while `running()`; a round returns true to run again at once. */
  async run(running: () => boolean, round: () => Promise<boolean>): Promise<void> {
    let failures = 0;
    while (running()) {
      let again = false;
      try {
        again = await round();
        failures = 0;
      } catch (err) {
        failures++;
        logRoundFailure(this.log, err, {}, `could not read ${this.what}; will try again`);
      }
      if (again) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, nextRoundIn(this.pollMs, failures));
        this.wakeUp = () => {
          clearTimeout(timer);
          this.wakeUp = null;
          resolve();
        };
      });
    }
  }
}
