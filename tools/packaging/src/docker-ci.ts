import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import {
  extractWalkthrough,
  runBash,
  splitSteps,
  walkthroughScript,
} from '../../../apps/embedded/e2e/readme-walkthrough';
import { REPO_ROOT } from './bundle';
import { parseCompose } from './compose';
import { generateDotenv, parseDotenv } from './dotenv';
import { envFile, hostEnvironment, nodeServicesInStartOrder } from './host-env';

/**
 * Runs every Node service of docker-compose.yml as a container of one image, with compose's
 * environment adapted to `--network host` (host-env.ts), then checks what deploy/docker/ci.sh
 * promises: each container healthy by its HEALTHCHECK and running as uid 1000, the README's
 * whole purchase through the containerized gateway, the image at most 200 MB, and each
 * container draining on SIGTERM within 10 s with exit code 0. Containers are removed at the end.
 *
 *   tsx tools/packaging/src/docker-ci.ts --image <tag> --database-url <url> --redis-url <url>
 *     [--run-id <id>] [--port-offset <n>] [--kafka-brokers <list>] [--opensearch-url <url>]
 * Containers are named shop-ci-<run id>-<service>.
 */

const MAX_IMAGE_BYTES = 200 * 1000 * 1000;
const HEALTHY_WITHIN_MS = 120_000;
const DRAIN_WITHIN_MS = 10_000;
/** The README's tracking number (apps/embedded/e2e/readme-walkthrough.e2e.ts checks the rest). */
const TRACKING_NUMBER = 'JD014600006281';

const run = promisify(execFile);
const docker = async (...args: string[]) =>
  (await run('docker', args, { maxBuffer: 16 * 1024 * 1024 })).stdout.trim();
