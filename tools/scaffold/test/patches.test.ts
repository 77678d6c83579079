import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  EMBEDDED_FILE,
  EMBEDDED_PACKAGE_FILE,
  namesOf,
  nextFreePort,
  patchEmbedded,
  patchEmbeddedPackage,
  patchRegistry,
  PatchError,
  REGISTRY_FILE,
  registeredSubgraphs,
} from '../src/index';

// The patches run on the files as they are in the repository now, read from disk.
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const current = (file: string) => readFileSync(`${REPO}${file}`, 'utf8');
const gifts = namesOf('gift-cards');

/** Syntax errors TypeScript finds in `source` (empty when it parses). */
function syntaxErrors(source: string): string[] {
  const output = ts.transpileModule(source, {
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  return (output.diagnostics ?? []).map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  );
}

/** Every node of a parsed file, depth first. */
function nodesOf(source: string): ts.Node[] {
  const file = ts.createSourceFile('file.ts', source, ts.ScriptTarget.ES2022, true);
  const nodes: ts.Node[] = [];
  const visit = (node: ts.Node) => {
    nodes.push(node);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return nodes;
}

describe('schema/src/subgraphs.ts patch', () => {
  const registry = current(REGISTRY_FILE);

  it('should read the registered subgraphs and the next free port', () => {
    const registered = registeredSubgraphs(registry);
    expect(registered.map((entry) => entry.name)).toEqual(
      expect.arrayContaining(['user', 'product', 'cart', 'order', 'payment']),
    );
    expect(nextFreePort(registry)).toBe(Math.max(...registered.map((e) => e.port)) + 1);
    expect(nextFreePort(registry)).toBeGreaterThan(4007);
  });

  it('should append an entry that still parses and is the last element of SUBGRAPHS', () => {
    const port = nextFreePort(registry);
    const patched = patchRegistry(registry, gifts, port);
    expect(syntaxErrors(patched)).toEqual([]);
    expect(registeredSubgraphs(patched).at(-1)).toEqual({ name: 'gift-cards', port });
    expect(registeredSubgraphs(patched).slice(0, -1)).toEqual(registeredSubgraphs(registry));
    // Only the entry was added: the rest of the file is untouched.
    const entry = `  subgraph('gift-cards', ${port}),`;
    expect(patched).toContain(`\n${entry}\n] as const;`);
    expect(patched.replace(`\n${entry}`, '')).toBe(registry);
    // The SUBGRAPHS array literal holds the new call.
    const array = nodesOf(patched).find(
      (node): node is ts.VariableDeclaration =>
        ts.isVariableDeclaration(node) && node.name.getText() === 'SUBGRAPHS',
    );
    const literal = (array?.initializer as ts.AsExpression).expression as ts.ArrayLiteralExpression;
    expect(literal.elements.at(-1)?.getText()).toBe(`subgraph('gift-cards', ${port})`);
  });

  it('should refuse to apply twice, a taken port, and a file without the anchor', () => {
    const port = nextFreePort(registry);
    const patched = patchRegistry(registry, gifts, port);
    expect(() => patchRegistry(patched, gifts, port + 1)).toThrow(/already registered/);
    expect(() => patchRegistry(registry, namesOf('reviews'), 4001)).toThrow(
      /port 4001 is already used by user/,
    );
    expect(() => patchRegistry('export const OTHER = [];\n', gifts, port)).toThrow(PatchError);
    expect(() => patchRegistry('export const OTHER = [];\n', gifts, port)).toThrow(
      /schema\/src\/subgraphs\.ts: cannot find `export const SUBGRAPHS = \[`/,
    );
  });
});

describe('apps/embedded/src/subgraphs.ts patch', () => {
  const embedded = current(EMBEDDED_FILE);
  const patched = patchEmbedded(embedded, gifts);

  it('should still parse', () => {
    expect(syntaxErrors(patched)).toEqual([]);
  });

  it('should import the definition and add it last to the map name → definition', () => {
    const nodes = nodesOf(patched);
    const importDecl = nodes.find(
      (node): node is ts.ImportDeclaration =>
        ts.isImportDeclaration(node) &&
        (node.moduleSpecifier as ts.StringLiteral).text === '@shop/gift-cards-subgraph',
    );
    expect(importDecl?.importClause?.getText()).toBe('{ giftCardsSubgraph }');
    const map = nodes.find(
      (node): node is ts.VariableDeclaration =>
        ts.isVariableDeclaration(node) && node.name.getText() === 'EMBEDDED_SUBGRAPHS',
    );
    const literal = (map?.initializer as ts.SatisfiesExpression)
      .expression as ts.ObjectLiteralExpression;
    const properties = literal.properties.map((property) => property.getText());
    expect(properties.at(-1)).toBe(
      "'gift-cards': embed(giftCardsSubgraph, { prepare: nothing, options: nothing })",
    );
    expect(properties.map((property) => property.split(':')[0])).toEqual(
      expect.arrayContaining(['user', 'product', 'analytics']),
    );
    // A one-word name needs no quotes.
    expect(patchEmbedded(embedded, namesOf('reviews'))).toContain(
      '  reviews: embed(reviewsSubgraph, { prepare: nothing, options: nothing }),\n',
    );
  });

  it('should leave the rest of the file untouched', () => {
    const removed = embedded.split('\n').filter((line) => !patched.split('\n').includes(line));
    expect(removed).toEqual([]);
    expect(patched.split('\n').length - embedded.split('\n').length).toBe(2);
  });

  it('should refuse to apply twice, a clashing identifier and missing anchors', () => {
    expect(() => patchEmbedded(patched, gifts)).toThrow(/already imported/);
    const localUser = embedded.replace("from '@shop/user-subgraph'", "from './user'");
    expect(() => patchEmbedded(localUser, namesOf('user'))).toThrow(
      /identifier `userSubgraph` is already used/,
    );
    expect(() => patchEmbedded('const x = 1;\n', gifts)).toThrow(
      /apps\/embedded\/src\/subgraphs\.ts: cannot find its import lines/,
    );
    const noMap = embedded.replace('} satisfies Record<SubgraphName', '} as Record<SubgraphName');
    expect(() => patchEmbedded(noMap, gifts)).toThrow(/satisfies Record<SubgraphName/);
  });
});

describe('apps/embedded/package.json patch', () => {
  const pkg = current(EMBEDDED_PACKAGE_FILE);

  it('should add the workspace dependency in name order and keep the rest', () => {
    const patched = JSON.parse(patchEmbeddedPackage(pkg, gifts)) as {
      dependencies: Record<string, string>;
    };
    const before = JSON.parse(pkg) as { dependencies: Record<string, string> };
    expect(patched.dependencies['@shop/gift-cards-subgraph']).toBe('workspace:*');
    const names = Object.keys(patched.dependencies);
    expect(names.filter((name) => name !== '@shop/gift-cards-subgraph')).toEqual(
      Object.keys(before.dependencies),
    );
    const at = names.indexOf('@shop/gift-cards-subgraph');
    expect(names[at - 1]! < '@shop/gift-cards-subgraph').toBe(true);
    expect(names[at + 1]! > '@shop/gift-cards-subgraph').toBe(true);
    expect({ ...JSON.parse(pkg), dependencies: undefined }).toEqual({
      ...patched,
      dependencies: undefined,
    });
  });

  it('should refuse to apply twice and a broken file', () => {
    expect(() => patchEmbeddedPackage(patchEmbeddedPackage(pkg, gifts), gifts)).toThrow(
      /already depends on @shop\/gift-cards-subgraph/,
    );
    expect(() => patchEmbeddedPackage('{ nope', gifts)).toThrow(/is not valid JSON/);
    expect(() => patchEmbeddedPackage('{}', gifts)).toThrow(/has no "dependencies"/);
  });
});
