/**
 * A closed-loop load generator: `clients` loops, each sending the next request as soon as the
 * previous one answered (or timed out on the client side), for `durationMs` or until `stop()`.
 * Every response is recorded with its start/end time (ms since the run started) and a class.
 */

export type Outcome =
  /** 200, no errors, both subgraphs' data present. */
  | 'full'
  /** 200, the other subgraph's data present, product data null, an error naming `product`. */
  | 'partial'
  /** 200 with errors, but not the expected partial shape (e.g. no `serviceName`). */
  | 'degraded'
  /** Non-200 or no data. */
  | 'error'
  /** The client gave up (client-side timeout). */
  | 'timeout';

export interface Sample {
  start: number;
  end: number;
  latency: number;
  status: number;
  outcome: Outcome;
  /** `extensions.code` of the errors, if any. */
  codes: string[];
  /** The first error message, if any. */
  message?: string | undefined;
}

export interface LoadRun {
  /** `performance.now()` at the start of the run; sample times are relative to it. */
  readonly t0: number;
  readonly samples: Sample[];
  /** Milliseconds since the run started. */
  now(): number;
  /** Resolves when every client loop has finished. */
  done: Promise<void>;
  /** Ends the run early (loops finish their current request). */
  stop(): void;
}

export interface LoadOptions {
  url: string;
  clients: number;
  durationMs: number;
  clientTimeoutMs: number;
  body: string;
  token: string;
  /** Classifies a 200 JSON body. */
  classify(body: GraphQLBody): Outcome;
}

export interface GraphQLBody {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export function startLoad(options: LoadOptions): LoadRun {
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const samples: Sample[] = [];
  let stopped = false;
  const loop = async () => {
    while (!stopped && now() < options.durationMs) {
      const start = now();
      let status = 0;
      let outcome: Outcome;
      let codes: string[] = [];
      let message: string | undefined;
      try {
        const response = await fetch(options.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${options.token}`,
          },
          body: options.body,
          signal: AbortSignal.timeout(options.clientTimeoutMs),
        });
        status = response.status;
        const body = (await response.json()) as GraphQLBody;
        codes = (body.errors ?? []).map((error) => String(error.extensions?.code ?? 'NONE'));
        message = body.errors?.[0]?.message;
        outcome = status === 200 ? options.classify(body) : 'error';
      } catch (error) {
        const name = (error as Error).name;
        outcome = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'error';
        message = (error as Error).message;
      }
      const end = now();
      samples.push({ start, end, latency: end - start, status, outcome, codes, message });
    }
  };
  const done = Promise.all(Array.from({ length: options.clients }, loop)).then(() => undefined);
  return {
    t0,
    samples,
    now,
    done,
    stop() {
      stopped = true;
    },
  };
}

/** The `p`-quantile (0..1) of `values` (nearest rank); NaN for an empty list. */
export function quantile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export const sleepUntil = (run: LoadRun, ms: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms - run.now())));

/** Counts per outcome, for assertion messages. */
export function tally(samples: Sample[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const sample of samples) counts[sample.outcome] = (counts[sample.outcome] ?? 0) + 1;
  return counts;
}
