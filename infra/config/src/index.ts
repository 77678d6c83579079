import { z } from 'zod';
import { log } from '@shop/log';

/**
 * Environment parsing shared by every deployable. Each package composes its own zod object
 * from these fragments; `loadEnv` prints every problem at once and exits with code 1.
 *
 * @example
 * const env = loadEnv(z.object({ PORT: port(4001), DATABASE_URL: optionalString() }));
 */

/** Empty strings count as unset (a `.env` line like `REDIS_URL=` means "not configured"). */
const emptyToUndefined = (value: unknown): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** An optional string; empty means unset. */
export const optionalString = () => z.preprocess(emptyToUndefined, z.string().optional());

/** An optional URL; empty means unset. */
export const optionalUrl = () => z.preprocess(emptyToUndefined, z.string().url().optional());

/** A TCP port with a default; 0 asks the OS for a free port. */
export const port = (fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(fallback));

/** A positive integer with a default. */
export const positiveInt = (fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().positive().default(fallback));

/** A boolean flag written as true/false/1/0/yes/no. */
export const flag = (fallback: boolean) =>
  z.preprocess((value) => {
    const v = emptyToUndefined(value);
    if (typeof v !== 'string') return v;
    return ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());
  }, z.boolean().default(fallback));

/** NODE_ENV, the one switch between developer-friendly and production behaviour. */
export const nodeEnv = () =>
  z.preprocess(
    emptyToUndefined,
    z.enum(['development', 'production', 'test']).default('development'),
  );

export type EnvResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Parses without side effects; every problem is returned as `NAME: message`. */
export function parseEnv<TSchema extends z.ZodType>(
  schema: TSchema,
  source: Record<string, string | undefined>,
): EnvResult<z.infer<TSchema>> {
  const result = schema.safeParse(source);
  if (result.success) return { ok: true, value: result.data };
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  return { ok: false, problems };
}

/**
 * Parses the environment once at start-up. On failure it prints every problem (not just the
 * first) and exits with code 1, so a misconfigured deployment fails loudly and immediately.
 */
export function loadEnv<TSchema extends z.ZodType>(
  schema: TSchema,
  // eslint-disable-next-line no-restricted-syntax -- the one place that reads the process environment
  source: Record<string, string | undefined> = process.env,
): z.infer<TSchema> {
  const result = parseEnv(schema, source);
  if (result.ok) return result.value;
  log.error('Invalid configuration:');
  for (const problem of result.problems) log.error(`  - ${problem}`);
  process.exit(1);
}

export { z };
