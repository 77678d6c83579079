import { createRequire } from 'node:module';
import { ChangeType, CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import type * as GraphQL from 'graphql';
import { composeSubgraphs, type SubgraphSdl } from './compose';
import { apiSchemaOf, validateOperations, type RegisteredOperation } from './operations';

/**
 * `pnpm schema:check` without a hosted registry (schema/README.md § Schema workflow): compose the
 * working tree's subgraph SDLs, diff the new API schema against the base's, name the registered
 * operations each breaking change affects, and validate every operation against the new schema.
 * Everything here is pure (strings in, a report out); `schema-check-cli.ts` does the I/O.
 */

/**
 * The `graphql` instance @apollo/federation-internals (and so {@link apiSchemaOf}) uses: its
 * CommonJS build. See the note in `operations.ts`: a second instance would reject the schema.
 */
const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;
const { getNamedType, isEnumType, isInputObjectType, parse, TypeInfo, visit, visitWithTypeInfo } =
  graphql;

/** Where teams approve intentional breaking changes (relative to the repository root). */
export const ALLOW_LIST_FILE = 'schema/breaking-changes.json';

/** Bad input to the check itself (unreadable base, malformed allow-list): not a schema problem. */
export class SchemaCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaCheckError';
  }
}

/** One approval of an intentional breaking change, from {@link ALLOW_LIST_FILE}. */
export interface AllowEntry {
  /**
   * The changed schema coordinate, as the report prints it: `Type`, `Type.field`,
   * `Type.field.argument` (also written `Type.field(argument:)`), `Enum.VALUE`, `Input.field`.
   */
  coordinate: string;
  /** Why the break is acceptable (e.g. "no client sends it since web 4.2"). */
  reason: string;
  approvedBy?: string;
}

export type ChangeLevel = 'breaking' | 'dangerous' | 'safe';

/** One difference between the base and the new API schema, classified by graphql-inspector. */
export interface SchemaChange {
  level: ChangeLevel;
  /** graphql-inspector's change type, e.g. `FIELD_REMOVED`. */
  type: string;
  /** The schema coordinate that changed (`Query.product`, `Query.product.id`, `OrderStatus.PAID`). */
  coordinate: string;
  message: string;
  /** Registered operations (`web/ProductPage.graphql`) that use the changed coordinate. */
  operations: string[];
  /** The allow-list entry that approves this breaking change, if any. */
  approvedBy?: AllowEntry;
}

export interface SchemaCheckInput {
  /** The base supergraph SDL; `null` skips the breaking-change diff (`--base none`). */
  baseSupergraphSdl: string | null;
  /** The subgraphs as they are now (the working tree). */
  subgraphs: readonly SubgraphSdl[];
  /** The registered client operations (`schema/operations/`). */
  operations: readonly RegisteredOperation[];
  /** Problems with the registry's files themselves (from `readOperations`). */
  registryProblems?: readonly string[];
  allowList?: readonly AllowEntry[];
  /**
   * The committed `schema/supergraph.graphql` (`null`: missing). The gateway serves that file, so
   * it must equal the composition; `undefined` skips the comparison.
   */
  committedSupergraphSdl?: string | null;
}

export interface SchemaCheckReport {
  ok: boolean;
  compositionErrors: string[];
  /** The committed supergraph differs from the composition (run `pnpm compose`). */
  staleSupergraph: boolean;
  /** False when there was no base to compare against. */
  compared: boolean;
  breaking: SchemaChange[];
  dangerous: SchemaChange[];
  safe: SchemaChange[];
  /** Registry problems plus operations that do not validate against the new API schema. */
  operationProblems: string[];
  operationCount: number;
  /** Allow-list entries that approve no breaking change of this diff (remove them). */
  staleAllowEntries: AllowEntry[];
  /** Why the check failed, one line per reason; empty when `ok`. */
  failures: string[];
}

/** `Type.field(argument:)` → `Type.field.argument` (the form graphql-inspector's paths use). */
export function normalizeCoordinate(coordinate: string): string {
  const trimmed = coordinate.trim();
  const argument = /^([^.()\s]+)\.([^.()\s]+)\(\s*([^.():\s]+)\s*:?\s*\)$/.exec(trimmed);
  return argument ? `${argument[1]}.${argument[2]}.${argument[3]}` : trimmed;
}

/**
 * Parses the allow-list: a JSON array of `{ "coordinate" (or "path"), "reason", "approvedBy"? }`.
 * Throws a {@link SchemaCheckError} listing every malformed entry.
 */
