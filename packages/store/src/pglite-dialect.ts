import { messages as pg, protocol, types, type PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely';

const { serialize } = protocol;
type Message = pg.BackendMessage;
type Field = { name: string; dataTypeID: number };

/** A statement PGlite holds prepared under `name`: the types its parameters take and the columns it returns. */
interface Prepared {
  name: string;
  paramTypes: number[];
  fields: Field[];
}

/** How many prepared statements a connection keeps; the least recently used one is closed to make room. */
export const PREPARED_STATEMENTS = 500;

/** Statements worth preparing once and running many times: those that read or write rows, and the plain BEGIN, COMMIT and ROLLBACK of every transaction. */
const REUSABLE = /^\s*(select|insert|update|delete|with|(begin|commit|rollback)\s*$)/i;
/** Statements that only start or end a transaction or mark a point in it; any other that is not REUSABLE may change the schema. */
const TRANSACTION_CONTROL = /^\s*(begin|start|commit|end|rollback|savepoint|release)\b/i;

/** Statement names are unique in the process, so two connections to one database could not clash. */
let statementNames = 0;

/** Execute (the unnamed portal, every row) and Sync, as PostgreSQL's protocol spells them. */
const EXECUTE_SYNC = Uint8Array.of(0x45, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0x53, 0, 0, 0, 4);
const BYTEA = 17;

/**
 * Bind (the named statement to the unnamed portal), then Execute and Sync, in one buffer. A
 * string goes as text, a byte array as binary (raw bytes, for bytea). pg-protocol's serializer,
 * which PGlite uses, counts each string's UTF-8 length in a JavaScript loop and copies each value
 * twice more; with the inbox's envelopes among the values, that was 8% of an embedded node's CPU.
 * The format is the Bind message of PostgreSQL's frontend/backend protocol ("Message Formats").
 */
export function bindExecuteSync(statement: string, values: readonly (string | Uint8Array | null)[]): Uint8Array {
  const lengths = values.map((v) => (v === null ? -1 : typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength));
  // portal "" and statement name, their terminators; the format codes, the values, no result format codes (all text).
  let size = 4 + 1 + Buffer.byteLength(statement) + 1 + 2 + 2 * values.length + 2 + 2;
  for (const length of lengths) size += 4 + Math.max(length, 0);
  const message = Buffer.allocUnsafe(1 + size + EXECUTE_SYNC.length);
  let at = message.writeUInt8(0x42, 0);
  at = message.writeInt32BE(size, at);
  at = message.writeUInt8(0, at);
  at += message.write(statement, at);
  at = message.writeUInt8(0, at);
  at = message.writeInt16BE(values.length, at);
  for (const value of values) at = message.writeInt16BE(value instanceof Uint8Array ? 1 : 0, at);
  at = message.writeInt16BE(values.length, at);
  values.forEach((value, i) => {
    at = message.writeInt32BE(lengths[i]!, at);
    if (typeof value === 'string') at += message.write(value, at);
    else if (value !== null) {
      message.set(value, at);
      at += value.byteLength;
    }
  });
  at = message.writeInt16BE(0, at);
  message.set(EXECUTE_SYNC, at);
  return message;
}

/** The number of rows a command changed, from its tag ("INSERT 0 3", "UPDATE 2"); undefined for a command that changes none. */
function affectedRows(messages: Message[]): bigint | undefined {
  for (const message of messages) {
    if (message.name !== 'commandComplete') continue;
    const tag = (message as pg.CommandCompleteMessage).text.split(' ');
    if (tag[0] === 'INSERT') return BigInt(tag[2] ?? 0);
    if (tag[0] === 'UPDATE' || tag[0] === 'DELETE' || tag[0] === 'MERGE') return BigInt(tag[1] ?? 0);
  }
  return undefined;
}

/**
 * The one connection to an embedded PGlite database, with its statements prepared once and then
 * only bound and run.
 *
 * PGlite's own `query` sends each statement's six protocol messages (Parse, Describe, Bind,
 * Describe, Execute, Sync) in six calls into the database, each awaited, and parses and plans
 * the statement afresh every time: about 0.5 ms for a one-row upsert on the bench machine, most
 * of an embedded node's CPU. Here a statement that reads or writes rows, or is a plain BEGIN,
 * COMMIT or ROLLBACK, is parsed once, under a name, and each later run is one call of three
 * messages (Bind, Execute, Sync): about 0.16 ms for the same upsert (bench/federation.mjs shows
 * what it does for the inbox).
 *
 * A statement that changes the schema closes every prepared statement, so none keeps a result
 * shape the schema no longer has. Statements run one at a time, in the order they are asked for,
 * under PGlite's own query lock, so nothing PGlite runs for itself comes between two calls.
 */
export class PreparedPGliteConnection implements DatabaseConnection {
  /** Prepared statements by SQL text, least recently used first. */
  private readonly prepared = new Map<string, Prepared>();
  /** Statements evicted from `prepared`, closed with the next statement prepared. */
  private closing: string[] = [];

  constructor(
    private readonly pglite: PGlite,
    private readonly capacity = PREPARED_STATEMENTS,
  ) {}

  /** How many statements are prepared now (for tests). */
  get preparedCount(): number {
    return this.prepared.size;
  }

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const { sql: text, parameters } = compiled;
    try {
      return await this.pglite.runExclusive(async () => {
        if (!REUSABLE.test(text)) return this.runOnce<R>(text, parameters);
        const statement = this.prepared.get(text) ?? (await this.prepare(text));
        // Most recently used last.
        this.prepared.delete(text);
        this.prepared.set(text, statement);
        return this.execute<R>(statement, parameters);
      });
    } catch (error) {
      // Which statement failed, for whoever reads the error; its parameters are left out, as they may hold secrets.
      if (error instanceof pg.DatabaseError) Object.assign(error, { query: text });
      throw error;
    }
  }

  async *streamQuery<R>(compiled: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (chunkSize !== undefined && (!Number.isInteger(chunkSize) || chunkSize <= 0)) throw new Error('chunkSize must be a positive integer');
    const { rows } = await this.executeQuery<R>(compiled);
    const size = chunkSize ?? rows.length;
    for (let i = 0; i < rows.length; i += size) yield { rows: rows.slice(i, i + size) };
  }

  /** Runs protocol messages in one call; a database error among the answers is thrown, once PGlite has read up to the Sync. */
  private async run(message: Uint8Array): Promise<Message[]> {
    const messages = await this.pglite.execProtocolStream(message, { syncToFs: false });
    // Written data reaches the file system when a transaction has ended (or none was open).
    const ready = messages.findLast((m) => m.name === 'readyForQuery') as pg.ReadyForQueryMessage | undefined;
    if (ready?.status === 'I') await this.pglite.syncToFs();
    return messages;
  }

  /** Binds a parsed statement to its parameters and runs it, in one call. */
  private async execute<R>(statement: Prepared, parameters: readonly unknown[]): Promise<QueryResult<R>> {
    const messages = await this.run(bindExecuteSync(statement.name, this.values(parameters, statement.paramTypes)));
    return { rows: this.rows<R>(messages, statement.fields), numAffectedRows: affectedRows(messages) };
  }

  /** Parses a statement under `name` ('' for the unnamed one) and learns its parameter types and columns; `close` names statements to close first. */
  private async parse(name: string, text: string, close: string[] = []): Promise<Prepared> {
    const closing = close.map((old) => serialize.close({ type: 'S', name: old }));
    return describedAs(name, await this.run(Buffer.concat([...closing, serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync()])));
  }

  /** Parses a statement under a new name and keeps it, closing the least recently used one beyond capacity. */
  private async prepare(text: string): Promise<Prepared> {
    const statement = await this.parse(`parley_${++statementNames}`, text, this.closing);
    this.closing = [];
    this.prepared.set(text, statement);
    for (const [oldText, old] of this.prepared) {
      if (this.prepared.size <= this.capacity) break;
      this.prepared.delete(oldText);
      this.closing.push(old.name);
    }
    return statement;
  }

  /** Runs a statement that is not kept (a schema change, a savepoint) as the unnamed statement. */
  private async runOnce<R>(text: string, parameters: readonly unknown[]): Promise<QueryResult<R>> {
    const result = await this.execute<R>(await this.parse('', text), parameters);
    if (!TRANSACTION_CONTROL.test(text)) await this.forgetAll();
    return result;
  }

  /** After a schema change: closes every prepared statement, so each is parsed again against the schema as it is now. */
  private async forgetAll(): Promise<void> {
    const names = [...this.closing, ...[...this.prepared.values()].map((p) => p.name)];
    this.prepared.clear();
    this.closing = [];
    if (names.length > 0) await this.run(Buffer.concat([...names.map((name) => serialize.close({ type: 'S', name })), serialize.sync()]));
  }

  /** Parameters as PGlite's own query sends them, through its serializer for the parameter's type, else as text; bytes for bytea as they are. */
  private values(parameters: readonly unknown[], types: number[]): (string | Uint8Array | null)[] {
    return parameters.map((value, i) => {
      if (value === null || value === undefined) return null;
      if (types[i] === BYTEA && value instanceof Uint8Array) return value;
      const serializer = this.pglite.serializers[types[i] ?? -1];
      return serializer ? (serializer(value) as string | Uint8Array) : String(value);
    });
  }

  private rows<R>(messages: Message[], fields: Field[]): R[] {
    const rows: R[] = [];
    for (const message of messages) {
      if (message.name !== 'dataRow') continue;
      const values = (message as pg.DataRowMessage).fields;
      const row: Record<string, unknown> = {};
      fields.forEach((field, i) => (row[field.name] = types.parseType(values[i] ?? null, field.dataTypeID, this.pglite.parsers)));
      rows.push(row as R);
    }
    return rows;
  }
}

