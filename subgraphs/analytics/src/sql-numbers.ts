/** A numeric aggregate Postgres returned as text (null: 0). */
export const toNumber = (value: unknown): number => (value === null ? 0 : Number(value));

/** A money sum Postgres returned as text; throws beyond JavaScript's safe integers. */
export function toSafeInteger(value: unknown): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`money sum out of range: ${String(value)}`);
  return n;
}
