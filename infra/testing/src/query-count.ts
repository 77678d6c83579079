import type { Database } from '@shop/db';
import { currentQueryLabel } from './query-labels';

/** A statement with the query label active where it was issued ({@link withQueryLabel}). */
export interface LabelledStatement {
  text: string;
  label: string;
}

/** What {@link countQueries} counted while its function ran. */
export interface QueryCount<T> {
  result: T;
  /** Every statement sent meanwhile, by anyone (background pollers included). */
  total: number;
  /** Statements per query label; unlabelled statements are not in here. */
  byLabel: Record<string, number>;
  /** The labelled statements in order, for diagnosing a count. */
  statements: LabelledStatement[];
}

/**
 * Runs `fn` and counts the SQL statements `database` sent meanwhile, in total and per query label
 * (the per-label numbers are the ones to assert on: other work may run concurrently).
 *
 * @example
 * const { byLabel } = await countQueries(database, () => callTheSubgraph());
 * expect(byLabel.order).toBe(3);
 */
export async function countQueries<T>(
  database: Pick<Database, 'onQuery'>,
  fn: () => Promise<T>,
): Promise<QueryCount<T>> {
  let total = 0;
  const byLabel: Record<string, number> = {};
  const statements: LabelledStatement[] = [];
  const unsubscribe = database.onQuery(({ text }) => {
    total += 1;
    // Listeners run where the statement is issued: the label is the caller's.
    const label = currentQueryLabel();
    if (label === undefined) return;
    byLabel[label] = (byLabel[label] ?? 0) + 1;
    statements.push({ text, label });
  });
  try {
    return { result: await fn(), total, byLabel, statements };
  } finally {
    unsubscribe();
  }
}
