/**
 * Federation gateway benchmark (issue 22; not part of `pnpm test`):
 * `pnpm --filter @shop/bench federation`.
 *
 * Four subgraphs of our own (accounts, products, inventory, reviews; `subgraphs.ts`, in-memory
 * data of `data.ts`), each its own process, composed into one supergraph; five targets over
 * them, each its own process: our gateway, a stock Apollo gateway, Hive Gateway, Hive Gateway
 * with the Rust query planner (router runtime), and `direct` (our plan's subgraph requests sent
 * straight to the subgraphs: a ceiling). Every target must answer the query (`query.ts`) with
 * HTTP 200, no `errors` and the same `data` before anything is measured. Then ROUNDS
 * interleaved rounds (the order rotates) of DURATION s per target with CONNECTIONS autocannon
 * connections; per target: median req/s, p50, p99, CPU ms per request of each process (from
 * /proc), and subgraph requests per query (each subgraph counts what it serves). Writes
 * results.json and results.md next to this file.
 *
 * Env: ROUNDS (3), DURATION (10 s), CONNECTIONS (50), WARMUP (3 s), TARGETS (comma-separated
 * subset of ours,ours-nodedup,stock,hive,hive-router,direct; default all but ours-nodedup), OURS_MAX_COST (our gateway's operation cost
 * limit; by default the gateway's own, and if it refuses the query as too costly the harness
 * records that and restarts it with the limit raised to the estimate), OURS_DEDUP (`off`),
 * OURS_EXECUTOR (`apollo`), VERIFY_ONLY (1: start, verify, print the fetch counts, stop).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { parse } from 'graphql';
import { composeSubgraphs, missingDescriptions } from '@shop/schema';
import { freePort } from '@shop/testing';
import { cpuPerRequest, cpuSnapshot, type Named } from '../gateway/cpu';
import { childEnv, ROOT, startChild, stopAll, type Child } from '../gateway/processes';
import { QUERY } from './query';
import { SUBGRAPHS, SUBGRAPH_NAMES, type SubgraphName } from './subgraphs';

const int = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const ROUNDS = int('ROUNDS', 3);
const DURATION = int('DURATION', 10);
const CONNECTIONS = int('CONNECTIONS', 50);
const WARMUP = int('WARMUP', 3);
const OUT = new URL('./', import.meta.url);

const ALL_TARGETS = ['ours', 'ours-nodedup', 'stock', 'hive', 'hive-router', 'direct'] as const;
type TargetName = (typeof ALL_TARGETS)[number];
/** `ours-nodedup` (ours with in-flight deduplication off) only when TARGETS names it. */
const DEFAULT_TARGETS: TargetName[] = ['ours', 'stock', 'hive', 'hive-router', 'direct'];
const TARGETS: TargetName[] = process.env.TARGETS
  ? ALL_TARGETS.filter((t) => process.env.TARGETS!.split(',').includes(t))
  : DEFAULT_TARGETS;
const TITLES: Record<TargetName, string> = {
  ours: 'ours (ShopGraph gateway, plan executor)',
  'ours-nodedup': 'ours, in-flight dedup off',
  stock: 'stock @apollo/gateway',
  hive: 'Hive Gateway',
  'hive-router': 'Hive Gateway + router-runtime (Rust planner)',
  direct: 'direct (our plan, straight to the subgraphs)',
};

const log = (message: string) => console.log(`[federation] ${message}`);

// --- cleanup: every child on success, failure and SIGINT ----------------------------------------

let cleaning: Promise<void> | undefined;
let interrupted = false;
const cleanup = () => (cleaning ??= stopAll());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`[federation] ${signal}: stopping every child process`);
    void cleanup().finally(() => process.exit(130));
  });
}

// --- helpers ------------------------------------------------------------------------------------

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

function gitInfo() {
  const git = (...args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const dirty = git('status', '--porcelain', '--', 'gateway', 'infra', 'bench/federation');
  return {
    commit: git('rev-parse', 'HEAD'),
    uncommittedFiles: dirty ? dirty.split('\n').length : 0,
  };
}

interface Answer {
  status: number;
  text: string;
  body: {
    data?: unknown;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
    extensions?: unknown;
  };
}

async function ask(url: string): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: QUERY }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let body: Answer['body'];
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
  return { status: res.status, text, body };
}

