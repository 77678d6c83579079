import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { declaredNames, entityTypeOf, namesOf, renderSubgraph, sdlNames } from '../src/index';
import { loadSchemaPackage, type SchemaModule, type SubgraphEntry } from './workspace';

describe.each([['reviews'], ['gift-cards']])('the SDL generated for %s', (name) => {
  const names = namesOf(name);
  const sdl = renderSubgraph(names, { port: 4099, codegen: false }).find(
    (file) => file.path === 'src/schema.graphql',
  )!.content;
  let schema: SchemaModule;
  let dir: string;
  let entry: SubgraphEntry;

  beforeAll(async () => {
    schema = await loadSchemaPackage();
    dir = mkdtempSync(join(tmpdir(), 'scaffold-sdl-'));
    writeFileSync(join(dir, 'schema.graphql'), sdl);
    entry = {
      name,
      defaultUrl: 'http://127.0.0.1:4099/graphql',
      sdlPath: pathToFileURL(join(dir, 'schema.graphql')),
    };
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('should compose with every registered subgraph and add its entity, query and mutation', () => {
    const result = schema.composeSupergraph([...schema.SUBGRAPHS, entry]);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    const entity = entityTypeOf(names);
    const graph = names.constant;
    const supergraph = result.supergraphSdl;
    expect(supergraph).toContain(
      `${graph} @join__graph(name: "${name}", url: "http://127.0.0.1:4099/graphql")`,
    );
    expect(supergraph).toMatch(
      new RegExp(`\\ntype ${entity}\\n  @join__type\\(graph: ${graph}, key: "id"\\)`),
    );
    expect(supergraph).toMatch(
      new RegExp(`\\n  ${names.camel}Item\\([^)]*\\): ${entity} @join__field\\(graph: ${graph}\\)`),
    );
    expect(supergraph).toMatch(
      new RegExp(
        `\\n  create${names.pascal}Item\\([^)]*\\): Create${names.pascal}ItemPayload @join__field\\(graph: ${graph}\\) @auth\\(requires: \\["ADMIN"\\]\\)`,
      ),
    );
  });

  it('should pass the nullability audit, its entity owned by the new subgraph', () => {
    const result = schema.composeSupergraph([...schema.SUBGRAPHS, entry]);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(
      schema.auditNonNullFields(result.supergraphSdl, { owners: schema.entityOwners() }),
    ).toEqual([]);
    expect(schema.entityOwnership(result.supergraphSdl)[entityTypeOf(names)]).toBe(name);
  });

  it('should describe every type, field, argument and enum value', () => {
    expect(schema.missingDescriptions(schema.readSubgraphSdl(entry))).toEqual([]);
  });

  it('should declare exactly the types and root fields the generator checks for clashes', () => {
    const declared = sdlNames(sdl);
    const expected = declaredNames(names);
    expect([...declared.rootFields].sort()).toEqual([...expected.rootFields].sort());
    expect(
      [...declared.types]
        .filter((type) => !['DateTime', 'Query', 'Mutation'].includes(type))
        .sort(),
    ).toEqual([...expected.types].sort());
  });

  it('should fail composition when a type clashes (the check is real)', () => {
    const clash = { ...entry, name: `${name}-twin` };
    const result = schema.composeSupergraph([...schema.SUBGRAPHS, entry, clash]);
    expect(result.ok).toBe(false);
  });
});
