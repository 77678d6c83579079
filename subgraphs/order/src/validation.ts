import type { ShippingAddress } from './tables';

/** Checks of what clients send: ids, idempotency keys, shipping addresses (pure). */

export interface ShippingAddressInput {
  fullName: string;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null;
  postalCode: string;
  countryCode: string;
  phone?: string | null;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && UUID_PATTERN.test(value);

/** Stripe's limit: 1–255 characters. */
export const isValidIdempotencyKey = (key: string) => key.length >= 1 && key.length <= 255;

type AddressCheck =
  { ok: true; address: ShippingAddress } | { ok: false; field: string; message: string };

/** Trims, turns empty optional fields into null and checks lengths and formats. */
export function validateShippingAddress(input: ShippingAddressInput): AddressCheck {
  const required = (field: keyof ShippingAddressInput, max: number) => {
    const value = typeof input[field] === 'string' ? input[field].trim() : '';
    if (value.length === 0) return { error: `${field} is required` };
    if (value.length > max) return { error: `${field} must be at most ${max} characters` };
    return { value };
  };
  const optional = (field: keyof ShippingAddressInput, max: number) => {
    const value = typeof input[field] === 'string' ? input[field].trim() : '';
    if (value.length > max) return { error: `${field} must be at most ${max} characters` };
    return { value: value.length === 0 ? null : value };
  };
  const checks = {
    fullName: required('fullName', 100),
    line1: required('line1', 200),
    line2: optional('line2', 200),
    city: required('city', 100),
    region: optional('region', 100),
    postalCode: required('postalCode', 20),
    countryCode: required('countryCode', 2),
    phone: optional('phone', 30),
  };
  for (const [field, check] of Object.entries(checks)) {
    if ('error' in check) return { ok: false, field, message: check.error! };
  }
  const value = <T>(check: { value?: T }) => check.value as T;
  const address: ShippingAddress = {
    fullName: value<string>(checks.fullName),
    line1: value<string>(checks.line1),
    line2: value<string | null>(checks.line2),
    city: value<string>(checks.city),
    region: value<string | null>(checks.region),
    postalCode: value<string>(checks.postalCode),
    countryCode: value<string>(checks.countryCode),
    phone: value<string | null>(checks.phone),
  };
  if (!/^[A-Z]{2}$/.test(address.countryCode)) {
    return {
      ok: false,
      field: 'countryCode',
      message: 'countryCode must be two upper-case letters (ISO 3166-1 alpha-2)',
    };
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9 -]*$/.test(address.postalCode)) {
    return { ok: false, field: 'postalCode', message: 'postalCode has invalid characters' };
  }
  if (address.phone !== null && !/^\+?[0-9][0-9 ()./-]{3,29}$/.test(address.phone)) {
    return { ok: false, field: 'phone', message: 'phone must be a phone number' };
  }
  return { ok: true, address };
}