const ok = (answer: Answer) =>
  answer.status === 200 && !answer.body.errors?.length && answer.body.data != null;

// --- the graph ----------------------------------------------------------------------------------

interface Graph {
  logDir: string;
  supergraphFile: string;
  subgraphUrls: Record<SubgraphName, string>;
  targets: Partial<Record<TargetName, { url: string; child: Child }>>;
  ports: Record<TargetName, number>;
}

const statsUrl = (graphqlUrl: string, path = 'stats') => graphqlUrl.replace(/graphql$/, path);

async function subgraphCounts(graph: Graph): Promise<Record<SubgraphName, number>> {
  const entries = await Promise.all(
    SUBGRAPH_NAMES.map(async (name) => {
      const res = await fetch(statsUrl(graph.subgraphUrls[name]));
      return [name, ((await res.json()) as { requests: number }).requests] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<SubgraphName, number>;
}

async function startSubgraphs(logDir: string): Promise<Graph> {
  const subgraphPorts = await Promise.all(SUBGRAPH_NAMES.map(() => freePort()));
  const subgraphUrls = Object.fromEntries(
    SUBGRAPH_NAMES.map((name, i) => [name, `http://127.0.0.1:${subgraphPorts[i]}/graphql`]),
  ) as Record<SubgraphName, string>;
  // The repository's rule: every type and field of a subgraph has a description.
  for (const name of SUBGRAPH_NAMES) {
    const missing = missingDescriptions(parse(SUBGRAPHS[name].sdl));
    if (missing.length > 0) throw new Error(`${name}: no description on ${missing.join(', ')}`);
  }
  const composed = composeSubgraphs(
    SUBGRAPH_NAMES.map((name) => ({ name, url: subgraphUrls[name], sdl: SUBGRAPHS[name].sdl })),
  );
  if (!composed.ok) throw new Error(`composition failed:\n${composed.errors.join('\n')}`);
  const supergraphFile = join(logDir, 'supergraph.graphql');
  writeFileSync(supergraphFile, composed.supergraphSdl);
  const children = await Promise.all(
    SUBGRAPH_NAMES.map((name, i) =>
      startChild(
        {
          name,
          cwd: 'bench',
          entry: 'federation/subgraph-server.ts',
          env: childEnv({ NODE_ENV: 'production', SUBGRAPH: name, PORT: String(subgraphPorts[i]) }),
          readyUrl: statsUrl(subgraphUrls[name]),
        },
        logDir,
      ),
    ),
  );
  const targetPorts = await Promise.all(ALL_TARGETS.map(() => freePort()));
  const ports = Object.fromEntries(ALL_TARGETS.map((t, i) => [t, targetPorts[i]])) as Record<
    TargetName,
    number
  >;
  subgraphPids = children.map((child) => ({ name: child.name, pid: child.pid }));
  log(`subgraphs ready: ${SUBGRAPH_NAMES.map((n) => `${n} ${subgraphUrls[n]}`).join(', ')}`);
  return { logDir, supergraphFile, subgraphUrls, targets: {}, ports };
}

const ENTRIES: Record<
  Exclude<TargetName, 'direct'>,
  { entry: string; env?: Record<string, string> }
> = {
  ours: { entry: 'federation/targets/ours.ts' },
  'ours-nodedup': { entry: 'federation/targets/ours.ts', env: { OURS_DEDUP: 'off' } },
  stock: { entry: 'federation/targets/stock.ts' },
  hive: { entry: 'federation/targets/hive.ts' },
  'hive-router': { entry: 'federation/targets/hive.ts', env: { HIVE_ROUTER: '1' } },
};

async function startTarget(
  graph: Graph,
  target: TargetName,
  env: Record<string, string> = {},
): Promise<void> {
  const port = graph.ports[target];
  const url = `http://127.0.0.1:${port}/graphql`;
  const spec = target === 'direct' ? { entry: 'federation/targets/direct.ts' } : ENTRIES[target];
  const child = await startChild(
    {
      name: target,
      cwd: 'bench',
      entry: spec.entry,
      env: childEnv({
        NODE_ENV: 'production',
        PORT: String(port),
        SUPERGRAPH_FILE: graph.supergraphFile,
        ...(spec.env ?? {}),
        ...env,
      }),
      readyUrl: target === 'direct' ? statsUrl(url, 'ready') : url,
    },
    graph.logDir,
  );
  graph.targets[target] = { url, child };
  log(`${target} ready on :${port}`);
}

const oursEnv = (maxCost?: string): Record<string, string> => ({
  ...(maxCost ? { OURS_MAX_COST: maxCost } : {}),
  ...(process.env.OURS_DEDUP ? { OURS_DEDUP: process.env.OURS_DEDUP } : {}),
  ...(process.env.OURS_EXECUTOR ? { OURS_EXECUTOR: process.env.OURS_EXECUTOR } : {}),
});

// --- verification -------------------------------------------------------------------------------

interface Verification {
  responseBytes: Partial<Record<TargetName, number>>;
  /** The `extensions` of a target's answer, when it sends any (not compared). */
  extensions: Partial<Record<TargetName, unknown>>;
  /** Subgraph requests of one query sent alone, per subgraph. */
  fetchesAlone: Partial<Record<TargetName, Record<SubgraphName, number>>>;
  /** Our gateway's answer with its default limits when it refused the query. */
  oursRefusal?: { status: number; code?: string; message: string; maxCostUsed: string };
}

async function fetchesOfOne(graph: Graph, url: string): Promise<Record<SubgraphName, number>> {
  const before = await subgraphCounts(graph);
  const answer = await ask(url);
  if (!ok(answer)) throw new Error(`${url}: ${answer.text.slice(0, 400)}`);
  const after = await subgraphCounts(graph);
  return Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, after[n] - before[n]])) as Record<
    SubgraphName,
    number
  >;
}

