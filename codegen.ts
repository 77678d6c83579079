import { codegenConfig } from './tools/codegen/src/config';

/**
 * graphql-codegen configuration: every `subgraphs/<name>/` with a `src/schema.graphql` gets
 * `src/generated/resolvers-types.ts` (federation mode), with the `contextType`, `mappers` and
 * `scalars` of its optional `codegen.json`. Use `pnpm codegen` / `pnpm codegen:check`
 * (tools/codegen); `pnpm exec graphql-codegen` reads this file too.
 */
export default codegenConfig(process.cwd());
