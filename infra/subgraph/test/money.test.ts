import { describe, expect, it } from 'vitest';
import {
  isCurrencyCode,
  isUnitPriceInRange,
  ISO_4217_CURRENCY_CODES,
  MAX_ORDER_TOTAL_MINOR,
  MAX_UNIT_PRICE_MINOR,
} from '../src/money';

describe('money rules', () => {
  it('should accept exactly the active ISO 4217 shop currencies, upper case', () => {
    for (const code of ['USD', 'EUR', 'JPY', 'GBP', 'CHF', 'XOF', 'ZWG']) {
      expect(isCurrencyCode(code)).toBe(true);
    }
    for (const code of [
      'XYZ',
      'usd',
      '',
      'US',
      'USDD',
      ' USD',
      'XXX',
      'XTS',
      'XAU',
      'HRK',
      null,
      840,
    ]) {
      expect(isCurrencyCode(code)).toBe(false);
    }
    for (const code of ISO_4217_CURRENCY_CODES) expect(code).toMatch(/^[A-Z]{3}$/);
  });

  it('should bound unit prices and keep every cart total a safe integer', () => {
    expect(isUnitPriceInRange(0)).toBe(true);
    expect(isUnitPriceInRange(MAX_UNIT_PRICE_MINOR)).toBe(true);
    for (const amount of [-1, 1.5, MAX_UNIT_PRICE_MINOR + 1, Number.MAX_SAFE_INTEGER, NaN, '1']) {
      expect(isUnitPriceInRange(amount)).toBe(false);
    }
    // 100 lines × 99 units at the largest price: far inside safe integers and bigint.
    expect(Number.isSafeInteger(100 * 99 * MAX_UNIT_PRICE_MINOR)).toBe(true);
    expect(MAX_ORDER_TOTAL_MINOR).toBeLessThan(100 * 99 * MAX_UNIT_PRICE_MINOR);
    expect(Number.isSafeInteger(MAX_ORDER_TOTAL_MINOR)).toBe(true);
  });
});
