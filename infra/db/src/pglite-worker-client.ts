import { Worker } from 'node:worker_threads';
import { messages, type QueryOptions, type Results } from '@electric-sql/pglite';

/**
 * The embedded database off the main thread: PGlite runs in a worker thread
 * (`pglite-worker.js`), and this client sends it one message per statement, so a slow statement
 * (a long ILIKE pattern, a large sort) occupies the worker, never the event loop that serves
 * HTTP. Statements still run one at a time, as on PGlite's single connection: while a
 * transaction is open, statements sent outside it wait for it to end.
 *
 * It offers the part of PGlite's API that drizzle (`drizzle-orm/pglite`) and `@shop/db` use:
 * `query(text, params, { rowMode, parsers, paramTypes })`, `exec(text)`, `transaction(fn)` whose
 * handle has `query`, `exec`, `rollback` and `closed`, and `close()`.
 *
 * Protocol (structured clone): requests `{ id, op, … }` with op `query` (text, params,
 * paramTypes, textTypes, tx?), `exec` (text, tx?), `begin` → transaction id, `rollback` (tx),
 * `end` (tx, commit), `close`; replies `{ id, result }` or `{ id, error }`. The worker returns
 * rows as arrays parsed by PGlite's default parsers, except the columns whose type the caller
 * brings its own parser for (`textTypes`): those stay text and are parsed here, since functions
 * cannot cross threads. Parameters are serialised by PGlite in the worker, from values that
 * survive a structured clone (strings, numbers, bigints, booleans, Dates, byte arrays, plain
 * objects and arrays); custom `serializers`, `blob` and `onNotice` are not supported.
 */
export interface PgliteWorkerClient {
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(text: string, options?: QueryOptions): Promise<Results[]>;
  transaction<T>(fn: (tx: PgliteWorkerTransaction) => Promise<T>): Promise<T>;
  /** Waits for running statements and open transactions, closes PGlite and ends the worker. */
  close(): Promise<void>;
}

/** The handle a {@link PgliteWorkerClient.transaction} callback runs its statements on. */
export interface PgliteWorkerTransaction {
  query<T>(text: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
  exec(text: string, options?: QueryOptions): Promise<Results[]>;
  /** Rolls the transaction back now; the callback's later statements fail. */
  rollback(): Promise<void>;
  readonly closed: boolean;
}

type Request =
  | {
      op: 'query';
      text: string;
      params: unknown[];
      paramTypes?: number[];
      textTypes: number[];
      tx?: number;
    }
  | { op: 'exec'; text: string; tx?: number }
  | { op: 'begin' }
  | { op: 'rollback'; tx: number }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'close' };

/** An error from the worker as plain data (see `describeError` in pglite-worker.js). */
interface WorkerError {
  message: string;
  /** A Postgres error: rebuilt as PGlite's `DatabaseError`, with its SQLSTATE `code`. */
  database?: boolean;
  fields: Record<string, string | number | boolean | undefined>;
}

type Reply = { id: number; result: unknown } | { id: number; error: WorkerError };

type RawResults = Required<Pick<Results<unknown[]>, 'rows' | 'fields' | 'affectedRows'>> &
  Pick<Results, 'command' | 'rowCount'>;

const WORKER_URL = new URL('./pglite-worker.js', import.meta.url);

/**
 * Starts a worker with its own PGlite (in memory, or in `dataDir`) and resolves once the
 * database is ready.
 */
export async function openPgliteWorker(
  options: { dataDir?: string | undefined } = {},
): Promise<PgliteWorkerClient> {
  const worker = new Worker(WORKER_URL, { workerData: { dataDir: options.dataDir } });
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error) => {
      reject(error);
      void worker.terminate();
    };
    worker.once('message', (message: { ready: boolean; error?: WorkerError }) => {
      worker.off('error', fail);
      if (message.ready) resolve();
      else fail(rebuildError(message.error!));
    });
    worker.once('error', fail);
  });
  return new WorkerClient(worker);
}

