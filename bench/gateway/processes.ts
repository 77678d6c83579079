/**
 * Child processes of the gateway benchmark: each server runs as its own `node` process (tsx
 * loader, no tsx CLI wrapper, so the pid we hold is the server's), logs to a file, and is stopped
 * with SIGTERM (its own graceful shutdown) and SIGKILL after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const TSX_LOADER = import.meta.resolve('tsx/esm');
/** Preloaded into every child: it exits when the benchmark process dies without stopping it. */
const ORPHAN_GUARD = new URL('./orphan-guard.ts', import.meta.url).href;
/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The environment of a child: only what it needs (PATH, HOME, …) plus `vars`, so nothing from
 * the caller's shell (a DATABASE_URL, KAFKA_BROKERS, APOLLO_KEY…) leaks into a server.
 */
export function childEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  const env: NodeJS.ProcessEnv = {};
  for (const key of keep) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  return { ...env, ...vars };
}

export interface ChildSpec {
  name: string;
  /** Working directory (the package folder), relative to the repository root. */
  cwd: string;
  /** The entry point, relative to `cwd`. */
  entry: string;
  env: NodeJS.ProcessEnv;
  /** URL answered (any HTTP status) once the server listens. */
  readyUrl: string;
  /** Extra `node` flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
}

export interface Child {
  name: string;
  pid: number;
  logFile: string;
  /** The last lines of the child's log. */
  tail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
  readonly exited: boolean;
}

/** Every child started and not yet stopped; `stopAll` empties it. */
const running: Child[] = [];

/** Starts `spec` and resolves once `readyUrl` answers; rejects if the process exits first. */
export async function startChild(spec: ChildSpec, logDir: string, timeoutMs = 90_000) {
  const logFile = join(logDir, `${spec.name}.log`);
  const log = createWriteStream(logFile);
  const process_: ChildProcess = spawn(
    process.execPath,
    [...(spec.nodeFlags ?? []), '--import', TSX_LOADER, '--import', ORPHAN_GUARD, spec.entry],
    { cwd: join(ROOT, spec.cwd), env: spec.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  process_.stdout?.pipe(log, { end: false });
  process_.stderr?.pipe(log, { end: false });
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    process_.once('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : 0);
      resolve();
    }),
  );
  if (process_.pid === undefined) throw new Error(`${spec.name}: spawn failed`);
  const child: Child = {
    name: spec.name,
    pid: process_.pid,
    logFile,
    get exited() {
      return exitCode !== undefined;
    },
    tail(lines = 30) {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    async stop(graceMs = 15_000) {
      const index = running.indexOf(child);
      if (index >= 0) running.splice(index, 1);
      if (exitCode === undefined) {
        process_.kill('SIGTERM');
        const timer = setTimeout(() => process_.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
  running.push(child);

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exited) {
      throw new Error(`${spec.name} exited during startup (code ${exitCode}):\n${child.tail()}`);
    }
    try {
      await fetch(spec.readyUrl, { signal: AbortSignal.timeout(1_000) });
      return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(`${spec.name} not ready within ${timeoutMs} ms:\n${child.tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Stops every running child, newest first (gateways before the subgraphs they call). */
export async function stopAll(): Promise<void> {
  for (const child of [...running].reverse()) {
    await child.stop().catch((error: unknown) => console.error(`stop ${child.name}:`, error));
  }
}