/** Our gateway's default limits first; if it refuses the query as too costly, say so and raise. */
async function startOurs(graph: Graph, verification: Verification): Promise<void> {
  await startTarget(graph, 'ours', oursEnv(process.env.OURS_MAX_COST));
  const answer = await ask(graph.targets.ours!.url);
  if (ok(answer)) return;
  const error = answer.body.errors?.[0];
  const estimate = /cost (\d+)/i.exec(error?.message ?? '')?.[1];
  if (error?.extensions?.code !== 'QUERY_TOO_COSTLY' || process.env.OURS_MAX_COST) {
    throw new Error(`ours refused the query: ${answer.status} ${answer.text.slice(0, 600)}`);
  }
  const maxCostUsed = estimate ?? '1000000';
  verification.oursRefusal = {
    status: answer.status,
    code: error.extensions.code,
    message: error.message,
    maxCostUsed,
  };
  log(`ours refused the query (${error.message}); restarting it with OURS_MAX_COST=${maxCostUsed}`);
  await graph.targets.ours!.child.stop();
  delete graph.targets.ours;
  await startTarget(graph, 'ours', oursEnv(maxCostUsed));
}

async function verify(graph: Graph, verification: Verification): Promise<Answer> {
  const answers = new Map<TargetName, Answer>();
  for (const target of TARGETS.filter((t) => graph.targets[t])) {
    const answer = await ask(graph.targets[target]!.url);
    if (!ok(answer)) {
      throw new Error(`${target} answered ${answer.status}: ${answer.text.slice(0, 600)}`);
    }
    answers.set(target, answer);
    verification.responseBytes[target] = Buffer.byteLength(answer.text);
    if (answer.body.extensions !== undefined) {
      verification.extensions[target] = answer.body.extensions;
    }
  }
  const [first, ...rest] = [...answers.entries()];
  for (const [target, answer] of rest) {
    if (!isDeepStrictEqual(answer.body.data, first![1].body.data)) {
      writeFileSync(join(graph.logDir, `${first![0]}.json`), first![1].text);
      writeFileSync(join(graph.logDir, `${target}.json`), answer.text);
      throw new Error(
        `${target}'s data differs from ${first![0]}'s (both written to ${graph.logDir})`,
      );
    }
  }
  return first![1];
}

