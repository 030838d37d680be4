import { chmod, link, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { checkIdentity, DomainError, type NodeIdentity } from '@parley/core';
import { exportPrivateKeyPem, generateNodeKeyPair, importPrivateKeyPem, type NodeKeyPair } from '@parley/protocol';

/**
 * A node's data directory: its identity (node.json), its private key (owner-only),
 * the embedded database, and, while it runs, a pid file and a control socket. Whoever has the
 * store open (the node, or a CLI command acting while no node runs) holds its lock file.
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
  get lockFile() {
    return join(this.path, 'parley.lock');
  }

  /**
   * Takes the directory for this process until `release()`: the node takes it before it opens
   * the store, a CLI command before it opens the store itself. A second process is refused with
   * a message that says who holds it, rather than both opening the store (the embedded one
   * allows one process only) or a command writing while a node starts (its write would be lost
   * or the node would fail). The lock file appears whole or not at all (written beside, then
   * hard-linked into place, which fails if it exists); a lock whose process has ended (or is a
   * zombie), or whose pid now names another process (checked by the process's start time on
   * Linux), is stale and taken over. A pid file or socket left beside a stale lock is removed with it.
   */
  async lock(holder: { role: HolderRole; what: string }): Promise<DataDirLock> {
    await this.checkDirectory();
    const mine: DataDirHolder = { pid: process.pid, ...holder, since: new Date().toISOString(), process: await processIdentity(process.pid) };
    const text = JSON.stringify(mine) + '\n';
    const draft = `${this.lockFile}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(draft, text, { mode: 0o600, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EACCES' && e.code !== 'EPERM' && e.code !== 'EROFS') throw e;
      throw new DomainError('forbidden', 'data_dir_not_writable', `cannot write in ${this.path} (${e.code === 'EROFS' ? 'read-only file system' : 'permission denied'}). Run parley as the user that owns it.`);
    });
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await link(draft, this.lockFile);
          const stale = await this.readPid();
          await this.clearRuntime();
          return new DataDirLock(this.lockFile, text, stale);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        const current = await readHolder(this.lockFile);
        if (current && (await holderAlive(current))) throw await this.busy(holder.role, current);
        await this.removeStaleLock(current);
      }
      throw new DomainError('conflict', 'data_dir_busy', `${this.path} is being taken by other parley processes; try again in a moment.`);
    } finally {
      await rm(draft, { force: true });
    }
  }

  /**
   * Moves the stale lock aside before deleting it, and deletes it only if it is still the one
   * judged stale: another process may have taken it over between the read and the move.
   */
  private async removeStaleLock(judged: DataDirHolder | undefined): Promise<void> {
    const aside = `${this.lockFile}.stale.${process.pid}`;
    try {
      await rename(this.lockFile, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const moved = await readHolder(aside);
    if (moved && judged && (moved.pid !== judged.pid || moved.since !== judged.since)) {
      // A fresh lock, taken meanwhile: put it back (link fails only if yet another process took the place).
      await link(aside, this.lockFile).catch(() => undefined);
    }
    await rm(aside, { force: true });
  }

  /** The refusal a process gets when a live process holds the directory. */
  private async busy(asking: HolderRole, holder: DataDirHolder): Promise<DomainError> {
    // Without /proc the pid alone cannot tell a holder from an unrelated process that got its pid after a restart.
    const unsure = holder.process === undefined || (await processIdentity(holder.pid)) === undefined;
    const hint = unsure ? ` If no parley process runs as pid ${holder.pid}, remove ${this.lockFile}.` : '';
    if (holder.role === 'node') {
      const running = await this.readPid();
      if (asking === 'node') {
        const where = running?.pid === holder.pid ? `, ${running.url}` : ', starting';
        return new DomainError('conflict', 'data_dir_busy', `a node is already running on ${this.path} (pid ${holder.pid}${where}). Stop it first, or use another --data directory.${hint}`);
      }
      return new DomainError('conflict', 'data_dir_busy', `the node in ${this.path} (pid ${holder.pid}) is starting and does not answer on its control socket yet; try again in a moment.${hint}`);
    }
    return new DomainError('conflict', 'data_dir_busy', `another parley command (pid ${holder.pid}, ${holder.what}) is using ${this.path}; try again when it has finished.${hint}`);
  }

  /** Refuses, in words, a data directory that is missing or is not a directory. */
  async checkDirectory(): Promise<void> {
    let info;
    try {
      info = await stat(this.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw this.notInitialised();
      if (code === 'ENOTDIR') throw notADirectory(this.path);
      throw e;
    }
    if (!info.isDirectory()) throw notADirectory(this.path);
  }

  private notInitialised(): DomainError {
    return new DomainError('not_found', 'not_initialised', `No node in ${this.path}. Create one with: parley init --state ISO3 --name NAME --data ${this.path}`);
  }

  async isInitialised(): Promise<boolean> {
    return exists(this.identityFile);
  }

  async init(input: { stateCode: string; name: string; testState: boolean }, now = new Date()): Promise<NodeIdentity> {
    const checked = checkIdentity(input);
    await this.makeDirectory();
    if (await this.isInitialised()) {
      throw new DomainError('conflict', 'already_initialised', `${this.path} already holds a node. Use another --data directory, or start this one with: parley start --data ${this.path}`);
    }
    await chmod(this.path, 0o700);
    const identity: NodeIdentity = { ...checked, createdAt: now.toISOString() };
    // 'wx' refuses to overwrite a key that is already there; the mode makes it owner-only from birth.
    await writeFile(this.keyFile, exportPrivateKeyPem(generateNodeKeyPair()), { mode: 0o600, flag: 'wx' });
    await writeFile(this.identityFile, JSON.stringify(identity, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
    return identity;
  }

  /**
   * Creates the directory and its missing parents one level at a time. Node's recursive mkdir
   * never returns on a path under /proc (it retries forever), and its errors name no directory
   * an administrator could act on.
   */
  private async makeDirectory(): Promise<void> {
    const missing: string[] = [];
    for (let dir = this.path; ; dir = dirname(dir)) {
      let info;
      try {
        info = await stat(dir);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(dir) === dir) throw cannotCreate(this.path, dir, e);
        missing.unshift(dir);
        continue;
      }
      if (dir === this.path && !info.isDirectory()) throw notADirectory(this.path);
      if (!info.isDirectory()) throw new DomainError('invalid', 'data_dir_not_created', `cannot create ${this.path}: ${dir} is a file, not a directory.`);
      break;
    }
    for (const dir of missing) {
      try {
        await mkdir(dir, { mode: 0o700 });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw cannotCreate(this.path, dir, e);
      }
    }
  }

  /** A key being rotated in: written before its announcement commits, promoted after. */
  async writeNextKey(keys: NodeKeyPair): Promise<void> {
    await writeFile(this.nextKeyFile, exportPrivateKeyPem(keys), { mode: 0o600 });
  }

  async readOptionalKey(path: string): Promise<NodeKeyPair | undefined> {
    if (!(await exists(path))) return undefined;
    return readKey(path);
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
    await this.checkDirectory();
    if (!(await this.isInitialised())) throw this.notInitialised();
    const identity = await this.identity();
    let mode;
    try {
      mode = (await stat(this.keyFile)).mode & 0o777;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      throw new DomainError('invalid', 'key_file_missing', `${this.keyFile} is missing: it holds the node's private key, which peers know it by. Restore it from a backup of ${this.path}.`);
    }
    if (mode & 0o077) {
      throw new DomainError('forbidden', 'key_file_exposed', `${this.keyFile} is readable by others (mode ${mode.toString(8)}). Restrict it with: chmod 600 ${this.keyFile}`);
    }
    return { identity, keys: await readKey(this.keyFile) };
  }

  /** The node's identity from node.json, checked; an error that names the file when it is broken. */
  async identity(): Promise<NodeIdentity> {
    const broken = (why: string) =>
      new DomainError('invalid', 'identity_file_invalid', `${this.identityFile} is not a valid node identity (${why}). Restore it from a backup of ${this.path}.`);
    let identity: Partial<NodeIdentity> | null;
    try {
      identity = JSON.parse(await readFile(this.identityFile, 'utf8')) as Partial<NodeIdentity> | null;
    } catch (e) {
      if (e instanceof SyntaxError) throw broken(`not JSON: ${e.message}`);
      throw e;
    }
    if (typeof identity?.stateCode !== 'string' || typeof identity.name !== 'string') throw broken('no stateCode and name');
    return identity as NodeIdentity;
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

  /** The process that holds the directory now, if one does (a lock left by a process that has ended does not count). */
  async holder(): Promise<DataDirHolder | undefined> {
    const holder = await readHolder(this.lockFile);
    return holder && (await holderAlive(holder)) ? holder : undefined;
  }

  async clearRuntime(): Promise<void> {
    await rm(this.pidFile, { force: true });
    await rm(this.socketPath, { force: true });
  }
}

