import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { clusterEnv } from './env';

/** The repository root (apps/cluster/src → ../../..). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** One service replica running as its own OS process (`node --import tsx <entry>`). */
export interface ServiceProcess {
  /** e.g. `order#1`, `gateway#0`. */
  id: string;
  service: string;
  replica: number;
  port: number;
  /** `127.0.0.1:<port>`. */
  address: string;
  logFile: string;
  pid: number;
  alive(): boolean;
  /** Resolves with the exit code or signal when the process has ended. */
  readonly exited: Promise<string>;
  /** SIGKILL (kill -9): no shutdown hook runs. */
  kill9(): Promise<void>;
  /** The last `lines` lines of its stdout/stderr. */
  tail(lines?: number): string;
}

export interface SpawnOptions {
  service: string;
  replica: number;
  /** Entry file, relative to the repository root (e.g. `subgraphs/order/src/main.ts`). */
  entry: string;
  port: number;
  env: Record<string, string>;
  logDir: string;
  /** Modules loaded before the entry (`--import`), absolute paths. */
  preload?: string[];
  /** How long to wait for `GET /readyz` to answer 200. Default 120 s. */
  readyTimeoutMs?: number;
}

/** Every process this harness spawned and has not seen exit: killed on exit and on SIGINT. */
const running = new Set<ChildProcess>();

function killAll(): void {
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  running.clear();
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.kill(process.pid, signal);
    });
  }
}

/** SIGKILLs every process the harness started and that is still running. */
export function killAllServiceProcesses(): void {
  killAll();
}

function tailOf(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Spawns one replica with its output in `<logDir>/<service>-<replica>.log`. */
export function spawnService(options: SpawnOptions): ServiceProcess {
  hookExit();
  const inherited = clusterEnv();
  const id = `${options.service}#${options.replica}`;
  const logFile = `${options.logDir}/${options.service}-${options.replica}.log`;
  const fd = openSync(logFile, 'a');
  const args = ['--import', 'tsx'];
  for (const module of options.preload ?? []) args.push('--import', module);
  args.push(options.entry);
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      PATH: inherited.PATH ?? '',
      HOME: inherited.HOME ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(options.port),
      ...options.env,
    },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  running.add(child);
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve(signal ?? String(code));
    });
  });
  return {
    id,
    service: options.service,
    replica: options.replica,
    port: options.port,
    address: `127.0.0.1:${options.port}`,
    logFile,
    pid: child.pid ?? -1,
    alive: () => child.exitCode === null && child.signalCode === null,
    exited,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    tail: (lines = 40) => tailOf(logFile, lines),
  };
}

/**
 * Waits until `GET http://<address>/readyz` answers 200; throws (with the tail of the process's
 * log) when the process exits first or `timeoutMs` passes.
 */
export async function waitReady(processInfo: ServiceProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedWith: string | undefined;
  void processInfo.exited.then((how) => (exitedWith = how));
  for (;;) {
    if (exitedWith !== undefined) {
      throw new Error(
        `${processInfo.id} exited (${exitedWith}) before it was ready; log ${processInfo.logFile}:\n${processInfo.tail()}`,
      );
    }
    try {
      const response = await fetch(`http://${processInfo.address}/readyz`, {
        signal: AbortSignal.timeout(2_000),
      });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${processInfo.id} was not ready within ${timeoutMs} ms; log ${processInfo.logFile}:\n${processInfo.tail()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
