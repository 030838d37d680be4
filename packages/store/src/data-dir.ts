import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { checkIdentity, DomainError, type NodeIdentity } from '@parley/core';
import { exportPrivateKeyPem, generateNodeKeyPair, importPrivateKeyPem, type NodeKeyPair } from '@parley/protocol';

/**
 * A node's data directory: its identity (node.json), its private key (owner-only),
 * the embedded database, and, while it runs, a pid file and a control socket.
 */
export class DataDir {
  readonly path: string;
  constructor(path: string) {
    this.path = resolve(path);
  }
  get identityFile() {
    return join(this.path, 'node.json');
  }
  get keyFile() {
    return join(this.path, 'node-key.pem');
  }
  get nextKeyFile() {
    return join(this.path, 'node-key.next.pem');
  }
  get previousKeyFile() {
    return join(this.path, 'node-key.previous.pem');
  }
  get pidFile() {
    return join(this.path, 'parley.pid');
  }
  get socketPath() {
    return join(this.path, 'parley.sock');
  }

  async isInitialised(): Promise<boolean> {
    return exists(this.identityFile);
  }

  async init(input: { stateCode: string; name: string; testState: boolean }, now = new Date()): Promise<NodeIdentity> {
    const checked = checkIdentity(input);
    if (await this.isInitialised()) {
      throw new DomainError('conflict', 'already_initialised', `${this.path} already holds a node. Use another --data directory, or start this one with: parley start --data ${this.path}`);
    }
    await mkdir(this.path, { recursive: true, mode: 0o700 });
    await chmod(this.path, 0o700);
    const identity: NodeIdentity = { ...checked, createdAt: now.toISOString() };
    // 'wx' refuses to overwrite a key that is already there; the mode makes it owner-only from birth.
    await writeFile(this.keyFile, exportPrivateKeyPem(generateNodeKeyPair()), { mode: 0o600, flag: 'wx' });
    await writeFile(this.identityFile, JSON.stringify(identity, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    return identity;
  }

  /** A key being rotated in: written before its announcement commits, promoted after. */
  async writeNextKey(keys: NodeKeyPair): Promise<void> {
    await writeFile(this.nextKeyFile, exportPrivateKeyPem(keys), { mode: 0o600 });
  }

  async readOptionalKey(path: string): Promise<NodeKeyPair | undefined> {
    if (!(await exists(path))) return undefined;
    return importPrivateKeyPem(await readFile(path, 'utf8'));
  }

  /** The current key becomes the previous one; the next key becomes current. */
  async promoteNextKey(): Promise<void> {
    await rename(this.keyFile, this.previousKeyFile);
    await rename(this.nextKeyFile, this.keyFile);
  }

  async discardNextKey(): Promise<void> {
    await rm(this.nextKeyFile, { force: true });
  }

  async load(): Promise<{ identity: NodeIdentity; keys: NodeKeyPair }> {
    if (!(await this.isInitialised())) {
      throw new DomainError('not_found', 'not_initialised', `No node in ${this.path}. Create one with: parley init --state ISO3 --name NAME --data ${this.path}`);
    }
    const identity = JSON.parse(await readFile(this.identityFile, 'utf8')) as NodeIdentity;
    const mode = (await stat(this.keyFile)).mode & 0o777;
    if (mode & 0o077) {
      throw new DomainError('forbidden', 'key_file_exposed', `${this.keyFile} is readable by others (mode ${mode.toString(8)}). Restrict it with: chmod 600 ${this.keyFile}`);
    }
    return { identity, keys: importPrivateKeyPem(await readFile(this.keyFile, 'utf8')) };
  }

  async writePid(info: RunningNode): Promise<void> {
    await writeFile(this.pidFile, JSON.stringify(info) + '\n', { mode: 0o600 });
  }

  async readPid(): Promise<RunningNode | undefined> {
    try {
      return JSON.parse(await readFile(this.pidFile, 'utf8')) as RunningNode;
    } catch {
      return undefined;
    }
  }

  async clearRuntime(): Promise<void> {
    await rm(this.pidFile, { force: true });
    await rm(this.socketPath, { force: true });
  }
}

export interface RunningNode {
  pid: number;
  url: string;
  startedAt: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Whether a process with this pid is alive (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
