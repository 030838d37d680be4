/** The result of one item of a batch: its value, or the error that item alone failed with. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Group commit: items submitted while one batch is being committed wait, and are committed
 * together in the next one, so many concurrent requests share one transaction (one lock of the
 * log head, one fsync) instead of queueing for one each. With one request at a time a batch holds
 * one item and adds no wait. A submitter is answered only when `commit` has returned, that is
 * after its transaction has committed; `commit` settles each item on its own, so one bad item
 * does not fail the others.
 */
export class GroupCommit<I, R> {
  private queue: { item: I; resolve: (value: R) => void; reject: (error: unknown) => void }[] = [];
  private draining: Promise<void> | null = null;
  private inBatch = 0;

  constructor(
    private readonly commit: (items: readonly I[]) => Promise<Settled<R>[]>,
    private readonly maxBatch = 256,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // Started on the next turn of the event loop, so the requests read in this one join the first batch.
      this.draining ??= new Promise<void>((start) => setImmediate(start)).then(() => this.drain());
    });
  }

  /** Items waiting for the next batch, and items of the batch being committed. */
  get pending(): number {
    return this.queue.length;
  }

  get committing(): number {
    return this.inBatch;
  }

  /** Resolves once everything submitted so far has been committed (or failed). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        this.inBatch = batch.length;
        let results: Settled<R>[];
        try {
          results = await this.commit(batch.map((b) => b.item));
          if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} was answered with ${results.length} results`);
        } catch (error) {
          results = batch.map(() => ({ ok: false, error }));
        }
        this.inBatch = 0;
        batch.forEach((b, i) => {
          const r = results[i]!;
          if (r.ok) b.resolve(r.value);
          else b.reject(r.error);
        });
      }
    } finally {
      this.draining = null;
    }
  }
}
