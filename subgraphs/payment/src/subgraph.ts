import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import gql from 'graphql-tag';
import { exportPrivateJwk } from '@shop/auth';
import { TOPICS } from '@shop/events';
import { purgeExpiredKeys, runIdempotent } from '@shop/idempotency';
import { defineSubgraph } from '@shop/subgraph';
import { createOrderPaymentsLoader, createPaymentLoader } from './loaders';
import { createOrderDirectory } from './orders';
import { TestPaymentProvider, type PaymentProvider } from './provider';
import { createPaymentRepo, PAYMENT_SCHEMA } from './repo';
import { resolvers, type PaymentContext } from './resolvers';
import { createPaymentService } from './service';

/** How often expired idempotency keys (older than 24 h) are deleted. */
const PURGE_INTERVAL_MS = 60 * 60 * 1000;

/** The payment subgraph's own start options. */
export interface PaymentOptions {
  /** Default: the built-in deterministic {@link TestPaymentProvider}. */
  provider?: PaymentProvider;
}

/**
 * The payment subgraph: payments and their ledger (amounts from order over a service call), an
 * outbox and idempotency keys, the `order.*` consumer (group `payment`) and the hourly purge of
 * expired idempotency keys.
 */
export const paymentSubgraph = defineSubgraph<PaymentOptions, PaymentContext>({
  name: 'payment',
  schema: PAYMENT_SCHEMA,
  migrations: new URL('../migrations/', import.meta.url),
  outbox: true,
  idempotencyKeys: true,
  calls: ['order'],
  typeDefs: gql(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8')),
  resolvers,
  async setup({ database, options, serviceClient }) {
    // The service key signs calls to order and is the secret behind card fingerprints.
    const { serviceKey } = options;
    if (!serviceKey) throw new Error('payment: start it with a serviceKey');
    const privateJwk = await exportPrivateJwk(serviceKey);
    const service = createPaymentService({
      repo: createPaymentRepo(database.db),
      provider: options.provider ?? new TestPaymentProvider(),
      orders: createOrderDirectory(serviceClient()),
      idempotent: (request, work) =>
        runIdempotent({ database, schema: PAYMENT_SCHEMA, ...request }, work),
      fingerprintSecret: createHash('sha256')
        .update(`shopgraph-card-fingerprint:${privateJwk.d ?? serviceKey.kid}`)
        .digest('hex'),
      newId: randomUUID,
    });
    return {
      context: (base) => ({
        ...base,
        service,
        loadOrderPayments: createOrderPaymentsLoader(service, base.identity),
        loadPayment: createPaymentLoader(service, base.identity),
      }),
      consumers: [
        {
          group: 'payment',
          topics: [TOPICS.order],
          handle: (envelope, tx) => service.handleOrderEvent(envelope, createPaymentRepo(tx)),
        },
      ],
      jobs: [
        {
          name: 'idempotency key purge',
          everyMs: PURGE_INTERVAL_MS,
          run: () => purgeExpiredKeys(database, PAYMENT_SCHEMA),
        },
      ],
    };
  },
});
