import { LogInconsistencyError, signNextCheckpoint, type DomainContext, type NodeSelf } from '@parley/core';
import type { Logger } from 'pino';
import { Periodic } from './periodic.js';
import { logRoundFailure } from '@parley/federation';

export interface CheckpointerOptions {
  /** How often to look whether the log grew; at most one checkpoint per interval. */
  intervalMs: number;
}

export const defaultCheckpointerOptions: CheckpointerOptions = { intervalMs: 1_000 };

/**
 * Signs a checkpoint of the node's log whenever it has grown, at most once per interval.
 * `signNextCheckpoint` proves each new tree extends the last checkpoint before signing; when
 * it does not, the checkpointer stops signing for good (a fork published cannot be taken
 * back), says so at the highest level in the log and tells the administrators.
 */
export class Checkpointer {
  private readonly loop: Periodic;
  private halted: LogInconsistencyError | null = null;

  constructor(
    private readonly ctx: DomainContext & { self: NodeSelf },
    readonly origin: string,
    private readonly log: Logger,
    private readonly options: CheckpointerOptions = defaultCheckpointerOptions,
  ) {
    // The first round signs at once, so a fresh node serves a checkpoint of its empty log.
    this.loop = new Periodic(() => this.tick(), options.intervalMs);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Why signing stopped, if it did. */
  get inconsistency(): LogInconsistencyError | null {
    return this.halted;
  }

  /** One round: signs a checkpoint if the log grew. Errors are logged, never thrown. */
  async tick(): Promise<void> {
    if (this.halted) return;
    try {
      const signed = await signNextCheckpoint(this.ctx, this.origin);
      if (signed) this.log.debug({ size: signed.size }, 'checkpoint signed');
    } catch (err) {
      if (!(err instanceof LogInconsistencyError)) {
        logRoundFailure(this.log, err, {}, 'could not sign a checkpoint; will try again');
        return;
      }
      this.halted = err;
      this.log.fatal({ err, checkpoint: err.checkpoint, head: err.head }, 'REFUSING TO SIGN: the transparency log does not extend its last checkpoint; no checkpoint will be signed until an administrator investigates');
      await this.ctx.store.notifications
        .add({
          at: this.ctx.now(),
          audience: 'admin',
          kind: 'log.inconsistent',
          message: `The transparency log of this node no longer extends checkpoint ${err.checkpoint.size} that it signed, so it has stopped signing checkpoints. The stored log may have been damaged or altered. Keep the data directory as it is and investigate before restarting.`,
          link: null,
        })
        .catch((e: unknown) => this.log.error({ err: e }, 'could not notify administrators'));
    }
  }
}
