import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';

/**
 * The CommonJS `graphql` shared with Apollo Server and @apollo/gateway (see
 * subscriptions/graphql.ts): errors thrown from plugins must be `instanceof` *its* GraphQLError
 * or Apollo turns them into 500s, and the API schema Apollo hands to plugins must be read with
 * its functions.
 */
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

export const {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getOperationAST,
  getVariableValues,
  isInputObjectType,
  isListType,
  isNonNullType,
  parse,
  typeFromAST,
} = graphql;
export type GraphQLError = GraphQL.GraphQLError;
