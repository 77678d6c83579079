import { mkdirSync } from 'node:fs';
import { loadSigningKey, mintInternalToken, type Identity, type KeySource } from '@shop/auth';
import { createDatabase, type Database } from '@shop/db';
import { createEventBus } from '@shop/events';
import { onShutdownSignal } from '@shop/http';
import { log, logUncaughtErrors, printDevCredential } from '@shop/log';
import { initTelemetry, shutdownTelemetry } from '@shop/telemetry';
import type { SubgraphDefinition } from './definition';
import type { BaseSubgraphContext } from './errors';
import { prepareSubgraphDatabase } from './migrations';
import { serviceUrlVariable, type StandaloneEnv } from './standalone-env';
import { startSubgraph } from './start';

/** What a subgraph's `main.ts` adds to its definition and environment. */
export interface StandaloneRun<TOptions, TPrepare> {
  /** Identity of the dev token printed when `GATEWAY_JWKS_URL` is unset; anonymous by default. */
  devIdentity?: Identity;
  /** Its own start and seed options over the opened database, and what to close at exit. */
  configure(
    database: Database,
  ):
    | { options: TOptions; prepare: TPrepare; close?(): Promise<void> }
    | Promise<{ options: TOptions; prepare: TPrepare; close?(): Promise<void> }>;
}

/**
 * Runs one subgraph as its own process (`src/main.ts`): redacted uncaught-error logging,
 * telemetry, the database (`DATABASE_URL`, else PGlite in `PGLITE_DIR`), migrations and seed,
 * the event bus (when its env declares `KAFKA_BROKERS`), the service key and callee URLs (when
 * it `calls` others), the gateway's keys (`GATEWAY_JWKS_URL`, else an ephemeral key and a
 * printed dev token), the server; on SIGTERM/SIGINT it stops the server (with its consumers,
 * jobs and relay), the bus, what `configure` opened, the database, then telemetry.
 */
export async function runSubgraph<
  TOptions extends object,
  TContext extends BaseSubgraphContext,
  TPrepare extends object,
  TExposed extends object,
>(
  definition: SubgraphDefinition<TOptions, TContext, TPrepare, TExposed>,
  env: StandaloneEnv,
  run: StandaloneRun<TOptions, TPrepare>,
): Promise<void> {
  const { name } = definition;
  // Uncaught errors are logged redacted (never Node's dump of the whole error object).
  logUncaughtErrors();
  // Tracing over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (README "Tracing").
  initTelemetry({ serviceName: name });

  if (!env.DATABASE_URL) mkdirSync(env.PGLITE_DIR, { recursive: true });
  const database = await createDatabase({ url: env.DATABASE_URL, dataDir: env.PGLITE_DIR });
  const configured = await run.configure(database);
  await prepareSubgraphDatabase(definition, database, configured.prepare);
  const bus = env.KAFKA_BROKERS
    ? await createEventBus({
        database,
        kafkaBrokers: env.KAFKA_BROKERS,
        clientId: `${name}-subgraph`,
      })
    : undefined;

  const calls = definition.calls ?? [];
  if (calls.length > 0 && !env.INTERNAL_PRIVATE_JWK) {
    log.warn(`[${name}] INTERNAL_PRIVATE_JWK is unset: service calls use an ephemeral key`);
  }
  const serviceKey = calls.length > 0 ? await loadSigningKey(env.INTERNAL_PRIVATE_JWK) : undefined;
  const variables = env as unknown as Record<string, string | undefined>;
  const serviceUrls = Object.fromEntries(
    calls.map((callee) => [callee, variables[serviceUrlVariable(callee)] ?? '']),
  );

  let gatewayKeys: KeySource;
  let devToken: string | undefined;
  if (env.GATEWAY_JWKS_URL) {
    gatewayKeys = new URL(env.GATEWAY_JWKS_URL);
  } else {
    // Running alone: trust an ephemeral key and print a token so the subgraph can be called.
    const gatewayKey = await loadSigningKey();
    gatewayKeys = [gatewayKey];
    devToken = await mintInternalToken(gatewayKey, name, run.devIdentity ?? null);
  }

  const subgraph = await startSubgraph(definition, {
    ...configured.options,
    database,
    gatewayKeys,
    ...(bus ? { bus } : {}),
    ...(serviceKey ? { serviceKey, serviceUrls } : {}),
    port: env.PORT,
    host: env.HOST,
  });
  const storage = env.DATABASE_URL ? database.kind : `${database.kind} in ${env.PGLITE_DIR}`;
  const events = bus ? `, ${env.KAFKA_BROKERS?.length ? 'kafka' : 'log bus'}` : '';
  log.info(`[${name}] subgraph ready at ${subgraph.url} (${storage}${events})`);
  if (devToken) {
    const who = run.devIdentity ? run.devIdentity.roles.join(', ') : 'anonymous';
    log.info(`[${name}] GATEWAY_JWKS_URL is unset: ephemeral gateway key. Dev token (${who})`);
    printDevCredential(`[${name}] (expires in 60 s): Authorization: Bearer ${devToken}`);
  }

  onShutdownSignal(async () => {
    await subgraph.stop();
    await bus?.close();
    await configured.close?.();
    await database.close();
    await shutdownTelemetry();
  });
}
