import { request } from 'node:http';
import { DataDir, processAlive } from '@parley/store';

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
 * Whether a node runs on this data directory. With the embedded store only one process may
 * open the database, so a running node must be reached through its socket.
 */
export async function findRunningNode(dataDir: DataDir): Promise<boolean> {
  try {
    const res = await controlRequest(dataDir, 'GET', '/local/v1/status');
    return res.status === 200;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ECONNREFUSED') throw e;
  }
  const pid = await dataDir.readPid();
  if (pid && processAlive(pid.pid)) {
    throw new CliError(`a node process (pid ${pid.pid}) holds ${dataDir.path} but does not answer on its control socket. Wait for it to finish starting, or stop it, then try again.`);
  }
  return false;
}

/** An error whose message is written for the person at the terminal; the CLI prints it and exits 1. */
export class CliError extends Error {}
