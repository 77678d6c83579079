import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import {
  composeSubgraphs,
  operationId,
  readCommittedSupergraph,
  type RegisteredOperation,
  type SubgraphSdl,
} from '../src/index';
import {
  checkSchema,
  formatReport,
  normalizeCoordinate,
  operationUsage,
  parseAllowList,
  SchemaCheckError,
  type AllowEntry,
  type SchemaCheckReport,
} from '../src/schema-check';
import { apiSchemaOf } from '../src/operations';

const LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@inaccessible"])';

/** `catalog` owns `Product`; `orders` references it. Edited per test with `replace`. */
const CATALOG = `${LINK}
type Query {
  product(id: ID!): Product
  products(first: Int, status: Status): [Product!]
  internalStock(id: ID!): Int @inaccessible
}
type Product @key(fields: "id") {
  id: ID!
  name: String!
  legacyCode: String
  price: Int!
  status: Status!
}
enum Status { ACTIVE ARCHIVED }`;

const ORDERS = `${LINK}
type Query { order(id: ID!): Order }
type Order @key(fields: "id") { id: ID! items: [Product] }
type Product @key(fields: "id", resolvable: false) { id: ID! }`;

const subgraphs = (catalog = CATALOG, orders = ORDERS): SubgraphSdl[] => [
  { name: 'catalog', url: 'http://127.0.0.1:1/graphql', sdl: catalog },
  { name: 'orders', url: 'http://127.0.0.1:2/graphql', sdl: orders },
];

const operation = (file: string, body: string): RegisteredOperation => {
  const [client = '', name = ''] = file.replace(/\.graphql$/, '').split('/');
  const type = body.trimStart().split(/\s/)[0] as RegisteredOperation['type'];
  return { id: operationId(body), name, type, client, file, body };
};

const OPERATIONS = [
  operation(
    'web/ProductPage.graphql',
    'query ProductPage($id: ID!) { product(id: $id) { id name price } }',
  ),
  operation(
    'admin/OrderItems.graphql',
    'query OrderItems { order(id: "1") { id items { id name } } }',
  ),
  operation(
    'admin/Archived.graphql',
    'query Archived { products(first: 5, status: ARCHIVED) { id } }',
  ),
];

const compose = (sdls: SubgraphSdl[]) => {
  const result = composeSubgraphs(sdls);
  if (!result.ok) throw new Error(result.errors.join('\n'));
  return result.supergraphSdl;
};
const BASE = compose(subgraphs());

/** Runs the check of `catalog` (and `orders`) as changed against the fixture's base. */
function check(
  catalog: string,
  options: { orders?: string; allowList?: AllowEntry[]; extra?: SubgraphSdl[] } = {},
): Promise<SchemaCheckReport> {
  return checkSchema({
    baseSupergraphSdl: BASE,
    subgraphs: [...subgraphs(catalog, options.orders), ...(options.extra ?? [])],
    operations: OPERATIONS,
    allowList: options.allowList ?? [],
  });
}

const summary = (changes: SchemaCheckReport['breaking']) =>
  changes.map(({ type, coordinate, operations }) => ({ type, coordinate, operations }));

