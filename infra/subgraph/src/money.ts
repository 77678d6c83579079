/**
 * Money rules shared by every subgraph that accepts an amount or a currency as input (product's
 * admin prices, order's `checkout(expectedTotal)`): one list of currencies and one set of bounds,
 * so "a valid price" means the same thing wherever it is checked.
 */

/**
 * Largest unit price a variant may have, in minor units: 1,000,000,000 (10,000,000.00 in a
 * two-decimal currency). With at most 99 units per line and 100 lines per cart, any cart total
 * stays below 10^13 — far inside both a JavaScript safe integer (2^53 − 1 ≈ 9.0 × 10^15) and
 * Postgres `bigint` (≈ 9.2 × 10^18), so no sum over prices can overflow or lose precision.
 */
export const MAX_UNIT_PRICE_MINOR = 1_000_000_000;

/**
 * Largest order total checkout accepts, in minor units: 100,000,000,000 (1,000,000,000.00 in a
 * two-decimal currency). A larger total is refused with a typed error before anything is reserved
 * or charged.
 */
export const MAX_ORDER_TOTAL_MINOR = 100_000_000_000;

/**
 * Active ISO 4217 currency codes a shop can price goods in (the list as of 2025): the funds
 * codes (BOV, CHE, CHW, CLF, COU, MXV, USN, UYI, UYW), precious metals (XAG, XAU, XPD, XPT),
 * bond-market units (XBA–XBD), XDR, XSU, XUA, the test code XTS and "no currency" XXX are left out,
 * and so are withdrawn codes (HRK, SLL, ZWL…). Codes are upper case: `usd` is not a code.
 */
// prettier-ignore
export const ISO_4217_CURRENCY_CODES: ReadonlySet<string> = new Set([
  'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT',
  'BGN', 'BHD', 'BIF', 'BMD', 'BND', 'BOB', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD',
  'CDF', 'CHF', 'CLP', 'CNY', 'COP', 'CRC', 'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP', 'DZD',
  'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GNF', 'GTQ',
  'GYD', 'HKD', 'HNL', 'HTG', 'HUF', 'IDR', 'ILS', 'INR', 'IQD', 'IRR', 'ISK', 'JMD', 'JOD',
  'JPY', 'KES', 'KGS', 'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'KZT', 'LAK', 'LBP', 'LKR',
  'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR',
  'MWK', 'MXN', 'MYR', 'MZN', 'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN',
  'PGK', 'PHP', 'PKR', 'PLN', 'PYG', 'QAR', 'RON', 'RSD', 'RUB', 'RWF', 'SAR', 'SBD', 'SCR',
  'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB',
  'TJS', 'TMT', 'TND', 'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'UGX', 'USD', 'UYU', 'UZS',
  'VED', 'VES', 'VND', 'VUV', 'WST', 'XAF', 'XCD', 'XCG', 'XOF', 'XPF', 'YER', 'ZAR', 'ZMW',
  'ZWG',
]);

/** True for an active ISO 4217 code from {@link ISO_4217_CURRENCY_CODES} (exact, upper case). */
export const isCurrencyCode = (code: unknown): code is string =>
  typeof code === 'string' && ISO_4217_CURRENCY_CODES.has(code);

/** True for a unit price checkout and the catalog accept: a whole number in 0…{@link MAX_UNIT_PRICE_MINOR}. */
export const isUnitPriceInRange = (amount: unknown): amount is number =>
  typeof amount === 'number' &&
  Number.isSafeInteger(amount) &&
  amount >= 0 &&
  amount <= MAX_UNIT_PRICE_MINOR;
