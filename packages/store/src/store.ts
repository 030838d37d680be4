import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql, type ConnectionProvider, type DatabaseConnection, type Dialect, type Driver } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Store } from '@parley/core';
import { migrations } from './migrations/index.js';
import { checkRepo, inboxRepo, notificationRepo, outboxRepo, peerDirectoryRepo, peerRepo } from './federation-repos.js';
import { consultationRepo, legalBasisRepo } from './consultation-repo.js';
import { logRepo } from './log-repo.js';
import { proofRepo } from './proof-repo.js';
import { evidenceRepo } from './evidence-repo.js';
import { normRepo } from './norms-repo.js';
import { witnessRepo } from './witness-repo.js';
import { mailRepo } from './mail-repo.js';
import { auditRepo, contactRepo, sessionRepo, setupLinkRepo, tokenRepo, userRepo } from './repos.js';
import type { Database } from './schema.js';

export type StoreOptions =
  | { engine: 'pglite'; dataDir: string }
  | { engine: 'postgres'; url: string; maxConnections?: number };

function bind(db: Kysely<Database>, engine: Store['engine'], inTransaction: boolean, dialect?: Dialect): Store {
  let queued = false;
  const markQueued = () => {
    queued = true;
  };
  const store: Store = {
    engine,
    users: userRepo(db),
    sessions: sessionRepo(db),
    tokens: tokenRepo(db),
    setupLinks: setupLinkRepo(db),
    contacts: contactRepo(db),
    audit: auditRepo(db),
    peers: peerRepo(db),
    outbox: outboxRepo(db, markQueued),
    inbox: inboxRepo(db),
    peerDirectories: peerDirectoryRepo(db),
    checks: checkRepo(db),
    notifications: notificationRepo(db),
    log: logRepo(db),
    proofs: proofRepo(db),
    evidence: evidenceRepo(db, markQueued),
    norms: normRepo(db),
    witness: witnessRepo(db),
    consultations: consultationRepo(db),
    legalBases: legalBasisRepo(db),
    mail: mailRepo(db),
    transaction: (fn) => {
      if (inTransaction) return fn(store);
      if (dialect) return pipelinedTransaction(db, dialect, (conn) => fn(bind(conn, engine, true)));
      return db.transaction().execute((trx) => fn(bind(trx, engine, true)));
    },
    hasQueued: () => queued,
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
  return store;
}

/**
 * Hands each query the connection at once. Kysely's own single-connection provider waits for a
 * query's answer before it sends the next; the pg client in pipeline mode instead sends queries
 * as they come and the server runs them in that order, so statements a caller sends without
 * awaiting each travel together.
 */
class PipelinedConnection implements ConnectionProvider {
  constructor(private readonly connection: DatabaseConnection) {}
  provideConnection<T>(consume: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    return consume(this.connection);
  }
}

const refuse = (): never => {
  throw new Error('a store bound to one connection starts no transaction and opens no connection');
};
/** The driver of a Kysely bound to one connection: nothing may open, begin or close through it. */
const boundDriver: Driver = { init: async () => refuse(), acquireConnection: async () => refuse(), beginTransaction: async () => refuse(), commitTransaction: async () => refuse(), rollbackTransaction: async () => refuse(), releaseConnection: async () => refuse(), destroy: async () => refuse() };

/**
 * A transaction on one PostgreSQL connection in pipeline mode: BEGIN is sent together with the
 * transaction's first statement instead of waiting for its own answer, which saves a round trip on
 * every transaction (the inbox's commits above all; a round trip costs more CPU here than most
 * statements do), and so are statements the callback sends without awaiting each. The server runs
 * a connection's statements in the order they were sent, so the first statement still runs inside
 * the transaction. BEGIN itself fails only when the connection does, and then so does every
 * statement sent behind it; it is checked before COMMIT all the same.
 */
async function pipelinedTransaction<T>(db: Kysely<Database>, dialect: Dialect, fn: (conn: Kysely<Database>) => Promise<T>): Promise<T> {
  const executor = db.getExecutor();
  return executor.provideConnection(async (connection) => {
    const conn = new Kysely<Database>({ config: { dialect }, dialect, driver: boundDriver, executor: executor.withConnectionProvider(new PipelinedConnection(connection)) });
    const begin = sql`begin`.execute(conn);
    begin.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
    try {
      const result = await fn(conn);
      await begin;
      await sql`commit`.execute(conn);
      return result;
    } catch (error) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw error;
    }
  });
}

/** The directory under a node's data directory where the embedded database lives. */
export const pgliteDir = (dataDir: string) => join(dataDir, 'pglite');

/**
 * Opens the store and brings its schema up to date. The embedded engine (PGlite) keeps its
 * files under the data directory and must be opened by one process at a time.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  let db: Kysely<Database>;
  // Set for PostgreSQL only: its transactions are pipelined. PGlite runs in this process, with no round trips to save.
  let pipelined: Dialect | undefined;
  if (options.engine === 'pglite') {
    await mkdir(pgliteDir(options.dataDir), { recursive: true, mode: 0o700 });
    const client = await PGlite.create(pgliteDir(options.dataDir));
    db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  } else {
    // Pipeline mode: statements sent together on one connection travel together (see pipelinedTransaction).
    const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10, pipeline: true });
    // An idle connection the server ends (a restart, an administrator) is dropped by the pool and
    // replaced on the next query; without a listener its error would end the whole process.
    pool.on('error', () => undefined);
    pipelined = new PostgresDialect({ pool });
    db = new Kysely<Database>({ dialect: pipelined });
  }
  try {
    const { error, results } = await new Migrator({ db, provider: migrations }).migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return bind(db, options.engine, false, pipelined);
}
