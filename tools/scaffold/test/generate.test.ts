import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyPlan,
  describePlan,
  EMBEDDED_FILE,
  EMBEDDED_PACKAGE_FILE,
  planSubgraph,
  REGISTRY_FILE,
  registeredSubgraphs,
  runPostSteps,
  ScaffoldError,
  TEMPLATE_DEPENDENCIES,
  type Plan,
} from '../src/index';
import { importFrom, REPO } from './workspace';

const SUBGRAPHS_DIR = join(REPO, 'subgraphs');
const PATCHED = [REGISTRY_FILE, EMBEDDED_FILE, EMBEDDED_PACKAGE_FILE];

/** A throw-away repository root holding copies of just the files the generator patches. */
function copyOfPatchedFiles(): string {
  const root = mkdtempSync(join(tmpdir(), 'scaffold-root-'));
  for (const file of PATCHED) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    copyFileSync(join(REPO, file), join(root, file));
  }
  return root;
}

const uniqueName = () => `scaffoldtest${randomBytes(4).toString('hex').replace(/^\d+/, '')}x`;

describe('planning a subgraph', () => {
  let root: string;
  beforeAll(() => {
    root = copyOfPatchedFiles();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('should plan the files and patches without writing anything (dry run)', async () => {
    const name = uniqueName();
    const plan = await planSubgraph({ name, root, subgraphsDir: SUBGRAPHS_DIR });
    const registry = readFileSync(join(REPO, REGISTRY_FILE), 'utf8');
    const maxPort = Math.max(...registeredSubgraphs(registry).map((entry) => entry.port));
    expect(plan.port).toBe(maxPort + 1);
    expect(plan.dir).toBe(join(SUBGRAPHS_DIR, name));
    expect(plan.files.map((file) => file.path.slice(plan.dir.length + 1)).sort()).toEqual(
      expect.arrayContaining([
        '.env.template',
        'README.md',
        'migrations/0001_init.sql',
        'package.json',
        'src/env.ts',
        'src/index.ts',
        'src/main.ts',
        'src/resolvers.ts',
        'src/schema.graphql',
        'src/subgraph.ts',
        `test/${name}.test.ts`,
        'tsconfig.json',
      ]),
    );
    const text = describePlan(plan);
    expect(text).toContain(`subgraphs/${name}/src/schema.graphql`);
    expect(text).toContain(`import { ${plan.names.camel}Subgraph } from '@shop/${name}-subgraph';`);
    expect(text).toContain(`${name}: embed(${plan.names.camel}Subgraph,`);
    expect(text).toContain(`subgraph('${name}', ${plan.port}),`);
    expect(existsSync(plan.dir)).toBe(false);
    for (const file of PATCHED)
      expect(readFileSync(join(root, file), 'utf8')).toBe(readFileSync(join(REPO, file), 'utf8'));
  });

  it('should take --port, and type resolvers with codegen exactly when asked', async () => {
    const plain = await planSubgraph({ name: 'reviews', root, port: 4321, codegen: false });
    const typed = await planSubgraph({ name: 'reviews', root, port: 4321, codegen: true });
    const resolversOf = (plan: Plan) =>
      plan.files.find((file) => file.path.endsWith('src/resolvers.ts'))!.content;
    expect(plain.port).toBe(4321);
    expect(resolversOf(plain)).toContain('GraphQLResolverMap<ReviewsContext>');
    expect(resolversOf(typed)).toContain(
      "import type { Resolvers } from './generated/resolvers-types';",
    );
    // The same scripts as the existing subgraphs (codegen only where resolvers are generated).
    const scriptsOf = (path: string, content = readFileSync(path, 'utf8')) =>
      Object.keys((JSON.parse(content) as { scripts: Record<string, string> }).scripts).sort();
    const packageOf = (plan: Plan) =>
      plan.files.find((file) => file.path.endsWith('package.json'))!.content;
    const existing = scriptsOf(join(SUBGRAPHS_DIR, 'payment', 'package.json'));
    expect(scriptsOf('', packageOf(typed))).toEqual(
      existsSync(join(REPO, 'codegen.ts')) ? existing : [...existing, 'codegen'].sort(),
    );
    expect(scriptsOf('', packageOf(plain))).toEqual(existing.filter((s) => s !== 'codegen'));
    expect(typed.files.map((file) => file.path)).toContain(join(typed.dir, 'codegen.json'));
    expect(plain.files.map((file) => file.path)).not.toContain(join(plain.dir, 'codegen.json'));
    // Without an explicit choice it follows the root: this copy has no codegen.ts.
    expect((await planSubgraph({ name: 'reviews', root })).codegen).toBe(false);
  });

  it('should refuse taken names and ports, an existing folder and clashing types', async () => {
    await expect(planSubgraph({ name: 'payment', root })).rejects.toThrow(/already exists/);
    await expect(planSubgraph({ name: 'reviews', root, port: 4002 })).rejects.toThrow(
      /port 4002 is already used by the product subgraph/,
    );
    await expect(planSubgraph({ name: 'reviews', root, port: 3999 })).rejects.toThrow(
      ScaffoldError,
    );
    await expect(planSubgraph({ name: 'Reviews!', root })).rejects.toThrow(/not a valid/);
    await expect(planSubgraph({ name: 'reviews', root: join(root, 'nowhere') })).rejects.toThrow(
      /registry not found/,
    );
    // A subgraphs folder (outside the repository) whose SDL already has the generated names.
    const other = mkdtempSync(join(tmpdir(), 'scaffold-subgraphs-'));
    const sdlFile = join(other, 'existing', 'src', 'schema.graphql');
    try {
      mkdirSync(dirname(sdlFile), { recursive: true });
      writeFileSync(
        sdlFile,
        'type Query { reviewsItem(id: ID! @deprecated(reason: "x")): String }',
      );
      await expect(planSubgraph({ name: 'reviews', root, subgraphsDir: other })).rejects.toThrow(
        'root field reviewsItem is already defined by the existing subgraph',
      );
      writeFileSync(
        sdlFile,
        '"""\ntype ReviewsItem (a description)\n"""\ntype ReviewsUserError {\n  a: Int\n}\n',
      );
      await expect(planSubgraph({ name: 'reviews', root, subgraphsDir: other })).rejects.toThrow(
        'type ReviewsUserError is already defined by the existing subgraph',
      );
      writeFileSync(sdlFile, '"""\ntype ReviewsItem and reviewsItem: only words\n"""\nscalar X\n');
      await expect(
        planSubgraph({ name: 'reviews', root, subgraphsDir: other }),
      ).resolves.toMatchObject({ port: expect.any(Number) });
      mkdirSync(join(other, 'reviews'));
      await expect(planSubgraph({ name: 'reviews', root, subgraphsDir: other })).rejects.toThrow(
        /already exists/,
      );
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('should run install (online when offline fails), codegen when typed, then compose', async () => {
    const plan = await planSubgraph({ name: 'reviews', root, codegen: true });
    const calls: string[] = [];
    const ok = (failing: string[]) => (command: string, args: string[], cwd: string) => {
      const call = [command, ...args].join(' ');
      calls.push(call);
      expect(cwd).toBe(root);
      return failing.includes(call) ? 1 : 0;
    };
    runPostSteps(plan, ok(['pnpm install --offline']));
    expect(calls).toEqual([
      'pnpm install --offline',
      'pnpm install',
      'pnpm codegen',
      'pnpm compose',
    ]);
    calls.length = 0;
    expect(() => runPostSteps({ ...plan, codegen: false }, ok(['pnpm compose']))).toThrow(
      /composition failed: .*run `pnpm compose` again/,
    );
    expect(calls).toEqual(['pnpm install --offline', 'pnpm compose']);
    calls.length = 0;
    mkdirSync(join(root, 'deploy', 'kubernetes'), { recursive: true });
    try {
      runPostSteps({ ...plan, codegen: false }, ok([]));
    } finally {
      rmSync(join(root, 'deploy'), { recursive: true, force: true });
    }
    expect(calls).toEqual(['pnpm install --offline', 'pnpm compose', 'pnpm deploy:render --write']);
  });
});

describe('the command line', () => {
  const cli = join(REPO, 'tools', 'scaffold', 'src', 'cli.ts');
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], {
      cwd: REPO,
      encoding: 'utf8',
    });

  it('should print the plan with --dry-run and change nothing', () => {
    const name = uniqueName();
    const result = run(name, '--dry-run', '--port', '4555');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`subgraph ${name} (@shop/${name}-subgraph), port 4555`);
    expect(result.stdout).toContain('would patch:');
    expect(existsSync(join(SUBGRAPHS_DIR, name))).toBe(false);
  });

  it('should fail with one clear line, not a stack trace', () => {
    const result = run('gateway', '--dry-run');
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'new:subgraph: "gateway" is a reserved word; choose another subgraph name',
    );
    expect(run('reviews', '--port', 'x', '--dry-run').stderr).toContain('is not a number');
    expect(run('--dry-run').stderr).toContain('expected one subgraph name');
  });
});

/** The parts of the generated package and of @shop/db / @shop/auth the end-to-end test uses. */
interface GeneratedModule {
  [key: string]: unknown;
}
interface RunningSubgraph {
  url: string;
  stop(): Promise<void>;
}
interface Database {
  close(): Promise<void>;
}
interface DbModule {
  createDatabase(options: { url?: string }): Promise<Database>;
}
interface TestingModule {
  createScratchDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }>;
}
interface AuthModule {
  loadSigningKey(): Promise<unknown>;
  mintInternalToken(
    key: unknown,
    audience: string,
    identity: { userId: string; roles: string[] } | null,
  ): Promise<string>;
}

