import { describe, expect, it } from 'vitest';
import {
  cloneCompose,
  environmentOf,
  interpolate,
  parsePort,
  servicesInProfile,
  type ComposeFile,
  type ComposeService,
} from '../src/compose';
import {
  checkCompose,
  checkDependsOn,
  checkGatewaySubgraphs,
  checkHealthchecks,
  checkKafka,
  checkNodeEnvironments,
  checkPorts,
  checkProfiles,
  checkServiceUrls,
  checkSharedValues,
  findCycle,
} from '../src/compose-checks';
import { DOTENV_KEYS } from '../src/dotenv';
import { generatedVars, loadRepoCompose, readRepoFile, registry } from './fixtures';

const vars = generatedVars();

/** The repository's compose file with one change applied. */
function broken(change: (compose: ComposeFile) => void): ComposeFile {
  const compose = cloneCompose(loadRepoCompose());
  change(compose);
  return compose;
}

const service = (compose: ComposeFile, name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`no service ${name}`);
  return found;
};

/** Sets one environment variable of a service (environment is a map in our file). */
const setEnv = (compose: ComposeFile, name: string, key: string, value: string | undefined) => {
  const env = { ...environmentOf(service(compose, name)) };
  if (value === undefined) delete env[key];
  else env[key] = value;
  service(compose, name).environment = env;
};

describe('docker-compose.yml', () => {
  it('is consistent with the code (every check, with the secrets `pnpm docker:env` writes)', () => {
    expect(checkCompose(loadRepoCompose(), registry, vars)).toEqual([]);
  });

  it('runs the gateway, every registered subgraph and the four infrastructure services', () => {
    const compose = loadRepoCompose();
    expect(servicesInProfile(compose, 'infra').sort()).toEqual(
      ['kafka', 'opensearch', 'postgres', 'redis'].sort(),
    );
    expect(servicesInProfile(compose, 'all').sort()).toEqual(
      ['kafka', 'opensearch', 'postgres', 'redis', 'gateway', ...registry.subgraphs].sort(),
    );
  });

  it('reads only the variables .env provides, plus the OTLP endpoint from the shell', () => {
    const text = readRepoFile('docker-compose.yml');
    const used = [...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]);
    expect(new Set(used)).toEqual(new Set([...DOTENV_KEYS, 'OTEL_EXPORTER_OTLP_ENDPOINT']));
  });

  it('needs the generated secrets: without .env the production cart refuses to start', () => {
    const problems = checkNodeEnvironments(loadRepoCompose(), registry, {});
    expect(problems).toEqual([expect.stringMatching(/^cart: CART_TOKEN_SECRET/)]);
  });
});