describe('schema check (pure)', () => {
  it('should pass with no change', async () => {
    const report = await checkSchema({
      baseSupergraphSdl: BASE,
      subgraphs: subgraphs(),
      operations: OPERATIONS,
      committedSupergraphSdl: BASE,
    });
    expect(report).toMatchObject({
      ok: true,
      compared: true,
      staleSupergraph: false,
      breaking: [],
      dangerous: [],
      safe: [],
      operationProblems: [],
      failures: [],
    });
    expect(formatReport(report, 'main')).toMatch(
      /Breaking changes \(0\): none[\s\S]*schema check passed$/,
    );
  });

  it('should fail on removing a field a registered operation uses, naming the operations', async () => {
    const report = await check(CATALOG.replace('  name: String!\n', ''));
    expect(report.ok).toBe(false);
    expect(summary(report.breaking)).toEqual([
      {
        type: 'FIELD_REMOVED',
        coordinate: 'Product.name',
        operations: ['web/ProductPage.graphql', 'admin/OrderItems.graphql'],
      },
    ]);
    // The operations no longer validate against the new API schema either.
    expect(report.operationProblems).toEqual([
      expect.stringMatching(
        /^web\/ProductPage\.graphql:1: Cannot query field "name" on type "Product"/,
      ),
      expect.stringMatching(
        /^admin\/OrderItems\.graphql:1: Cannot query field "name" on type "Product"/,
      ),
    ]);
    const text = formatReport(report, 'main');
    expect(text).toContain('- Product.name: ');
    expect(text).toContain('used by: web/ProductPage.graphql, admin/OrderItems.graphql');
    expect(text).toMatch(/schema check FAILED/);
  });

  it('should fail on removing an unused field, naming no operation', async () => {
    const report = await check(CATALOG.replace('  legacyCode: String\n', ''));
    expect(report.ok).toBe(false);
    expect(summary(report.breaking)).toEqual([
      { type: 'FIELD_REMOVED', coordinate: 'Product.legacyCode', operations: [] },
    ]);
    expect(report.operationProblems).toEqual([]);
    expect(report.failures).toEqual([
      expect.stringMatching(
        /^1 breaking change\(s\) not approved in schema\/breaking-changes\.json /,
      ),
    ]);
    expect(formatReport(report, 'main')).toContain('used by: no registered operation');
  });

  it('should accept a new nullable field (safe) and a new optional argument (dangerous)', async () => {
    const report = await check(
      CATALOG.replace(
        '  legacyCode: String\n',
        '  legacyCode: String\n  subtitle: String\n',
      ).replace('product(id: ID!)', 'product(id: ID!, locale: String)'),
    );
    expect(report.ok).toBe(true);
    expect(report.breaking).toEqual([]);
    expect(summary(report.safe)).toEqual([
      { type: 'FIELD_ADDED', coordinate: 'Product.subtitle', operations: [] },
    ]);
    // graphql-inspector rates an optional argument DANGEROUS (a default could change results).
    expect(summary(report.dangerous)).toEqual([
      {
        type: 'FIELD_ARGUMENT_ADDED',
        coordinate: 'Query.product.locale',
        operations: ['web/ProductPage.graphql'],
      },
    ]);
  });

  it('should fail on a new required argument, naming the operations calling the field', async () => {
    const report = await check(
      CATALOG.replace(
        'products(first: Int, status: Status)',
        'products(first: Int, status: Status, currency: String!)',
      ),
    );
    expect(report.ok).toBe(false);
    expect(summary(report.breaking)).toEqual([
      {
        type: 'FIELD_ARGUMENT_ADDED',
        coordinate: 'Query.products.currency',
        operations: ['admin/Archived.graphql'],
      },
    ]);
    expect(report.operationProblems).toEqual([
      expect.stringMatching(
        /^admin\/Archived\.graphql:1: Field "products" argument "currency" .* is required/,
      ),
    ]);
  });

  it('should rate an output field turning nullable as breaking (clients relied on non-null)', async () => {
    const report = await check(CATALOG.replace('price: Int!', 'price: Int'));
    expect(report.ok).toBe(false);
    expect(summary(report.breaking)).toEqual([
      {
        type: 'FIELD_TYPE_CHANGED',
        coordinate: 'Product.price',
        operations: ['web/ProductPage.graphql'],
      },
    ]);
    expect(report.dangerous).toEqual([]);
    expect(report.operationProblems).toEqual([]);
  });

  it('should name operations sending a removed enum value', async () => {
    const report = await check(
      CATALOG.replace('enum Status { ACTIVE ARCHIVED }', 'enum Status { ACTIVE }'),
    );
    expect(summary(report.breaking)).toEqual([
      {
        type: 'ENUM_VALUE_REMOVED',
        coordinate: 'Status.ARCHIVED',
        operations: ['admin/Archived.graphql'],
      },
    ]);
    expect(report.ok).toBe(false);
  });

  it('should pass an allow-listed breaking change and warn about a stale entry', async () => {
    const allowList = parseAllowList(
      JSON.stringify([
        {
          coordinate: 'Product.legacyCode',
          reason: 'unused since web 4.2',
          approvedBy: 'catalog-team',
        },
        { coordinate: 'Query.products(currency:)', reason: 'clients updated' },
        { path: 'Query.gone', reason: 'shipped last week' },
      ]),
    );
    const report = await check(
      CATALOG.replace('  legacyCode: String\n', '').replace(
        'products(first: Int, status: Status)',
        'products(first: Int, status: Status, currency: String = "USD")',
      ),
      { allowList },
    );
    expect(report.ok).toBe(true);
    expect(report.breaking.map((change) => [change.coordinate, change.approvedBy?.reason])).toEqual(
      [['Product.legacyCode', 'unused since web 4.2']],
    );
    // The argument got a default, so it is not breaking: its approval and Query.gone are stale.
    expect(report.staleAllowEntries.map((entry) => entry.coordinate)).toEqual([
      'Query.products.currency',
      'Query.gone',
    ]);
    const text = formatReport(report, 'main');
    expect(text).toContain('approved by catalog-team: unused since web 4.2');
    expect(text).toMatch(
      /Warning: .*approve no breaking change[\s\S]*- Query\.gone \(shipped last week\)/,
    );
    expect(text).toMatch(/schema check passed$/);
  });

  it('should not see an @inaccessible field removal nor any join__/link__ machinery', async () => {
    const changed = CATALOG.replace('  internalStock(id: ID!): Int @inaccessible\n', '');
    expect(compose(subgraphs(changed))).not.toBe(BASE);
    const report = await check(changed);
    expect(report).toMatchObject({ ok: true, breaking: [], dangerous: [], safe: [] });

    // A new subgraph changes join__Graph in the supergraph; the API diff only shows its field.
    const reviews: SubgraphSdl = {
      name: 'reviews',
      url: 'http://127.0.0.1:3/graphql',
      sdl: `${LINK}\ntype Query { topRated: [ID!] }`,
    };
    const added = await check(CATALOG, { extra: [reviews] });
    expect(summary(added.safe)).toEqual([
      { type: 'FIELD_ADDED', coordinate: 'Query.topRated', operations: [] },
    ]);
    expect([...added.breaking, ...added.dangerous]).toEqual([]);
  });

  it('should fail with the composition errors, and name a subgraph whose SDL does not parse', async () => {
    const conflict = await check(CATALOG, {
      orders: ORDERS.replace(
        'type Product @key(fields: "id", resolvable: false) { id: ID! }',
        'type Product @key(fields: "id") { id: ID! name: Int }',
      ),
    });
    expect(conflict.ok).toBe(false);
    expect(conflict.compositionErrors.join('\n')).toMatch(/Product\.name/);
    expect(conflict.failures).toEqual([
      `composition failed with ${conflict.compositionErrors.length} error(s)`,
    ]);
    expect(formatReport(conflict, 'main')).toMatch(/Composition failed:\n {2}- .*Product\.name/);

    const syntax = await check(`${CATALOG}\ntype Broken {`);
    expect(syntax.ok).toBe(false);
    expect(syntax.compositionErrors).toEqual([expect.stringMatching(/^\[catalog\] Syntax Error/)]);
  });

  it('should fail when the committed supergraph is stale, pointing at `pnpm compose`', async () => {
    const report = await checkSchema({
      baseSupergraphSdl: BASE,
      subgraphs: subgraphs(
        CATALOG.replace('  legacyCode: String\n', '  legacyCode: String\n  subtitle: String\n'),
      ),
      operations: OPERATIONS,
      committedSupergraphSdl: BASE,
    });
    expect(report.staleSupergraph).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([expect.stringContaining('run `pnpm compose`')]);
  });

  it('should skip the diff without a base but still validate the operations', async () => {
    const report = await checkSchema({
      baseSupergraphSdl: null,
      subgraphs: subgraphs(CATALOG.replace('  name: String!\n', '')),
      operations: OPERATIONS,
    });
    expect(report.compared).toBe(false);
    expect(report.breaking).toEqual([]);
    expect(report.operationProblems).toHaveLength(2);
    expect(report.ok).toBe(false);
    expect(formatReport(report, 'none')).toContain('breaking-change diff: skipped');
  });

  it('should reject a base that is no supergraph with a typed error', async () => {
    await expect(
      checkSchema({
        baseSupergraphSdl: 'type Query { a: Int }',
        subgraphs: subgraphs(),
        operations: [],
      }),
    ).rejects.toThrow(SchemaCheckError);
  });
});

