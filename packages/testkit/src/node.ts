import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { configSchema, createLogger, startNode, type ContextOptions, type NodeConfig, type RunningNodeHandle } from '@parley/server';
import { PGlite } from '@electric-sql/pglite';
import type { Store } from '@parley/core';
import { DataDir, openStore, pgliteDir } from '@parley/store';
import { freshDatabase, runSql } from './postgres.js';

export type Engine = 'pglite' | 'postgres';

export interface TestNode extends RunningNodeHandle {
  engine: Engine;
  dataDir: string;
  port: number;
  /** On PostgreSQL: the URL of the node's own database, straight to the server. */
  databaseUrl?: string;
  /** Stops the node but keeps its data, so that `restart` can bring it back on the same port. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Every JSON log line the node wrote, parsed. */
  logs: Record<string, unknown>[];
  /** The raw log text, to check that no secret was ever written. */
  logText(): string;
}

/**
 * Boots a real node on a loopback port with its own store: PGlite in a temporary data
 * directory, or a fresh database on the test PostgreSQL server.
 */
export async function startTestNode(
  options: {
    engine?: Engine;
    state?: string;
    name?: string;
    config?: Partial<NodeConfig>;
    context?: ContextOptions;
    /** The URL the node is given for its fresh PostgreSQL database, such as one through a `startTcpProxy`. */
    databaseUrl?: (direct: string) => string;
    /**
     * SQL run on the node's database once its schema is made, before the node starts, as an
     * operator might run it at a console: a trigger that makes the database refuse one row, say.
     */
    sql?: readonly string[];
  } = {},
): Promise<TestNode> {
  const engine = options.engine ?? 'pglite';
  const dir = await mkdtemp(join(tmpdir(), 'parley-test-'));
  const state = options.state ?? 'XAA';
  await new DataDir(dir).init({ stateCode: state, name: options.name ?? `Test node ${state}`, testState: /^X[A-Z]{2}$/.test(state) });
  const db = engine === 'postgres' ? await freshDatabase() : undefined;
  if (options.sql) await runBeforeStart(db ? { engine: 'postgres', url: db.url } : { engine: 'pglite', dataDir: dir }, options.sql);
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const config = configSchema.parse({
    dataDir: dir,
    host: '127.0.0.1',
    port: 0,
    logLevel: 'info',
    ...(db ? { databaseUrl: options.databaseUrl ? options.databaseUrl(db.url) : db.url } : {}),
    ...options.config,
  });
  const boot = (port: number) => startNode({ ...config, port }, { log: createLogger(config, sink), ...fastFederation, ...options.context });
  let node = await boot(config.port);
  const port = Number(new URL(node.url).port);
  let running = true;
  const handle: TestNode = {
    get url() {
      return node.url;
    },
    get ctx() {
      return node.ctx;
    },
    firstRunLink: node.firstRunLink,
    engine,
    dataDir: dir,
    port,
    ...(db ? { databaseUrl: db.url } : {}),
    get logs() {
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    logText: () => lines.join('\n'),
    stop: async () => {
      if (running) await node.close();
      running = false;
    },
    restart: async () => {
      if (running) await node.close();
      node = await boot(port);
      running = true;
    },
    close: async () => {
      if (running) await node.close();
      running = false;
      await db?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** Makes the schema (the store's migrations), then runs the statements on the database it is in. */
async function runBeforeStart(at: { engine: 'postgres'; url: string } | { engine: 'pglite'; dataDir: string }, statements: readonly string[]): Promise<void> {
  await (await openStore(at)).close();
  if (at.engine === 'postgres') return runSql(at.url, statements);
  const pglite = await PGlite.create(pgliteDir(at.dataDir));
  try {
    for (const statement of statements) await pglite.exec(statement);
  } finally {
    await pglite.close();
  }
}

/** Retries quickly so that tests of delivery after an outage finish in seconds. */
const fastFederation: ContextOptions = { sender: { baseDelayMs: 100, maxDelayMs: 500, pollMs: 200, requestTimeoutMs: 5_000 } };

/**
 * Holds a node's transparency log in a transaction of its own, which has locked the log's head:
 * every append waits for it, the inbox's first, so the node is slow to record (and answer) a
 * delivery until the returned function lets go. That function resolves once the hold has ended.
 */
export async function holdLog(node: { ctx: { store: Store } }): Promise<() => Promise<void>> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding!: () => void;
  const held = new Promise<void>((resolve) => (holding = resolve));
  const hold = node.ctx.store.transaction(async (tx) => {
    await tx.log.lockHead();
    holding();
    await released;
  });
  await Promise.race([held, hold]);
  return async () => {
    release();
    await hold;
  };
}
