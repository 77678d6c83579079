import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkOperations,
  loadOperations,
  OperationRegistryError,
  OPERATIONS_DIR,
  persistedQueryManifest,
  readOperations,
} from '../src/index';

const dirs: string[] = [];
/** A temp registry with the given files (`client/Name.graphql` → text). */
function registry(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'shop-operations-'));
  dirs.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const PRODUCT = 'query Product($id: ID!) {\n  product(id: $id) {\n    id\n    name\n  }\n}';
const schemaDir = fileURLToPath(new URL('..', import.meta.url));

describe('operation registry (schema/operations)', () => {
  it('should accept every committed operation against the committed supergraph', () => {
    const { operations, problems } = checkOperations();
    expect(problems).toEqual([]);
    expect(operations.length).toBeGreaterThanOrEqual(12);
    expect(new Set(operations.map((operation) => operation.client))).toEqual(
      new Set(['web', 'admin']),
    );
    const listing = operations.find((operation) => operation.name === 'ProductListing');
    expect(listing).toMatchObject({
      client: 'web',
      file: 'web/ProductListing.graphql',
      type: 'query',
    });
    const text = readFileSync(join(OPERATIONS_DIR, 'web/ProductListing.graphql'), 'utf8');
    expect(listing?.body).toBe(text.trim());
    expect(listing?.id).toBe(sha256(text.trim()));
    expect(operations.find((operation) => operation.name === 'OrderStatusChanged')?.type).toBe(
      'subscription',
    );
  });

  it('should load id, name, type, client, file and the exact body', () => {
    const dir = registry({
      'web/Product.graphql': `${PRODUCT}\n`,
      'admin/Ship.graphql':
        'mutation Ship($input: ShipOrderInput!) {\r\n  shipOrder(input: $input) { order { id } }\r\n}\r\n',
    });
    const operations = loadOperations(dir);
    expect(operations).toEqual([
      {
        id: sha256(
          'mutation Ship($input: ShipOrderInput!) {\n  shipOrder(input: $input) { order { id } }\n}',
        ),
        name: 'Ship',
        type: 'mutation',
        client: 'admin',
        file: 'admin/Ship.graphql',
        body: 'mutation Ship($input: ShipOrderInput!) {\n  shipOrder(input: $input) { order { id } }\n}',
      },
      {
        id: sha256(PRODUCT),
        name: 'Product',
        type: 'query',
        client: 'web',
        file: 'web/Product.graphql',
        body: PRODUCT,
      },
    ]);
  });

  it('should reject an unknown field and a wrong argument, naming the file and line', () => {
    const dir = registry({
      'web/Unknown.graphql': 'query Unknown {\n  products(first: 1) { totalCount nosuchField }\n}',
      'web/WrongArg.graphql': 'query WrongArg {\n  product(sku: "X") { id }\n}',
      'web/WrongType.graphql': 'query WrongType {\n  products(first: "ten") { totalCount }\n}',
      'web/Fine.graphql': PRODUCT.replace('Product(', 'Fine('),
    });
    const { operations, problems } = checkOperations(dir);
    expect(operations.map((operation) => operation.name).sort()).toEqual([
      'Fine',
      'Unknown',
      'WrongArg',
      'WrongType',
    ]);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(
      /^web\/Unknown\.graphql:2: Cannot query field "nosuchField" on type "ProductConnection"/,
    );
    expect(problems[1]).toMatch(
      /^web\/WrongArg\.graphql:2: Unknown argument "sku" on field "Query\.product"/,
    );
    expect(problems[2]).toMatch(
      /^web\/WrongType\.graphql:2: Int cannot represent non-integer value: "ten"/,
    );
  });

  it('should reject fields hidden from the public API (@inaccessible service fields)', () => {
    const supergraph = readFileSync(join(schemaDir, 'supergraph.graphql'), 'utf8');
    // reserveStock exists in the supergraph but is @inaccessible (service-only).
    expect(supergraph).toMatch(/reserveStock\(/);
    const dir = registry({
      'web/Reserve.graphql':
        'mutation Reserve($input: ReserveStockInput!) { reserveStock(input: $input) { ok } }',
    });
    const { problems } = checkOperations(dir);
    expect(problems.join('\n')).toMatch(
      /^web\/Reserve\.graphql:1: Unknown type "ReserveStockInput"/,
    );
    expect(problems.join('\n')).toMatch(/Cannot query field "reserveStock" on type "Mutation"/);
  });

  it('should reject a duplicate operation name across clients', () => {
    const dir = registry({ 'web/Product.graphql': PRODUCT, 'admin/Product.graphql': PRODUCT });
    const { problems } = readOperations(dir);
    expect(problems).toEqual([
      'duplicate operation name "Product" in admin/Product.graphql, web/Product.graphql: operation names must be unique across clients',
    ]);
    expect(() => loadOperations(dir)).toThrow(OperationRegistryError);
    expect(() => loadOperations(dir)).toThrow(/duplicate operation name "Product"/);
  });

  it('should reject anonymous operations, several operations in a file and misplaced files', () => {
    const dir = registry({
      'web/Anonymous.graphql': '{ categories { id } }',
      'web/Two.graphql': 'query Two { categories { id } }\nquery Three { me { id } }',
      'web/Misnamed.graphql': 'query Other { categories { id } }',
      'web/Schema.graphql': 'type Foo { id: ID }\nquery Schema { me { id } }',
      'web/Broken.graphql': 'query Broken { categories { id }',
      'Loose.graphql': 'query Loose { me { id } }',
    });
    const { operations, problems } = readOperations(dir);
    expect(operations).toEqual([]);
    expect(problems).toEqual([
      'Loose.graphql: must be in a client folder, as <client>/<OperationName>.graphql',
      'web/Anonymous.graphql: the query must be named (anonymous operations are not accepted)',
      expect.stringMatching(
        /^web\/Broken\.graphql: does not parse: Syntax Error: Expected Name, found <EOF>/,
      ),
      'web/Misnamed.graphql: operation "Other" must live in a file named Other.graphql',
      'web/Schema.graphql: may only contain one operation and the fragments it uses',
      'web/Two.graphql: must contain exactly one operation (found 2); put each operation in its own file',
    ]);
  });

  it('should reject a fragment the operation does not use', () => {
    const dir = registry({
      'web/Product.graphql': `${PRODUCT}\n\nfragment Unused on Product { slug }`,
    });
    expect(checkOperations(dir).problems).toEqual([
      'web/Product.graphql:8: Fragment "Unused" is never used.',
    ]);
  });

  it('should build an Apollo persisted query manifest', () => {
    const dir = registry({
      'web/Product.graphql': PRODUCT,
      'admin/Ship.graphql':
        'mutation Ship($input: ShipOrderInput!) { shipOrder(input: $input) { order { id } } }',
    });
    expect(persistedQueryManifest(loadOperations(dir))).toEqual({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [
        {
          id: sha256(
            'mutation Ship($input: ShipOrderInput!) { shipOrder(input: $input) { order { id } } }',
          ),
          name: 'Ship',
          type: 'mutation',
          body: 'mutation Ship($input: ShipOrderInput!) { shipOrder(input: $input) { order { id } } }',
        },
        { id: sha256(PRODUCT), name: 'Product', type: 'query', body: PRODUCT },
      ],
    });
  });

  it('should make `operations:check` exit 1 with the problems, and `manifest` write the file', () => {
    const run = (args: string[]) => {
      try {
        const stdout = execFileSync('npx', ['tsx', 'src/operations-cli.ts', ...args], {
          cwd: schemaDir,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        return { code: 0, stdout, stderr: '' };
      } catch (error) {
        const failed = error as { status: number; stdout: string; stderr: string };
        return { code: failed.status, stdout: failed.stdout, stderr: failed.stderr };
      }
    };
    const ok = run(['check']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /\d+ operations from 2 client\(s\) .* are valid against the supergraph/,
    );

    const broken = registry({
      'web/Product.graphql': PRODUCT,
      'admin/Product.graphql': PRODUCT,
      'web/Unknown.graphql': 'query Unknown { products { nosuchField } }',
    });
    const failed = run(['check', '--dir', broken]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('has 2 problem(s)');
    expect(failed.stderr).toContain('duplicate operation name "Product"');
    expect(failed.stderr).toContain(
      'web/Unknown.graphql:1: Cannot query field "nosuchField" on type "ProductConnection".',
    );
    // `check` writes nothing; `manifest` refuses a broken registry too.
    expect(readdirSync(broken).sort()).toEqual(['admin', 'web']);
    expect(run(['manifest', join(broken, 'm.json'), '--dir', broken]).code).toBe(1);
    expect(readdirSync(broken).sort()).toEqual(['admin', 'web']);

    const out = join(registry({}), 'manifest.json');
    expect(run(['manifest', out]).code).toBe(0);
    const manifest = JSON.parse(readFileSync(out, 'utf8')) as ReturnType<
      typeof persistedQueryManifest
    >;
    expect(manifest.format).toBe('apollo-persisted-query-manifest');
    expect(manifest.operations.map((operation) => operation.id).sort()).toEqual(
      loadOperations()
        .map((operation) => operation.id)
        .sort(),
    );
  }, 60_000);
});
