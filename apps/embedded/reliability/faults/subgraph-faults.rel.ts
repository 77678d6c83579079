import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BREAKER, startFaultGraph, SUBGRAPH_TIMEOUT_MS, type FaultGraph } from './graph';
import {
  quantile,
  sleepUntil,
  startLoad,
  tally,
  type GraphQLBody,
  type LoadRun,
  type Outcome,
  type Sample,
} from './load';

/**
 * docs/SECURITY.md §6 B1/B2: the product subgraph (a real child process) is killed or hung while
 * closed-loop clients query product + user through the gateway. The same fault is applied once
 * while BOTH gateways are under load: the production gateway must meet the criteria and the
 * unprotected (stock) gateway must fail them, in the same run.
 */

const CLIENTS = 8; // per gateway
const CLIENT_TIMEOUT_MS = 5_000;
const FAULT_AT_MS = 3_000;
const RESTART_AT_MS = 7_000;
/** SIGCONT: the hang (6 s) outlasts the 5 s client timeout, as a real hang would. */
const RESUME_AT_MS = 9_000;
const RUN_MS = 12_000;

const QUERY = `query Rel($id: ID!) { me { id email } product(id: $id) { id name variants { sku } } }`;

function classify(body: GraphQLBody): Outcome {
  const me = body.data?.me as { id?: string } | null | undefined;
  const product = body.data?.product as { name?: string } | null | undefined;
  if (!body.errors?.length && me?.id && product?.name) return 'full';
  const namesProduct = (body.errors ?? []).some(
    (error) => error.extensions?.serviceName === 'product',
  );
  if (me?.id && product === null && namesProduct) return 'partial';
  return body.errors?.length ? 'degraded' : 'error';
}

interface Phase {
  faultAt: number;
  /** When the subgraph could answer again (restarted process healthy / SIGCONT). */
  backAt: number;
}

/** Requests sent during the outage and answered before the subgraph was back. */
const during = (samples: Sample[], phase: Phase) =>
  samples.filter((s) => s.start >= phase.faultAt && s.end <= phase.backAt);

/** Requests in flight when the fault hit (their subgraph answer may predate the fault). */
const inFlight = (samples: Sample[], phase: Phase) =>
  samples.filter((s) => s.start < phase.faultAt && s.end > phase.faultAt);

/** Every response received while the subgraph was down. */
const receivedDuring = (samples: Sample[], phase: Phase) =>
  samples.filter((s) => s.end > phase.faultAt && s.end <= phase.backAt);

/** Ms from `backAt` to the first full response that started after it; Infinity when none. */
function recoveryMs(samples: Sample[], backAt: number): number {
  const first = samples
    .filter((s) => s.start >= backAt && s.outcome === 'full')
    .sort((a, b) => a.end - b.end)[0];
  return first ? first.end - backAt : Number.POSITIVE_INFINITY;
}

function summary(name: string, samples: Sample[], phase: Phase) {
  const outage = during(samples, phase);
  const partial = outage.filter((s) => s.outcome === 'partial');
  return {
    name,
    requests: samples.length,
    outcomes: tally(samples),
    outage: outage.length,
    outageOutcomes: tally(outage),
    partialShare: outage.length ? partial.length / outage.length : 0,
    outageP50: Math.round(
      quantile(
        outage.map((s) => s.latency),
        0.5,
      ),
    ),
    outageMax: Math.round(Math.max(0, ...receivedDuring(samples, phase).map((s) => s.latency))),
    inFlight: tally(inFlight(samples, phase)),
    timeouts: samples.filter((s) => s.outcome === 'timeout').length,
    recoveryMs: Math.round(recoveryMs(samples, phase.backAt)),
    firstMessage: outage.find((s) => s.outcome !== 'full')?.message,
  };
}

