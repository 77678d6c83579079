// The worker-thread side of the embedded database: one PGlite instance, driven by the messages
// of `pglite-worker-client.ts` (which documents the protocol). Plain JavaScript so that the
// worker starts without a TypeScript loader, under tsx, vitest and in the Docker image alike.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, messages } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/** Rejects a transaction's callback so that PGlite rolls the transaction back. */
const ROLLBACK = Symbol('rollback');
const keepText = (value) => value;

/** Open transactions by id: PGlite's handle, and how to end its callback. */
const transactions = new Map();
let lastTransactionId = 0;

const { dataDir, pgliteWasmModule, initdbWasmModule } = workerData;
// pg_trgm (trigram similarity) is loaded so `create extension pg_trgm` works as on Postgres.
const pg = new PGlite({
  ...(dataDir ? { dataDir } : {}),
  ...(pgliteWasmModule ? { pgliteWasmModule } : {}),
  ...(initdbWasmModule ? { initdbWasmModule } : {}),
  extensions: { pg_trgm },
});

try {
  await pg.waitReady;
  parentPort.on('message', (request) => {
    handle(request).then(
      (result) => reply({ id: request.id, result }),
      (error) => reply({ id: request.id, error: describeError(error) }),
    );
  });
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ ready: false, error: describeError(error) });
}

async function handle(request) {
  switch (request.op) {
    case 'query': {
      // Every row comes back as an array; columns of `textTypes` stay text, for the caller's
      // own parsers (functions cannot cross threads).
      const parsers = Object.fromEntries(request.textTypes.map((type) => [type, keepText]));
      const result = await target(request.tx).query(request.text, request.params, {
        rowMode: 'array',
        parsers,
        ...(request.paramTypes ? { paramTypes: request.paramTypes } : {}),
      });
      return plainResults(result);
    }
    case 'exec':
      return (await target(request.tx).exec(request.text, { rowMode: 'array' })).map(plainResults);
    case 'begin':
      return begin();
    case 'rollback':
      await open(request.tx).handle.rollback();
      return null;
    case 'end':
      return end(request.tx, request.commit);
    case 'close':
      await pg.close();
      return null;
    default:
      throw new Error(`unknown request ${String(request.op)}`);
  }
}

function target(tx) {
  return tx === undefined ? pg : open(tx).handle;
}

function open(tx) {
  const transaction = transactions.get(tx);
  if (!transaction) throw new Error('Transaction is closed');
  return transaction;
}

/**
 * Opens a transaction with PGlite's own `transaction()`, which holds PGlite's transaction mutex
 * until the callback settles: statements sent outside it wait meanwhile, exactly as in PGlite.
 */
function begin() {
  return new Promise((resolve, reject) => {
    const id = (lastTransactionId += 1);
    let finish;
    const finished = new Promise((done, abort) => {
      finish = (commit) => (commit ? done() : abort(ROLLBACK));
    });
    const settled = pg.transaction(async (handle) => {
      transactions.set(id, { handle, finish, settled });
      resolve(id);
      await finished;
    });
    // A failing BEGIN rejects before the callback ran; afterwards this rejection is `end`'s.
    settled.catch((error) => {
      if (!transactions.has(id)) reject(error);
    });
  });
}

/** Ends the callback of transaction `tx`: PGlite then commits or rolls back. */
async function end(tx, commit) {
  const transaction = open(tx);
  transactions.delete(tx);
  transaction.finish(commit);
  try {
    await transaction.settled;
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  return null;
}

function plainResults(result) {
  return {
    rows: result.rows,
    fields: result.fields.map(({ name, dataTypeID }) => ({ name, dataTypeID })),
    affectedRows: result.affectedRows,
    ...(result.command !== undefined ? { command: result.command } : {}),
    ...(result.rowCount !== undefined ? { rowCount: result.rowCount } : {}),
  };
}

/**
 * An error as plain data: a Postgres error keeps every field (SQLSTATE `code`, `detail`,
 * `constraint`…) but not the statement's parameters, which the caller already has.
 */
function describeError(error) {
  if (!(error instanceof Error)) return { message: String(error), fields: {} };
  const fields = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'params' || key === 'queryOptions' || key === 'query') continue;
    if (value === undefined || ['string', 'number', 'boolean'].includes(typeof value)) {
      fields[key] = value;
    }
  }
  return {
    message: error.message,
    database: error instanceof messages.DatabaseError,
    fields,
  };
}

function reply(message) {
  try {
    parentPort.postMessage(message);
  } catch (error) {
    // A result that cannot be cloned (never for PGlite's parsed values) still answers.
    parentPort.postMessage({ id: message.id, error: describeError(error) });
  }
}
