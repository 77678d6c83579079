import { startRelay, type Relay, type Subscription } from '@shop/events';
import { startConsumers } from './consumers';
import type { StartSubgraphOptions, SubgraphDefinition } from './definition';
import type { BaseSubgraphContext } from './errors';
import { createSubgraph, type RunningSubgraph } from './server';
import { startJobs, type RunningJobs } from './jobs';
import { createServiceClient, type ServiceClient } from './service-client';

/**
 * Starts a declared subgraph over its prepared database: the outbox relay (when it has an outbox
 * and a bus), its services (`setup`), its consumers (with a bus), its background jobs, and the
 * GraphQL server (`createSubgraph`, ready while the database answers). `stop()` stops, in order:
 * the jobs' timers, the server, the consumers, the jobs' runs in flight, the relay, and what
 * `setup` opened.
 */
export async function startSubgraph<
  TOptions extends object,
  TContext extends BaseSubgraphContext,
  TPrepare extends object,
  TExposed extends object,
>(
  definition: SubgraphDefinition<TOptions, TContext, TPrepare, TExposed>,
  options: StartSubgraphOptions & TOptions,
): Promise<RunningSubgraph & TExposed> {
  const { database, bus } = options;
  const relay: Relay | undefined =
    definition.outbox && bus ? startRelay({ database, schema: definition.schema, bus }) : undefined;
  let client: ServiceClient | undefined;
  const serviceClient = () => {
    if (!options.serviceKey || !options.serviceUrls)
      throw new Error(
        `${definition.name} calls other subgraphs: give it serviceKey and serviceUrls`,
      );
    client ??= createServiceClient({
      self: definition.name,
      key: options.serviceKey,
      // Not copied: the embedded runner fills in URLs after start.
      urls: options.serviceUrls,
      ...(definition.serviceTimeoutMs ? { timeoutMs: definition.serviceTimeoutMs } : {}),
    });
    return client;
  };

  let subscriptions: Subscription[] = [];
  let jobs: RunningJobs | undefined;
  let close: (() => Promise<void>) | undefined;
  const stopParts = async () => {
    jobs?.stop();
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    await jobs?.settled();
    await relay?.stop();
    await close?.();
  };
  try {
    const parts = await definition.setup({
      database,
      options,
      serviceClient,
    });
    close = parts.close;
    if (parts.consumers?.length && !definition.outbox && !definition.consumes)
      throw new Error(`${definition.name} has consumers: declare \`consumes: true\``);
    if (bus && parts.consumers?.length) {
      subscriptions = await startConsumers({
        database,
        schema: definition.schema,
        bus,
        consumers: parts.consumers,
      });
    }
    jobs = startJobs(definition.name, parts.jobs ?? []);
    const subgraph = await createSubgraph<TContext>({
      name: definition.name,
      typeDefs: definition.typeDefs,
      resolvers: definition.resolvers,
      gatewayKeys: options.gatewayKeys,
      context: parts.context,
      readiness: () => database.ping(),
      ...(definition.subscriptions ? { subscriptions: true } : {}),
      ...(parts.routes ? { routes: parts.routes } : {}),
      ...(options.port === undefined ? {} : { port: options.port }),
      ...(options.host === undefined ? {} : { host: options.host }),
    });
    return {
      ...subgraph,
      ...(parts.exposed as TExposed),
      async stop(timeoutMs) {
        jobs?.stop();
        await subgraph.stop(timeoutMs);
        await stopParts();
      },
    };
  } catch (error) {
    await stopParts();
    throw error;
  }
}
