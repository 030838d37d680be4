import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The built `parley` command; `npm test` builds it first. */
export const CLI_BIN = fileURLToPath(new URL('../../cli/dist/bin.js', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `parley ARGS` as a user would, with standard input and a time limit; `as` another user when the tests run as root. */
export function parleyCli(args: string[], input = '', env: NodeJS.ProcessEnv = {}, as: { uid?: number; gid?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '', ...env }, ...as });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

export interface CliNode {
  url: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no chance to finish anything. */
  kill(): Promise<void>;
}

/** Starts `parley start` as a child process and resolves once it has printed its URL. */
export function spawnCliNode(dataDir: string, extra: string[] = []): Promise<CliNode> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, 'start', '--data', dataDir, '--port', '0', ...extra], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DATABASE_URL: '' },
    });
    let stderr = '';
    let done = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node did not start within 60 s:\n${stderr}`));
    }, 60_000);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      const url = /Web and API:\s+(\S+)/.exec(stderr)?.[1];
      if (!done && url && stderr.includes('Store:')) {
        done = true;
        clearTimeout(timer);
        // The first-run line, when there is one, follows straight after.
        setTimeout(() => {
          resolve({
            url,
            child,
            stderr: () => stderr,
            stop: async () => {
              child.kill('SIGTERM');
              return exited;
            },
            kill: async () => {
              child.kill('SIGKILL');
              await exited;
            },
          });
        }, 150);
      }
    });
    void exited.then((code) => {
      if (!done) {
        clearTimeout(timer);
        reject(new Error(`node exited (${code}) before it started:\n${stderr}`));
      }
    });
  });
}

/** A port on 127.0.0.1 that nothing listens on right now: taken from the system, then released. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
