/**
 * A background round repeated until stopped: the first after `firstDelayMs`, each next one
 * `intervalMs` after the previous ended, so rounds never overlap. `stop()` waits for a round in
 * progress. The node's background tasks (checkpoints, witnessing, deadlines, e-mail) run on it.
 */
export class Periodic {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly round: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly firstDelayMs = 0,
  ) {}

  /** True between start() and stop(). */
  get active(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    const next = () => {
      this.running = this.round().finally(() => {
        if (this.timer) this.timer = setTimeout(next, this.intervalMs);
      });
    };
    this.timer = setTimeout(next, this.firstDelayMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
