import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { DomainError } from '@parley/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsBlobStore } from './blob-store.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A source that yields `bytes` in chunks, then fails as a cut connection does. */
async function* cutOff(bytes: Buffer, chunk = 64 * 1024): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  throw Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
}

/** Every file under a directory, recursively. */
async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await files(p)));
    else out.push(p);
  }
  return out;
}

describe('content-addressed evidence store on the filesystem', () => {
  let dir: string;
  let store: FsBlobStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-blobs-'));
    store = new FsBlobStore(dir);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a stream under its SHA-256, computed on the way, read-only, in a two-level fan-out', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    const put = await store.put(Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
    expect(put).toEqual({ sha256: sha(bytes), size: bytes.length, created: true });
    const path = store.pathOf(put.sha256);
    expect(path).toBe(join(dir, 'evidence', 'sha256', put.sha256.slice(0, 2), put.sha256.slice(2, 4), put.sha256));
    expect(sha(await readFile(path))).toBe(put.sha256);
    expect((await stat(path)).mode & 0o777).toBe(0o400);
    expect(await store.stat(put.sha256)).toEqual({ size: bytes.length });
    expect(await files(store.tmpDir)).toEqual([]);
  });

  it('stores the same content uploaded twice once', async () => {
    const bytes = randomBytes(200_000);
    const first = await store.put(Readable.from([bytes]));
    const second = await store.put(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]));
    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
    expect(await files(join(dir, 'evidence', 'sha256'))).toHaveLength(1);
    expect(await files(store.tmpDir)).toEqual([]);
  });

  it('leaves nothing behind when the upload is cut off halfway, and says so', async () => {
    const bytes = randomBytes(1024 * 1024);
    const err = (await store.put(cutOff(bytes.subarray(0, 512 * 1024)), { expectedBytes: bytes.length }).catch((e: unknown) => e)) as DomainError;
    expect(err.code).toBe('upload_incomplete');
    expect(err.message).toContain(`524288 of ${bytes.length} bytes`);
    expect(await files(join(dir, 'evidence'))).toEqual([]);
  });

  it('treats a body shorter than its declared length as cut off', async () => {
    const err = (await store.put(Readable.from([randomBytes(100)]), { expectedBytes: 200 }).catch((e: unknown) => e)) as DomainError;
    expect(err.code).toBe('upload_incomplete');
    expect(await files(join(dir, 'evidence'))).toEqual([]);
  });

  it('refuses content over the limit while it streams, keeping nothing', async () => {
    const err = (await store.put(Readable.from([randomBytes(600), randomBytes(600)]), { maxBytes: 1000 }).catch((e: unknown) => e)) as DomainError;
    expect([err.kind, err.code]).toEqual(['too_large', 'evidence_too_large']);
    expect(await files(join(dir, 'evidence'))).toEqual([]);
  });

  it('keeps memory flat: 64 MiB streamed in 64 KiB chunks does not grow the heap by the file size', async () => {
    const chunk = randomBytes(64 * 1024);
    const total = 1024;
    async function* gen() {
      for (let i = 0; i < total; i++) yield chunk;
    }
    const before = process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers + process.memoryUsage().heapUsed)), 5);
    const put = await store.put(gen());
    clearInterval(timer);
    expect(put.size).toBe(64 * 1024 * 1024);
    expect(peak - before).toBeLessThan(32 * 1024 * 1024);
  });

  it('reads a stored range', async () => {
    const bytes = randomBytes(10_000);
    const put = await store.put(Readable.from([bytes]));
    const parts: Buffer[] = [];
    for await (const c of store.read(put.sha256, { start: 100, end: 199 })) parts.push(c as Buffer);
    expect(Buffer.concat(parts)).toEqual(bytes.subarray(100, 200));
  });

  it('resumes a partial download from the bytes known synced, and moves it in only when the hash matches', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const h = sha(bytes);
    const first = store.partial(h, 'XAB');
    expect(await first.open(0)).toBe(0);
    await first.write(bytes.subarray(0, 2 * 1024 * 1024));
    await first.sync();
    await first.write(bytes.subarray(2 * 1024 * 1024, 2 * 1024 * 1024 + 10));
    await first.close();
    // Only the synced part counts: the ten unconfirmed bytes are dropped and fetched again.
    const again = store.partial(h, 'XAB');
    expect(await again.open(2 * 1024 * 1024)).toBe(2 * 1024 * 1024);
    await again.write(bytes.subarray(2 * 1024 * 1024));
    expect(await again.finish({ sha256: h, size: bytes.length })).toEqual({ ok: true });
    expect(sha(await readFile(store.pathOf(h)))).toBe(h);
    expect(await files(store.partialDir)).toEqual([]);
  });

  it("keeps each peer's partial download of a content apart, so bytes one peer sent are never resumed from for another", async () => {
    const bytes = randomBytes(64 * 1024);
    const h = sha(bytes);
    // A peer announces the same hash and sends other bytes, then stops.
    const planted = store.partial(h, 'XAC');
    await planted.open(0);
    await planted.write(randomBytes(32 * 1024));
    await planted.sync();
    await planted.close();
    // The transfer from the peer that really holds the file resumes from its own bytes only.
    const own = store.partial(h, 'XAB');
    expect(await own.open(32 * 1024)).toBe(0);
    await own.write(bytes);
    expect(await own.finish({ sha256: h, size: bytes.length })).toEqual({ ok: true });
    expect(sha(await readFile(store.pathOf(h)))).toBe(h);
    expect(() => store.partial(h, '../x')).toThrow('not a state code');
    await store.partial(h, 'XAC').discard();
  });

  it('keeps bytes in order when writes continue while a sync is in progress', async () => {
    const bytes = randomBytes(8 * 1024 * 1024 + 5);
    const h = sha(bytes);
    const p = store.partial(h, 'XAB');
    await p.open(0);
    const syncs: Promise<number>[] = [];
    for (let i = 0; i < bytes.length; i += 300_001) {
      await p.write(bytes.subarray(i, i + 300_001));
      if (i % 3 === 0) syncs.push(p.sync());
    }
    const durable = await Promise.all(syncs);
    expect(durable).toEqual([...durable].sort((x, y) => x - y));
    expect(await p.finish({ sha256: h, size: bytes.length })).toEqual({ ok: true });
    expect(sha(await readFile(store.pathOf(h)))).toBe(h);
  });

  it('discards a download whose bytes do not match the announced hash', async () => {
    const bytes = randomBytes(4096);
    const claimed = sha(randomBytes(4096));
    const p = store.partial(claimed, 'XAB');
    await p.open(0);
    await p.write(bytes);
    const r = await p.finish({ sha256: claimed, size: 4096 });
    expect(r).toEqual({ ok: false, sha256: sha(bytes), size: 4096 });
    expect(await store.stat(claimed)).toBeUndefined();
    expect(await files(join(dir, 'evidence'))).toEqual([]);
  });

  it('clears uploads left by a crash, but keeps partial downloads', async () => {
    const h = sha(Buffer.from('x'));
    const p = store.partial(h, 'XAB');
    await p.open(0);
    await p.write(Buffer.from('x'));
    await p.close();
    await writeFile(join(store.tmpDir, 'upload-left'), 'x').catch(async () => {
      await (await import('node:fs/promises')).mkdir(store.tmpDir, { recursive: true });
      await writeFile(join(store.tmpDir, 'upload-left'), 'x');
    });
    await store.clearTemporary();
    expect(await files(store.tmpDir)).toEqual([]);
    expect(await files(store.partialDir)).toHaveLength(1);
  });

  it('refuses a name that is not a SHA-256', () => {
    expect(() => store.pathOf('../../node-key.pem')).toThrow(/not a SHA-256/);
  });
});
