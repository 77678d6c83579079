import { isUuid } from '@shop/primitives';
import type { SearchCursor, SearchQuery, SearchSort } from './types';
import { InvalidSearchCursorError } from './types';

/** At most this many query words are used; longer queries are cut. */
const MAX_QUERY_TOKENS = 8;

/**
 * Lower-cased words of a query: runs of letters and digits (everything else separates words and
 * never reaches SQL or a query DSL as syntax).
 */
export function tokenize(text: string | undefined): string[] {
  if (!text) return [];
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.slice(0, MAX_QUERY_TOKENS).map((word) => word.slice(0, 64));
}

/** Edits allowed for a word, as OpenSearch's `fuzziness: AUTO` (0 up to 2 chars, 1 up to 5, else 2). */
export function fuzziness(word: string): number {
  const length = [...word].length;
  if (length <= 2) return 0;
  if (length <= 5) return 1;
  return 2;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const s = [...a];
  const t = [...b];
  const d: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= s.length; i += 1) {
    for (let j = 1; j <= t.length; j += 1) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[s.length]![t.length]!;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/** Marks ts_headline puts around matches; replaced by `<em>` after escaping the text. */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';

/** Escapes `marked` (text with MARK_START/MARK_END) as HTML and turns the marks into `<em>`. */
export function markedToHtml(marked: string): string {
  return escapeHtml(marked.replaceAll(MARK_START, '\u0000s').replaceAll(MARK_END, '\u0000e'))
    .replaceAll('\u0000s', '<em>')
    .replaceAll('\u0000e', '</em>');
}

/** Attribute filter/facet key: name and value joined by U+001F (never typed by users). */
const ATTRIBUTE_SEPARATOR = '\u001f';
export const attributeKey = (name: string, value: string) =>
  `${name}${ATTRIBUTE_SEPARATOR}${value}`;
export function splitAttributeKey(key: string): { name: string; value: string } {
  const at = key.indexOf(ATTRIBUTE_SEPARATOR);
  return { name: key.slice(0, at), value: key.slice(at + 1) };
}

/** The order actually used: without text, RELEVANCE means NEWEST. */
export function effectiveSort(query: SearchQuery): SearchSort {
  const sort = query.sort ?? 'RELEVANCE';
  return sort === 'RELEVANCE' && tokenize(query.text).length === 0 ? 'NEWEST' : sort;
}

/**
 * Validates a cursor for `sort`: `[sort, value, productId]` where value is a score, a price or
 * an epoch-millisecond time. Throws {@link InvalidSearchCursorError}.
 */
export function checkCursor(
  cursor: SearchCursor,
  sort: SearchSort,
): { value: number; productId: string } {
  const [kind, value, productId] = cursor;
  if (
    cursor.length !== 3 ||
    kind !== sort ||
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    typeof productId !== 'string' ||
    !isUuid(productId)
  ) {
    throw new InvalidSearchCursorError();
  }
  return { value, productId };
}
