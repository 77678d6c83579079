import type { ApolloGateway } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import { log } from '@shop/log';
import { SupergraphAuthRules } from '../auth-directive';
import type { PlanExecutor } from '../execution/plan-executor';
import { SupergraphInputBounds, SupergraphListSizes, SupergraphPasswordFields } from '../limits';
import type { FederatedSubscriptionEngine } from '../subscriptions';
import type { ResponseCaching } from './response-cache';

/**
 * What the gateway reads from the served supergraph's directives, checked on every request:
 * loaded from the initial SDL (a bad `@auth` role fails startup) and re-read on each reload.
 */
export class SupergraphRules {
  /** `@auth` rules (auth-directive.ts). */
  readonly authRules: SupergraphAuthRules;
  /** `@listSize(assumedSize:)`, for the cost estimate (limits/). */
  readonly listSizes: SupergraphListSizes;
  /** `@maxLength(max:)`, for the input bounds (limits/input-bounds.ts). */
  readonly inputBounds: SupergraphInputBounds;
  /** `@passwordHashing` fields (login, register…): one per operation, counted per IP + email. */
  readonly passwordFields: SupergraphPasswordFields;
  /** The API schema served (for the early password-attempt check of the rate limits). */
  apiSchema: GraphQLSchema | undefined;

  constructor(supergraphSdl: string) {
    this.authRules = new SupergraphAuthRules(supergraphSdl);
    this.listSizes = new SupergraphListSizes(supergraphSdl);
    this.inputBounds = new SupergraphInputBounds(supergraphSdl);
    this.passwordFields = new SupergraphPasswordFields(supergraphSdl);
  }

  /** Re-reads each rule set; one that cannot be read keeps its old rules (logged). */
  reload(supergraphSdl: string): void {
    try {
      this.listSizes.reload(supergraphSdl);
    } catch (error) {
      log.error('[limits] cannot read @listSize from the new supergraph; keeping the old', error);
    }
    try {
      this.inputBounds.reload(supergraphSdl);
    } catch (error) {
      log.error(
        '[limits] cannot read @maxLength from the new supergraph; keeping the old bounds',
        error,
      );
    }
    try {
      this.passwordFields.reload(supergraphSdl);
    } catch (error) {
      log.error(
        '[limits] cannot read @passwordHashing from the new supergraph; keeping the old',
        error,
      );
    }
    try {
      this.authRules.reload(supergraphSdl);
    } catch (error) {
      log.error('[auth] cannot read @auth from the new supergraph; keeping the old rules', error);
    }
  }
}

/** What follows the served supergraph besides the rules. */
interface SupergraphFollowers {
  planExecutor: PlanExecutor | undefined;
  engine: FederatedSubscriptionEngine | undefined;
  responseCaching: ResponseCaching | undefined;
}

/**
 * Keeps everything on the supergraph @apollo/gateway serves: its first load (of `initialSdl`,
 * already read by the rules and the subscription engine) and every update after it.
 */
export function followSupergraph(
  gateway: ApolloGateway,
  initialSdl: string,
  rules: SupergraphRules,
  { planExecutor, engine, responseCaching }: SupergraphFollowers,
): void {
  let first: string | undefined = initialSdl;
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    rules.apiSchema = apiSchema;
    try {
      planExecutor?.reload(coreSupergraphSdl);
    } catch (error) {
      log.error(
        "[execution] cannot plan the new supergraph; @apollo/gateway's executor runs every operation until one loads",
        error,
      );
    }
    rules.reload(coreSupergraphSdl);
    if (responseCaching && coreSupergraphSdl !== first) {
      // A new supergraph may shape or route the cached fields differently.
      responseCaching.cache.clear();
      try {
        responseCaching.publicFields.reload(coreSupergraphSdl);
      } catch (error) {
        log.error('[response-cache] cannot read the new supergraph; caching off', error);
      }
    }
    // The first call is the initial load of the SDL the engine already serves.
    const initial = first;
    first = undefined;
    if (!engine || coreSupergraphSdl === initial) return;
    try {
      engine.reload(coreSupergraphSdl);
    } catch (error) {
      log.error('[subscriptions] cannot load the new supergraph', error);
    }
  });
}
