import type { Writable } from 'node:stream';

/** What `coalesceWrites` needs of a pg client: its `query`, and the socket it writes to. */
export interface CoalescibleClient {
  query: (...args: never[]) => unknown;
  connection?: { stream?: Pick<Writable, 'cork' | 'uncork'> };
}

/**
 * Makes `client` send every statement it is given in one turn of the event loop in one write to
 * its socket. pg writes each statement as it submits it, so the statements a pipelined
 * transaction sends together (see `pipelinedTransaction`), which travel to the server together,
 * each still cost a system call, and on the server a wake-up and a read: the inbox's
 * transaction for a batch of ten envelopes made about eleven writes. Corked until the turn's
 * queued callbacks have run, the socket sends them in one. A statement sent alone goes out the
 * same turn, as before. Streams nest corks, so pg's own cork and uncork per statement only
 * count down inside this one.
 */
export function coalesceWrites(client: CoalescibleClient): void {
  const stream = client.connection?.stream;
  if (!stream || typeof stream.cork !== 'function' || typeof stream.uncork !== 'function') return;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  let corked = false;
  client.query = ((...args: unknown[]) => {
    if (!corked) {
      corked = true;
      stream.cork();
      // After the promise callbacks of this turn: a transaction's statements are asked for
      // across several of them (Kysely resolves each query's connection asynchronously).
      process.nextTick(() => {
        corked = false;
        stream.uncork();
      });
    }
    return query(...args);
  }) as CoalescibleClient['query'];
}
