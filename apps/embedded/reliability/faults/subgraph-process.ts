import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEnv } from './env';

/**
 * The product subgraph as a REAL child process (its own `src/main.ts`, started by Node with the
 * tsx loader), on a fixed port so a restarted process is reachable at the same URL. The pid is
 * the Node process itself (not a tsx wrapper), so SIGKILL / SIGSTOP hit the server.
 */
export interface SubgraphProcess {
  readonly port: number;
  readonly url: string;
  readonly pid: number | undefined;
  /** Starts the process and resolves once `/healthz` answers 200 (at that instant). */
  start(): Promise<number>;
  /** SIGKILL: the process dies at once, its sockets are reset. */
  kill(): Promise<void>;
  /** SIGSTOP: the process hangs; connections are accepted by the kernel and never answered. */
  pause(): void;
  /** SIGCONT: the paused process resumes. */
  resume(): void;
  /** Ends the process (SIGCONT first in case it is paused, then SIGKILL). */
  stop(): Promise<void>;
  /** Recent output (for failure messages). */
  output(): string;
}

const PRODUCT_DIR = fileURLToPath(new URL('../../../../subgraphs/product/', import.meta.url));

export function productProcess(options: {
  port: number;
  databaseUrl: string;
  gatewayJwksUrl: string;
}): SubgraphProcess {
  let child: ChildProcess | undefined;
  let log = '';
  const url = `http://127.0.0.1:${options.port}/graphql`;
  const exited = (process: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (process.exitCode !== null || process.signalCode !== null) resolve();
      else process.once('exit', () => resolve());
    });

  return {
    port: options.port,
    url,
    get pid() {
      return child?.pid;
    },
    async start() {
      const process = spawn(globalThis.process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: PRODUCT_DIR,
        env: childEnv({
          PORT: String(options.port),
          HOST: '127.0.0.1',
          DATABASE_URL: options.databaseUrl,
          GATEWAY_JWKS_URL: options.gatewayJwksUrl,
          SEED: 'false',
          NODE_ENV: 'production',
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = process;
      const append = (chunk: Buffer) => {
        log = (log + chunk.toString('utf8')).slice(-4000);
      };
      process.stdout?.on('data', append);
      process.stderr?.on('data', append);
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (process.exitCode !== null) throw new Error(`product exited during start:\n${log}`);
        const ok = await fetch(`http://127.0.0.1:${options.port}/healthz`, {
          signal: AbortSignal.timeout(500),
        }).then(
          (response) => response.status === 200,
          () => false,
        );
        if (ok) return performance.now();
        if (Date.now() > deadline) throw new Error(`product did not start in 30 s:\n${log}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async kill() {
      if (!child) return;
      const process = child;
      process.kill('SIGKILL');
      await exited(process);
    },
    pause() {
      child?.kill('SIGSTOP');
    },
    resume() {
      child?.kill('SIGCONT');
    },
    async stop() {
      if (!child) return;
      const process = child;
      child = undefined;
      if (process.exitCode !== null || process.signalCode !== null) return;
      process.kill('SIGCONT');
      process.kill('SIGKILL');
      await exited(process);
    },
    output: () => log,
  };
}