export function parseAllowList(text: string, source: string = ALLOW_LIST_FILE): AllowEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SchemaCheckError(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(data))
    throw new SchemaCheckError(
      `${source}: must be a JSON array of { "coordinate", "reason", "approvedBy"? } entries`,
    );
  const problems: string[] = [];
  const entries: AllowEntry[] = [];
  data.forEach((item: unknown, index) => {
    const at = `${source}[${index}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`${at}: must be an object`);
      return;
    }
    const { coordinate, path, reason, approvedBy, ...rest } = item as Record<string, unknown>;
    const target = coordinate ?? path;
    if (
      (coordinate === undefined) === (path === undefined) ||
      typeof target !== 'string' ||
      !target.trim()
    )
      problems.push(`${at}: needs exactly one of "coordinate" or "path" (a non-empty string)`);
    if (typeof reason !== 'string' || !reason.trim())
      problems.push(`${at}: needs a "reason" (why clients are not broken, or who was told)`);
    if (approvedBy !== undefined && typeof approvedBy !== 'string')
      problems.push(`${at}: "approvedBy" must be a string`);
    const unknown = Object.keys(rest);
    if (unknown.length > 0) problems.push(`${at}: unknown key(s) ${unknown.join(', ')}`);
    if (typeof target === 'string' && typeof reason === 'string')
      entries.push({
        coordinate: normalizeCoordinate(target),
        reason,
        ...(typeof approvedBy === 'string' ? { approvedBy } : {}),
      });
  });
  if (problems.length > 0)
    throw new SchemaCheckError(`${source} is malformed:\n  - ${problems.join('\n  - ')}`);
  return entries;
}

/**
 * The schema coordinates an operation uses, read with graphql's TypeInfo against `schema`:
 * every type it touches (`Product`), field it selects (`Query.product`), argument it passes
 * (`Query.product.id`), input field and enum value it writes literally (`ProductFilter.inStock`,
 * `SortOrder.ASC`). A variable may carry any input field or enum value of its type, so those
 * count as used too.
 */
export function operationUsage(schema: GraphQL.GraphQLSchema, body: string): Set<string> {
  const used = new Set<string>();
  const useInputType = (type: GraphQL.GraphQLInputType, seen: Set<string>) => {
    const named = getNamedType(type);
    used.add(named.name);
    if (seen.has(named.name)) return;
    seen.add(named.name);
    if (isEnumType(named)) {
      for (const value of named.getValues()) used.add(`${named.name}.${value.name}`);
    } else if (isInputObjectType(named)) {
      for (const field of Object.values(named.getFields())) {
        used.add(`${named.name}.${field.name}`);
        useInputType(field.type, seen);
      }
    }
  };
  const typeInfo = new TypeInfo(schema);
  visit(
    parse(body),
    visitWithTypeInfo(typeInfo, {
      Field() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        if (!parent || !field) return;
        used.add(parent.name);
        used.add(`${parent.name}.${field.name}`);
        used.add(getNamedType(field.type).name);
      },
      Argument() {
        const parent = typeInfo.getParentType();
        const field = typeInfo.getFieldDef();
        const argument = typeInfo.getArgument();
        if (typeInfo.getDirective() || !parent || !field || !argument) return;
        used.add(`${parent.name}.${field.name}.${argument.name}`);
        used.add(getNamedType(argument.type).name);
      },
      ObjectField(node) {
        const parent = typeInfo.getParentInputType();
        if (parent) used.add(`${getNamedType(parent).name}.${node.name.value}`);
      },
      EnumValue(node) {
        const type = typeInfo.getInputType();
        if (type) used.add(`${getNamedType(type).name}.${node.value}`);
      },
      VariableDefinition() {
        const type = typeInfo.getInputType();
        if (type) useInputType(type, new Set());
      },
      InlineFragment(node) {
        if (node.typeCondition) used.add(node.typeCondition.name.value);
      },
      FragmentDefinition(node) {
        used.add(node.typeCondition.name.value);
      },
    }),
  );
  return used;
}

/**
 * The coordinates whose use makes an operation depend on a change: the changed coordinate
 * itself, except for additions to something the operation uses (a required argument or input
 * field: every use of the field / input type breaks) and a removed union member (fragments on it).
 */
function dependentCoordinates(change: Change): string[] {
  const path = change.path ?? '';
  const parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : path;
  switch (change.type) {
    case ChangeType.FieldArgumentAdded:
    case ChangeType.InputFieldAdded:
      return [parent];
    case ChangeType.UnionMemberRemoved:
      return [(change.meta as { removedUnionMemberTypeName: string }).removedUnionMemberTypeName];
    default:
      return [path];
  }
}

const LEVELS: Record<CriticalityLevel, ChangeLevel> = {
  [CriticalityLevel.Breaking]: 'breaking',
  [CriticalityLevel.Dangerous]: 'dangerous',
  [CriticalityLevel.NonBreaking]: 'safe',
};

function buildApiSchema(sdl: string, what: string): GraphQL.GraphQLSchema {
  try {
    return apiSchemaOf(sdl);
  } catch (error) {
    throw new SchemaCheckError(`${what} is not a valid supergraph: ${(error as Error).message}`);
  }
}

/**
 * Runs the whole check. Fails on composition errors, a stale committed supergraph, a breaking
 * change no allow-list entry approves, and an operation that does not validate against the new
 * API schema. Dangerous and safe changes are reported, never fatal. Throws a
 * {@link SchemaCheckError} when the base supergraph itself cannot be built.
 */
export async function checkSchema(input: SchemaCheckInput): Promise<SchemaCheckReport> {
  const report: SchemaCheckReport = {
    ok: false,
    compositionErrors: [],
    staleSupergraph: false,
    compared: input.baseSupergraphSdl !== null,
    breaking: [],
    dangerous: [],
    safe: [],
    operationProblems: [...(input.registryProblems ?? [])],
    operationCount: input.operations.length,
    staleAllowEntries: [],
    failures: [],
  };
  const composed = composeSubgraphs(input.subgraphs);
  if (!composed.ok) {
    report.compositionErrors = composed.errors;
    report.compared = false;
    report.failures.push(`composition failed with ${composed.errors.length} error(s)`);
    return report;
  }
  const supergraphSdl = composed.supergraphSdl;
  if (input.committedSupergraphSdl !== undefined)
    report.staleSupergraph = input.committedSupergraphSdl !== supergraphSdl;

  if (input.baseSupergraphSdl !== null) {
    const baseSchema = buildApiSchema(input.baseSupergraphSdl, 'the base supergraph');
    const newSchema = buildApiSchema(supergraphSdl, 'the composed supergraph');
    const changes = await diff(baseSchema, newSchema);
    let usage: Array<{ file: string; used: Set<string> }> | undefined;
    const usedBy = (change: Change) => {
      usage ??= input.operations.map((operation) => ({
        file: operation.file,
        used: operationUsage(baseSchema, operation.body),
      }));
      const coordinates = dependentCoordinates(change);
      return usage
        .filter(({ used }) => coordinates.some((coordinate) => used.has(coordinate)))
        .map(({ file }) => file);
    };
    for (const change of changes) {
      const level = LEVELS[change.criticality.level];
      report[level].push({
        level,
        type: change.type,
        coordinate: change.path ?? '',
        message: change.message,
        operations: level === 'safe' ? [] : usedBy(change),
      });
    }
  }

  const allowList = input.allowList ?? [];
  for (const change of report.breaking) {
    const entry = allowList.find((candidate) => candidate.coordinate === change.coordinate);
    if (entry) change.approvedBy = entry;
  }
  report.staleAllowEntries = allowList.filter(
    (entry) => !report.breaking.some((change) => change.approvedBy === entry),
  );

  report.operationProblems.push(...validateOperations(input.operations, supergraphSdl));

  const unapproved = report.breaking.filter((change) => !change.approvedBy);
  if (report.staleSupergraph)
    report.failures.push(
      'schema/supergraph.graphql is stale (the gateway serves it): run `pnpm compose` and commit the result',
    );
  if (unapproved.length > 0)
    report.failures.push(
      `${unapproved.length} breaking change(s) not approved in ${ALLOW_LIST_FILE} (deprecate instead, or add { "coordinate", "reason", "approvedBy" } for each)`,
    );
  if (report.operationProblems.length > 0)
    report.failures.push(
      `${report.operationProblems.length} problem(s) with registered operations`,
    );
  report.ok = report.failures.length === 0;
  return report;
}

const list = (items: readonly string[], indent = '  ') =>
  items.map((item) => `${indent}- ${item}`).join('\n');

function formatChange(change: SchemaChange): string {
  const lines = [`  - ${change.coordinate}: ${change.message} [${change.type}]`];
  if (change.level !== 'safe')
    lines.push(
      change.operations.length > 0
        ? `      used by: ${change.operations.join(', ')}`
        : '      used by: no registered operation',
    );
  if (change.approvedBy)
    lines.push(
      `      approved${change.approvedBy.approvedBy ? ` by ${change.approvedBy.approvedBy}` : ''}: ${change.approvedBy.reason}`,
    );
  return lines.join('\n');
}

/** The human-readable report `pnpm schema:check` prints. */
export function formatReport(report: SchemaCheckReport, base: string): string {
  const out: string[] = [`schema check against ${base}`];
  if (report.compositionErrors.length > 0) {
    out.push('', 'Composition failed:', list(report.compositionErrors));
  } else {
    out.push(
      '',
      `composition: ok`,
      `committed supergraph: ${report.staleSupergraph ? 'STALE (run `pnpm compose`)' : 'up to date'}`,
    );
    if (!report.compared) {
      out.push('breaking-change diff: skipped (no base)');
    } else {
      for (const [title, changes] of [
        ['Breaking changes', report.breaking],
        ['Dangerous changes', report.dangerous],
        ['Safe changes', report.safe],
      ] as const) {
        out.push('', `${title} (${changes.length})${changes.length === 0 ? ': none' : ':'}`);
        for (const change of changes) out.push(formatChange(change));
      }
    }
    out.push(
      '',
      report.operationProblems.length > 0
        ? `Registered operations (${report.operationCount}): ${report.operationProblems.length} problem(s):\n${list(report.operationProblems)}`
        : `Registered operations: all ${report.operationCount} valid against the new API schema`,
    );
  }
  if (report.staleAllowEntries.length > 0)
    out.push(
      '',
      `Warning: ${ALLOW_LIST_FILE} entries that approve no breaking change (remove them):`,
      list(report.staleAllowEntries.map((entry) => `${entry.coordinate} (${entry.reason})`)),
    );
  out.push(
    '',
    report.ok ? 'schema check passed' : `schema check FAILED:\n${list(report.failures)}`,
  );
  return out.join('\n');
}
