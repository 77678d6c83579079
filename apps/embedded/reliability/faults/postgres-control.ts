import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { PrivatePostgres } from '@shop/testing';

const execFileAsync = promisify(execFile);

/**
 * Stops and starts a `startPrivatePostgres()` cluster in two steps (`pg_ctl stop -m fast` or
 * `-m immediate`, then `pg_ctl start`), so a test can observe the window in which Postgres is
 * down. The cluster layout (data dir next to the log, socket dir, options) is the one
 * `@shop/testing` creates.
 */
export function postgresControl(server: PrivatePostgres) {
  const dir = dirname(server.logFile);
  const data = join(dir, 'data');
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort().at(-1) : undefined;
  if (!version) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  const pgCtl = join(root, version, 'bin', 'pg_ctl');
  const options = `-p ${server.port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const run = async (args: string[]) => {
    if (process.getuid?.() === 0)
      await execFileAsync('runuser', ['-u', 'postgres', '--', pgCtl, ...args]);
    else await execFileAsync(pgCtl, args);
  };
  return {
    /** Returns once the server is down (`-m immediate`: no shutdown checkpoint, crash recovery on start). */
    stop: (mode: 'fast' | 'immediate') => run(['-D', data, '-m', mode, '-w', 'stop']),
    /** Returns once the server accepts connections. */
    start: () => run(['-D', data, '-o', options, '-w', '-l', server.logFile, 'start']),
  };
}
