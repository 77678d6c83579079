/**
 * Card handling: validation (Luhn, expiry, CVC) and the few facts that may be kept (brand and
 * last four digits). The full number and the CVC are only passed to the provider, never stored.
 */

/** Card data as entered; lives only for the duration of one request. */
export interface CardDetails {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

export type CardBrand = 'VISA' | 'MASTERCARD' | 'AMEX' | 'DISCOVER' | 'UNKNOWN';

/** The documented numbers of the built-in test provider and what each does. */
export const TEST_CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  insufficientFunds: '4000000000009995',
  requiresAction: '4000002500003155',
  captureFails: '4000000000000259',
} as const;

/** Digits only (spaces and dashes removed). */
export const normalizeCardNumber = (number: string) => number.replace(/[\s-]/g, '');

/** Luhn checksum of a digit string. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    total += digit;
  }
  return total % 10 === 0;
}

export function cardBrand(digits: string): CardBrand {
  if (/^4/.test(digits)) return 'VISA';
  if (/^(5[1-5]|2[2-7])/.test(digits)) return 'MASTERCARD';
  if (/^3[47]/.test(digits)) return 'AMEX';
  if (/^6(011|5)/.test(digits)) return 'DISCOVER';
  return 'UNKNOWN';
}

export type CardCheck =
  | { ok: true; card: CardDetails; brand: CardBrand; last4: string }
  | { ok: false; field: string; message: string };

/** Validates a card as entered; `now` decides expiry (a card is valid through its month). */
export function checkCard(input: CardDetails, now: Date = new Date()): CardCheck {
  const number = normalizeCardNumber(input.number);
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) {
    return { ok: false, field: 'number', message: 'Card number is invalid' };
  }
  if (!Number.isInteger(input.expMonth) || input.expMonth < 1 || input.expMonth > 12) {
    return { ok: false, field: 'expMonth', message: 'Expiry month must be 1-12' };
  }
  const year = input.expYear < 100 ? 2000 + input.expYear : input.expYear;
  const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
  if (!Number.isInteger(year) || year * 12 + (input.expMonth - 1) < thisMonth || year > 2100) {
    return { ok: false, field: 'expYear', message: 'Card has expired' };
  }
  if (!/^\d{3,4}$/.test(input.cvc)) {
    return { ok: false, field: 'cvc', message: 'CVC must be 3 or 4 digits' };
  }
  return {
    ok: true,
    card: { number, expMonth: input.expMonth, expYear: year, cvc: input.cvc },
    brand: cardBrand(number),
    last4: number.slice(-4),
  };
}
