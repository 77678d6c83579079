import type { SigningKey } from '@shop/auth';
import { analyticsSubgraph } from '@shop/analytics-subgraph';
import { cartSubgraph } from '@shop/cart-subgraph';
import type { Database } from '@shop/db';
import { notificationSubgraph } from '@shop/notification-subgraph';
import { orderSubgraph } from '@shop/order-subgraph';
import { paymentSubgraph } from '@shop/payment-subgraph';
import { productSubgraph } from '@shop/product-subgraph';
import type { SubgraphName } from '@shop/schema';
import { createSearchIndex } from '@shop/search';
import {
  prepareSubgraphDatabase,
  startSubgraph,
  type BaseSubgraphContext,
  type RunningSubgraph,
  type StartSubgraphOptions,
  type SubgraphDefinition,
} from '@shop/subgraph';
import { userSubgraph, type OidcProviderInput } from '@shop/user-subgraph';

/** What the embedded graph decides for its subgraphs, beside the common start options. */
export interface EmbeddedSettings {
  seed: boolean;
  accessTokenKey: SigningKey;
  cartTokenSecret: string;
  redisUrl?: string | undefined;
  paymentTtlSeconds?: number | undefined;
  /** How long the notification subgraph's state streams wait for an order or cart it has not heard of. */
  pendingStreamMs?: number | undefined;
  opensearchUrl?: string | undefined;
  /** The user subgraph's sign-in providers (OpenID Connect, GitHub). */
  oidcProviders?: OidcProviderInput[] | string | undefined;
}

/** One subgraph of the embedded graph: its migrations and seed, and its start. */
export interface EmbeddedSubgraph<TRunning extends RunningSubgraph = RunningSubgraph> {
  prepare(database: Database, settings: EmbeddedSettings): Promise<void>;
  start(common: StartSubgraphOptions, settings: EmbeddedSettings): Promise<TRunning>;
}

/** A definition with how the embedded graph fills in its own seed and start options. */
function embed<
  TOptions extends object,
  TContext extends BaseSubgraphContext,
  TPrepare extends object,
  TExposed extends object,
>(
  definition: SubgraphDefinition<TOptions, TContext, TPrepare, TExposed>,
  from: {
    prepare: (settings: EmbeddedSettings) => TPrepare;
    options: (settings: EmbeddedSettings, database: Database) => TOptions;
  },
): EmbeddedSubgraph<RunningSubgraph & TExposed> {
  return {
    prepare: (database, settings) =>
      prepareSubgraphDatabase(definition, database, from.prepare(settings)),
    start: (common, settings) =>
      startSubgraph(definition, { ...from.options(settings, common.database), ...common }),
  };
}

const nothing = () => ({});

/**
 * Every subgraph of `schema/src/subgraphs.ts`, by name: the embedded runner starts them in the
 * registry's order. A registered subgraph missing here (or an extra one) fails typecheck.
 */
export const EMBEDDED_SUBGRAPHS = {
  user: embed(userSubgraph, {
    prepare: ({ seed }) => ({ seed }),
    options: ({ accessTokenKey, oidcProviders }) => ({ accessTokenKey, oidcProviders }),
  }),
  product: embed(productSubgraph, {
    prepare: ({ seed }) => ({ seed }),
    options: ({ opensearchUrl }, database) =>
      opensearchUrl ? { search: createSearchIndex({ database, opensearchUrl }) } : {},
  }),
  cart: embed(cartSubgraph, {
    prepare: nothing,
    options: ({ cartTokenSecret, redisUrl }) => ({
      cartTokenSecret,
      ...(redisUrl ? { redisUrl } : {}),
    }),
  }),
  order: embed(orderSubgraph, {
    prepare: nothing,
    options: ({ paymentTtlSeconds }) =>
      paymentTtlSeconds !== undefined ? { paymentTtlSeconds } : {},
  }),
  payment: embed(paymentSubgraph, { prepare: nothing, options: nothing }),
  notification: embed(notificationSubgraph, {
    prepare: nothing,
    options: ({ cartTokenSecret, pendingStreamMs }) => ({
      cartTokenSecret,
      ...(pendingStreamMs !== undefined ? { pendingStreamMs } : {}),
    }),
  }),
  analytics: embed(analyticsSubgraph, { prepare: nothing, options: nothing }),
} satisfies Record<SubgraphName, EmbeddedSubgraph>;
