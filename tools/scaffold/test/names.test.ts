import { describe, expect, it } from 'vitest';
import { InvalidNameError, namesOf, validateName } from '../src/index';

describe('subgraph names', () => {
  it('should derive every spelling from a kebab-case name', () => {
    expect(namesOf('gift-cards')).toEqual({
      name: 'gift-cards',
      pascal: 'GiftCards',
      camel: 'giftCards',
      snake: 'gift_cards',
      constant: 'GIFT_CARDS',
      packageName: '@shop/gift-cards-subgraph',
    });
    expect(namesOf('reviews2')).toMatchObject({ pascal: 'Reviews2', snake: 'reviews2' });
  });

  it('should accept lower-case alpha and kebab names', () => {
    expect(validateName('reviews').name).toBe('reviews');
    expect(validateName('gift-cards', ['user', 'product']).camel).toBe('giftCards');
    expect(validateName('  shipping  ').name).toBe('shipping');
  });

  it.each([
    ['', /required/],
    ['Reviews', /not a valid subgraph name/],
    ['gift_cards', /not a valid subgraph name/],
    ['gift--cards', /not a valid subgraph name/],
    ['-reviews', /not a valid subgraph name/],
    ['reviews-', /not a valid subgraph name/],
    ['2fa', /not a valid subgraph name/],
    ['rev iews', /not a valid subgraph name/],
    ['revi$ws', /not a valid subgraph name/],
    ['../user', /not a valid subgraph name/],
    ['a'.repeat(41), /longer than 40/],
    ['gateway', /reserved/],
    ['schema', /reserved/],
    ['query', /reserved/],
    ['class', /reserved/],
    ['database', /reserved/],
    ['pg-stats', /reserved/],
  ])('should refuse %j with a clear message', (name, message) => {
    expect(() => validateName(name)).toThrow(InvalidNameError);
    expect(() => validateName(name)).toThrow(message);
  });

  it('should refuse the name of an existing subgraph, in any spelling', () => {
    expect(() => validateName('user', ['user', 'product'])).toThrow(
      'a subgraph named "user" already exists',
    );
    expect(() => validateName('gift-cards', ['gift_cards'])).toThrow(/already exists/);
  });
});