export type HolderRole = 'node' | 'command';

/** What the lock file says about the process holding the data directory. */
export interface DataDirHolder {
  pid: number;
  role: HolderRole;
  /** What the holder does, for the refusal others see, such as "parley peer add". */
  what: string;
  since: string;
  /** The machine's boot and the process's start time (Linux), so a reused pid is not taken for the holder. */
  process?: string;
}

/** This process's hold on a data directory. */
export class DataDirLock {
  private released = false;
  constructor(
    private readonly file: string,
    private readonly text: string,
    /** The pid file found when the lock was taken: left by a node that no longer runs, and removed. */
    readonly stalePid: RunningNode | undefined,
  ) {}

  /** Removes the lock file, if it is still this process's. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if ((await readFile(this.file, 'utf8').catch(() => undefined)) === this.text) await rm(this.file, { force: true });
  }
}

async function readHolder(file: string): Promise<DataDirHolder | undefined> {
  try {
    const holder = JSON.parse(await readFile(file, 'utf8')) as Partial<DataDirHolder>;
    return typeof holder.pid === 'number' && (holder.role === 'node' || holder.role === 'command') ? (holder as DataDirHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the process that took the lock still runs: its pid is alive and, where /proc tells, it is the same process. */
async function holderAlive(holder: DataDirHolder): Promise<boolean> {
  if (!processAlive(holder.pid)) return false;
  // A process killed but not yet reaped by its parent (a zombie) answers signal 0 but holds nothing.
  if ((await procStat(holder.pid))?.[0] === 'Z') return false;
  if (holder.process === undefined) return true;
  const now = await processIdentity(holder.pid);
  return now === undefined || now === holder.process;
}

/** The fields of /proc/PID/stat after the command name (state first), or undefined where /proc does not tell. */
async function procStat(pid: number): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The command name, in parentheses, may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/**
 * The boot id and start time (in clock ticks since boot) of a process, from /proc on Linux:
 * together they name one process, where a pid is reused after it ends or after a restart
 * (pid 1 in every container). Undefined where /proc does not tell.
 */
async function processIdentity(pid: number): Promise<string | undefined> {
  const [boot, stat] = await Promise.all([readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => undefined), procStat(pid)]);
  // The start time is field 22 of the stat line, the 20th after the command name.
  const start = stat?.[19];
  return boot && start ? `${boot.trim()}/${start}` : undefined;
}

/** A node key file, refused in words when it holds no Ed25519 private key. */
async function readKey(path: string): Promise<NodeKeyPair> {
  const pem = await readFile(path, 'utf8');
  try {
    return importPrivateKeyPem(pem);
  } catch (e) {
    const why = e instanceof Error && e.message.startsWith('expected') ? e.message : 'no PEM private key could be read from it';
    throw new DomainError('invalid', 'key_file_invalid', `${path} is not a node key: ${why}. Restore it from a backup of ${dirname(path)}.`);
  }
}

function cannotCreate(path: string, dir: string, e: unknown): DomainError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? `permission denied in ${dirname(dir)}`
      : code === 'EROFS'
        ? `${dirname(dir)} is on a read-only file system`
        : code === 'ENOENT'
          ? `${dirname(dir)} does not allow new directories`
          : code === 'ENOTDIR'
            ? `a part of ${dirname(dir)} is a file, not a directory`
            : (e as Error).message;
  return new DomainError('invalid', 'data_dir_not_created', `cannot create ${path}: ${why}. Choose another --data directory.`);
}

const notADirectory = (path: string) => new DomainError('invalid', 'data_dir_not_directory', `${path} is a file, not a directory. Give --data a directory (it is created by parley init).`);

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
