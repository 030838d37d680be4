import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql, type ConnectionProvider, type DatabaseConnection, type Dialect, type Driver } from 'kysely';
import pg from 'pg';
import { AlreadyReceived, LogHeadMoved, StoreUnavailable, type Store } from '@parley/core';
import { migrations } from './migrations/index.js';
import { PREPARED_STATEMENTS, PreparedPGliteDialect } from './pglite-dialect.js';
import { checkRepo, inboxRepo, notificationRepo, outboxRepo, peerDirectoryRepo, peerRepo } from './federation-repos.js';
import { consultationRepo, legalBasisRepo } from './consultation-repo.js';
import { LogHeadCache, logRepo } from './log-repo.js';
import { proofRepo } from './proof-repo.js';
import { evidenceRepo } from './evidence-repo.js';
import { normRepo } from './norms-repo.js';
import { witnessRepo } from './witness-repo.js';
import { mailRepo } from './mail-repo.js';
import { attemptRepo, auditRepo, contactRepo, sessionRepo, setupLinkRepo, tokenRepo, userRepo } from './repos.js';
import type { Database } from './schema.js';

/** The database became unreachable (with why, naming the server by host and port only), or reachable again. */
export type Reachability = { reachable: false; reason: string } | { reachable: true; afterMs: number };

export type StoreOptions =
  | { engine: 'pglite'; dataDir: string }
  | {
      engine: 'postgres';
      url: string;
      maxConnections?: number;
      /** How long a statement may wait for its answer before its connection is taken for lost (ANSWER_TIMEOUT_MS). */
      answerTimeoutMs?: number;
      /** Called once each time the database stops or starts answering, not at every failed query. */
      onReachability?: (change: Reachability) => void;
    };

/**
 * How long a connection to PostgreSQL may take to open: a host that does not answer (a firewall
 * that drops packets) would otherwise hold a start, or a request, for the operating system's TCP
 * timeout, minutes.
 */
export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * How long a statement may wait for its answer, once migrations have run, before its connection
 * is taken for lost (PARLEY_DATABASE_ANSWER_SECONDS). A network that silently drops packets (no
 * RST, no FIN) otherwise leaves a statement waiting for the kernel's TCP retransmissions to give
 * up, a quarter of an hour, and every request behind it hangs. Long enough for any statement a
 * request or a peer's delivery runs, including one that waits for a lock; migrations, which may
 * rewrite whole tables, are not bounded.
 */
export const ANSWER_TIMEOUT_MS = 30_000;

/**
 * TCP keepalive on every connection, after this long idle: a firewall or NAT that forgets idle
 * connections does not forget these, and the operating system drops one whose server no longer
 * answers its probes, before a query finds it dead.
 */
export const KEEPALIVE_IDLE_MS = 10_000;

/** What the stores of one database share across transactions: the log head this process last committed. */
interface Shared {
  logHead: LogHeadCache;
}

