import { describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '@shop/testing';
import { createPostgresSearchIndex, tsqueryText } from '../src/index';
import { searchContract } from './contract';

describe.each(testDatabaseTargets())('Postgres search adapter contract on $name', (target) => {
  searchContract(async () => {
    const { database, cleanup } = await target.open();
    const index = createPostgresSearchIndex(database);
    await index.init();
    await index.init(); // idempotent
    return { index, cleanup };
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
