import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CodegenConfig } from '@graphql-codegen/cli';

/** Where each subgraph's generated resolver types live, relative to `subgraphs/<name>/`. */
export const GENERATED_DIR = 'src/generated';
export const GENERATED_FILE = `${GENERATED_DIR}/resolvers-types.ts`;

/**
 * Optional `subgraphs/<name>/codegen.json`. Paths are relative to the generated file
 * (`src/generated/resolvers-types.ts`), as codegen expects: `"../resolvers#OrderContext"`.
 */
export interface SubgraphCodegenSettings {
  /** `module#Type` of the context every resolver receives. */
  contextType?: string;
  /** GraphQL type name → `module#Type` of the value its resolvers receive as parent. */
  mappers?: Record<string, string>;
  /** Extra or overriding scalar mappings (`{ "input": "…", "output": "…" }` or one type). */
  scalars?: Record<string, string | { input: string; output: string }>;
}

export interface SubgraphCodegenTarget {
  name: string;
  /** Repository-relative, with forward slashes. */
  schema: string;
  output: string;
  settings: SubgraphCodegenSettings;
}

/**
 * Scalars shared by the subgraphs (`schema/README.md`): `DateTime` is parsed to a `Date` and
 * serialized from a `Date` or an ISO string; `MinorUnits` is a safe integer.
 */
export const SHARED_SCALARS = {
  DateTime: { input: 'Date', output: 'Date | string' },
  MinorUnits: { input: 'number', output: 'number' },
} as const;

/** Settings of every generated file; `codegen.json` adds `contextType`, `mappers`, `scalars`. */
export const BASE_PLUGIN_CONFIG = {
  federation: true,
  useTypeImports: true,
  // String unions, so resolvers may return the enum values the services already use.
  enumsAsTypes: true,
  // Resolver maps stay assignable to @apollo/subgraph's `GraphQLResolverMap`.
  useIndexSignature: true,
  // Nullable fields accept `undefined` too (a missing loader result is a null field).
  maybeValue: 'T | null | undefined',
  inputMaybeValue: 'T | null | undefined',
} as const;

function readSettings(dir: string): SubgraphCodegenSettings {
  const file = join(dir, 'codegen.json');
  if (!existsSync(file)) return {};
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${file}: expected an object with contextType, mappers or scalars`);
  }
  const known = new Set(['contextType', 'mappers', 'scalars']);
  const unknownKeys = Object.keys(parsed).filter((key) => !known.has(key));
  if (unknownKeys.length > 0) {
    throw new Error(`${file}: unknown setting(s) ${unknownKeys.join(', ')}`);
  }
  return parsed as SubgraphCodegenSettings;
}

/** Every `subgraphs/<name>/` with a `src/schema.graphql`, sorted by name. */
export function discoverSubgraphs(root: string): SubgraphCodegenTarget[] {
  const base = join(root, 'subgraphs');
  if (!existsSync(base)) return [];
  return readdirSync(base, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .filter((name) => existsSync(join(base, name, 'src', 'schema.graphql')))
    .sort()
    .map((name) => ({
      name,
      schema: `subgraphs/${name}/src/schema.graphql`,
      output: `subgraphs/${name}/${GENERATED_FILE}`,
      settings: readSettings(join(base, name)),
    }));
}

/**
 * The graphql-codegen configuration: one `resolvers-types.ts` per discovered subgraph, with
 * `typescript` + `typescript-resolvers` in federation mode. Paths are relative to `root`.
 */
export function codegenConfig(root: string, only?: readonly string[]): CodegenConfig {
  const targets = discoverSubgraphs(root).filter((t) => !only?.length || only.includes(t.name));
  const generates: NonNullable<CodegenConfig['generates']> = {};
  for (const target of targets) {
    const { contextType, mappers, scalars } = target.settings;
    generates[target.output] = {
      schema: target.schema,
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        ...BASE_PLUGIN_CONFIG,
        scalars: { ...SHARED_SCALARS, ...scalars },
        ...(contextType ? { contextType } : {}),
        ...(mappers ? { mappers } : {}),
      },
    };
  }
  return {
    overwrite: true,
    silent: true,
    generates,
    // `graphql-codegen --config codegen.ts` formats like `pnpm codegen` does.
    hooks: { afterOneFileWrite: ['prettier --write'] },
  };
}