describe('subgraph faults (B1, B2)', () => {
  let g: FaultGraph;
  beforeAll(async () => {
    g = await startFaultGraph();
  });
  afterAll(async () => {
    await g?.stop();
  });

  const loads = (durationMs: number): { protected: LoadRun; unprotected: LoadRun } => {
    const common = {
      clients: CLIENTS,
      durationMs,
      clientTimeoutMs: CLIENT_TIMEOUT_MS,
      body: JSON.stringify({ query: QUERY, variables: { id: g.productId } }),
      token: g.token,
      classify,
    };
    return {
      protected: startLoad({ ...common, url: g.protectedUrl }),
      unprotected: startLoad({ ...common, url: g.unprotectedUrl }),
    };
  };

  it('B1: product SIGKILLed and restarted under load → partial responses naming product, recovery, 0 timeouts', async () => {
    // Both runs start together; the run's clock is the protected one's (they differ by µs).
    const run = loads(60_000);
    await sleepUntil(run.protected, FAULT_AT_MS);
    const faultAt = run.protected.now();
    await g.product.kill();
    await sleepUntil(run.protected, RESTART_AT_MS);
    const startedAt = await g.product.start();
    const backAt = startedAt - run.protected.t0;
    // Long enough to see the breaker's next half-open trial after the restart.
    await sleepUntil(run.protected, Math.max(RUN_MS, backAt + BREAKER.openMs + 2_500));
    run.protected.stop();
    run.unprotected.stop();
    await Promise.all([run.protected.done, run.unprotected.done]);
    const phase = { faultAt, backAt };
    const shift = run.unprotected.t0 - run.protected.t0;
    const unprotectedPhase = { faultAt: faultAt - shift, backAt: backAt - shift };
    const prot = summary('protected', run.protected.samples, phase);
    const unprot = summary('unprotected', run.unprotected.samples, unprotectedPhase);
    console.log('[B1]', JSON.stringify({ phase, prot, unprot }));

    // The gateway process survived (this process) and answered throughout.
    expect(prot.outage).toBeGreaterThanOrEqual(50);
    expect(prot.timeouts).toBe(0);
    expect(prot.partialShare, JSON.stringify(prot)).toBeGreaterThanOrEqual(0.99);
    expect(prot.outcomes.error ?? 0).toBe(0);
    // Requests in flight at the kill got either their data or the partial answer.
    for (const sample of inFlight(run.protected.samples, phase)) {
      expect(['full', 'partial']).toContain(sample.outcome);
    }
    for (const sample of during(run.protected.samples, phase)) {
      if (sample.outcome === 'partial') expect(sample.codes).toContain('SUBGRAPH_UNAVAILABLE');
    }
    // Recovery (design: full responses ≤ 2 s after the restart): the breaker, open for `openMs`
    // (1 s) after the refused connections, lets a trial through at most `openMs` after the
    // restart, and full responses follow at once.
    expect(prot.recoveryMs).toBeLessThanOrEqual(BREAKER.openMs + 1_000);
    const after = run.protected.samples.filter((s) => s.start >= backAt + prot.recoveryMs + 100);
    expect(after.length).toBeGreaterThan(20);
    expect(after.every((s) => s.outcome === 'full')).toBe(true);

    // Unprotected: the stock gateway also survives a killed subgraph, but its errors carry no
    // serviceName (the thrown FetchError is passed through as INTERNAL_SERVER_ERROR), so the
    // "≥ 99% partial naming product" criterion fails.
    expect(unprot.outage).toBeGreaterThanOrEqual(50);
    expect(unprot.partialShare, JSON.stringify(unprot)).toBeLessThan(0.99);
    // It also leaks the subgraph's internal URL to clients; the production gateway never does.
    const leaks = (run: LoadRun) =>
      run.samples.filter((s) => s.message?.includes('http://')).length;
    expect(leaks(run.unprotected)).toBeGreaterThan(0);
    expect(leaks(run.protected)).toBe(0);
  });

  it('B2: product SIGSTOPped (hung) under load → partial within timeout, breaker fails fast, recovery, 0 timeouts', async () => {
    const run = loads(60_000);
    await sleepUntil(run.protected, FAULT_AT_MS);
    const faultAt = run.protected.now();
    g.product.pause();
    await sleepUntil(run.protected, RESUME_AT_MS);
    g.product.resume();
    const backAt = run.protected.now();
    await sleepUntil(run.protected, Math.max(RUN_MS, backAt + BREAKER.openMs + 2_500));
    run.protected.stop();
    run.unprotected.stop();
    await Promise.all([run.protected.done, run.unprotected.done]);
    const phase = { faultAt, backAt };
    const shift = run.unprotected.t0 - run.protected.t0;
    const unprotectedPhase = { faultAt: faultAt - shift, backAt: backAt - shift };
    const prot = summary('protected', run.protected.samples, phase);
    const unprot = summary('unprotected', run.unprotected.samples, unprotectedPhase);

    const outage = during(run.protected.samples, phase);
    // The requests hung when the subgraph stopped (in flight, or sent before the breaker opened).
    const timedOut = run.protected.samples.filter((s) => s.codes.includes('SUBGRAPH_TIMEOUT'));
    const firstOpen = outage
      .filter((s) => s.codes.includes('SUBGRAPH_UNAVAILABLE'))
      .sort((a, b) => a.end - b.end)[0];
    const failFast = outage.filter(
      (s) => firstOpen && s.start >= firstOpen.end && s.codes.includes('SUBGRAPH_UNAVAILABLE'),
    );
    const fast = {
      timeouts: timedOut.length,
      timeoutMax: Math.round(Math.max(0, ...timedOut.map((s) => s.latency))),
      openAt: firstOpen && Math.round(firstOpen.end - faultAt),
      failFast: failFast.length,
      failFastP50: quantile(
        failFast.map((s) => s.latency),
        0.5,
      ),
      failFastP95: quantile(
        failFast.map((s) => s.latency),
        0.95,
      ),
    };
    console.log('[B2]', JSON.stringify({ phase, prot, fast, unprot }));

    expect(prot.timeouts).toBe(0);
    expect(prot.outcomes.error ?? 0).toBe(0);
    expect(prot.partialShare, JSON.stringify(prot)).toBeGreaterThanOrEqual(0.99);
    for (const sample of inFlight(run.protected.samples, phase)) {
      expect(['full', 'partial']).toContain(sample.outcome);
    }
    // Requests hung on the stopped subgraph end at the 2 s timeout (+ slack on a shared box).
    expect(timedOut.length).toBeGreaterThanOrEqual(BREAKER.failureThreshold);
    expect(fast.timeoutMax).toBeLessThan(SUBGRAPH_TIMEOUT_MS + 1_000);
    expect(prot.outageMax).toBeLessThan(SUBGRAPH_TIMEOUT_MS + 1_000);
    // The breaker opened after the threshold of timeouts, and then answers fail fast.
    expect(firstOpen).toBeDefined();
    expect(firstOpen!.message).toContain('circuit open');
    expect(failFast.length).toBeGreaterThanOrEqual(50);
    expect(fast.failFastP50).toBeLessThan(50);
    expect(fast.failFastP95).toBeLessThan(150);
    // Recovery within the breaker's open interval + 1 s after SIGCONT.
    expect(prot.recoveryMs).toBeLessThanOrEqual(BREAKER.openMs + 1_000);

    // Unprotected: no timeout → every request touching the hung subgraph waits for it; the
    // clients give up at 5 s and nothing (not even the user data) comes back meanwhile.
    expect(unprot.timeouts, JSON.stringify(unprot)).toBeGreaterThanOrEqual(CLIENTS);
    expect(unprot.partialShare).toBeLessThan(0.99);
    // Not one request sent during the hang was answered before SIGCONT (they timed out or
    // waited for the subgraph to resume).
    const answered = during(run.unprotected.samples, unprotectedPhase).filter(
      (s) => s.outcome !== 'timeout',
    );
    expect(answered, JSON.stringify(unprot)).toEqual([]);
  });
});
