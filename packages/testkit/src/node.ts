import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { configSchema, createLogger, startNode, type NodeConfig, type RunningNodeHandle } from '@parley/server';
import { DataDir } from '@parley/store';
import { freshDatabase } from './postgres.js';

export type Engine = 'pglite' | 'postgres';

export interface TestNode extends RunningNodeHandle {
  engine: Engine;
  dataDir: string;
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
  options: { engine?: Engine; state?: string; name?: string; config?: Partial<NodeConfig>; now?: () => Date } = {},
): Promise<TestNode> {
  const engine = options.engine ?? 'pglite';
  const dir = await mkdtemp(join(tmpdir(), 'parley-test-'));
  const state = options.state ?? 'XAA';
  await new DataDir(dir).init({ stateCode: state, name: options.name ?? `Test node ${state}`, testState: /^X[A-Z]{2}$/.test(state) });
  const db = engine === 'postgres' ? await freshDatabase() : undefined;
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
    ...(db ? { databaseUrl: db.url } : {}),
    ...options.config,
  });
  const node = await startNode(config, { log: createLogger(config, sink), ...(options.now ? { now: options.now } : {}) });
  return {
    ...node,
    engine,
    dataDir: dir,
    get logs() {
      return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    logText: () => lines.join('\n'),
    close: async () => {
      await node.close();
      await db?.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
