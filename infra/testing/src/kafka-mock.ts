import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const source = fileURLToPath(new URL('../kafka-mock/kafka-mock.c', import.meta.url));
const buildDir = fileURLToPath(new URL('../kafka-mock/.build/', import.meta.url));
const binary = `${buildDir}kafka-mock`;
const INSTALL_HINT = 'install them with: apt-get install -y gcc librdkafka-dev';

/** A running librdkafka mock cluster (see kafka-mock/kafka-mock.c). */
export interface KafkaMock {
  /** Bootstrap brokers, e.g. `['127.0.0.1:41234']`. */
  brokers: string[];
  /** Takes broker `id` (1-based) down; clients see connection failures. */
  down(id?: number): Promise<void>;
  up(id?: number): Promise<void>;
  createTopic(name: string, partitions: number): Promise<void>;
  stop(): Promise<void>;
}

/** A mock command the cluster refused; `result` is librdkafka's error code (36: topic exists). */
export class KafkaMockCommandError extends Error {
  override readonly name = 'KafkaMockCommandError';
  constructor(
    readonly command: string,
    readonly result: number,
    reply: string,
  ) {
    super(`kafka-mock "${command}" failed: ${reply}`);
  }
}

/** Compiles kafka-mock.c into kafka-mock/.build/ unless an up-to-date binary is there. */
export function buildKafkaMock(): string {
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;
  if (spawnSync('gcc', ['--version']).error) {
    throw new Error(`kafka-mock needs gcc, which is missing; ${INSTALL_HINT}`);
  }
  if (!existsSync('/usr/include/librdkafka/rdkafka_mock.h')) {
    throw new Error(`kafka-mock needs the librdkafka headers (rdkafka_mock.h); ${INSTALL_HINT}`);
  }
  mkdirSync(buildDir, { recursive: true });
  const out = `${binary}.${process.pid}`;
  const result = spawnSync('gcc', ['-O2', '-o', out, source, '-lrdkafka'], { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`compiling kafka-mock failed (${INSTALL_HINT}):\n${result.stderr}`);
  }
  spawnSync('mv', ['-f', out, binary]);
  return binary;
}

/** Builds (if needed) and starts a mock cluster with `brokers` brokers. */
export async function startKafkaMock(brokers = 1): Promise<KafkaMock> {
  const child = spawn(buildKafkaMock(), [String(brokers)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  const buffered: string[] = [];
  lines.on('line', (line) => {
    const next = waiting.shift();
    if (next) next(line);
    else buffered.push(line);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nextLine = () =>
    new Promise<string>((resolve, reject) => {
      const line = buffered.shift();
      if (line !== undefined) return resolve(line);
      const timer = setTimeout(() => reject(new Error('kafka-mock did not answer')), 5_000);
      waiting.push((l) => {
        clearTimeout(timer);
        resolve(l);
      });
    });
  const command = async (text: string): Promise<void> => {
    child.stdin.write(`${text}\n`);
    const reply = await nextLine();
    const result = /-> (-?\d+)$/.exec(reply);
    if (result?.[1] !== '0')
      throw new KafkaMockCommandError(text, Number(result?.[1] ?? NaN), reply);
  };
  const first = await nextLine();
  const match = /^BOOTSTRAP (\S+)$/.exec(first);
  if (!match?.[1]) throw new Error(`unexpected kafka-mock output: ${first}`);
  return {
    brokers: match[1].split(','),
    down: (id = 1) => command(`down ${id}`),
    up: (id = 1) => command(`up ${id}`),
    createTopic: (name, partitions) => command(`topic ${name} ${partitions}`),
    async stop() {
      if (child.exitCode === null) {
        child.stdin.end('quit\n');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
