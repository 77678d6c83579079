import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@shop/testing';
import { createPostgresSearchIndex, tsqueryText, type SearchIndex } from '../src/index';
import { nameTier } from '../src/postgres-ranking';
import { CATALOG } from './catalog';
import { searchContract } from './contract';

describe.each(testDatabaseTargets())('Postgres search adapter contract on $name', (target) => {
  searchContract(async () => {
    const { database, cleanup } = await target.open();
    const index = createPostgresSearchIndex(database);
    await index.init();
    await index.init(); // idempotent
    return { index, cleanup };
  });

  describe('relevance pages ranked from the name matches', () => {
    let index: SearchIndex;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      const opened = await target.open();
      cleanup = opened.cleanup;
      index = createPostgresSearchIndex(opened.database);
      await index.init();
      await index.replaceAll(() => [CATALOG]);
    });
    afterAll(async () => cleanup?.());

    // Pages of one: the first page comes from the name tier (two "iPhone" names), the next
    // ones run past it and rank every match. Both must equal one page ranked over all matches.
    it.each(['iphone', 'iphnoe', 'wireless', 'headphones'])(
      'should page "%s" one hit at a time in the order and scores of a full ranking',
      async (text) => {
        const full = await index.search({ text, first: 20 });
        expect(full.hits.length).toBeGreaterThan(0);
        const walked: Array<{ productId: string; score: number }> = [];
        let after = undefined as (typeof full.hits)[number]['cursor'] | undefined;
        for (let page = 0; page < 10; page += 1) {
          const result = await index.search({ text, first: 1, after });
          expect(result.totalCount).toBe(full.totalCount);
          expect(result.facets).toEqual(full.facets);
          walked.push(...result.hits.map(({ productId, score }) => ({ productId, score })));
          if (!result.hasNextPage) break;
          after = result.hits.at(-1)!.cursor;
        }
        expect(walked).toEqual(full.hits.map(({ productId, score }) => ({ productId, score })));
      },
    );
  });
});

describe('nameTier', () => {
  it('should rank from the name tier only when at most one lexeme can match', () => {
    const known = new Map([['iphone', { known: true, corrections: [] }]]);
    expect(nameTier(['iphone'], known)).toEqual({ tierQuery: 'iphone:A', nodes: 1 });
    const typo = new Map([['iphnoe', { known: false, corrections: ['iphone'] }]]);
    expect(nameTier(['iphnoe'], typo)).toEqual({
      tierQuery: 'iphnoe:*A | iphone:A',
      nodes: 3,
      prefix: 'iphnoe:*',
    });
    const twoCorrections = new Map([['pone', { known: false, corrections: ['phone', 'cone'] }]]);
    expect(nameTier(['pone'], twoCorrections)).toBeUndefined();
    expect(nameTier(['ipho'], new Map())).toBeUndefined();
    expect(nameTier(['iphone', 'pro'], known)).toBeUndefined();
  });
});

describe('tsqueryText', () => {
  it('should match known words as words and other tokens as prefixes or corrections', () => {
    const info = new Map([
      ['iphnoe', { known: false, corrections: ['iphone'] }],
      ['pro', { known: true, corrections: [] }],
    ]);
    expect(tsqueryText(['iphnoe', 'pro'], info)).toBe('(iphnoe:* | iphone) & pro');
    expect(tsqueryText(['kni'], new Map())).toBe('kni:*');
  });
});
