import { execFile } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverSubgraphs, findDrift, writeResolverTypes } from '../src/generate';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
const run = promisify(execFile);

const SUBGRAPHS = ['analytics', 'cart', 'notification', 'order', 'payment', 'product', 'user'];
const GENERATED = 'src/generated/resolvers-types.ts';

/** A minimal federated subgraph SDL, in the shape of ours. */
const SDL = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

"""
A thing.
"""
type Thing @key(fields: "id") {
  """
  Its id.
  """
  id: ID!
}

"""
Queries.
"""
type Query {
  """
  One thing.
  """
  thing(
    """
    Which.
    """
    id: ID!
  ): Thing
}
`;

/** Copies a file of the repository into the temporary checkout at the same path. */
function copyFromRepo(root: string, path: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  copyFileSync(join(repoRoot, path), join(root, path));
}

function writeIn(root: string, path: string, content: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

describe('resolver types on the real repository', () => {
  it('discovers every subgraph with a schema', () => {
    const names = discoverSubgraphs(repoRoot).map((target) => target.name);
    expect(names).toEqual(expect.arrayContaining(SUBGRAPHS));
    expect(names).toEqual([...names].sort());
  });

  it('has no drift between the committed files and the schemas', async () => {
    expect(await findDrift(repoRoot)).toEqual([]);
  }, 120_000);
});

describe('findDrift on a temporary copy', () => {
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'shop-codegen-'));
    // The real user subgraph, as committed, with the repository's prettier settings.
    copyFromRepo(root, '.prettierrc.json');
    for (const file of ['codegen.json', 'src/schema.graphql', GENERATED]) {
      copyFromRepo(root, `subgraphs/user/${file}`);
    }
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('passes on an unchanged copy of a committed subgraph', async () => {
    expect(await findDrift(root)).toEqual([]);
  }, 60_000);

  it('reports a generated file edited by hand', async () => {
    appendFileSync(join(root, 'subgraphs/user', GENERATED), 'export type Extra = string;\n');
    expect(await findDrift(root)).toEqual([
      { file: `subgraphs/user/${GENERATED}`, problem: 'differs' },
    ]);
  }, 60_000);

  it('reports a schema changed without regenerating, and regenerating fixes it', async () => {
    const schema = join(root, 'subgraphs/user/src/schema.graphql');
    const sdl = readFileSync(schema, 'utf8');
    writeFileSync(
      schema,
      sdl.replace(
        'type User @key(fields: "id") {',
        'type User @key(fields: "id") {\n  """\n  Nickname.\n  """\n  nickname: String\n',
      ),
    );
    expect(await findDrift(root)).toEqual([
      { file: `subgraphs/user/${GENERATED}`, problem: 'differs' },
    ]);

    const { written } = await writeResolverTypes(root);
    expect(written).toEqual([`subgraphs/user/${GENERATED}`]);
    expect(readFileSync(join(root, 'subgraphs/user', GENERATED), 'utf8')).toContain(
      "nickname?: Resolver<Maybe<ResolversTypes['String']>",
    );
    expect(await findDrift(root)).toEqual([]);
  }, 60_000);

  it('reports a new subgraph never generated and a stale file of a removed one', async () => {
    writeIn(root, 'subgraphs/things/src/schema.graphql', SDL);
    writeIn(root, `subgraphs/gone/${GENERATED}`, 'export type Gone = string;\n');
    mkdirSync(join(root, 'subgraphs/no-schema/src'), { recursive: true });
    expect(await findDrift(root)).toEqual([
      { file: `subgraphs/gone/${GENERATED}`, problem: 'extra' },
      { file: `subgraphs/things/${GENERATED}`, problem: 'missing' },
    ]);

    const { written, deleted } = await writeResolverTypes(root);
    expect(written).toEqual([`subgraphs/things/${GENERATED}`]);
    expect(deleted).toEqual([`subgraphs/gone/${GENERATED}`]);
    expect(await findDrift(root)).toEqual([]);
  }, 60_000);

  it('applies codegen.json: context type, mappers and federation references', async () => {
    writeIn(root, 'subgraphs/things/src/schema.graphql', SDL);
    writeIn(
      root,
      'subgraphs/things/codegen.json',
      JSON.stringify({
        contextType: '../context#ThingsContext',
        mappers: { Thing: '../repo#ThingRow' },
      }),
    );
    await writeResolverTypes(root, ['things']);
    const generated = readFileSync(join(root, 'subgraphs/things', GENERATED), 'utf8');
    expect(generated).toContain("import type { ThingsContext } from '../context';");
    expect(generated).toContain("import type { ThingRow } from '../repo';");
    expect(generated).toContain('Thing: ThingRow;');
    expect(generated).toContain('__resolveReference?: ReferenceResolver<');
    // Only the subgraph asked for was generated.
    expect(await findDrift(root)).toEqual([]);
  }, 60_000);

  it('rejects an unknown codegen.json setting', () => {
    writeIn(root, 'subgraphs/things/src/schema.graphql', SDL);
    writeIn(root, 'subgraphs/things/codegen.json', JSON.stringify({ mapper: {} }));
    expect(() => discoverSubgraphs(root)).toThrow(/unknown setting\(s\) mapper/);
  });

  it('`codegen --check` exits 1 naming each drifted file, 0 when up to date', async () => {
    writeIn(root, 'subgraphs/things/src/schema.graphql', SDL);
    const failed = await run(tsx, [cli, '--check', `--root=${root}`]).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain(`missing subgraphs/things/${GENERATED}`);

    await writeResolverTypes(root);
    const passed = await run(tsx, [cli, '--check', `--root=${root}`]);
    expect(passed.stdout).toContain('up to date');
  }, 120_000);
});
