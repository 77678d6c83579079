import { describe, expect, it } from 'vitest';
import { SUBGRAPHS } from '@shop/schema';
import { GatewayEnv, subgraphUrlOverrides } from '../src/env';

describe('SUBGRAPH_<NAME>_URL overrides', () => {
  it('maps each variable to its subgraph, underscores to the kebab-case names of new subgraphs', () => {
    expect(
      subgraphUrlOverrides({
        SUBGRAPH_ORDER_URL: 'http://order:4004/graphql',
        SUBGRAPH_GIFT_CARDS_URL: 'http://gift-cards:4010/graphql',
        SUBGRAPH_UNSET_URL: undefined,
        PORT: 4000,
      }),
    ).toEqual({
      order: 'http://order:4004/graphql',
      'gift-cards': 'http://gift-cards:4010/graphql',
      gift_cards: 'http://gift-cards:4010/graphql',
    });
  });

  it('declares one variable per subgraph of schema/src/subgraphs.ts, read back to its name', () => {
    const variables = Object.keys(GatewayEnv.shape).filter((key) =>
      /^SUBGRAPH_[A-Z0-9_]+_URL$/.test(key),
    );
    expect(variables).toEqual(
      SUBGRAPHS.map(({ name }) => `SUBGRAPH_${name.toUpperCase().replaceAll('-', '_')}_URL`),
    );
    const env = GatewayEnv.parse(
      Object.fromEntries(variables.map((variable) => [variable, 'http://127.0.0.1:1/graphql'])),
    );
    expect(Object.keys(subgraphUrlOverrides(env))).toEqual(SUBGRAPHS.map(({ name }) => name));
  });
});

describe('SUBGRAPH_DEDUP', () => {
  it('is on by default and off only when set to off', () => {
    expect(GatewayEnv.parse({}).SUBGRAPH_DEDUP).toBe(true);
    expect(GatewayEnv.parse({ SUBGRAPH_DEDUP: '' }).SUBGRAPH_DEDUP).toBe(true);
    expect(GatewayEnv.parse({ SUBGRAPH_DEDUP: 'on' }).SUBGRAPH_DEDUP).toBe(true);
    expect(GatewayEnv.parse({ SUBGRAPH_DEDUP: 'off' }).SUBGRAPH_DEDUP).toBe(false);
  });
});