/** A store over `db`; inside a transaction, `pipeline` is the one connection it runs on. */
function bind(db: Kysely<Database>, dialect: Dialect, engine: Store['engine'], shared: Shared, pipeline?: PipelinedConnection): Store {
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
    signInAttempts: attemptRepo(db),
    contacts: contactRepo(db),
    audit: auditRepo(db),
    peers: peerRepo(db),
    outbox: outboxRepo(db, markQueued),
    inbox: inboxRepo(db),
    peerDirectories: peerDirectoryRepo(db),
    checks: checkRepo(db),
    notifications: notificationRepo(db),
    log: logRepo(db, shared.logHead, pipeline),
    proofs: proofRepo(db),
    evidence: evidenceRepo(db, markQueued),
    norms: normRepo(db),
    witness: witnessRepo(db),
    consultations: consultationRepo(db),
    legalBases: legalBasisRepo(db),
    mail: mailRepo(db),
    transaction: (fn) => (pipeline ? fn(store) : pipelinedTransaction(db, dialect, (conn, p) => fn(bind(conn, dialect, engine, shared, p))).catch((e: unknown) => Promise.reject(domainFailure(e)))),
    hasQueued: () => queued,
    sent: (issue) => {
      if (!pipeline) throw new Error('a statement is left unanswered only inside a transaction, whose COMMIT checks it');
      const before = pipeline.count;
      issue().catch(() => undefined); // its failure fails the transaction
      // Asked for later, after something it awaited, it could come after COMMIT: refuse that at once.
      if (pipeline.count === before) throw new Error('tx.sent takes a statement sent at once, not one that first waits for something');
    },
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
 * awaiting each travel together. It keeps what it sent, so nothing that failed goes unnoticed.
 */
class PipelinedConnection implements ConnectionProvider {
  private readonly sent: Promise<unknown>[] = [];
  private ended = false;
  private readonly committed: (() => void)[] = [];
  private readonly failed: (() => void)[] = [];
  constructor(private readonly connection: DatabaseConnection) {}

  /** Runs `fn` once the transaction has committed. */
  onCommit(fn: () => void): void {
    this.committed.push(fn);
  }

  /** Runs `fn` once the transaction has failed (rolled back, or its outcome unknown). */
  onFailure(fn: () => void): void {
    this.failed.push(fn);
  }

  /** Runs what was asked for this outcome. */
  settle(outcome: 'committed' | 'failed'): void {
    for (const fn of outcome === 'committed' ? this.committed : this.failed) fn();
  }

  provideConnection<T>(consume: (connection: DatabaseConnection) => Promise<T>): Promise<T> {
    // After COMMIT or ROLLBACK the connection goes back to the pool: a statement sent now would
    // run outside the transaction, or inside another one.
    if (this.ended) return Promise.reject(new Error('a statement was asked for after its transaction ended, and was not sent'));
    const answer = consume(this.connection);
    this.sent.push(answer);
    return answer;
  }

  /** How many statements have been sent. */
  get count(): number {
    return this.sent.length;
  }

  /** Sends the statement that ends the transaction; nothing is sent after it. */
  end(statement: 'commit' | 'rollback', conn: Kysely<Database>): Promise<unknown> {
    const answer = (statement === 'commit' ? sql`commit` : sql`rollback`).execute(conn);
    this.ended = true;
    return answer;
  }

  /** Once every statement sent so far is answered: the first failure among them, if any. */
  async firstFailure(): Promise<{ error: unknown } | undefined> {
    for (const outcome of await Promise.allSettled(this.sent)) if (outcome.status === 'rejected') return { error: outcome.reason };
    return undefined;
  }

  /**
   * Once every statement sent so far is answered: what a callback that threw `error` failed of.
   * After a failed statement PostgreSQL refuses every later one ("current transaction is
   * aborted"), so when the callback throws a statement's failure, the statement that failed first
   * (one it sent without waiting, say) is the cause, and its error is the one to report. Anything
   * else the callback throws is its own decision and passes on unchanged.
   */
  async cause(error: unknown): Promise<unknown> {
    const failures = (await Promise.allSettled(this.sent)).flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
    return failures.includes(error) ? failures[0] : error;
  }
}

const refuse = (): never => {
  throw new Error('a store bound to one connection starts no transaction and opens no connection');
};
/** The driver of a Kysely bound to one connection: nothing may open, begin or close through it. */
const boundDriver: Driver = { init: async () => refuse(), acquireConnection: async () => refuse(), beginTransaction: async () => refuse(), commitTransaction: async () => refuse(), rollbackTransaction: async () => refuse(), releaseConnection: async () => refuse(), destroy: async () => refuse() };

/**
 * A transaction that sends each statement as soon as it is asked for. On PostgreSQL the pg client
 * is in pipeline mode: BEGIN travels with the transaction's first statement instead of waiting for
 * its own answer, which saves a round trip on every transaction (the inbox's commits above all; a
 * round trip costs more CPU here than most statements do), and so do statements the callback sends
 * without awaiting each. The server runs a connection's statements in the order they were sent,
 * so the first statement still runs inside the transaction. PGlite runs in this process and queues
 * its queries in the order they come, so the same code holds there.
 *
 * COMMIT is sent as soon as the callback returns, behind the statements it sent and did not wait
 * for, so it costs no round trip of its own. It commits only if all of them succeeded: after a
 * failed statement PostgreSQL holds the transaction as aborted and answers COMMIT with a silent
 * ROLLBACK. That answer must not pass for success, so the transaction succeeds only once every
 * statement, BEGIN and COMMIT included, has succeeded, and otherwise throws the first failure (also
 * when the callback threw a later statement's failure, which the first one caused). The
 * callback's decisions are therefore made before it returns: a statement it did not wait for can
 * fail the transaction, but nothing it answers can change what is committed.
 */
async function pipelinedTransaction<T>(db: Kysely<Database>, dialect: Dialect, fn: (conn: Kysely<Database>, pipeline: PipelinedConnection) => Promise<T>): Promise<T> {
  const executor = db.getExecutor();
  return executor.provideConnection(async (connection) => {
    const pipeline = new PipelinedConnection(connection);
    const conn = new Kysely<Database>({ config: { dialect }, dialect, driver: boundDriver, executor: executor.withConnectionProvider(pipeline) });
    sql`begin`.execute(conn).catch(() => undefined); // its outcome is checked with the rest, below
    let result: T;
    try {
      result = await fn(conn, pipeline);
    } catch (error) {
      await pipeline.end('rollback', conn).catch(() => undefined);
      pipeline.settle('failed');
      throw await pipeline.cause(error);
    }
    pipeline.end('commit', conn).catch(() => undefined); // checked with the rest: a failure before it makes it a rollback
    const failed = await pipeline.firstFailure();
    // PostgreSQL has ended the transaction either way: a failed statement turned COMMIT into a rollback.
    pipeline.settle(failed ? 'failed' : 'committed');
    if (failed) throw failed.error;
    return result;
  });
}

/**
 * A failed transaction's error as the domain knows it, when a statement it did not wait for
 * failed for a reason the domain acts on: an inbox row stored before (`AlreadyReceived`), or a
 * log append that started from a head that had moved (`LogHeadMoved`, the NULL size its guard
 * writes). Anything else passes unchanged.
 */
function domainFailure(e: unknown): unknown {
  const { code, table } = (e ?? {}) as { code?: unknown; table?: unknown };
  if (code === '23505' && table === 'inbox') return new AlreadyReceived('an envelope in the transaction was stored before', { cause: e });
  if (code === '23502' && table === 'log_head') return new LogHeadMoved();
  return e;
}

/** Statements that read or write rows (transaction control gains nothing from a name). */
const ROW_STATEMENT = /^\s*(select|insert|update|delete|with)\b/i;
/** How many statements get a name, and how many seen once are remembered: bounds on what a process keeps. */
const NAMED_TEXTS = 4096;

/**
 * Names the statements a node runs again and again, so PostgreSQL parses and plans each once per
 * connection instead of at every use: from its second use, a statement that reads or writes rows
 * goes to pg as a named statement, which pg prepares on a connection the first time it runs
 * there. The inbox's statements are the same text at every batch; parsing and planning them was
 * about a third of the server's CPU per envelope (bench/federation.mjs). PGlite's dialect
 * prepares its statements the same way (`pglite-dialect.ts`).
 */
class NamedStatements {
  /** Set once migrations have run: no statement is named before the schema is final. */
  ready = false;
  private readonly names = new Map<string, string>();
  /** Statements seen once; cleared when full, so a statement first seen late can still earn a name. */
  private readonly seen = new Set<string>();

  /** Makes `client` run named statements; Kysely calls `query(text, values)`, and only that form is named. */
  install(client: pg.PoolClient): void {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    // What this connection has prepared: the server keeps it until the connection closes.
    const prepared = new Set<string>();
    client.query = ((...args: unknown[]) => {
      const [text, values] = args;
      const name = args.length === 2 && typeof text === 'string' && Array.isArray(values) ? this.nameFor(text, prepared) : undefined;
      return query(...(name ? [{ name, text, values }] : args));
    }) as typeof client.query;
  }

  private nameFor(text: string, prepared: Set<string>): string | undefined {
    if (!this.ready || !ROW_STATEMENT.test(text)) return undefined;
    let name = this.names.get(text);
    if (!name) {
      if (this.names.size >= NAMED_TEXTS) return undefined;
      if (!this.seen.has(text)) {
        if (this.seen.size >= NAMED_TEXTS) this.seen.clear();
        this.seen.add(text);
        return undefined;
      }
      this.seen.delete(text);
      name = `parley_${this.names.size + 1}`;
      this.names.set(text, name);
    }
    // A connection keeps what it prepared until it closes; past the limit it runs new statements unnamed.
    if (!prepared.has(name)) {
      if (prepared.size >= PREPARED_STATEMENTS) return undefined;
      prepared.add(name);
    }
    return name;
  }
}

const describe = (e: unknown) => (e instanceof Error ? e.message : typeof (e as { message?: unknown })?.message === 'string' ? (e as { message: string }).message : JSON.stringify(e));

/**
 * Why the PostgreSQL server in DATABASE_URL cannot be used, when a failure shows the server
 * cannot be reached, has cut the connection, or refuses the user or database; undefined for any
 * other failure (a statement's own error). The server is named by host and port only: the URL
 * holds a password.
 */
function postgresUnusable(url: string, e: unknown, answerTimeoutMs: number): string | undefined {
  let host = 'its host';
  let user = '';
  let database = '';
  try {
    const u = new URL(url);
    host = `${u.hostname || 'localhost'}:${u.port || 5432}`;
    user = decodeURIComponent(u.username);
    database = decodeURIComponent(u.pathname.slice(1));
  } catch {
    // pg accepts forms the URL parser does not; the message then names no host.
  }
  const server = `the PostgreSQL server in DATABASE_URL (${host})`;
  const err = e as { code?: unknown; message?: unknown } | undefined;
  const message = String(err?.message ?? err);
  const code = typeof err?.code === 'string' ? err.code : '';
  switch (code) {
    case 'ECONNREFUSED':
      return `cannot connect to ${server}: connection refused. Is it running and listening there?`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot connect to ${server}: no such host. Check the host name in DATABASE_URL.`;
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot connect to ${server}: it cannot be reached from this machine. Check the host in DATABASE_URL, and the network or firewall between them.`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `the connection to ${server} was cut (${code}).`;
    case '28P01':
    case '28000':
      return `${server} refused the user ${user || '(none)'}: ${message}. Check the user and password in DATABASE_URL.`;
    case '3D000':
      return `the database ${database || '(none)'} does not exist on ${server}. Create it (createdb), or name another in DATABASE_URL.`;
    case '57P01':
    case '57P02':
    case '57P03':
      return `${server} is shutting down or starting up: ${message}.`;
    case '53300':
      return `${server} has no connection to spare: ${message}. Raise its max_connections, or run fewer clients.`;
  }
  if (code.startsWith('08')) return `${server} broke off the connection: ${message}.`;
  // pg's own failures carry no code; a statement's do (57014 is a statement timeout, not the server's).
  if (code) return undefined;
  // pg's query_timeout: the connection has been dropped, and the statements sent on it failed.
  if (message === 'Query read timeout') {
    return `${server} did not answer within ${answerTimeoutMs / 1000} seconds (PARLEY_DATABASE_ANSWER_SECONDS), so the connection was dropped: the network between them may be losing packets, or the server may be stuck. Check the network or firewall between this machine and the server, and the server itself.`;
  }
  if (/timeout/i.test(message)) {
    return `cannot connect to ${server}: no answer within ${CONNECT_TIMEOUT_MS / 1000} seconds. Check the host and port in DATABASE_URL, and that a firewall lets this machine reach it.`;
  }
  if (/^Connection terminated|not queryable/.test(message)) return `the connection to ${server} was cut.`;
  return undefined;
}

/**
 * The pg client class for connections that must open within CONNECT_TIMEOUT_MS (the pool's own
 * `connectionTimeoutMillis` would also bound the wait for a free connection, failing requests that
 * only queue behind others under load), with TCP keepalive, and whose server ends the session of
 * a transaction left idle for `answerTimeoutMs`: a transaction whose client lost the network would
 * otherwise keep its locks (the log's, say) until the server's own TCP gives up on it, and the
 * node, once it reconnects, would wait for them.
 */
function boundedClient(answerTimeoutMs: number): typeof pg.Client {
  return class BoundedClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({
        ...config,
        connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
        keepAlive: true,
        keepAliveInitialDelayMillis: KEEPALIVE_IDLE_MS,
        idle_in_transaction_session_timeout: answerTimeoutMs,
      });
    }
  };
}

