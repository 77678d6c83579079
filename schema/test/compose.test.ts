import { describe, expect, it } from 'vitest';
import { Kind, parse, type DocumentNode } from 'graphql';
import {
  composeSupergraph,
  missingDescriptions,
  readCommittedSupergraph,
  readSubgraphSdl,
  SUBGRAPHS,
} from '../src/index';

describe('supergraph composition', () => {
  it('should compose every registered subgraph into the committed supergraph', () => {
    const result = composeSupergraph();
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(readCommittedSupergraph()).toBe(result.supergraphSdl);
  });

  it.each(SUBGRAPHS.map((entry) => [entry.name, entry]))(
    'should describe every type and field of the %s subgraph',
    (_name, entry) => {
      expect(missingDescriptions(readSubgraphSdl(entry))).toEqual([]);
    },
  );

  it('should link one federation version in every subgraph', () => {
    const versions = SUBGRAPHS.map((entry) => federationLinks(readSubgraphSdl(entry)));
    expect(versions.every((links) => links.length === 1)).toBe(true);
    expect(new Set(versions.flat())).toEqual(new Set(['https://specs.apollo.dev/federation/v2.9']));
  });

  it('should flag an undocumented field', () => {
    const document = parse('"""A thing."""\ntype Thing { """Id."""\n id: ID!\n name: String }');
    expect(missingDescriptions(document)).toEqual(['Thing.name']);
  });

  it('should report composition errors instead of writing a broken supergraph', () => {
    const fixture = (name: string) => new URL(`./fixtures/${name}.graphql`, import.meta.url);
    const broken = composeSupergraph([
      { name: 'a', defaultUrl: 'http://127.0.0.1:1/graphql', sdlPath: fixture('conflict-a') },
      { name: 'b', defaultUrl: 'http://127.0.0.1:2/graphql', sdlPath: fixture('conflict-b') },
    ]);
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.errors.join('\n')).toMatch(/Thing\.size|shareable/i);
  });
});

/** The federation spec URLs a subgraph's `extend schema @link(url: …)` directives name. */
function federationLinks(document: DocumentNode): string[] {
  return document.definitions.flatMap((definition) =>
    definition.kind === Kind.SCHEMA_EXTENSION || definition.kind === Kind.SCHEMA_DEFINITION
      ? (definition.directives ?? []).flatMap((directive) => {
          const url = directive.arguments?.find((argument) => argument.name.value === 'url');
          return directive.name.value === 'link' &&
            url?.value.kind === Kind.STRING &&
            url.value.value.startsWith('https://specs.apollo.dev/federation/')
            ? [url.value.value]
            : [];
        })
      : [],
  );
}