class WorkerClient implements PgliteWorkerClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(e: Error): void }>();
  #lastId = 0;
  /** Set once the worker cannot answer any more (closed, or it died). */
  #failure: Error | undefined;
  #closing: Promise<void> | undefined;

  constructor(worker: Worker) {
    this.#worker = worker;
    // Idle, the worker does not keep the process alive; a pending request does (see #send).
    worker.unref();
    worker.on('message', (reply: Reply) => this.#settle(reply));
    worker.on('error', (error) => this.#fail(error));
    worker.on('exit', (code) => this.#fail(new Error(`the PGlite worker exited (code ${code})`)));
  }

  query<T>(text: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    return this.#query<T>(text, params, options, undefined);
  }

  exec(text: string, options?: QueryOptions): Promise<Results[]> {
    return this.#exec(text, options, undefined);
  }

  async transaction<T>(fn: (tx: PgliteWorkerTransaction) => Promise<T>): Promise<T> {
    const id = (await this.#send({ op: 'begin' })) as number;
    let closed = false;
    const usable = () => {
      if (closed) throw new Error('Transaction is closed');
    };
    const tx: PgliteWorkerTransaction = {
      query: async <R>(text: string, params: unknown[] = [], options?: QueryOptions) => {
        usable();
        return this.#query<R>(text, params, options, id);
      },
      exec: async (text: string, options?: QueryOptions) => {
        usable();
        return this.#exec(text, options, id);
      },
      rollback: async () => {
        usable();
        await this.#send({ op: 'rollback', tx: id });
        closed = true;
      },
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (error) {
      closed = true;
      await this.#send({ op: 'end', tx: id, commit: false });
      throw error;
    }
    closed = true;
    await this.#send({ op: 'end', tx: id, commit: true });
    return result;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#failure) return;
      try {
        await this.#send({ op: 'close' });
      } finally {
        this.#failure = new Error('PGlite is closed');
        await this.#worker.terminate();
      }
    })();
    return this.#closing;
  }

  async #query<T>(
    text: string,
    params: unknown[],
    options: QueryOptions | undefined,
    tx: number | undefined,
  ): Promise<Results<T>> {
    refuseUnsupported(options);
    const parsers = options?.parsers ?? {};
    const raw = (await this.#send({
      op: 'query',
      text,
      params,
      textTypes: Object.keys(parsers).map(Number),
      ...(options?.paramTypes ? { paramTypes: options.paramTypes } : {}),
      ...(tx === undefined ? {} : { tx }),
    })) as RawResults;
    return shape(raw, options) as Results<T>;
  }

  async #exec(
    text: string,
    options: QueryOptions | undefined,
    tx: number | undefined,
  ): Promise<Results[]> {
    refuseUnsupported(options);
    if (options?.parsers) throw new Error('exec() with parsers is not supported by the worker');
    const raw = (await this.#send({
      op: 'exec',
      text,
      ...(tx === undefined ? {} : { tx }),
    })) as RawResults[];
    return raw.map((results) => shape(results, options));
  }

  #send(request: Request): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = (this.#lastId += 1);
    return new Promise((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      try {
        this.#worker.postMessage({ id, ...request });
      } catch (error) {
        // e.g. a parameter that cannot be cloned (a function, a class with private state)
        this.#pending.delete(id);
        if (this.#pending.size === 0) this.#worker.unref();
        reject(error as Error);
      }
    });
  }

  #settle(reply: Reply): void {
    const waiter = this.#pending.get(reply.id);
    if (!waiter) return;
    this.#pending.delete(reply.id);
    if (this.#pending.size === 0) this.#worker.unref();
    if ('error' in reply) waiter.reject(rebuildError(reply.error));
    else waiter.resolve(reply.result);
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiter of this.#pending.values()) waiter.reject(this.#failure);
    this.#pending.clear();
  }
}

function refuseUnsupported(options: QueryOptions | undefined): void {
  if (options?.serializers || options?.blob || options?.onNotice) {
    throw new Error('serializers, blob and onNotice are not supported by the PGlite worker');
  }
}

/**
 * The caller's view of the worker's rows: its own parsers applied to the columns the worker
 * left as text, and rows as objects (later columns win on equal names, as in PGlite) unless
 * `rowMode` is `array`.
 */
function shape(raw: RawResults, options: QueryOptions | undefined): Results {
  const parsers = options?.parsers;
  const rows = raw.rows;
  if (parsers) {
    raw.fields.forEach(({ dataTypeID }, column) => {
      // PGlite calls a parser with the column's type too (its declared type omits it).
      const parse = parsers[dataTypeID] as ((text: string, type: number) => unknown) | undefined;
      if (!parse) return;
      for (const row of rows) {
        const value = row[column];
        if (value !== null) row[column] = parse(value as string, dataTypeID);
      }
    });
  }
  const shaped =
    options?.rowMode === 'array'
      ? rows
      : rows.map((row) =>
          Object.fromEntries(raw.fields.map((field, column) => [field.name, row[column]])),
        );
  return { ...raw, rows: shaped };
}

/** PGlite's `DatabaseError` (with `code`, `detail`, `constraint`…) or a plain `Error`. */
function rebuildError(error: WorkerError): Error {
  const rebuilt = error.database
    ? new messages.DatabaseError(error.message, Number(error.fields.length ?? 0), 'error')
    : new Error(error.message);
  const { name: _name, length: _length, ...fields } = error.fields;
  return Object.assign(rebuilt, fields);
}