/** Records the subgraph requests our gateway sends for one query, for the direct target. */
async function recordPlan(graph: Graph, reference: Answer): Promise<string> {
  const source = graph.targets.ours ?? graph.targets.stock;
  if (!source) throw new Error('direct needs ours or stock to record a plan from');
  await Promise.all(
    SUBGRAPH_NAMES.map((n) => fetch(`${statsUrl(graph.subgraphUrls[n], 'record')}?on=1`)),
  );
  const answer = await ask(source.url);
  if (!ok(answer)) throw new Error(`recording: ${answer.text.slice(0, 400)}`);
  const fetches = (
    await Promise.all(
      SUBGRAPH_NAMES.map(async (name) => {
        const res = await fetch(statsUrl(graph.subgraphUrls[name], 'record'));
        const { bodies } = (await res.json()) as { bodies: string[] };
        return bodies.map((body) => ({ url: graph.subgraphUrls[name], body }));
      }),
    )
  ).flat();
  const file = join(graph.logDir, 'direct-plan.json');
  writeFileSync(file, JSON.stringify({ fetches, response: reference.text }));
  log(`direct: ${fetches.length} recorded subgraph requests`);
  return file;
}

// --- load ---------------------------------------------------------------------------------------

interface Measure {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  non2xx: number;
  graphqlErrors: number;
  /** Subgraph requests per query during the load, per subgraph. */
  subgraphRequests: Record<SubgraphName, number>;
  /** CPU ms per request of each process. */
  cpu: Record<string, number>;
}

async function load(graph: Graph, target: TargetName, seconds: number): Promise<Measure> {
  const url = new URL(graph.targets[target]!.url);
  const named: Named[] = [
    ...Object.entries(graph.targets).map(([name, t]) => ({ name, pid: t.child.pid })),
    ...subgraphPids,
  ];
  let graphqlErrors = 0;
  const countsBefore = await subgraphCounts(graph);
  const cpuBefore = cpuSnapshot(named);
  const result = await autocannon({
    url: url.origin,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: url.pathname,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: QUERY }),
        onResponse: (status, body) => {
          if (status === 200 && body.includes('"errors":')) graphqlErrors += 1;
        },
      },
    ],
  });
  const cpu = cpuPerRequest(cpuBefore, cpuSnapshot(named), result.requests.total);
  const countsAfter = await subgraphCounts(graph);
  const total = Math.max(1, result.requests.total);
  return {
    rps: result.requests.total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    graphqlErrors,
    subgraphRequests: Object.fromEntries(
      SUBGRAPH_NAMES.map((n) => [n, round((countsAfter[n] - countsBefore[n]) / total, 2)]),
    ) as Record<SubgraphName, number>,
    cpu,
  };
}

/** Subgraph processes, for the CPU accounting (set once they run). */
let subgraphPids: Named[] = [];

interface Summary {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  graphqlErrors: number;
  /** Median CPU ms per request: the target's process, all subgraphs, each, the load generator. */
  cpu: {
    gateway: number;
    subgraphs: number;
    loadGenerator: number;
    bySubgraph: Record<string, number>;
  };
  /** Median subgraph requests per query under load (sum and per subgraph). */
  subgraphRequestsPerQuery: number;
  bySubgraph: Record<SubgraphName, number>;
}

function summarize(target: TargetName, measures: Measure[]): Summary {
  const med = (pick: (m: Measure) => number, digits = 1) =>
    round(median(measures.map(pick)), digits);
  const subgraphCpu = (m: Measure) => SUBGRAPH_NAMES.reduce((acc, n) => acc + (m.cpu[n] ?? 0), 0);
  const sumRequests = (m: Measure) =>
    SUBGRAPH_NAMES.reduce((acc, n) => acc + m.subgraphRequests[n], 0);
  return {
    rps: med((m) => m.rps),
    p50: med((m) => m.p50),
    p99: med((m) => m.p99),
    errors: measures.reduce((acc, m) => acc + m.errors, 0),
    non2xx: measures.reduce((acc, m) => acc + m.non2xx, 0),
    graphqlErrors: measures.reduce((acc, m) => acc + m.graphqlErrors, 0),
    cpu: {
      gateway: med((m) => m.cpu[target] ?? 0, 2),
      subgraphs: med(subgraphCpu, 2),
      loadGenerator: med((m) => m.cpu['load generator'] ?? 0, 2),
      bySubgraph: Object.fromEntries(SUBGRAPH_NAMES.map((n) => [n, med((m) => m.cpu[n] ?? 0, 2)])),
    },
    subgraphRequestsPerQuery: med(sumRequests, 2),
    bySubgraph: Object.fromEntries(
      SUBGRAPH_NAMES.map((n) => [n, med((m) => m.subgraphRequests[n], 2)]),
    ) as Record<SubgraphName, number>,
  };
}

