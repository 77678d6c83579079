import { describe, expect, it } from 'vitest';
import { SUBGRAPHS } from '../../../schema/src/subgraphs';
import { nodeServices } from '../src/compose';
import { envFile, hostEnvironment, nodeServicesInStartOrder } from '../src/host-env';
import { generatedVars, loadRepoCompose, registry } from './fixtures';

const compose = loadRepoCompose();
const infra = {
  databaseUrl: 'postgres://postgres@127.0.0.1:5432/shop_docker_ci_1',
  redisUrl: 'redis://127.0.0.1:6379',
  redisKeyPrefix: 'shop-docker-ci-1:',
  portOffset: 20000,
};

describe('compose environments for containers on the host network (deploy/docker/ci.sh)', () => {
  it('starts every Node service of docker-compose.yml, each after the services it depends on', () => {
    const order = nodeServicesInStartOrder(compose);
    expect([...order].sort()).toEqual([...nodeServices(compose)].sort());
    expect(order.at(-1)).toBe('gateway');
    expect(order.indexOf('product')).toBeLessThan(order.indexOf('cart'));
    expect(order.indexOf('order')).toBeLessThan(order.indexOf('payment'));
  });

  it('points the gateway at every subgraph on 127.0.0.1 with shifted ports, infrastructure replaced', () => {
    const env = hostEnvironment(compose, 'gateway', generatedVars(), infra);
    expect(env.SERVICE).toBe('gateway');
    expect(env.PORT).toBe('24000');
    for (const subgraph of SUBGRAPHS) {
      const variable = `SUBGRAPH_${subgraph.name.toUpperCase()}_URL`;
      expect(env[variable]).toBe(`http://127.0.0.1:${subgraph.port + 20000}/graphql`);
    }
    expect(env.USER_JWKS_URL).toBe('http://127.0.0.1:24001/.well-known/jwks.json');
    expect(env.REDIS_URL).toBe(infra.redisUrl);
    expect(env.REDIS_KEY_PREFIX).toBe(infra.redisKeyPrefix);
    // No Kafka given: the variable is dropped and the services use the log bus in Postgres.
    expect(env).not.toHaveProperty('KAFKA_BROKERS');
    expect(env.GATEWAY_PRIVATE_JWK).toMatch(/"kty":"EC"/);
    expect(registry.schemas.gateway?.safeParse(env).success).toBe(true);
  });

  it('gives each subgraph the scratch database and an environment its schema accepts', () => {
    const vars = generatedVars();
    for (const service of nodeServices(compose).filter((name) => name !== 'gateway')) {
      const env = hostEnvironment(compose, service, vars, {
        ...infra,
        kafkaBrokers: '127.0.0.1:9094',
      });
      expect(env.DATABASE_URL).toBe(infra.databaseUrl);
      expect(env.GATEWAY_JWKS_URL).toBe('http://127.0.0.1:24000/.well-known/jwks.json');
      if (env.KAFKA_BROKERS !== undefined) expect(env.KAFKA_BROKERS).toBe('127.0.0.1:9094');
      expect(env).not.toHaveProperty('OPENSEARCH_URL');
      expect(Object.values(env).join(' ')).not.toMatch(/\b(postgres|redis|kafka|opensearch):\d/);
      expect(registry.schemas[env.SERVICE as string]?.safeParse(env).success, service).toBe(true);
    }
  });

  it('writes env files docker reads literally, and refuses a value with a line break', () => {
    expect(envFile({ A: '{"x":"$y"}', B: 'two words' })).toBe('A={"x":"$y"}\nB=two words\n');
    expect(() => envFile({ A: 'one\ntwo' })).toThrow(/A: a value with a line break/);
  });
});