function rowFields(messages: Message[]): Field[] {
  const description = messages.find((m) => m.name === 'rowDescription') as pg.RowDescriptionMessage | undefined;
  return description?.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })) ?? [];
}

function describedAs(name: string, messages: Message[]): Prepared {
  const parameters = messages.find((m) => m.name === 'parameterDescription') as pg.ParameterDescriptionMessage | undefined;
  return { name, paramTypes: parameters?.dataTypeIDs ?? [], fields: rowFields(messages) };
}

/**
 * The driver: PGlite has one connection, so each caller waits for the one before it to release
 * it; a transaction holds it from BEGIN to COMMIT or ROLLBACK.
 */
class PreparedPGliteDriver implements Driver {
  private readonly connection: PreparedPGliteConnection;
  private held = false;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly pglite: PGlite) {
    this.connection = new PreparedPGliteConnection(pglite);
  }

  /** A database made with `new PGlite()` is still starting: its protocol calls would wait forever, unlike its `query`. */
  async init(): Promise<void> {
    await this.pglite.waitReady;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.held = true;
    return this.connection;
  }

  async releaseConnection(): Promise<void> {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async destroy(): Promise<void> {
    await this.pglite.close();
  }
}

/** Kysely over an embedded PGlite database, PostgreSQL's SQL, with prepared statements (see PreparedPGliteConnection). */
export class PreparedPGliteDialect implements Dialect {
  constructor(private readonly pglite: PGlite) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PreparedPGliteDriver(this.pglite);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}