const log = (message: string) => console.log(`[docker-ci] ${message}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const { values: options } = parseArgs({
  options: {
    image: { type: 'string' },
    'database-url': { type: 'string' },
    'redis-url': { type: 'string' },
    'port-offset': { type: 'string', default: '0' },
    'run-id': { type: 'string' },
    'kafka-brokers': { type: 'string' },
    'opensearch-url': { type: 'string' },
  },
});
if (!options.image || !options['database-url'] || !options['redis-url']) {
  throw new Error('--image, --database-url and --redis-url are required');
}
const image = options.image;
const portOffset = Number(options['port-offset']);
const runId = options['run-id'] ?? `${process.pid}`;

const compose = parseCompose(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8'));
// The secrets `pnpm docker:env` writes into .env, fresh for this run.
const vars = parseDotenv(generateDotenv());
const services = nodeServicesInStartOrder(compose);
const containers = services.map((service) => `shop-ci-${runId}-${service}`);
const envDir = mkdtempSync(join(tmpdir(), 'shop-docker-ci-'));
const failures: string[] = [];
const check = (ok: boolean, message: string) => {
  log(`${ok ? 'ok  ' : 'FAIL'} ${message}`);
  if (!ok) failures.push(message);
};

async function removeContainers(): Promise<void> {
  await run('docker', ['rm', '--force', ...containers]).catch(() => undefined);
  rmSync(envDir, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void removeContainers().finally(() => process.exit(130)));
}

async function main(): Promise<void> {
  const size = Number(await docker('image', 'inspect', '--format', '{{.Size}}', image));
  check(size <= MAX_IMAGE_BYTES, `image ${image} is ${(size / 1e6).toFixed(1)} MB (max 200 MB)`);
  const user = await docker('image', 'inspect', '--format', '{{.Config.User}}', image);

  const started = Date.now();
  const ports: Record<string, string> = {};
  for (const [index, service] of services.entries()) {
    const env = hostEnvironment(compose, service, vars, {
      databaseUrl: options['database-url'] as string,
      redisUrl: options['redis-url'] as string,
      redisKeyPrefix: `shop-docker-ci-${runId}:`,
      kafkaBrokers: options['kafka-brokers'],
      opensearchUrl: options['opensearch-url'],
      portOffset,
    });
    ports[service] = env.PORT ?? '';
    const file = join(envDir, `${service}.env`);
    writeFileSync(file, envFile(env), { mode: 0o600 });
    await docker(
      'run',
      '--detach',
      '--name',
      containers[index] as string,
      '--network',
      'host',
      '--env-file',
      file,
      image,
    );
  }
  log(`started ${services.map((s) => `${s}:${ports[s]}`).join(' ')} (image user ${user})`);

  // Every container healthy by the image's own HEALTHCHECK (GET /readyz).
  const pending = new Set(containers);
  while (pending.size > 0 && Date.now() - started < HEALTHY_WITHIN_MS) {
    for (const container of [...pending]) {
      const state = await docker(
        'inspect',
        '--format',
        '{{.State.Status}} {{.State.Health.Status}}',
        container,
      );
      if (state === 'running healthy') pending.delete(container);
      else if (!state.startsWith('running')) throw new Error(`${container}: ${state}`);
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  check(pending.size === 0, `every container healthy (${seconds(Date.now() - started)})`);
  if (pending.size > 0) throw new Error(`not healthy: ${[...pending].join(', ')}`);

  for (const container of containers) {
    const uid = await docker(
      'exec',
      container,
      'sh',
      '-c',
      "awk '/^Uid:/ { print $2 }' /proc/1/status",
    );
    check(uid === '1000', `${container}: the service runs as uid ${uid}`);
  }

  // README.md "A whole purchase", pasted as the e2e test pastes it, against the gateway container.
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const origin = `http://127.0.0.1:${ports.gateway}`;
  // Up to two more tries, only when a subgraph call timed out (the gateway's 2 s budget, which
  // an overloaded machine exceeds); any other failure counts at once.
  const script = walkthroughScript(extractWalkthrough(readme), origin);
  let walkthrough = await runBash(script, envDir, 90_000);
  for (let retry = 1; retry <= 2; retry++) {
    if (walkthrough.code === 0 || !walkthrough.stderr.includes('SUBGRAPH_TIMEOUT')) break;
    log(`README purchase: a subgraph timed out (retry ${retry} of 2):\n${walkthrough.stderr}`);
    walkthrough = await runBash(script, envDir, 90_000);
  }
  const steps = splitSteps(walkthrough.stdout);
  const shipped = steps.at(-1) ?? '';
  check(
    walkthrough.code === 0 &&
      steps.length === extractWalkthrough(readme).length &&
      shipped.includes('"status":"SHIPPED"') &&
      shipped.includes(TRACKING_NUMBER),
    `README purchase through the gateway container: ${steps.length} steps, order shipped`,
  );
  if (walkthrough.code !== 0) console.log(walkthrough.stdout, walkthrough.stderr);

  // SIGTERM drain: `docker stop` sends SIGTERM, then SIGKILL after 10 s.
  await Promise.all(
    containers.map(async (container) => {
      const stopping = Date.now();
      await docker('stop', '--time', String(DRAIN_WITHIN_MS / 1000), container);
      const elapsed = Date.now() - stopping;
      const exit = await docker('inspect', '--format', '{{.State.ExitCode}}', container);
      check(
        exit === '0' && elapsed < DRAIN_WITHIN_MS,
        `${container}: SIGTERM -> exit ${exit} in ${seconds(elapsed)}`,
      );
    }),
  );
}

try {
  await main();
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
  console.error(`[docker-ci] ${failures.at(-1)}`);
  for (const container of containers) {
    const logs = await run('docker', ['logs', '--tail', '20', container]).catch(() => undefined);
    if (logs) console.error(`--- ${container}\n${logs.stdout}${logs.stderr}`);
  }
} finally {
  await removeContainers();
}
log(failures.length === 0 ? 'all checks passed' : `${failures.length} check(s) failed`);
process.exitCode = failures.length === 0 ? 0 : 1;