describe('the compose checks catch a broken file', () => {
  it('a service without a healthcheck', () => {
    const compose = broken((c) => delete service(c, 'order').healthcheck);
    expect(checkHealthchecks(compose)).toEqual(['order: no healthcheck']);
    expect(checkDependsOn(compose)).toContain(
      'payment: waits for order to be healthy, but it has no healthcheck',
    );
  });

  it('a Node healthcheck that does not probe readiness', () => {
    const compose = broken((c) => {
      service(c, 'cart').healthcheck = { test: ['CMD', 'true'] };
    });
    expect(checkHealthchecks(compose)).toEqual([
      'cart: healthcheck does not probe /readyz (shop-service health)',
    ]);
  });

  it('depends_on: a cycle, an unknown service, service_started, a profile gap', () => {
    const cycle = broken((c) => {
      service(c, 'product').depends_on = { gateway: { condition: 'service_healthy' } };
    });
    expect(checkDependsOn(cycle)).toEqual([
      expect.stringMatching(/^depends_on cycle: (.+ -> )+.+$/),
    ]);
    const unknown = broken((c) => {
      service(c, 'user').depends_on = { mysql: { condition: 'service_healthy' } };
    });
    expect(checkDependsOn(unknown)).toEqual(['user: depends on unknown service mysql']);
    const started = broken((c) => {
      service(c, 'user').depends_on = { postgres: { condition: 'service_started' } };
    });
    expect(checkDependsOn(started)).toEqual([
      'user: waits for postgres with service_started, not service_healthy',
    ]);
    const profile = broken((c) => {
      service(c, 'redis').depends_on = { gateway: { condition: 'service_healthy' } };
    });
    expect(checkDependsOn(profile)).toContain(
      'redis: depends on gateway, which profile infra does not start',
    );
  });

  it('findCycle finds cycles and accepts DAGs', () => {
    expect(findCycle({ a: ['b'], b: ['c'], c: [] })).toBeUndefined();
    expect(findCycle({ a: ['b'], b: ['c'], c: ['a'] })).toEqual(['a', 'b', 'c', 'a']);
    expect(findCycle({ a: ['a'] })).toEqual(['a', 'a']);
  });

  it('profiles: a Node service in infra, infrastructure missing from infra', () => {
    const compose = broken((c) => {
      service(c, 'gateway').profiles = ['infra', 'all'];
      service(c, 'kafka').profiles = ['all'];
    });
    expect(checkProfiles(compose).sort()).toEqual(
      [
        'gateway: in profile infra but built from the Dockerfile',
        'kafka: infrastructure but not in profile infra',
      ].sort(),
    );
  });

  it('ports: published on every interface, or twice', () => {
    const compose = broken((c) => {
      service(c, 'redis').ports = ['6379:6379'];
      service(c, 'opensearch').ports = ['127.0.0.1:5432:9200'];
    });
    expect(checkPorts(compose)).toEqual([
      'redis: host port 6379 is not bound to 127.0.0.1',
      'opensearch: host port 5432/tcp is also published by postgres',
    ]);
  });

  it('env: a variable the service does not read, a missing OTEL variable, an invalid value', () => {
    const compose = broken((c) => {
      setEnv(c, 'product', 'CATALOG_MODE', 'read-only');
      setEnv(c, 'analytics', 'OTEL_SERVICE_NAME', undefined);
      setEnv(c, 'order', 'PAYMENT_TTL_SECONDS', 'soon');
    });
    const problems = checkNodeEnvironments(compose, registry, vars);
    expect(problems).toContain(
      'product: CATALOG_MODE is not read by the service (not in its env schema)',
    );
    expect(problems).toContain('analytics: OTEL_SERVICE_NAME is not set');
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^order: PAYMENT_TTL_SECONDS: /)]),
    );
  });

  it('env: listening on loopback, or built as another service', () => {
    const compose = broken((c) => {
      setEnv(c, 'user', 'HOST', '127.0.0.1');
      const build = service(c, 'notification').build as { args: Record<string, string> };
      build.args.SERVICE = 'analytics';
    });
    const problems = checkNodeEnvironments(compose, registry, vars);
    expect(problems).toContain('user: listens on 127.0.0.1, unreachable from other containers');
    expect(problems).toContain('notification: built with SERVICE=analytics, not notification');
  });

  it('URLs: wrong port, unknown host, wrong subgraph, missing depends_on, bad broker', () => {
    const compose = broken((c) => {
      setEnv(c, 'payment', 'SUBGRAPH_ORDER_URL', 'http://order:4005/graphql');
      setEnv(c, 'cart', 'REDIS_URL', 'redis://cache:6379');
      setEnv(c, 'gateway', 'SUBGRAPH_CART_URL', 'http://order:4004/graphql');
      setEnv(c, 'analytics', 'KAFKA_BROKERS', 'kafka:9094');
      delete (service(c, 'order').depends_on as Record<string, unknown>).cart;
    });
    expect(checkServiceUrls(compose, registry, vars).sort()).toEqual(
      [
        'payment: SUBGRAPH_ORDER_URL uses port 4005, but order listens on 4004',
        'cart: REDIS_URL points at cache, not a compose service',
        'gateway: SUBGRAPH_CART_URL points at order, not cart',
        'analytics: KAFKA_BROKERS uses port 9094, but kafka listens on 9092',
        'order: SUBGRAPH_CART_URL points at cart but order does not depend on it',
      ].sort(),
    );
  });

  it('URLs: a subgraph that listens elsewhere than its callers think', () => {
    const compose = broken((c) => setEnv(c, 'product', 'PORT', '4012'));
    const problems = checkServiceUrls(compose, registry, vars);
    for (const caller of ['cart', 'order', 'gateway']) {
      expect(problems).toContain(
        `${caller}: SUBGRAPH_PRODUCT_URL uses port 4002, but product listens on 4012`,
      );
    }
  });

  it('gateway: a subgraph without a URL, or without a service', () => {
    const compose = broken((c) => {
      setEnv(c, 'gateway', 'SUBGRAPH_ANALYTICS_URL', undefined);
      delete c.services.payment;
    });
    expect(checkGatewaySubgraphs(compose, registry)).toEqual([
      'subgraph payment has no compose service',
      'gateway: SUBGRAPH_ANALYTICS_URL is not set',
    ]);
    const extra = { ...registry, subgraphs: [...registry.subgraphs, 'reviews'] };
    expect(checkGatewaySubgraphs(loadRepoCompose(), extra)).toEqual([
      'gateway: SUBGRAPH_REVIEWS_URL is not set',
      'gateway: its schema lacks SUBGRAPH_REVIEWS_URL',
      'subgraph reviews has no compose service',
    ]);
  });

  it('shared secrets: a service signing with another key than the gateway', () => {
    const compose = broken((c) =>
      setEnv(c, 'order', 'INTERNAL_PRIVATE_JWK', '${SHOP_ORDER_JWK:-}'),
    );
    expect(checkSharedValues(compose)).toEqual([
      expect.stringMatching(
        /^GATEWAY_PRIVATE_JWK\/INTERNAL_PRIVATE_JWK differ: .*order\.INTERNAL_PRIVATE_JWK/,
      ),
    ]);
  });

  it('Kafka KRaft: node id not a voter, advertised host, controller listener, replication', () => {
    const voters = broken((c) => setEnv(c, 'kafka', 'KAFKA_NODE_ID', '2'));
    expect(checkKafka(voters)).toEqual([
      'kafka: KAFKA_NODE_ID 2 is not among KAFKA_CONTROLLER_QUORUM_VOTERS',
    ]);
    const voterHost = broken((c) =>
      setEnv(c, 'kafka', 'KAFKA_CONTROLLER_QUORUM_VOTERS', '1@localhost:9093'),
    );
    expect(checkKafka(voterHost)).toEqual(['kafka: quorum voter 1 is at localhost, not kafka']);
    const advertised = broken((c) =>
      setEnv(
        c,
        'kafka',
        'KAFKA_ADVERTISED_LISTENERS',
        'INTERNAL://localhost:9092,EXTERNAL://127.0.0.1:9094',
      ),
    );
    expect(checkKafka(advertised)).toEqual([
      'kafka: advertised listener INTERNAL host localhost is neither kafka nor a published loopback port',
      'kafka: no advertised listener at kafka for clients in the compose network',
    ]);
    expect(checkServiceUrls(advertised, registry, vars)).toContain(
      'cart: KAFKA_BROKERS uses port 9092, but kafka listens on no known port',
    );
    const controller = broken((c) =>
      setEnv(
        c,
        'kafka',
        'KAFKA_ADVERTISED_LISTENERS',
        'INTERNAL://kafka:9092,CONTROLLER://kafka:9093,EXTERNAL://127.0.0.1:9094',
      ),
    );
    expect(checkKafka(controller)).toEqual([
      'kafka: controller listener CONTROLLER must not be advertised',
    ]);
    const protocol = broken((c) =>
      setEnv(
        c,
        'kafka',
        'KAFKA_LISTENER_SECURITY_PROTOCOL_MAP',
        'INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT',
      ),
    );
    expect(checkKafka(protocol)).toEqual(['kafka: listener EXTERNAL has no security protocol']);
    const replication = broken((c) =>
      setEnv(c, 'kafka', 'KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR', undefined),
    );
    expect(checkKafka(replication)).toEqual([
      'kafka: KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR must be 1 on a single node',
    ]);
  });
});

