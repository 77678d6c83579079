import { migrate, readMigrations, type Database, type Migration } from '@shop/db';
import { eventsMigration } from '@shop/events';
import { idempotencyMigrationSql } from '@shop/idempotency';
import type { SubgraphDefinition } from './definition';
import type { BaseSubgraphContext } from './errors';

/** Name under which the idempotency-keys table is recorded in `schema_migrations`. */
const IDEMPOTENCY_MIGRATION = '9001_idempotency_keys.sql';

/** A subgraph's migrations: its own folder, then the outbox and idempotency tables it declares. */
function subgraphMigrations(
  definition: Pick<
    SubgraphDefinition,
    'schema' | 'migrations' | 'outbox' | 'consumes' | 'idempotencyKeys'
  >,
): Migration[] {
  return [
    ...readMigrations(definition.migrations),
    ...(definition.outbox || definition.consumes ? [eventsMigration(definition.schema)] : []),
    ...(definition.idempotencyKeys
      ? [{ name: IDEMPOTENCY_MIGRATION, sql: idempotencyMigrationSql(definition.schema) }]
      : []),
  ];
}

/** Migrates the subgraph's schema, then runs its `seed` step. Idempotent. */
export async function prepareSubgraphDatabase<
  TOptions extends object,
  TContext extends BaseSubgraphContext,
  TPrepare extends object,
  TExposed extends object,
>(
  definition: SubgraphDefinition<TOptions, TContext, TPrepare, TExposed>,
  database: Database,
  options: TPrepare,
): Promise<void> {
  await migrate(database, {
    schema: definition.schema,
    migrations: subgraphMigrations(definition),
  });
  await definition.seed?.(database, options);
}