describe('operation usage', () => {
  it('should list fields, arguments, literal enum values and input fields, and all a variable may carry', () => {
    const schema = apiSchemaOf(
      compose([
        {
          name: 'shop',
          url: 'http://127.0.0.1:1/graphql',
          sdl: `${LINK}
type Query { search(filter: Filter, sort: Sort): [Item!] item(id: ID!): Item }
type Item { id: ID! name: String tags: [String!] }
input Filter { text: String inStock: Boolean range: Range }
input Range { min: Int max: Int }
enum Sort { NAME PRICE }`,
        },
      ]),
    );
    const literal = operationUsage(
      schema,
      'query A { search(filter: { text: "x" }, sort: NAME) { ...F } }\nfragment F on Item { name }',
    );
    expect([...literal].sort()).toEqual(
      [
        'Filter',
        'Filter.text',
        'Item',
        'Item.name',
        'Query',
        'Query.search',
        'Query.search.filter',
        'Query.search.sort',
        'Sort',
        'Sort.NAME',
        'String',
      ].sort(),
    );
    const variables = operationUsage(
      schema,
      'query B($f: Filter, $s: Sort) { search(filter: $f, sort: $s) { id } }',
    );
    for (const coordinate of [
      'Filter.inStock',
      'Range.max',
      'Sort.PRICE',
      'Query.search.filter',
      'Item.id',
    ])
      expect(variables).toContain(coordinate);
    expect(variables).not.toContain('Item.name');
  });
});

