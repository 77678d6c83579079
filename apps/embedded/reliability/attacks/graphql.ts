import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';

/**
 * The CommonJS `graphql` that Apollo Server, @apollo/gateway and @apollo/federation-internals
 * use (as gateway/src/limits/graphql.ts does): schemas built by federation-internals must be
 * walked with the same module, or graphql-js refuses them as coming from "another realm".
 */
export const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;
