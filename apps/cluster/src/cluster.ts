import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportPrivateJwk, loadSigningKey } from '@shop/auth';
import { SUBGRAPHS } from '@shop/schema/subgraphs';
import { createScratchDatabase, freePort, startTcpBalancer, type TcpBalancer } from '@shop/testing';
import { clusterEnv } from './env';
import { startClusterKafka, type ClusterKafka } from './kafka';
import { killAllServiceProcesses, spawnService, waitReady, type ServiceProcess } from './processes';

/** Names of the subgraphs (schema/src/subgraphs.ts), in registry order. */
export const SUBGRAPH_NAMES = SUBGRAPHS.map((entry) => entry.name);
export type ServiceName = (typeof SUBGRAPH_NAMES)[number] | 'gateway';

export interface ClusterOptions {
  /** Postgres server the scratch database is created on; default `DATABASE_URL`. */
  databaseUrl?: string;
  /** Default `REDIS_URL`. */
  redisUrl?: string;
  /** Replicas per subgraph; default 2. */
  replicas?: number;
  /** Gateway processes; default 2. */
  gateways?: number;
  /** Kafka brokers of the mock cluster; default 3. */
  kafkaBrokers?: number;
  /** Extra env of the notification replicas (e.g. a deliberately broken configuration). */
  notificationEnv?: Record<string, string>;
}

export interface Cluster {
  /** Where every process's log lives. */
  logDir: string;
  databaseUrl: string;
  redisUrl: string;
  /** `REDIS_KEY_PREFIX` of the gateways and carts: every Redis key of this run starts with it. */
  redisKeyPrefix: string;
  kafka: ClusterKafka;
  /** Round-robin balancer in front of each service's replicas (gateway included). */
  balancers: Record<ServiceName, TcpBalancer>;
  /** Running (or killed) replicas of each service, replica index order. */
  replicas: Record<ServiceName, ServiceProcess[]>;
  /** `http://<balancer>/graphql` of the gateways. */
  gatewayUrl: string;
  /** Direct `http://127.0.0.1:<port>/graphql` of gateway `index`. */
  gatewayUrlOf(index: number): string;
  /** Replicas that failed to start and were started again (with the first lines of why). */
  restartsAtStart: string[];
  /** SIGKILLs one replica; its balancer skips it once connections are refused. */
  kill9(service: ServiceName, replica: number): Promise<void>;
  /** Starts replica `replica` of `service` again (new port), with extra env, and waits for it. */
  restart(service: ServiceName, replica: number, env?: Record<string, string>): Promise<void>;
  /** Kills every process, closes the balancers, stops Kafka, drops the database. */
  stop(): Promise<void>;
}

const ENTRY: Record<ServiceName, string> = {
  gateway: 'gateway/src/main.ts',
  ...(Object.fromEntries(
    SUBGRAPH_NAMES.map((name) => [name, `subgraphs/${name}/src/main.ts`]),
  ) as Record<(typeof SUBGRAPH_NAMES)[number], string>),
};

