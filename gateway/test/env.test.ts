import { describe, expect, it } from 'vitest';
import { subgraphUrlOverrides } from '../src/env';

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
});