/**
 * Makes every statement `client` sends, once `bounded()`, wait at most `answerTimeoutMs` for its
 * answer (pg's `query_timeout`, which in pipeline mode destroys the connection, failing every
 * statement sent on it). Installed beneath NamedStatements, so it sees both forms Kysely's
 * queries take by then: text and values, or a named statement.
 */
function boundAnswers(client: pg.PoolClient, answerTimeoutMs: number, bounded: () => boolean): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    const [first, values] = args;
    if (!bounded() || args.length > 2) return query(...args);
    if (typeof first === 'string') return query({ text: first, values, query_timeout: answerTimeoutMs });
    if (typeof first === 'object' && first !== null && args.length === 1 && typeof (first as { submit?: unknown }).submit !== 'function') {
      return query({ ...first, query_timeout: answerTimeoutMs });
    }
    return query(...args);
  }) as typeof client.query;
}

/**
 * The pool Kysely is given: every failure to reach the server becomes a StoreUnavailable (a
 * 503 to clients and peers, not a 500), and `onReachability` hears of each change between
 * reachable and not, once.
 */
function watchedPool(pool: pg.Pool, url: string, answerTimeoutMs: number, onReachability: (change: Reachability) => void): { connect(): Promise<pg.PoolClient>; end(): Promise<void> } {
  let downSince: number | null = null;
  // When the server was last seen again after being unreachable.
  let upAt = 0;
  // Reachable again once a new connection opens or a statement is answered: not when the pool
  // hands out an idle connection, which may be the very one that no longer gets answers.
  const up = () => {
    if (downSince === null) return;
    upAt = Date.now();
    const afterMs = upAt - downSince;
    downSince = null;
    onReachability({ reachable: true, afterMs });
  };
  // A failure of something started before the server was seen again is old news: its caller
  // still gets StoreUnavailable, but it does not report the server unreachable once more.
  const failure = (e: unknown, startedAt: number): unknown => {
    if (e instanceof StoreUnavailable) return e;
    const reason = postgresUnusable(url, e, answerTimeoutMs);
    if (!reason) return e;
    if (downSince === null && startedAt >= upAt) {
      downSince = Date.now();
      onReachability({ reachable: false, reason });
    }
    return new StoreUnavailable(reason, { cause: e });
  };
  pool.on('connect', (client) => {
    up();
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    client.query = ((...args: unknown[]) => {
      const startedAt = Date.now();
      const answer = query(...args);
      // Kysely awaits the promise form; a callback or cursor form is left as it is.
      return answer instanceof Promise
        ? answer.then(
            (r) => {
              up();
              return r;
            },
            (e: unknown) => {
              throw failure(e, startedAt);
            },
          )
        : answer;
    }) as typeof client.query;
  });
  return {
    connect: () => {
      const startedAt = Date.now();
      return pool.connect().catch((e: unknown) => {
        throw failure(e, startedAt);
      });
    },
    end: () => pool.end(),
  };
}

