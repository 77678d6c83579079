/**
 * CPU time per process, read from /proc (Linux): where a request's CPU goes across the whole
 * graph — each gateway, each subgraph, Postgres, Redis and the load generator — not only in the
 * process under the profiler. On a 2-core box every process competes for the same cores, so a
 * page's throughput is bounded by the sum of these, not by the gateway alone.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, ms. */
  cpuMs: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // exited meanwhile
  }
  // "pid (comm) state ppid … utime stime …": comm may hold spaces and parentheses.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is state (field 3), so field n is fields[n - 3].
  return {
    pid,
    ppid: Number(fields[1]),
    comm: text.slice(open + 1, close),
    cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND,
  };
}

export interface Named {
  name: string;
  pid: number;
}

/** CPU ms used so far by each process of interest, by pid, with its label. */
export type CpuSnapshot = Map<number, { name: string; cpuMs: number }>;

/**
 * CPU used so far by each named process (with its descendants: cluster workers), by every
 * `postgres` process, by `redis-server` and by this process (the load generator).
 */
export function cpuSnapshot(named: Named[]): CpuSnapshot {
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) stats.set(stat.pid, stat);
  }
  const nameOf = new Map(named.map((n) => [n.pid, n.name]));
  const label = (stat: ProcStat): string | undefined => {
    for (let current: ProcStat | undefined = stat; current; current = stats.get(current.ppid)) {
      const name = nameOf.get(current.pid);
      if (name) return name;
      if (current.ppid <= 1) break;
    }
    if (stat.pid === process.pid) return 'load generator';
    if (stat.comm === 'postgres') return 'postgres';
    if (stat.comm.startsWith('redis-server')) return 'redis';
    return undefined;
  };
  const snapshot: CpuSnapshot = new Map();
  for (const stat of stats.values()) {
    const name = label(stat);
    if (name) snapshot.set(stat.pid, { name, cpuMs: stat.cpuMs });
  }
  return snapshot;
}

/**
 * CPU ms per request of each process between two snapshots, pid by pid: a process started in
 * between counts from zero; one that exited in between (a closed Postgres connection) is not
 * counted — never a negative share.
 */
export function cpuPerRequest(
  before: CpuSnapshot,
  after: CpuSnapshot,
  requests: number,
): Record<string, number> {
  const used = new Map<string, number>();
  for (const [pid, end] of after) {
    const start = before.get(pid);
    const delta = end.cpuMs - (start && start.name === end.name ? start.cpuMs : 0);
    if (delta > 0) used.set(end.name, (used.get(end.name) ?? 0) + delta);
  }
  const out: Record<string, number> = {};
  for (const [name, ms] of used) {
    if (requests > 0) out[name] = Math.round((ms / requests) * 100) / 100;
  }
  return out;
}
