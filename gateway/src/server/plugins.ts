import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { graphqlMetricsPlugin, type HttpMetrics } from '@shop/http';
import { graphqlTracingPlugin, tracingEnabled } from '@shop/subgraph';
import { authDirectivePlugin } from '../auth-directive';
import { deferExecutionPlugin } from '../defer/plugin';
import {
  DEFAULT_LIMITS,
  hideSuggestionsPlugin,
  inputBoundsPlugin,
  limitsPlugin,
  ObservedListSizes,
  passwordFieldsPlugin,
  type RequestLimits,
} from '../limits';
import type { PersistedQueries } from '../persisted';
import { responseCachePlugin } from '../response-cache';
import { requestErrorStatusPlugin } from './http-status';
import { usagePlugin, type UsageReporter } from '../usage';
import type { GatewayContext } from './context';
import type { GatewayLimitOptions } from './options';
import type { ResponseCaching } from './response-cache';
import type { SupergraphRules } from './supergraph';

interface GatewayPluginsOptions {
  production: boolean;
  persisted: PersistedQueries;
  supergraph: SupergraphRules;
  limits: GatewayLimitOptions | undefined;
  /** The rate limits (password fields are counted there); undefined when off. */
  requestLimits: RequestLimits | undefined;
  /** Told each access token a password field just issued. */
  signedIn: (accessToken: string) => void;
  responseCaching: ResponseCaching | undefined;
  metrics: HttpMetrics;
  usage: UsageReporter | undefined;
}

/**
 * Apollo Server's plugins, in the order their checks must apply. Apollo starts the hooks of each
 * request stage in array order and answers with the first refusal (a check that throws before
 * its first `await` wins over every later one), and asks `responseForOperation` plugin by plugin
 * until one answers. So: which text runs (persisted queries) comes first; then the refusals that
 * need only the operation (input bounds, operation limits), then those that need the caller
 * (`@auth`, password-field attempts); only an operation that passed them all may be answered
 * from the response cache; the observers (metrics, tracing, usage) come last.
 */
export function gatewayPlugins(
  options: GatewayPluginsOptions,
): ApolloServerPlugin<GatewayContext>[] {
  const { supergraph, responseCaching, usage } = options;
  return [
    ApolloServerPluginLandingPageDisabled(),
    // 200 instead of 400 for parse/validation/variable-coercion errors answered as
    // application/json (GraphQL over HTTP); first, so every later observer sees that status.
    requestErrorStatusPlugin<GatewayContext>(),
    // First: decides which text runs (APQ / safelist) before Apollo reads the request.
    options.persisted.plugin<GatewayContext>(),
    // Before everything that reads the operation or its variables: resolvable operation,
    // bounded variables, String/ID lengths and valid text (400 BAD_USER_INPUT, …).
    inputBoundsPlugin<GatewayContext>(supergraph.inputBounds, options.limits?.inputs),
    limitsPlugin<GatewayContext>(
      options.limits?.operations,
      supergraph.listSizes,
      options.limits?.observedListSizes === false
        ? undefined
        : new ObservedListSizes({
            maxSize: options.limits?.operations?.defaultListSize ?? DEFAULT_LIMITS.defaultListSize,
            ...options.limits?.observedListSizes,
          }),
    ),
    // After the static limits, before any subgraph call: `@auth` (401/403, reject mode).
    authDirectivePlugin<GatewayContext>(supergraph.authRules),
    // Once every check above passed, before execution: password fields counted (429) and
    // at most one per operation (400); a successful sign-in resets its own count.
    passwordFieldsPlugin<GatewayContext>(
      supergraph.passwordFields,
      options.requestLimits,
      options.signedIn,
    ),
    // After the limits and `@auth` (so their refusals still apply), before execution.
    ...(responseCaching
      ? [responseCachePlugin<GatewayContext>(responseCaching.cache, responseCaching.publicFields)]
      : []),
    hideSuggestionsPlugin<GatewayContext>({ production: options.production }),
    // Tells the @defer step its whole operation passed the checks above (defer/http.ts).
    deferExecutionPlugin<GatewayContext>(),
    graphqlMetricsPlugin<GatewayContext>(options.metrics),
    ...(tracingEnabled() ? [graphqlTracingPlugin<GatewayContext>()] : []),
    ...(usage ? [usagePlugin<GatewayContext>(usage)] : []),
  ];
}
