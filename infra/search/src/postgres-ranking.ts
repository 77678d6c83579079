import type { TokenInfo } from './postgres';

/** `ts_rank` weights of the document tsvector, in Postgres' {D, C, B, A} order. */
export const RANK_WEIGHTS = '{0.1, 0.2, 0.4, 1.0}';

/**
 * When a relevance page can be ranked from the name matches alone: the tsquery text that matches
 * the query's word only with weight A (the product name), the operand count the real tsquery
 * must have, and the prefix operand that must match no document.
 *
 * Why it is exact: for a query of OR-ed operands, `ts_rank` (no normalisation) sums, per matching
 * lexeme, `(w_max + Σ_j w_j / (j + 1)² − w_max / (j_max + 1)²) / 1.645` over the lexeme's
 * positions and divides by the number of operands n. Names (A) come first in the tsvector, then
 * category names (B), description (C), attributes (D), so the heaviest position is the first one:
 * a lexeme found in the name adds at least 1.0 / 1.645 = 0.608 / n, one found only elsewhere at
 * most 0.4 · 1.645 / 1.645 = 0.4 / n. With at most one lexeme that can match (a known word, or a
 * typo with one correction whose literal prefix matches nothing), every name match outranks every
 * other match, so the first pages need `ts_rank` on the name matches only. Other queries, and
 * pages past the name matches, rank every match.
 */
export interface NameTier {
  /** tsquery text matching the query word(s) with weight A only. */
  tierQuery: string;
  /** `numnode` of the real tsquery: 1 for one word, 3 for `prefix | correction`. */
  nodes: number;
  /** tsquery text of the typo's literal prefix, which must match no document. */
  prefix?: string;
}

export function nameTier(tokens: string[], info: Map<string, TokenInfo>): NameTier | undefined {
  if (tokens.length !== 1) return undefined;
  const token = tokens[0]!;
  const about = info.get(token);
  if (about?.known) return { tierQuery: `${token}:A`, nodes: 1 };
  if (about?.corrections.length === 1) {
    return {
      tierQuery: `${token}:*A | ${about.corrections[0]}:A`,
      nodes: 3,
      prefix: `${token}:*`,
    };
  }
  return undefined;
}
