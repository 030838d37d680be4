import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, fdatasync } from 'node:fs';
import { chmod, mkdir, open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError, invalid, type BlobStore, type PartialBlob, type PutResult } from '@parley/core';

const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Writes of a partial download are gathered to this size, so a fetch costs few system calls. */
const WRITE_BATCH = 1024 * 1024;
/** An upload asks the disk to flush every this many bytes, without waiting for it. */
const BACKGROUND_SYNC_BYTES = 32 * 1024 * 1024;

const errnoOf = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

const storageError = (e: unknown): unknown =>
  errnoOf(e) === 'ENOSPC' || errnoOf(e) === 'EDQUOT'
    ? new DomainError('unavailable', 'evidence_storage_full', 'This node has no room left for evidence files. Tell its administrator; nothing was stored.')
    : e;

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if (errnoOf(e) === 'ENOENT') return false;
    throw e;
  }
}

/** fsync of a directory, so that a rename into it survives a crash. */
async function syncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Evidence content on the filesystem, under the node's data directory:
 * `evidence/sha256/ab/cd/<hex>` for stored content (read-only once in place),
 * `evidence/tmp/` for uploads in progress, `evidence/partial/<hex>.<peer>.part` for downloads from
 * peers in progress. Everything is written to a temporary file in the same tree, synced, then
 * renamed into place, so a stored path always holds the complete content of its name.
 */
export class FsBlobStore implements BlobStore {
  readonly root: string;
  constructor(dataDir: string) {
    this.root = join(dataDir, 'evidence');
  }

  get tmpDir() {
    return join(this.root, 'tmp');
  }
  get partialDir() {
    return join(this.root, 'partial');
  }

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw invalid('invalid_sha256', `"${sha256}" is not a SHA-256 in lowercase hexadecimal.`);
    return join(this.root, 'sha256', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Removes uploads left by a process that died mid-way; called at start. Partial downloads are kept to resume. */
  async clearTemporary(): Promise<void> {
    await rm(this.tmpDir, { recursive: true, force: true });
  }

  async put(source: AsyncIterable<Uint8Array>, options: { maxBytes?: number; expectedBytes?: number } = {}): Promise<PutResult> {
    const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER;
    await mkdir(this.tmpDir, { recursive: true, mode: 0o700 });
    const tmp = join(this.tmpDir, `upload-${randomUUID()}`);
    const hash = createHash('sha256');
    let size = 0;
    let sourceFailed = false;
    const guarded = async function* () {
      try {
        for await (const chunk of source) yield chunk;
      } catch (e) {
        sourceFailed = true;
        throw e;
      }
    };
    const tooLarge = () =>
      new DomainError('too_large', 'evidence_too_large', `An evidence file on this node is at most ${formatBytes(maxBytes)}; nothing was stored. Split the file, or ask the administrator to raise the limit.`);
    const out = createWriteStream(tmp, { flags: 'wx', mode: 0o600, flush: true });
    // The disk flushes what has been written while more arrives, so the final fsync has little left.
    let unsynced = 0;
    let syncing = false;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(tooLarge());
        hash.update(chunk);
        unsynced += chunk.length;
        const fd = (out as unknown as { fd: number | null }).fd;
        if (unsynced >= BACKGROUND_SYNC_BYTES && !syncing && typeof fd === 'number') {
          unsynced = 0;
          syncing = true;
          fdatasync(fd, () => (syncing = false));
        }
        done(null, chunk);
      },
    });
    try {
      try {
        await pipeline(guarded, meter, out);
      } catch (e) {
        if (e instanceof DomainError) throw e;
        if (sourceFailed) throw incomplete(size, options.expectedBytes);
        throw storageError(e);
      }
      if (options.expectedBytes !== undefined && size !== options.expectedBytes) throw incomplete(size, options.expectedBytes);
      const sha256 = hash.digest('hex');
      const target = this.pathOf(sha256);
      if (await exists(target)) {
        await rm(tmp, { force: true });
        return { sha256, size, created: false };
      }
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      await chmod(tmp, 0o400);
      await rename(tmp, target).catch((e: unknown) => {
        throw storageError(e);
      });
      await syncDir(dirname(target));
      return { sha256, size, created: true };
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async stat(sha256: string): Promise<{ size: number } | undefined> {
    try {
      return { size: (await stat(this.pathOf(sha256))).size };
    } catch (e) {
      if (errnoOf(e) === 'ENOENT') return undefined;
      throw e;
    }
  }

  read(sha256: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(sha256), { ...(range ? { start: range.start, end: range.end } : {}), highWaterMark: 256 * 1024 });
  }

  partial(sha256: string, from: string): PartialBlob {
    return new FsPartialBlob(this, sha256, from);
  }
}

