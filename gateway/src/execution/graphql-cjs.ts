/**
 * graphql as @apollo/gateway loads it (CommonJS), for the plan executor. This ES module's own
 * `import 'graphql'` is graphql's ES build: a second copy whose `instanceof` checks reject the
 * first's objects. The API schema comes from @apollo/gateway (so variable coercion must use its
 * copy), and errors are made by the copy @apollo/gateway's executor uses, so Apollo Server
 * treats both executors' errors alike (paths and extensions kept).
 */
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';

const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;

export const { GraphQLError, getVariableValues } = graphql;
