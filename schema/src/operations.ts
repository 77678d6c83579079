import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Supergraph } from '@apollo/federation-internals';
import type * as GraphQL from 'graphql';
import { SUPERGRAPH_PATH } from './subgraphs';

/**
 * The `graphql` instance @apollo/federation-internals uses (its CommonJS build): a plain
 * `import 'graphql'` may resolve to the ESM build under vitest, and `validate` then rejects the
 * API schema as coming "from another module or realm".
 */
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;
const { Kind, parse, validate } = graphql;

/** The operation registry frontend teams commit to: `schema/operations/<client>/<Name>.graphql`. */
export const OPERATIONS_DIR = fileURLToPath(new URL('../operations/', import.meta.url));

export type OperationType = 'query' | 'mutation' | 'subscription';

/** One registered operation; `id` is the sha256 (hex) of `body`, the exact text clients send. */
export interface RegisteredOperation {
  id: string;
  name: string;
  type: OperationType;
  /** The client folder (`web`, `admin`, …). */
  client: string;
  /** Path relative to the registry folder, with `/` separators, e.g. `web/ProductListing.graphql`. */
  file: string;
  body: string;
}

/** An Apollo-style persisted query manifest (what Apollo Router and GraphOS accept). */
export interface PersistedQueryManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: Array<{ id: string; name: string; type: OperationType; body: string }>;
}

/** Thrown by {@link loadOperations} when the registry has problems; `problems` name the files. */
export class OperationRegistryError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `The operation registry has ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`,
    );
    this.name = 'OperationRegistryError';
  }
}

/** sha256 (hex) of a document's text: the operation's id. */
export const operationId = (body: string) => createHash('sha256').update(body).digest('hex');

/**
 * A file's operation text as clients must send it: line endings normalized to `\n` and the
 * surrounding whitespace (e.g. the editor's final newline) removed. Everything else — spacing,
 * comments, field order — is part of the text and of its id.
 */
export const operationBody = (text: string) => text.replace(/\r\n?/g, '\n').trim();

/** Every `*.graphql` file under `dir`, as paths relative to it (sorted). */
function graphqlFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string) => {
    for (const entry of readdirSync(current).sort()) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.graphql')) files.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return files;
}

/**
 * Reads the registry and checks each file's shape: in a client folder, parses, exactly one
 * operation, named, named like its file; and that no two operations share a name. Returns what
 * could be read plus the problems found (each naming its file). Nothing is checked against the
 * schema here: see {@link validateOperations}.
 */
export function readOperations(dir: string = OPERATIONS_DIR): {
  operations: RegisteredOperation[];
  problems: string[];
} {
  const operations: RegisteredOperation[] = [];
  const problems: string[] = [];
  let files: string[];
  try {
    files = graphqlFiles(dir);
  } catch (error) {
    return { operations, problems: [`${dir}: cannot read the registry (${String(error)})`] };
  }
  for (const file of files) {
    const parts = file.split('/');
    if (parts.length !== 2) {
      problems.push(`${file}: must be in a client folder, as <client>/<OperationName>.graphql`);
      continue;
    }
    const [client = '', fileName = ''] = parts;
    const body = operationBody(readFileSync(join(dir, file), 'utf8'));
    let document: GraphQL.DocumentNode;
    try {
      document = parse(body);
    } catch (error) {
      problems.push(`${file}: does not parse: ${(error as Error).message}`);
      continue;
    }
    const definitions = document.definitions.filter(
      (definition): definition is GraphQL.OperationDefinitionNode =>
        definition.kind === Kind.OPERATION_DEFINITION,
    );
    const others = document.definitions.filter(
      (definition) =>
        definition.kind !== Kind.OPERATION_DEFINITION &&
        definition.kind !== Kind.FRAGMENT_DEFINITION,
    );
    if (others.length > 0) {
      problems.push(`${file}: may only contain one operation and the fragments it uses`);
      continue;
    }
    if (definitions.length !== 1) {
      problems.push(
        `${file}: must contain exactly one operation (found ${definitions.length}); put each operation in its own file`,
      );
      continue;
    }
    const operation = definitions[0]!;
    const name = operation.name?.value;
    if (!name) {
      problems.push(
        `${file}: the ${operation.operation} must be named (anonymous operations are not accepted)`,
      );
      continue;
    }
    if (fileName !== `${name}.graphql`) {
      problems.push(`${file}: operation "${name}" must live in a file named ${name}.graphql`);
      continue;
    }
    operations.push({ id: operationId(body), name, type: operation.operation, client, file, body });
  }
  const byName = new Map<string, RegisteredOperation[]>();
  for (const operation of operations) {
    byName.set(operation.name, [...(byName.get(operation.name) ?? []), operation]);
  }
  for (const [name, same] of byName) {
    if (same.length < 2) continue;
    problems.push(
      `duplicate operation name "${name}" in ${same.map((operation) => operation.file).join(', ')}: operation names must be unique across clients`,
    );
  }
  return { operations, problems };
}

/**
 * The registered operations (see the registry's README). Throws an
 * {@link OperationRegistryError} listing every problem when a file is malformed, anonymous,
 * holds more than one operation, or when two operations share a name.
 */
export function loadOperations(dir: string = OPERATIONS_DIR): RegisteredOperation[] {
  const { operations, problems } = readOperations(dir);
  if (problems.length > 0) throw new OperationRegistryError(problems);
  return operations;
}

/** The public API schema of a supergraph (what clients can query: no @inaccessible, no join__). */
export function apiSchemaOf(supergraphSdl: string): GraphQL.GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

/**
 * Validates each operation against the API schema (default: the committed supergraph's) with
 * the standard GraphQL rules (unknown fields, wrong arguments or types, unused fragments…);
 * returns one message per error, naming the file and the line.
 */
export function validateOperations(
  operations: readonly RegisteredOperation[],
  supergraphSdl: string = readFileSync(SUPERGRAPH_PATH, 'utf8'),
): string[] {
  const schema = apiSchemaOf(supergraphSdl);
  const problems: string[] = [];
  for (const operation of operations) {
    for (const error of validate(schema, parse(operation.body))) {
      const line = error.locations?.[0]?.line;
      problems.push(`${operation.file}${line ? `:${line}` : ''}: ${error.message}`);
    }
  }
  return problems;
}

/** Everything `pnpm operations:check` checks: the registry's shape, then the schema. */
export function checkOperations(
  dir: string = OPERATIONS_DIR,
  supergraphSdl?: string,
): { operations: RegisteredOperation[]; problems: string[] } {
  const { operations, problems } = readOperations(dir);
  return {
    operations,
    problems: [...problems, ...validateOperations(operations, supergraphSdl)],
  };
}

/** The registry as an Apollo persisted query manifest (sorted by client, then name). */
export function persistedQueryManifest(
  operations: readonly RegisteredOperation[],
): PersistedQueryManifest {
  return {
    format: 'apollo-persisted-query-manifest',
    version: 1,
    operations: [...operations]
      .sort((a, b) => a.file.localeCompare(b.file))
      .map(({ id, name, type, body }) => ({ id, name, type, body })),
  };
}
