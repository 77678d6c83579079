import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { exportPrivateJwk, type KeySource, type SigningKey } from '@shop/auth';
import { migrate, readMigrations, type Database } from '@shop/db';
import {
  eventsMigration,
  idempotentHandler,
  startRelay,
  TOPICS,
  type EventBus,
} from '@shop/events';
import { idempotencyMigrationSql, purgeExpiredKeys, runIdempotent } from '@shop/idempotency';
import { createServiceClient, createSubgraph, type RunningSubgraph } from '@shop/subgraph';
import { createOrderPaymentsLoader, createPaymentLoader } from './loaders';
import { createOrderDirectory } from './orders';
import { TestPaymentProvider, type PaymentProvider } from './provider';
import { createPaymentRepo, PAYMENT_SCHEMA } from './repo';
import { resolvers, type PaymentContext } from './resolvers';
import { createPaymentService } from './service';
import { log } from '@shop/log';

export { TEST_CARDS, checkCard, luhnValid } from './cards';
export { TestPaymentProvider } from './provider';
export type {
  PaymentProvider,
  ProviderResult,
  ProviderCall,
  AuthorizeRequest,
  ReferenceRequest,
  CompleteActionRequest,
} from './provider';
export { summarize, planOperation, ledgerViolations } from './ledger';
export type { PaymentStatus, LedgerEntry, LedgerSummary } from './ledger';
export type { PaymentContext } from './resolvers';

/** Subgraph name in the supergraph and audience of the gateway's internal tokens. */
export const PAYMENT_SUBGRAPH = 'payment';

/** How often expired idempotency keys (older than 24 h) are deleted. */
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

export interface PaymentSubgraphOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens. */
  gatewayKeys: KeySource;
  /** Carries order events in and payment events out. */
  bus: EventBus;
  /** Internal signing key for service calls (payment → order). */
  serviceKey: SigningKey;
  /** Subgraph URLs by name; `order` must be set before the first request (read at call time). */
  serviceUrls: Record<string, string>;
  /** Default: the built-in deterministic {@link TestPaymentProvider}. */
  provider?: PaymentProvider;
  port?: number;
  host?: string;
}

/** Migrates the `payment` schema (tables, ledger, outbox, idempotency keys). Idempotent. */
export async function preparePaymentDatabase(database: Database): Promise<void> {
  await migrate(database, {
    schema: PAYMENT_SCHEMA,
    migrations: [
      ...readMigrations(new URL('../migrations/', import.meta.url)),
      eventsMigration(PAYMENT_SCHEMA),
      { name: '9001_idempotency_keys.sql', sql: idempotencyMigrationSql(PAYMENT_SCHEMA) },
    ],
  });
}

/**
 * Starts the payment subgraph, its outbox relay, the `order.*` consumer (group `payment`) and
 * the hourly purge of expired idempotency keys; `stop()` stops all of them.
 */
export async function startPaymentSubgraph(
  options: PaymentSubgraphOptions,
): Promise<RunningSubgraph> {
  const { database, bus } = options;
  const repo = createPaymentRepo(database.db);
  const relay = startRelay({ database, schema: PAYMENT_SCHEMA, bus });
  const serviceClient = createServiceClient({
    self: PAYMENT_SUBGRAPH,
    key: options.serviceKey,
    urls: options.serviceUrls,
  });
  const privateJwk = await exportPrivateJwk(options.serviceKey);
  const service = createPaymentService({
    repo,
    provider: options.provider ?? new TestPaymentProvider(),
    orders: createOrderDirectory(serviceClient),
    idempotent: (request, work) =>
      runIdempotent({ database, schema: PAYMENT_SCHEMA, ...request }, work),
    fingerprintSecret: createHash('sha256')
      .update(`shopgraph-card-fingerprint:${privateJwk.d ?? options.serviceKey.kid}`)
      .digest('hex'),
    newId: randomUUID,
    onCommitted: () => relay.wake(),
  });

  const subscription = await bus.subscribe({
    group: PAYMENT_SUBGRAPH,
    topics: [TOPICS.order],
    fromBeginning: true,
    handler: idempotentHandler(
      { database, schema: PAYMENT_SCHEMA, consumer: PAYMENT_SUBGRAPH },
      (envelope, tx) => service.handleOrderEvent(envelope, createPaymentRepo(tx)),
    ),
  });

  const purge = setInterval(() => {
    purgeExpiredKeys(database, PAYMENT_SCHEMA).catch((error: unknown) =>
      log.warn('[payment] idempotency key purge failed', error),
    );
  }, PURGE_INTERVAL_MS);
  purge.unref();

  let subgraph: RunningSubgraph;
  try {
    subgraph = await createSubgraph<PaymentContext>({
      name: PAYMENT_SUBGRAPH,
      typeDefs: gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
      resolvers,
      gatewayKeys: options.gatewayKeys,
      context: (base) => ({
        ...base,
        service,
        loadOrderPayments: createOrderPaymentsLoader(service, base.identity),
        loadPayment: createPaymentLoader(service, base.identity),
      }),
      readiness: () => database.ping(),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.host === undefined ? {} : { host: options.host }),
    });
  } catch (error) {
    clearInterval(purge);
    await subscription.stop();
    await relay.stop();
    throw error;
  }
  return {
    ...subgraph,
    async stop(timeoutMs) {
      clearInterval(purge);
      await subgraph.stop(timeoutMs);
      await subscription.stop();
      await relay.stop();
    },
  };
}
