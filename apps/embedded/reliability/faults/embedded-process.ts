import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createScratchDatabase, freePort } from '@shop/testing';
import { childEnv, SHARED_DATABASE_URL, SHARED_REDIS_URL } from './env';

/**
 * `pnpm start` as a REAL child process: `apps/embedded/src/main.ts` under Node with the tsx
 * loader (the pid is Node itself, so signals reach the server), on embedded defaults plus a free
 * gateway port, random subgraph ports, a scratch database on `DATABASE_URL` (PGlite in a temp
 * folder when unset or asked for) and `REDIS_URL` when set. Its whole stdout and stderr are kept.
 */
export interface EmbeddedProcess {
  /** The gateway's GraphQL endpoint. */
  readonly url: string;
  /** The scratch Postgres database the graph runs on (undefined on PGlite). */
  readonly databaseUrl: string | undefined;
  readonly pid: number | undefined;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends a signal; resolves with the exit once the process is gone (or after `waitMs`). */
  signal(
    signal: NodeJS.Signals,
    waitMs: number,
  ): Promise<{ ms: number; code: number | null; signal: NodeJS.Signals | null } | undefined>;
  /** Ends the process (SIGKILL if still alive) and drops its database. */
  stop(): Promise<void>;
}

const REPO_DIR = fileURLToPath(new URL('../../../../', import.meta.url));

export async function startEmbeddedProcess(
  options: {
    /** PGlite (the embedded default) even when `DATABASE_URL` is set. */
    pglite?: boolean;
    env?: Record<string, string>;
  } = {},
): Promise<EmbeddedProcess> {
  const port = await freePort();
  const scratch =
    SHARED_DATABASE_URL && !options.pglite
      ? await createScratchDatabase(SHARED_DATABASE_URL, 'shop_rel_embedded')
      : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'shop-embedded-'));
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'apps/embedded/src/main.ts'],
    {
      cwd: REPO_DIR,
      env: childEnv({
        HOST: '127.0.0.1',
        PORT: String(port),
        SUBGRAPH_PORTS: 'random',
        DATA_DIR: dataDir,
        DATABASE_URL: scratch?.url ?? '',
        REDIS_URL: SHARED_REDIS_URL ?? '',
        NODE_ENV: 'development',
        ...options.env,
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const cleanUp = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exit;
    await scratch?.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await cleanUp();
      throw new Error(`pnpm start exited during start:\n${log}`);
    }
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`, {
      signal: AbortSignal.timeout(500),
    }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await cleanUp();
      throw new Error(`pnpm start did not answer /healthz in 60 s:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url: `http://127.0.0.1:${port}/graphql`,
    databaseUrl: scratch?.url,
    pid: child.pid,
    output: () => log,
    async signal(signal, waitMs) {
      const sentAt = performance.now();
      child.kill(signal);
      const timer = new Promise<undefined>((resolve) =>
        setTimeout(() => resolve(undefined), waitMs).unref(),
      );
      const exited = await Promise.race([exit, timer]);
      return exited && { ms: performance.now() - sentAt, ...exited };
    },
    stop: cleanUp,
  };
}
