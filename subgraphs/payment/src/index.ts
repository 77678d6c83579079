import type { KeySource, SigningKey } from '@shop/auth';
import type { Database } from '@shop/db';
import type { EventBus } from '@shop/events';
import { prepareSubgraphDatabase, startSubgraph, type RunningSubgraph } from '@shop/subgraph';
import { paymentSubgraph, type PaymentOptions } from './subgraph';

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

export { paymentSubgraph } from './subgraph';

/** Subgraph name in the supergraph and audience of the gateway's internal tokens. */
export const PAYMENT_SUBGRAPH = paymentSubgraph.name;

export interface PaymentSubgraphOptions extends PaymentOptions {
  database: Database;
  /** Keys that sign the gateway's internal tokens. */
  gatewayKeys: KeySource;
  /** Carries order events in and payment events out. */
  bus: EventBus;
  /** Internal signing key for service calls (payment → order). */
  serviceKey: SigningKey;
  /** Subgraph URLs by name; `order` must be set before the first request (read at call time). */
  serviceUrls: Record<string, string>;
  port?: number;
  host?: string;
}

/** Migrates the `payment` schema (tables, ledger, outbox, idempotency keys). Idempotent. */
export function preparePaymentDatabase(database: Database): Promise<void> {
  return prepareSubgraphDatabase(paymentSubgraph, database, {});
}

/**
 * Starts the payment subgraph, its outbox relay, the `order.*` consumer (group `payment`) and
 * the hourly purge of expired idempotency keys; `stop()` stops all of them.
 */
export function startPaymentSubgraph(options: PaymentSubgraphOptions): Promise<RunningSubgraph> {
  return startSubgraph(paymentSubgraph, options);
}
