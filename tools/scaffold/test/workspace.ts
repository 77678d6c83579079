import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root. */
export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * Imports a workspace package the way `fromPackage` (a folder with a package.json) resolves it.
 * The scaffold does not depend on the packages it generates code for; the tests borrow the
 * resolution of a package that does (the gateway for @shop/schema, the generated subgraph for
 * @shop/db and @shop/auth). Types are declared by the caller.
 */
export async function importFrom<T>(fromPackage: string, specifier: string): Promise<T> {
  const resolved = createRequire(`${fromPackage}/package.json`).resolve(specifier);
  return (await import(pathToFileURL(resolved).href)) as T;
}

/** The parts of @shop/schema the tests use. */
export interface SubgraphEntry {
  name: string;
  defaultUrl: string;
  sdlPath: URL;
  owns?: readonly string[];
}
export interface SchemaModule {
  SUBGRAPHS: readonly SubgraphEntry[];
  composeSupergraph(
    entries: readonly SubgraphEntry[],
  ): { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };
  auditNonNullFields(
    supergraphSdl: string,
    options?: { owners?: Record<string, string> },
  ): unknown[];
  entityOwners(entries?: readonly SubgraphEntry[]): Record<string, string>;
  entityOwnership(supergraphSdl: string): Record<string, string>;
  readSubgraphSdl(entry: SubgraphEntry): unknown;
  missingDescriptions(document: unknown): string[];
}

export const loadSchemaPackage = () => importFrom<SchemaModule>(`${REPO}gateway`, '@shop/schema');