/**
 * Starts the whole graph as separate OS processes: `replicas` of every subgraph and `gateways`
 * gateways, each service behind a round-robin TCP balancer (the gateways' `SUBGRAPH_<NAME>_URL`,
 * the subgraphs' service URLs and the clients all point at balancers), on a scratch Postgres
 * database, Redis and the mock Kafka cluster. Every replica of a service shares its keys and
 * secrets: the user replicas one access-token key, the gateways one signing key (served as
 * their JWKS and also signing the subgraphs' service tokens), cart and notification one cart
 * token secret. Replicas start in parallel; each one is awaited on `/readyz`.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const env = clusterEnv();
  const baseUrl = options.databaseUrl ?? env.DATABASE_URL;
  const redisUrl = options.redisUrl ?? env.REDIS_URL;
  if (!baseUrl || !redisUrl) throw new Error('the cluster needs DATABASE_URL and REDIS_URL');
  const replicaCount = options.replicas ?? 2;
  const gatewayCount = options.gateways ?? 2;
  const logDir = mkdtempSync(join(tmpdir(), 'shop-cluster-'));

  const scratch = await createScratchDatabase(baseUrl, 'shop_cluster');
  let kafka: ClusterKafka | undefined;
  const balancers: Partial<Record<ServiceName, TcpBalancer>> = {};
  const replicas = {} as Record<ServiceName, ServiceProcess[]>;
  const restarts: string[] = [];
  let runRedisKeyPrefix = '';
  const stop = async () => {
    killAllServiceProcesses();
    await Promise.all(
      Object.values(replicas)
        .flat()
        .map((p) => p.kill9()),
    );
    await Promise.all(Object.values(balancers).map((b) => b.close()));
    await kafka?.stop();
    await scratch.drop().catch(() => undefined);
  };

  try {
    kafka = await startClusterKafka(options.kafkaBrokers ?? 3);
    const gatewayJwk = JSON.stringify(await exportPrivateJwk(await loadSigningKey()));
    const accessJwk = JSON.stringify(await exportPrivateJwk(await loadSigningKey()));
    const cartTokenSecret = randomBytes(32).toString('base64url');
    // Every Redis key of this run (rate limits, APQ, cart cache) starts with this.
    const redisKeyPrefix = `shop-cluster-${randomBytes(6).toString('hex')}:`;
    runRedisKeyPrefix = redisKeyPrefix;

    for (const service of ['gateway', ...SUBGRAPH_NAMES] as ServiceName[]) {
      // Clients reach the gateways from their own 127.x.y.z, as real clients would.
      balancers[service] = await startTcpBalancer([], {
        ...(service === 'gateway' ? { sourceAddress: 'client' as const } : {}),
      });
    }
    const urlOf = (service: ServiceName) => `http://${balancers[service]!.address}/graphql`;

    const common = { DATABASE_URL: scratch.url, KAFKA_BROKERS: kafka.brokers.join(',') };
    const envOf = (service: ServiceName, replica: number): Record<string, string> => {
      const serviceUrls = Object.fromEntries(
        SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, urlOf(name)]),
      );
      if (service === 'gateway') {
        return {
          ...common,
          ...serviceUrls,
          GATEWAY_PRIVATE_JWK: gatewayJwk,
          USER_JWKS_URL: `http://${balancers.user!.address}/.well-known/jwks.json`,
          REDIS_URL: redisUrl,
          REDIS_KEY_PREFIX: redisKeyPrefix,
        };
      }
      const env: Record<string, string> = {
        ...common,
        ...serviceUrls,
        GATEWAY_JWKS_URL: `http://${balancers.gateway!.address}/.well-known/jwks.json`,
        // Service tokens are signed with the gateway's key (the one trust root), as embedded.
        INTERNAL_PRIVATE_JWK: gatewayJwk,
        // One replica seeds (demo accounts, catalog); the others find the rows there.
        SEED: replica === 0 ? 'true' : 'false',
      };
      if (service === 'user') env.AUTH_PRIVATE_JWK = accessJwk;
      if (service === 'cart')
        Object.assign(env, { CART_TOKEN_SECRET: cartTokenSecret, REDIS_URL: redisUrl });
      if (service === 'notification') {
        Object.assign(env, { CART_TOKEN_SECRET: cartTokenSecret }, options.notificationEnv);
      }
      return env;
    };

    const launch = async (
      service: ServiceName,
      replica: number,
      extraEnv: Record<string, string> = {},
    ): Promise<ServiceProcess> => {
      for (let attempt = 1; ; attempt += 1) {
        const port = await freePort();
        const started = spawnService({
          service,
          replica,
          entry: ENTRY[service],
          port,
          env: { ...envOf(service, replica), ...extraEnv },
          logDir,
          preload: kafka!.preload,
        });
        (replicas[service] ??= [])[replica] = started;
        try {
          await waitReady(started);
          return started;
        } catch (error) {
          // A replica that dies while starting (e.g. its consumer group could not be joined
          // within its timeout while 16 processes start on 2 cores) is started once more, as an
          // orchestrator would; the failure is reported, and a third one is fatal.
          await started.kill9();
          if (attempt >= 3) throw error;
          restarts.push(`${started.id}: ${String(error).split('\n').slice(0, 3).join(' | ')}`);
        }
      }
    };
    const register = (service: ServiceName) =>
      balancers[service]!.setBackends(
        (replicas[service] ?? []).filter((p) => p.alive()).map((p) => p.address),
      );

    // Every replica at once: both members of a consumer group then usually join inside the mock
    // coordinator's initial 3 s window. A later join makes the mock hold the rebalance for the
    // session timeout minus 1 s, and a member whose SyncGroup then comes more than 1 s late (a
    // starved CPU) is expired and crashes with INVALID_REQUEST; `launch` starts it again.
    await Promise.all(
      SUBGRAPH_NAMES.flatMap((name) =>
        Array.from({ length: replicaCount }, (_, replica) => launch(name, replica)),
      ),
    );
    for (const name of SUBGRAPH_NAMES) register(name);
    await Promise.all(Array.from({ length: gatewayCount }, (_, index) => launch('gateway', index)));
    register('gateway');

    const cluster: Cluster = {
      logDir,
      databaseUrl: scratch.url,
      redisUrl,
      redisKeyPrefix: runRedisKeyPrefix,
      kafka,
      restartsAtStart: restarts,
      balancers: balancers as Record<ServiceName, TcpBalancer>,
      replicas,
      gatewayUrl: urlOf('gateway'),
      gatewayUrlOf: (index) => `http://${replicas.gateway[index]!.address}/graphql`,
      async kill9(service, replica) {
        const target = replicas[service][replica];
        if (!target) throw new Error(`no replica ${replica} of ${service}`);
        await target.kill9();
      },
      async restart(service, replica, env = {}) {
        await replicas[service][replica]?.kill9();
        await launch(service, replica, env);
        register(service);
      },
      stop,
    };
    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
}
