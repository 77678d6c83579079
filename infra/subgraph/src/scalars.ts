import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import type { ErrorCode } from '@shop/http';

const invalid = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' satisfies ErrorCode } });

function toMinorUnits(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalid('MinorUnits must be a whole number of minor currency units (e.g. cents)');
  }
  return value;
}

/**
 * Money amounts in minor units (cents). GraphQL `Int` is 32-bit (≈ 21 M USD); this scalar
 * allows any safe integer (up to 2^53 − 1) and rejects fractions.
 */
export const MinorUnitsScalar = new GraphQLScalarType({
  name: 'MinorUnits',
  description: 'An amount in minor currency units (e.g. cents), a safe integer.',
  serialize: (value) =>
    toMinorUnits(
      typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value,
    ),
  parseValue: toMinorUnits,
  parseLiteral(ast) {
    if (ast.kind !== Kind.INT) throw invalid('MinorUnits must be an integer literal');
    return toMinorUnits(Number(ast.value));
  },
});

function toDate(value: unknown): Date {
  const date =
    value instanceof Date ? value : typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime()))
    throw invalid('DateTime must be an ISO-8601 timestamp');
  return date;
}

/** An ISO-8601 timestamp in UTC. */
export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'An ISO-8601 timestamp in UTC, e.g. 2026-01-31T12:00:00.000Z.',
  serialize: (value) => toDate(value).toISOString(),
  parseValue: (value) => toDate(value),
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw invalid('DateTime must be a string');
    return toDate(ast.value);
  },
});