describe('a generated subgraph, end to end', () => {
  const name = uniqueName();
  const dir = join(SUBGRAPHS_DIR, name);
  let root: string;
  let plan: Plan;
  let subgraph: RunningSubgraph | undefined;
  let database: Database | undefined;
  let scratch: { url: string; drop(): Promise<void> } | undefined;
  let call: (
    roles: string[] | null,
    query: string,
    variables: Record<string, unknown>,
  ) => Promise<{ data?: Record<string, any> | null; errors?: Array<Record<string, any>> }>;

  beforeAll(async () => {
    root = copyOfPatchedFiles();
    plan = await planSubgraph({ name, root, subgraphsDir: SUBGRAPHS_DIR, codegen: false });
    // The generated test file stays out: the unit project would pick it up meanwhile.
    applyPlan({ ...plan, files: plan.files.filter((file) => !file.path.includes('/test/')) });

    // The workspace link `pnpm install` would make: borrow the packages from a subgraph that
    // depends on all of them (links to their real folders, like pnpm's).
    const needed = [
      ...Object.keys(TEMPLATE_DEPENDENCIES.dependencies),
      ...Object.keys(TEMPLATE_DEPENDENCIES.devDependencies),
    ];
    const donor = ['analytics', 'payment', 'notification', 'order', 'cart'].find((candidate) =>
      needed.every((pkg) => existsSync(join(SUBGRAPHS_DIR, candidate, 'node_modules', pkg))),
    );
    if (!donor) throw new Error('no existing subgraph has every dependency of the template');
    for (const pkg of needed) {
      const link = join(dir, 'node_modules', pkg);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(realpathSync(join(SUBGRAPHS_DIR, donor, 'node_modules', pkg)), link);
    }

    const generated = (await import(
      pathToFileURL(join(dir, 'src', 'index.ts')).href
    )) as GeneratedModule;
    const db = await importFrom<DbModule>(dir, '@shop/db');
    const auth = await importFrom<AuthModule>(dir, '@shop/auth');
    const testing = await importFrom<TestingModule>(dir, '@shop/testing');
    // A private database on the real Postgres server.
    const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    scratch = await testing.createScratchDatabase(baseUrl);
    database = await db.createDatabase({ url: scratch.url });
    const pascal = plan.names.pascal;
    const prepare = generated[`prepare${pascal}Database`] as (db: Database) => Promise<void>;
    const start = generated[`start${pascal}Subgraph`] as (options: {
      database: Database;
      gatewayKeys: unknown[];
    }) => Promise<RunningSubgraph>;
    await prepare(database);
    const gatewayKey = await auth.loadSigningKey();
    subgraph = await start({ database, gatewayKeys: [gatewayKey] });
    expect(generated[`${plan.names.constant}_SUBGRAPH`]).toBe(name);

    call = async (roles, query, variables) => {
      const token = await auth.mintInternalToken(
        gatewayKey,
        name,
        roles ? { userId: '00000000-0000-4000-8000-000000000001', roles } : null,
      );
      const response = await fetch(subgraph!.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as Awaited<ReturnType<typeof call>>;
    };
  });

  afterAll(async () => {
    await subgraph?.stop().catch(() => undefined);
    await database?.close().catch(() => undefined);
    await scratch?.drop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('should have patched the copies of the registry, the embedded graph and the gateway package', () => {
    const registry = readFileSync(join(root, REGISTRY_FILE), 'utf8');
    expect(registeredSubgraphs(registry).at(-1)).toEqual({ name, port: plan.port });
    // Prettier wraps the entry when the name is long: compare with whitespace and the trailing
    // comma of a wrapped object collapsed.
    const embedded = readFileSync(join(root, EMBEDDED_FILE), 'utf8')
      .replace(/\s+/g, ' ')
      .replaceAll(', }', ' }');
    expect(embedded).toContain(
      ` ${name}: embed(${plan.names.camel}Subgraph, { prepare: nothing, options: nothing })`,
    );
    const pkg = JSON.parse(readFileSync(join(root, EMBEDDED_PACKAGE_FILE), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    expect(pkg.dependencies[`@shop/${name}-subgraph`]).toBe('workspace:*');
    // The real files are untouched.
    expect(readFileSync(join(REPO, REGISTRY_FILE), 'utf8')).not.toContain(name);
  });

  it('should declare itself once in src/subgraph.ts and run alone through runSubgraph', () => {
    const { camel } = plan.names;
    const source = (file: string) => readFileSync(join(dir, file), 'utf8');
    expect(source('src/subgraph.ts')).toContain(`export const ${camel}Subgraph = defineSubgraph<`);
    expect(source('src/subgraph.ts')).toContain(`name: '${name}',`);
    expect(source('src/index.ts')).toContain(
      `prepareSubgraphDatabase(${camel}Subgraph, database, {})`,
    );
    expect(source('src/index.ts')).toContain(`startSubgraph(${camel}Subgraph, options)`);
    expect(source('src/main.ts')).toContain(`await runSubgraph(${camel}Subgraph, env, {`);
    expect(source('src/main.ts').split('\n').length).toBeLessThan(12);
    expect(source('src/env.ts')).toContain(`PORT: registryPort('${name}'),`);
    // The template lists the variables env.ts reads, with the registry's port.
    const variables = [...source('.env.template').matchAll(/^([A-Z_]+)=(.*)$/gm)].map((match) => [
      match[1],
      match[2],
    ]);
    expect(Object.fromEntries(variables)).toEqual({
      NODE_ENV: '',
      PORT: String(plan.port),
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      PGLITE_DIR: `.data/${name}`,
      GATEWAY_JWKS_URL: '',
    });
  });

  it('should create an item, read it back and resolve it as an entity', async () => {
    const { pascal, camel } = plan.names;
    const created = await call(
      ['ADMIN'],
      `mutation ($input: Create${pascal}ItemInput!) { create${pascal}Item(input: $input) { item { id name } userErrors { code } } }`,
      { input: { name: ' Scaffolded ' } },
    );
    expect(created.errors).toBeUndefined();
    const item = created.data?.[`create${pascal}Item`].item as { id: string; name: string };
    expect(item.name).toBe('Scaffolded');
    expect(created.data?.[`create${pascal}Item`].userErrors).toEqual([]);

    const read = await call(
      null,
      `query ($id: ID!) { ${camel}Item(id: $id) { id name createdAt } }`,
      {
        id: item.id,
      },
    );
    expect(read.errors).toBeUndefined();
    expect(read.data?.[`${camel}Item`]).toMatchObject(item);
    expect(Date.parse(read.data?.[`${camel}Item`].createdAt)).toBeGreaterThan(Date.now() - 60_000);

    const entities = await call(
      null,
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${pascal}Item { id name } } }`,
      {
        r: [
          { __typename: `${pascal}Item`, id: item.id },
          { __typename: `${pascal}Item`, id: 'nope' },
        ],
      },
    );
    expect(entities.data?._entities).toEqual([item, null]);
  });

  it('should answer bad input with typed userErrors and refuse non-admins', async () => {
    const { pascal } = plan.names;
    const create = (roles: string[] | null, itemName: string) =>
      call(
        roles,
        `mutation ($input: Create${pascal}ItemInput!) { create${pascal}Item(input: $input) { item { id } userErrors { code message field } } }`,
        { input: { name: itemName } },
      );
    const blank = await create(['ADMIN'], '  ');
    expect(blank.errors).toBeUndefined();
    expect(blank.data?.[`create${pascal}Item`]).toEqual({
      item: null,
      userErrors: [
        {
          code: 'INVALID_NAME',
          message: 'The name must be 1 to 100 characters long',
          field: ['input', 'name'],
        },
      ],
    });
    await create(['ADMIN'], 'Twice');
    const taken = await create(['ADMIN'], 'Twice');
    expect(taken.data?.[`create${pascal}Item`].userErrors).toEqual([
      {
        code: 'NAME_TAKEN',
        message: 'An item named "Twice" already exists',
        field: ['input', 'name'],
      },
    ]);
    const customer = await create(['CUSTOMER'], 'Nope');
    expect(customer.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await create(null, 'Nope');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
