import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { coalesceWrites, type CoalescibleClient } from './write-coalescing.js';

/** A socket that records each write it is asked to make, as the system calls it would make. */
function recordingSocket() {
  const writes: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      writes.push(chunks.map((c) => String(c.chunk)));
      done();
    },
  });
  return { stream, writes };
}

/** Submits a statement as pg does: its messages corked and written together. */
function pgLikeClient(stream: Writable): CoalescibleClient & { query: (text: string) => Promise<void> } {
  return {
    connection: { stream },
    query: async (text: string) => {
      stream.cork();
      stream.write(`parse ${text}`);
      stream.write(`bind ${text}`);
      stream.uncork();
    },
  };
}

describe('coalesceWrites', () => {
  it('sends the statements asked for in one turn, across promise callbacks, in one write', async () => {
    const { stream, writes } = recordingSocket();
    const client = pgLikeClient(stream);
    coalesceWrites(client);
    // As a pipelined transaction asks for them: BEGIN, then statements from later promise callbacks.
    void client.query('begin');
    await Promise.resolve().then(() => client.query('insert'));
    await client.query('update');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([['parse begin', 'bind begin', 'parse insert', 'bind insert', 'parse update', 'bind update']]);
  });

  it('sends a statement alone in its own turn, without waiting for another', async () => {
    const { stream, writes } = recordingSocket();
    const client = pgLikeClient(stream);
    coalesceWrites(client);
    await client.query('select 1');
    await new Promise((resolve) => setImmediate(resolve));
    await client.query('select 2');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toEqual([
      ['parse select 1', 'bind select 1'],
      ['parse select 2', 'bind select 2'],
    ]);
  });

  it('without it, pg writes each statement on its own', async () => {
    const { stream, writes } = recordingSocket();
    const client = pgLikeClient(stream);
    void client.query('begin');
    await client.query('insert');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
  });
});