/** The directory under a node's data directory where the embedded database lives. */
export const pgliteDir = (dataDir: string) => join(dataDir, 'pglite');

/**
 * Opens the store and brings its schema up to date. The embedded engine (PGlite) keeps its
 * files under the data directory and must be opened by one process at a time.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  let dialect: Dialect;
  const statements = new NamedStatements();
  if (options.engine === 'pglite') {
    await mkdir(pgliteDir(options.dataDir), { recursive: true, mode: 0o700 });
    const pglite = await PGlite.create(pgliteDir(options.dataDir)).catch((e: unknown) => {
      // PGlite's WebAssembly runtime may throw objects that are not Errors.
      throw new Error(`cannot open the embedded database in ${pgliteDir(options.dataDir)}: ${describe(e)}`);
    });
    dialect = new PreparedPGliteDialect(pglite);
  } else {
    // Pipeline mode: statements sent together on one connection travel together (see pipelinedTransaction).
    const answerTimeoutMs = options.answerTimeoutMs ?? ANSWER_TIMEOUT_MS;
    const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10, pipeline: true, Client: boundedClient(answerTimeoutMs) });
    // A connection the server ends or the network cuts (a restart, an outage) is dropped by the
    // pool and replaced on the next query, and the query it was running fails; without these
    // listeners its error event would end the whole process, whether it was idle or in use.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => {
      client.on('error', () => undefined);
      // Bounded once migrations have run, as statements are named: a migration may take long.
      boundAnswers(client, answerTimeoutMs, () => statements.ready);
      statements.install(client);
    });
    // Reported from the first open on: before that, a failure is the start's own error message.
    const report = options.onReachability ?? (() => undefined);
    dialect = new PostgresDialect({ pool: watchedPool(pool, options.url, answerTimeoutMs, (change) => statements.ready && report(change)) });
  }
  const db = new Kysely<Database>({ dialect });
  try {
    const { error, results } = await new Migrator({ db, provider: migrations }).migrateToLatest();
    if (error) {
      if (error instanceof StoreUnavailable) throw new Error(error.reason);
      const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
      throw new Error(`database migration ${failed} failed: ${describe(error)}`);
    }
  } catch (e) {
    await db.destroy();
    throw e;
  }
  // Once the schema is what this code expects: a statement prepared before a migration could
  // describe columns the migration changed.
  statements.ready = true;
  return bind(db, dialect, options.engine, { logHead: new LogHeadCache() });
}
