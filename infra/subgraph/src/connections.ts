import { badUserInput } from './errors';

/** Relay `PageInfo`. */
export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<TNode> {
  edges: Array<{ cursor: string; node: TNode }>;
  pageInfo: PageInfo;
  totalCount?: number;
}

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;

/** Opaque cursor: base64url of a JSON value (e.g. the sort key of the last row). */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** Decodes a cursor produced by `encodeCursor`; a malformed one is BAD_USER_INPUT. */
export function decodeCursor<T>(cursor: string, guard: (value: unknown) => value is T): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badUserInput('Invalid cursor', { argument: 'after' });
  }
  if (!guard(value)) throw badUserInput('Invalid cursor', { argument: 'after' });
  return value;
}

/** Validates `first` (1..100, default 20). */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, { argument: 'first' });
  }
  return first;
}

/**
 * Builds a forward connection from `limit + 1` fetched rows (the extra row only tells whether
 * there is a next page).
 */
export function toConnection<TRow, TNode = TRow>(
  rows: TRow[],
  limit: number,
  cursorOf: (row: TRow) => unknown,
  options: { hasPreviousPage?: boolean; totalCount?: number; map?: (row: TRow) => TNode } = {},
): Connection<TNode> {
  const page = rows.slice(0, limit);
  const edges = page.map((row) => ({
    cursor: encodeCursor(cursorOf(row)),
    node: options.map ? options.map(row) : (row as unknown as TNode),
  }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > limit,
      hasPreviousPage: options.hasPreviousPage ?? false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
    ...(options.totalCount === undefined ? {} : { totalCount: options.totalCount }),
  };
}