function incomplete(size: number, expected: number | undefined): DomainError {
  return invalid(
    'upload_incomplete',
    `The upload was cut off after ${size}${expected !== undefined ? ` of ${expected}` : ''} bytes; nothing was stored. Upload the file again.`,
  );
}

export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}

class FsPartialBlob implements PartialBlob {
  private fh: FileHandle | null = null;
  private hash: Hash = createHash('sha256');
  private written = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Flushes run one after another: each writes at the offset the previous one reached. */
  private flushing: Promise<void> = Promise.resolve();
  readonly path: string;

  constructor(
    private readonly store: FsBlobStore,
    private readonly sha256: string,
    from: string,
  ) {
    store.pathOf(sha256);
    if (!/^[A-Z]{3}$/.test(from)) throw new Error(`not a state code: ${from}`);
    this.path = join(store.partialDir, `${sha256}.${from}.part`);
  }

  get size(): number {
    return this.written + this.pendingBytes;
  }

  async open(keep: number): Promise<number> {
    await mkdir(this.store.partialDir, { recursive: true, mode: 0o700 });
    this.fh = await open(this.path, (await exists(this.path)) ? 'r+' : 'w+', 0o600);
    const onDisk = (await this.fh.stat()).size;
    // Bytes past `keep` were never confirmed synced; they are fetched again.
    const kept = Math.max(0, Math.min(onDisk, keep));
    if (onDisk !== kept) await this.fh.truncate(kept);
    this.hash = createHash('sha256');
    if (kept > 0) {
      for await (const chunk of createReadStream(this.path, { start: 0, end: kept - 1, highWaterMark: 1024 * 1024 })) this.hash.update(chunk as Buffer);
    }
    this.written = kept;
    return kept;
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (!this.fh) throw new Error('partial download not open');
    const buf = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.hash.update(buf);
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    if (this.pendingBytes >= WRITE_BATCH) await this.flush();
  }

  private flush(): Promise<void> {
    const next = this.flushing.then(() => this.flushPending());
    // A failed flush fails its callers; the chain itself goes on for later ones.
    this.flushing = next.catch(() => undefined);
    return next;
  }

  private async flushPending(): Promise<void> {
    if (!this.fh || this.pendingBytes === 0) return;
    const buffers = this.pending;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      let done = 0;
      while (done < bytes) {
        const { bytesWritten } = await this.fh.writev(done === 0 ? buffers : [Buffer.concat(buffers).subarray(done)], this.written + done);
        done += bytesWritten;
      }
    } catch (e) {
      throw storageError(e);
    }
    this.written += bytes;
  }

  async sync(): Promise<number> {
    const upTo = this.size;
    await this.flush();
    await this.fh?.sync();
    return upTo;
  }

  async finish(expected: { sha256: string; size: number }): Promise<{ ok: true } | { ok: false; sha256: string; size: number }> {
    await this.sync();
    const size = this.size;
    const sha256 = this.hash.digest('hex');
    await this.close();
    if (size !== expected.size || sha256 !== expected.sha256) {
      await rm(this.path, { force: true });
      return { ok: false, sha256, size };
    }
    const target = this.store.pathOf(expected.sha256);
    if (await exists(target)) {
      await rm(this.path, { force: true });
      return { ok: true };
    }
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    await chmod(this.path, 0o400);
    await rename(this.path, target);
    await syncDir(dirname(target));
    return { ok: true };
  }

  async close(): Promise<void> {
    if (!this.fh) return;
    try {
      await this.flush();
    } finally {
      const fh = this.fh;
      this.fh = null;
      await fh.close();
    }
  }

  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    await rm(this.path, { force: true });
  }
}