// --- report -------------------------------------------------------------------------------------

interface Results {
  finishedAt: string;
  machine: {
    cpus: number;
    cpuModel?: string | undefined;
    node: string;
    loadAverage1m: { start: number; end: number };
  };
  git: { commit: string; uncommittedFiles: number };
  verification: Verification;
  targets: Partial<Record<TargetName, Summary>>;
}

function markdown(results: Results): string {
  const { verification, targets } = results;
  const ours = targets.ours;
  const lines = [
    '| target | req/s (median) | p50 ms | p99 ms | errors / non-2xx / GraphQL errors | gateway CPU ms/req | subgraphs CPU ms/req | load generator CPU ms/req | subgraph requests per query (under load) | subgraph requests of one query alone | ours ÷ target: req/s, p99 |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const target of TARGETS) {
    const s = targets[target];
    if (!s) continue;
    const alone = verification.fetchesAlone[target];
    const aloneText = alone
      ? `${Object.values(alone).reduce((a, b) => a + b, 0)} (${SUBGRAPH_NAMES.map((n) => `${n} ${alone[n]}`).join(', ')})`
      : '';
    const ratio =
      ours && target !== 'ours'
        ? `${round(ours.rps / s.rps, 2)}×, ${round(ours.p99 / s.p99, 2)}×`
        : '';
    lines.push(
      `| ${TITLES[target]} | ${s.rps} | ${s.p50} | ${s.p99} | ${s.errors} / ${s.non2xx} / ${s.graphqlErrors} | ` +
        `${s.cpu.gateway} | ${s.cpu.subgraphs} | ${s.cpu.loadGenerator} | ${s.subgraphRequestsPerQuery} | ${aloneText} | ${ratio} |`,
    );
  }
  const bySubgraph = [
    '',
    '### Per subgraph (median of the rounds): requests per query, CPU ms per request',
    '',
    `| target | ${SUBGRAPH_NAMES.join(' | ')} |`,
    `|---|${SUBGRAPH_NAMES.map(() => '---:').join('|')}|`,
    ...TARGETS.filter((t) => targets[t]).map(
      (t) =>
        `| ${t} | ${SUBGRAPH_NAMES.map((n) => `${targets[t]!.bySubgraph[n]} req, ${targets[t]!.cpu.bySubgraph[n]} ms`).join(' | ')} |`,
    ),
  ];
  return [...lines, ...bySubgraph].join('\n');
}

// --- main ---------------------------------------------------------------------------------------

