/**
 * The environment `pnpm schema:check` reads (see schema/README.md § Schema workflow). Empty
 * values count as unset.
 */
export function schemaCheckEnv(source: Record<string, string | undefined> = process.env): {
  /** The git ref whose committed supergraph is the base of the breaking-change diff. */
  baseRef: string | undefined;
} {
  const baseRef = source.SCHEMA_BASE_REF?.trim();
  return { baseRef: baseRef ? baseRef : undefined };
}
