import { readFileSync } from 'node:fs';
import { composeServices } from '@apollo/composition';
import { GraphQLError, parse, type DocumentNode } from 'graphql';
import { SUBGRAPHS, SUPERGRAPH_PATH, type SubgraphEntry } from './subgraphs';

export type ComposeResult = { ok: true; supergraphSdl: string } | { ok: false; errors: string[] };

/** One subgraph as composition takes it: its name (as in `join__Graph`), URL and SDL text. */
export interface SubgraphSdl {
  name: string;
  url: string;
  sdl: string;
}

/** Reads one subgraph's SDL from its package. */
export function readSubgraphSdl(entry: SubgraphEntry): DocumentNode {
  return parse(readFileSync(entry.sdlPath, 'utf8'));
}

/** The registered subgraphs' SDL texts, read from their packages (the working tree). */
export function readSubgraphSdls(entries: readonly SubgraphEntry[] = SUBGRAPHS): SubgraphSdl[] {
  return entries.map((entry) => ({
    name: entry.name,
    url: entry.defaultUrl,
    sdl: readFileSync(entry.sdlPath, 'utf8'),
  }));
}

/**
 * Composes subgraph SDL texts with @apollo/composition (the same code Rover uses). An SDL that
 * does not parse is reported like a composition error, naming its subgraph.
 */
export function composeSubgraphs(subgraphs: readonly SubgraphSdl[]): ComposeResult {
  const services = [];
  const errors: string[] = [];
  for (const subgraph of subgraphs) {
    try {
      services.push({ name: subgraph.name, url: subgraph.url, typeDefs: parse(subgraph.sdl) });
    } catch (error) {
      if (!(error instanceof GraphQLError)) throw error;
      errors.push(`[${subgraph.name}] ${error.message}`);
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  const result = composeServices(services);
  if (result.errors) return { ok: false, errors: result.errors.map((error) => error.message) };
  return { ok: true, supergraphSdl: `${result.supergraphSdl.trim()}\n` };
}

/** Composes the registered subgraphs' SDL files. */
export function composeSupergraph(entries: readonly SubgraphEntry[] = SUBGRAPHS): ComposeResult {
  return composeSubgraphs(readSubgraphSdls(entries));
}

/** The committed supergraph file's content. */
export function readCommittedSupergraph(): string {
  return readFileSync(SUPERGRAPH_PATH, 'utf8');
}