async function main() {
  const logDir = mkdtempSync(join(tmpdir(), 'shop-bench-federation-'));
  log(`child logs in ${logDir} (removed after a successful run)`);
  const startedAt = new Date();
  const load1 = loadavg()[0] ?? 0;
  const graph = await startSubgraphs(logDir);
  const verification: Verification = { responseBytes: {}, extensions: {}, fetchesAlone: {} };
  for (const target of TARGETS.filter((t) => t !== 'direct')) {
    if (target === 'ours') await startOurs(graph, verification);
    else if (target === 'ours-nodedup') {
      const maxCost = verification.oursRefusal?.maxCostUsed ?? process.env.OURS_MAX_COST;
      await startTarget(graph, target, { ...oursEnv(maxCost), OURS_DEDUP: 'off' });
    } else await startTarget(graph, target);
  }
  const reference = await verify(graph, verification);
  for (const target of TARGETS.filter((t) => t !== 'direct')) {
    verification.fetchesAlone[target] = await fetchesOfOne(graph, graph.targets[target]!.url);
  }
  if (TARGETS.includes('direct')) {
    await startTarget(graph, 'direct', { DIRECT_PLAN: await recordPlan(graph, reference) });
    await verify(graph, verification);
    verification.fetchesAlone.direct = await fetchesOfOne(graph, graph.targets.direct!.url);
  }
  log(
    `verified: ${TARGETS.join(', ')} answer 200 without errors, same data (${verification.responseBytes[TARGETS[0]!]} bytes)`,
  );

  if (process.env.VERIFY_ONLY === '1') {
    console.log(JSON.stringify(verification, null, 2));
    rmSync(logDir, { recursive: true, force: true });
    return;
  }
  log(`warm-up: ${WARMUP} s per target`);
  for (const target of TARGETS) await load(graph, target, WARMUP);
  const runs: Array<{ round: number; target: TargetName; measure: Measure }> = [];
  for (let round_ = 1; round_ <= ROUNDS; round_ += 1) {
    const order = TARGETS.map((_, i) => TARGETS[(i + round_ - 1) % TARGETS.length]!);
    for (const target of order) {
      const measure = await load(graph, target, DURATION);
      runs.push({ round: round_, target, measure });
      log(
        `round ${round_} ${target}: ${round(measure.rps)} req/s, p50 ${measure.p50} ms, p99 ${measure.p99} ms, ` +
          `errors ${measure.errors}/${measure.non2xx}/${measure.graphqlErrors}, ` +
          `gateway ${measure.cpu[target] ?? 0} ms CPU/req`,
      );
    }
  }
  const targets = Object.fromEntries(
    TARGETS.map((t) => [
      t,
      summarize(
        t,
        runs.filter((r) => r.target === t).map((r) => r.measure),
      ),
    ]),
  ) as Partial<Record<TargetName, Summary>>;
  const results = {
    benchmark: 'federation gateways (issue 22)',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      totalMemGiB: round(totalmem() / 2 ** 30),
      loadAverage1m: { start: round(load1, 2), end: round(loadavg()[0] ?? 0, 2) },
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    git: gitInfo(),
    config: {
      rounds: ROUNDS,
      durationSeconds: DURATION,
      warmupSeconds: WARMUP,
      connections: CONNECTIONS,
      targets: TARGETS,
    },
    query: QUERY,
    verification,
    targets,
    runs,
  };
  const table = markdown(results);
  writeFileSync(new URL('results.json', OUT), `${JSON.stringify(results, null, 2)}\n`);
  const refusal = verification.oursRefusal
    ? `Our gateway with its default limits refused the query: HTTP ${verification.oursRefusal.status}, ` +
      `${verification.oursRefusal.code}: "${verification.oursRefusal.message}"; it was measured with ` +
      `OURS_MAX_COST=${verification.oursRefusal.maxCostUsed} (limits.operations.maxCost).`
    : `Our gateway answered the query with ${process.env.OURS_MAX_COST ? `OURS_MAX_COST=${process.env.OURS_MAX_COST}` : 'its default limits'}.`;
  writeFileSync(
    new URL('results.md', OUT),
    [
      '# Federation gateways (issue 22)',
      '',
      `${results.finishedAt} — ${results.machine.cpus} × ${results.machine.cpuModel}, Node ${results.machine.node}, ` +
        `commit ${results.git.commit.slice(0, 10)}${results.git.uncommittedFiles ? ` + ${results.git.uncommittedFiles} uncommitted files` : ''}; ` +
        `${ROUNDS} rounds × ${DURATION} s per target, ${CONNECTIONS} connections, load average ` +
        `${results.machine.loadAverage1m.start} → ${results.machine.loadAverage1m.end}; response ${verification.responseBytes[TARGETS[0]!]} bytes.`,
      '',
      refusal,
      '',
      table,
      '',
    ].join('\n'),
  );
  console.log(`\n${refusal}\n\n${table}\n`);
  log('wrote bench/federation/results.json and results.md');
  rmSync(logDir, { recursive: true, force: true });
}

try {
  await main();
} catch (error) {
  if (!interrupted) console.error('[federation] failed:', error);
  process.exitCode = 1;
} finally {
  await cleanup();
}
