import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '@shop/testing';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = fileURLToPath(new URL('./fixtures/cluster-entry.ts', import.meta.url));

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('superviseWorkers (GATEWAY_WORKERS > 1)', () => {
  it('should spread connections over the workers, replace a dead one, and drain all on SIGTERM', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const primary = spawn(`${ROOT}node_modules/.bin/tsx`, [ENTRY], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port) },
      stdio: 'inherit',
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      primary.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      const pidsOf = async (requests: number) => {
        const pids = new Set<number>();
        for (let i = 0; i < requests; i += 1) {
          pids.add(Number(await (await fetch(url)).text()));
        }
        return pids;
      };
      // Both workers answer on the one port (new connection per request).
      const first = await eventually(async () => {
        const pids = await pidsOf(20);
        expect(pids.size).toBe(2);
        return pids;
      });
      expect(first.has(primary.pid!)).toBe(false);

      // A worker that dies is replaced: two workers again, one of them new.
      const crashed = Number(await (await fetch(`${url}/crash`)).text());
      expect(first.has(crashed)).toBe(true);
      const second = await eventually(async () => {
        const pids = await pidsOf(20);
        expect(pids.size).toBe(2);
        expect(pids.has(crashed)).toBe(false);
        return pids;
      });
      expect(alive(crashed)).toBe(false);

      // SIGTERM: every worker drains and exits, then the primary exits 0.
      primary.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      for (const pid of second) expect(alive(pid)).toBe(false);
    } finally {
      if (primary.exitCode === null) primary.kill('SIGKILL');
    }
  }, 60_000);
});
