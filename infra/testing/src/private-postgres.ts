import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { freePort } from './ports';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throw-away PostgreSQL server of our own, for tests that stop or restart the database. */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres`. */
  url: string;
  port: number;
  /** The server's log file (kept until `stop()`). */
  logFile: string;
  /** `pg_ctl restart -m fast`: every connection is terminated, as in a real server restart. */
  restart(): Promise<void>;
  stop(): void;
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort().at(-1) : undefined;
  if (!version) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql');
  return join(root, version, 'bin');
}

/**
 * Starts a private PostgreSQL cluster (initdb into a temp folder, trust auth, 127.0.0.1 on a
 * free port) so a fault test can restart it without disturbing the shared server other tests
 * use. Runs the server as the `postgres` OS user when the tests run as root.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBin();
  const dir = mkdtempSync(join(tmpdir(), 'shop-pg-'));
  const data = join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  chmodSync(dir, 0o700);
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]]
      : [join(bin, command), args];
    const result = spawnSync(file, argv, { encoding: 'utf8' });
    if (result.status !== 0) {
      throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
    }
  };
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const ctlArgs = (...args: string[]) => [
    '-D',
    data,
    '-o',
    options,
    '-w',
    '-l',
    join(dir, 'log'),
    ...args,
  ];
  const ctl = (...args: string[]) => run('pg_ctl', ctlArgs(...args));
  ctl('start');
  const execFileAsync = promisify(execFile);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    logFile: join(dir, 'log'),
    async restart() {
      // Asynchronous, so the servers in this process keep running while Postgres restarts.
      const args = ctlArgs('restart', '-m', 'fast');
      if (asRoot)
        await execFileAsync('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args]);
      else await execFileAsync(join(bin, 'pg_ctl'), args);
    },
    stop() {
      try {
        ctl('stop', '-m', 'immediate');
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
