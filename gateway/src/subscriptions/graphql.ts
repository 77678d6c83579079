import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';

/**
 * The one `graphql` instance shared with @apollo/gateway, @apollo/federation-internals and
 * graphql-ws: its CommonJS build, which is what Node resolves for all of them. A plain
 * `import 'graphql'` in our (transformed) sources resolves to the ESM build under vitest — a
 * second instance whose schemas and errors the others reject ("Cannot use GraphQLSchema from
 * another module or realm", `instanceof GraphQLError` false).
 */
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

export const {
  GraphQLError,
  Kind,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isAbstractType,
  isCompositeType,
  isObjectType,
  parse,
  print,
  validate,
  valueFromAST,
  visit,
} = graphql;
export type GraphQLError = GraphQL.GraphQLError;
