/** Every spelling of a new subgraph's name the templates and patches need. */
export interface SubgraphNames {
  /** Folder, registry and supergraph name: `gift-card`. */
  name: string;
  /** Types and functions: `GiftCard` (`startGiftCardSubgraph`). */
  pascal: string;
  /** Variables and root fields: `giftCard`. */
  camel: string;
  /** Postgres schema: `gift_card`. */
  snake: string;
  /** Constants: `GIFT_CARD` (`GIFT_CARD_SUBGRAPH`). */
  constant: string;
  /** Workspace package: `@shop/gift-card-subgraph`. */
  packageName: string;
}

/** Why a name was refused: one sentence for the command line. */
export class InvalidNameError extends Error {
  override name = 'InvalidNameError';
}

const NAME_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_LENGTH = 40;

/**
 * Names a subgraph cannot take: workspace folders and packages, GraphQL and Postgres words,
 * JavaScript reserved words (the camel-case name becomes identifiers in the generated code and in
 * apps/embedded/src/subgraphs.ts).
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set([
  // workspace and tooling
  'gateway',
  'schema',
  'infra',
  'tools',
  'bench',
  'shared',
  'subgraph',
  'subgraphs',
  'supergraph',
  'scaffold',
  'test',
  'tests',
  'e2e',
  'generated',
  'node-modules',
  'dist',
  'src',
  'shop',
  'all',
  // GraphQL and Federation
  'query',
  'mutation',
  'subscription',
  'entities',
  'service',
  'link',
  'join',
  'federation',
  // Postgres
  'public',
  'pg',
  'information-schema',
  // the embedded runner's own variables (apps/embedded/src), which a subgraph should not shadow
  'database',
  'bus',
  'common',
  'services',
  'track',
  'started',
  'options',
  'host',
  'seed',
  'stopped',
  'error',
  // JavaScript reserved words and globals
  'await',
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'implements',
  'import',
  'in',
  'instanceof',
  'interface',
  'let',
  'new',
  'null',
  'package',
  'private',
  'protected',
  'return',
  'static',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'undefined',
  'var',
  'void',
  'while',
  'with',
  'yield',
  'process',
  'console',
  'globalThis',
]);

const capitalize = (part: string) => part.charAt(0).toUpperCase() + part.slice(1);

/** Derives every spelling from a valid name (see {@link validateName}). */
export function namesOf(name: string): SubgraphNames {
  const parts = name.split('-');
  const pascal = parts.map(capitalize).join('');
  return {
    name,
    pascal,
    camel: pascal.charAt(0).toLowerCase() + pascal.slice(1),
    snake: parts.join('_'),
    constant: parts.join('_').toUpperCase(),
    packageName: `@shop/${name}-subgraph`,
  };
}

/**
 * Checks a new subgraph's name: lower-case letters and digits, words separated by single
 * hyphens, starting with a letter, at most 40 characters, not reserved and not taken by an
 * existing subgraph (`existing`: folder names under subgraphs/ and registry names).
 */
export function validateName(raw: string, existing: Iterable<string> = []): SubgraphNames {
  const name = raw.trim();
  if (name === '') throw new InvalidNameError('a subgraph name is required, e.g. `reviews`');
  if (name.length > MAX_LENGTH)
    throw new InvalidNameError(`"${name}" is longer than ${MAX_LENGTH} characters`);
  if (!NAME_PATTERN.test(name))
    throw new InvalidNameError(
      `"${name}" is not a valid subgraph name: use lower-case letters and digits, words separated by single hyphens, starting with a letter (e.g. \`reviews\`, \`gift-cards\`)`,
    );
  const names = namesOf(name);
  if (RESERVED_NAMES.has(name) || RESERVED_NAMES.has(names.camel) || name.startsWith('pg-'))
    throw new InvalidNameError(`"${name}" is a reserved word; choose another subgraph name`);
  const taken = new Set(existing);
  for (const candidate of [name, names.snake, names.camel])
    if (taken.has(candidate))
      throw new InvalidNameError(`a subgraph named "${candidate}" already exists`);
  return names;
}
