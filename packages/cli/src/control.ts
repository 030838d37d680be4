import { request } from 'node:http';
import type { DataDir, DataDirLock } from '@parley/store';

export interface ControlResponse {
  status: number;
  body: Record<string, unknown>;
}

/** One request to a running node's control socket; rejects when nothing listens there. */
export function controlRequest(dataDir: DataDir, method: string, path: string, body?: unknown): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      {
        socketPath: dataDir.socketPath,
        method,
        path,
        timeout: 10_000,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
          } catch (e) {
            reject(e);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('the node did not answer on its control socket within 10 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Whether a node runs on this data directory and answers on its control socket. When none
 * does, the command opens the store itself under the directory's lock (`lockForCommand`),
 * which refuses while a node is still starting there, before its socket is open.
 */
export async function findRunningNode(dataDir: DataDir): Promise<boolean> {
  try {
    const res = await controlRequest(dataDir, 'GET', '/local/v1/status');
    return res.status === 200;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // The node's directory and socket are its owner's alone (0700, 0600).
    if (code === 'EACCES' || code === 'EPERM') throw new CliError(`cannot reach the node in ${dataDir.path} (permission denied). Run parley as the user that owns it.`);
    // ENOTDIR: --data names a file, which the lock refuses in words.
    if (code !== 'ENOENT' && code !== 'ECONNREFUSED' && code !== 'ENOTDIR') throw e;
    return false;
  }
}

/** Holds the data directory while this command has the store open, named for others by its command words. */
export function lockForCommand(dataDir: DataDir): Promise<DataDirLock> {
  const words = process.argv.slice(2).filter((a) => !a.startsWith('-')).slice(0, 2);
  return dataDir.lock({ role: 'command', what: ['parley', ...words].join(' ') });
}

/**
 * The text of anything thrown: an Error's message, the message of an error-like object (the
 * embedded database's WebAssembly runtime throws some that are not Errors), or its JSON.
 */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null) {
    const message = (e as { message?: unknown }).message;
    if (typeof message === 'string' && message) return message;
    try {
      return JSON.stringify(e);
    } catch {
      return Object.prototype.toString.call(e);
    }
  }
  return String(e);
}

/** An error whose message is written for the person at the terminal; the CLI prints it and exits 1. */
export class CliError extends Error {}

/**
 * A command's own arguments are wrong (a value its flags cannot take, flags that only go
 * together): the CLI prints it and, as for the mistakes the argument parser finds, the command
 * whose --help to read.
 */
export class UsageError extends CliError {}

/** Runs a check of a command's own arguments: whatever it refuses is a `UsageError`, with its words. */
export function checkArguments<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof UsageError || !(e instanceof Error)) throw e;
    throw new UsageError(e.message);
  }
}
