import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Kind, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { orderStatuses, orderStatusOf, paymentStatuses, paymentStatusOf } from '../src/statuses';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The values of enum `name` in a subgraph's SDL (in declaration order). */
function enumValues(subgraph: string, name: string): string[] {
  const sdl = readFileSync(`${root}subgraphs/${subgraph}/src/schema.graphql`, 'utf8');
  const enumType = parse(sdl).definitions.find(
    (definition) => definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === name,
  );
  if (enumType?.kind !== Kind.ENUM_TYPE_DEFINITION) throw new Error(`${subgraph}: no enum ${name}`);
  return (enumType.values ?? []).map((value) => value.name.value);
}

describe('status enums of the subscription events', () => {
  // Federation merges an output-only enum as the union of its subgraphs' values: a value added
  // only in the order/payment subgraph would compose and then fail in the notification one.
  it('notification declares exactly the OrderStatus values of the order subgraph', () => {
    expect(enumValues('notification', 'OrderStatus')).toEqual(enumValues('order', 'OrderStatus'));
    expect([...orderStatuses].sort()).toEqual(enumValues('order', 'OrderStatus').sort());
  });

  it('notification declares exactly the PaymentStatus values of the payment subgraph', () => {
    expect(enumValues('notification', 'PaymentStatus')).toEqual(
      enumValues('payment', 'PaymentStatus'),
    );
    expect([...paymentStatuses].sort()).toEqual(enumValues('payment', 'PaymentStatus').sort());
  });

  it('accepts enum values only', () => {
    expect(orderStatusOf('SHIPPED')).toBe('SHIPPED');
    expect(orderStatusOf('ON_HOLD')).toBeNull();
    expect(orderStatusOf('toString')).toBeNull();
    expect(orderStatusOf(undefined)).toBeNull();
    expect(paymentStatusOf('CAPTURED')).toBe('CAPTURED');
    expect(paymentStatusOf('shipped')).toBeNull();
    expect(paymentStatusOf(42)).toBeNull();
  });
});
