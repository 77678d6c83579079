import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  auditNonNullFields,
  entityOwners,
  entityOwnership,
  readCommittedSupergraph,
} from '../src/index';

/**
 * Nullability at subgraph boundaries (schema/README.md; rules and reasoning in
 * `src/nonnull-audit.ts`): the committed supergraph must have no non-null field where one
 * subgraph's failure would null another subgraph's data. Runtime demonstration: docs/SECURITY.md §6 B3,
 * `apps/embedded/reliability/faults/nonnull-audit.rel.ts`.
 */

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@inaccessible"])`;

function compose(subgraphs: Record<string, string>): string {
  const result = composeServices(
    Object.entries(subgraphs).map(([name, sdl], index) => ({
      name,
      url: `http://127.0.0.1:${index + 1}/graphql`,
      typeDefs: parse(`${LINK}\n${sdl}`),
    })),
  );
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
}

/** `catalog` owns `Item`; `orders` references items and contributes `soldCount` to them. */
const fixture = (strict: boolean) => {
  const bang = strict ? '!' : '';
  return compose({
    catalog: `
      type Query { items: [Item!]${bang} item(id: ID!): Item internalCount: Int! @inaccessible }
      type Item @key(fields: "id") { id: ID! name: String! price: Int! }`,
    orders: `
      type Query { order(id: ID!): Order }
      type Order @key(fields: "id") {
        id: ID! number: String! items: [Item${bang}]! first: Item${bang}
      }
      type Item @key(fields: "id") { id: ID! soldCount: Int${bang} }`,
  });
};

describe('nullability at subgraph boundaries', () => {
  it('should find no non-null boundary field in the committed supergraph', () => {
    expect(auditNonNullFields(readCommittedSupergraph(), { owners: entityOwners() })).toEqual([]);
  });

  it('should declare the entity owners of schema/README.md, in line with the field majority', () => {
    const supergraph = readCommittedSupergraph();
    const declared = entityOwners();
    expect(declared).toEqual({
      Cart: 'cart',
      Order: 'order',
      Payment: 'payment',
      Product: 'product',
      User: 'user',
      Variant: 'product',
    });
    // A declaration may break a tie but must not contradict a clear majority.
    for (const [type, owner] of Object.entries(entityOwnership(supergraph)))
      expect({ type, owner: declared[type] ?? owner }).toEqual({ type, owner });
  });

  it('should report (a) root fields, (b) fields contributed to a foreign entity and (c) foreign entity references, list elements included', () => {
    expect(auditNonNullFields(fixture(true))).toEqual([
      {
        kind: 'foreign-entity-field',
        field: 'Item.soldCount: Int!',
        resolvedBy: ['orders'],
        owner: 'catalog',
      },
      {
        kind: 'entity-reference',
        field: 'Order.first: Item!',
        resolvedBy: ['orders'],
        owner: 'catalog',
      },
      {
        kind: 'entity-reference',
        field: 'Order.items: [Item!]!',
        resolvedBy: ['orders'],
        owner: 'catalog',
      },
      { kind: 'root-field', field: 'Query.items: [Item!]!', resolvedBy: ['catalog'] },
    ]);
  });

  it('should accept the nullable twin: owner fields, key fields, list wrappers and @inaccessible fields may stay non-null', () => {
    expect(auditNonNullFields(fixture(false))).toEqual([]);
  });

  it('should fail an entity without a determinable owner unless one is declared', () => {
    const tie = compose({
      left: 'type Query { thing: Thing }\ntype Thing @key(fields: "id") { id: ID! a: Int! }',
      right: 'type Thing @key(fields: "id") { id: ID! b: Int! }',
    });
    expect(auditNonNullFields(tie)).toEqual([
      { kind: 'no-owner', field: 'Thing', resolvedBy: ['left', 'right'] },
    ]);
    expect(entityOwnership(tie)).toEqual({});
    // Declared: `right`'s field is then a contributed one.
    expect(auditNonNullFields(tie, { owners: { Thing: 'left' } })).toEqual([
      {
        kind: 'foreign-entity-field',
        field: 'Thing.b: Int!',
        resolvedBy: ['right'],
        owner: 'left',
      },
    ]);
    // A declared owner that does not serve the entity, or a type that is no entity, fails too.
    expect(auditNonNullFields(tie, { owners: { Thing: 'nobody', Query: 'left' } })).toEqual([
      { kind: 'no-owner', field: 'Query', resolvedBy: ['left'] },
      { kind: 'no-owner', field: 'Thing', resolvedBy: ['nobody'] },
    ]);
  });
});