describe('compose helpers', () => {
  it('interpolates like Compose', () => {
    const env = { SET: 'x', EMPTY: '' };
    expect(interpolate('${SET:-d}|${EMPTY:-d}|${UNSET:-d}', env).value).toBe('x|d|d');
    expect(interpolate('${EMPTY-d}|${UNSET-d}|$SET|${SET}|$$SET', env).value).toBe('|d|x|x|$SET');
    expect(interpolate('${UNSET:?set it}', env)).toEqual({
      value: '',
      errors: ['required variable UNSET is not set: set it'],
    });
    expect(interpolate('${EMPTY?x}', env).errors).toEqual([]);
    expect(interpolate('${EMPTY:?x}', env).errors).toHaveLength(1);
  });

  it('parses short and long port syntax', () => {
    expect(parsePort('127.0.0.1:4000:4000')).toEqual({
      hostIp: '127.0.0.1',
      hostPort: '4000',
      containerPort: '4000',
      protocol: 'tcp',
    });
    expect(parsePort('9200')).toMatchObject({ hostIp: undefined, hostPort: undefined });
    expect(parsePort({ target: 80, published: 8080, host_ip: '127.0.0.1' })).toMatchObject({
      hostIp: '127.0.0.1',
      hostPort: '8080',
      containerPort: '80',
    });
  });

  it('resolves YAML merge keys as Compose does', () => {
    const compose = loadRepoCompose();
    expect(environmentOf(service(compose, 'order'))).toMatchObject({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://postgres:postgres@postgres:5432/shopgraph',
      PORT: '4004',
    });
    expect(service(compose, 'order').profiles).toEqual(['all']);
  });
});
