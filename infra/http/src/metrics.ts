import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics of one HTTP server. Every server gets its own {@link Registry} (several
 * servers share one process in embedded mode) and labels everything with its `service`.
 *
 * `GET /metrics` is served unauthenticated on the server's port; in production bind that port to
 * an internal interface (or block `/metrics` at the edge) so only the scraper reaches it.
 */
export class HttpMetrics {
  readonly registry = new Registry();
  readonly requestDuration: Histogram<'service' | 'method' | 'route' | 'status'>;
  readonly requests: Counter<'service' | 'method' | 'route' | 'status'>;
  readonly operations: Counter<'service' | 'operation_type' | 'outcome'>;
  readonly errors: Counter<'service' | 'code'>;
  private readonly processRegistry: Registry;

  constructor(readonly service: string) {
    const registers = [this.registry];
    this.requestDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests by route (streams: until the response ends)',
      labelNames: ['service', 'method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['service', 'method', 'route', 'status'],
      registers,
    });
    this.operations = new Counter({
      name: 'graphql_operations_total',
      help: 'GraphQL operations by type and outcome (error = the response carried errors)',
      labelNames: ['service', 'operation_type', 'outcome'],
      registers,
    });
    this.errors = new Counter({
      name: 'graphql_errors_total',
      help: 'GraphQL errors in responses by extensions.code',
      labelNames: ['service', 'code'],
      registers,
    });
    this.processRegistry = processRegistryFor(service);
  }

  /** Records one finished HTTP request; `route` must be a fixed path, never a raw URL. */
  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { service: this.service, method, route, status: String(status) };
    this.requestDuration.observe(labels, seconds);
    this.requests.inc(labels);
  }

  /** Records one GraphQL operation and the codes of the errors it answered with. */
  observeOperation(operationType: string, errorCodes: readonly string[]): void {
    this.operations.inc({
      service: this.service,
      operation_type: operationType,
      outcome: errorCodes.length > 0 ? 'error' : 'success',
    });
    for (const code of errorCodes) this.errors.inc({ service: this.service, code });
  }

  /** The text exposition of this server's metrics followed by the process's default metrics. */
  async render(): Promise<{ contentType: string; body: string }> {
    const [own, proc] = await Promise.all([
      this.registry.metrics(),
      this.processRegistry.metrics(),
    ]);
    return { contentType: this.registry.contentType, body: `${own}\n${proc}` };
  }
}

// Default process metrics start observers (GC, event-loop delay) that are never released, so
// they are collected once per service name per process, not once per server.
const processRegistries = new Map<string, Registry>();

function processRegistryFor(service: string): Registry {
  let registry = processRegistries.get(service);
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry, labels: { service } });
    processRegistries.set(service, registry);
  }
  return registry;
}

/** Distinct `extensions.code` values of formatted errors (`UNKNOWN` when absent). */
export function errorCodesOf(
  errors: ReadonlyArray<{ extensions?: unknown }> | undefined,
): string[] {
  if (!errors?.length) return [];
  const codes = new Set<string>();
  for (const error of errors) {
    const code = (error.extensions as { code?: unknown } | undefined)?.code;
    codes.add(typeof code === 'string' ? code : 'UNKNOWN');
  }
  return [...codes];
}

/**
 * An Apollo Server plugin feeding `graphql_operations_total` and `graphql_errors_total` from
 * each response (errors as formatted, so masked errors count as INTERNAL_SERVER_ERROR).
 * Operations that never resolved (parse/validation failures) count as `operation_type="unknown"`.
 */
export function graphqlMetricsPlugin<TContext extends BaseContext>(
  metrics: HttpMetrics,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, response }) {
          const errors =
            response.body.kind === 'single'
              ? response.body.singleResult.errors
              : response.body.initialResult.errors;
          metrics.observeOperation(operation?.operation ?? 'unknown', errorCodesOf(errors));
        },
      };
    },
  };
}