describe('allow-list file', () => {
  it('should normalize coordinates and reject malformed entries, listing each problem', () => {
    expect(normalizeCoordinate(' Query.product(id:) ')).toBe('Query.product.id');
    expect(normalizeCoordinate('Status.ARCHIVED')).toBe('Status.ARCHIVED');
    expect(parseAllowList('[]')).toEqual([]);
    expect(() => parseAllowList('{ "coordinate": "A.b" }')).toThrow(/must be a JSON array/);
    expect(() => parseAllowList('[')).toThrow(/not valid JSON/);
    let problems = '';
    try {
      parseAllowList(
        JSON.stringify([
          { coordinate: 'A.b' },
          { coordinate: 'A.b', path: 'A.b', reason: 'x' },
          'A.c',
          { path: 'A.d', reason: 'ok', extra: 1 },
        ]),
      );
    } catch (error) {
      expect(error).toBeInstanceOf(SchemaCheckError);
      problems = (error as Error).message;
    }
    expect(problems.split('\n').slice(1)).toEqual([
      '  - schema/breaking-changes.json[0]: needs a "reason" (why clients are not broken, or who was told)',
      '  - schema/breaking-changes.json[1]: needs exactly one of "coordinate" or "path" (a non-empty string)',
      '  - schema/breaking-changes.json[2]: must be an object',
      '  - schema/breaking-changes.json[3]: unknown key(s) extra',
    ]);
  });
});

// Each run starts tsx and loads composition: a few seconds on a busy machine.
describe('schema:check CLI', { timeout: 120_000 }, () => {
  const schemaDir = fileURLToPath(new URL('..', import.meta.url));
  const tmp = mkdtempSync(join(tmpdir(), 'shop-schema-check-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const run = async (args: string[]) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        join(schemaDir, 'node_modules/.bin/tsx'),
        ['src/schema-check-cli.ts', ...args],
        { cwd: schemaDir, encoding: 'utf8' },
      );
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it('should pass on the repository against its own HEAD with no breaking change', async () => {
    const result = await run(['--base', 'HEAD', '--json']);
    expect(result.stderr).not.toMatch(/could not run/);
    const report = JSON.parse(result.stdout) as SchemaCheckReport & { base: string };
    expect(report).toMatchObject({
      base: 'HEAD',
      ok: true,
      compared: true,
      breaking: [],
      operationProblems: [],
    });
    expect(report.operationCount).toBeGreaterThanOrEqual(12);
    expect(result.code).toBe(0);
  });

  it('should exit 1 on a breaking change against --base-file, and 0 once it is allow-listed', async () => {
    const committed = readCommittedSupergraph();
    const queryStart = /^type Query\n(?:\s+@join__type\(.*\)\n)*\{\n/m.exec(committed);
    expect(queryStart).not.toBeNull();
    const at = queryStart!.index + queryStart![0].length;
    const base = join(tmp, 'base.graphql');
    writeFileSync(
      base,
      `${committed.slice(0, at)}  """Removed field."""\n  legacyField: String @join__field(graph: PRODUCT)\n${committed.slice(at)}`,
    );
    const allow = join(tmp, 'allow.json');
    writeFileSync(allow, JSON.stringify([{ coordinate: 'Query.legacyField', reason: 'test' }]));
    const [failed, approved] = await Promise.all([
      run(['--base-file', base]),
      run(['--base-file', base, '--allow-list', allow]),
    ]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(
      /Breaking changes \(1\):\n {2}- Query\.legacyField: Field 'legacyField' was removed/,
    );
    expect(failed.stdout).toContain('used by: no registered operation');
    expect(failed.stdout).toMatch(/schema check FAILED/);

    expect(approved.stdout).toMatch(/approved: test[\s\S]*schema check passed/);
    expect(approved.code).toBe(0);
  });

  it('should exit 2 with a clear message when the base ref cannot be read', async () => {
    const [result, usage] = await Promise.all([
      run(['--base', 'no-such-ref-for-schema-check']),
      run(['--frobnicate']),
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /cannot read schema\/supergraph\.graphql at "no-such-ref-for-schema-check"[\s\S]*--base none/,
    );
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unknown argument "--frobnicate"/);
  });
});
