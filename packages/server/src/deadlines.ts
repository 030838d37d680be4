import { notifyLapsingPreservations, notifyOverdueAcknowledgements, notifyOverdueDecisions, type DomainContext } from '@parley/core';
import type { Logger } from 'pino';
import { Periodic } from './periodic.js';
import { logRoundFailure } from '@parley/federation';

export interface DeadlineWatcherOptions {
  /** How often to look for deadlines that have passed. */
  intervalMs: number;
}

export const defaultDeadlineWatcherOptions: DeadlineWatcherOptions = { intervalMs: 60_000 };

/**
 * Tells officers when an acknowledgement deadline passes (once per consultation or request, on
 * each side), when a request's decision is overdue and when a preservation of data is about to lapse (once per end date, each side).
 * Deadlines are also shown as due or overdue on every read; this is what reaches people who
 * are not looking.
 */
export class DeadlineWatcher {
  private readonly loop: Periodic;

  constructor(
    private readonly ctx: DomainContext,
    private readonly log: Logger,
    options: DeadlineWatcherOptions = defaultDeadlineWatcherOptions,
  ) {
    this.loop = new Periodic(() => this.tick(), options.intervalMs);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One round; errors are logged, never thrown. */
  async tick(): Promise<void> {
    try {
      const n = await notifyOverdueAcknowledgements(this.ctx);
      if (n > 0) this.log.info({ overdue: n }, 'acknowledgement deadlines passed; officers notified');
      const decisions = await notifyOverdueDecisions(this.ctx);
      if (decisions > 0) this.log.info({ overdue: decisions }, 'decisions on requests overdue; officers notified');
      const lapsing = await notifyLapsingPreservations(this.ctx);
      if (lapsing > 0) this.log.info({ lapsing }, 'preservations of data about to lapse; officers notified');
    } catch (err) {
      logRoundFailure(this.log, err, {}, 'could not check deadlines; will try again');
    }
  }
}
