import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSigningKey, mintInternalToken } from '../../../infra/auth/src/index';
import { SUBGRAPHS } from '../../../schema/src/subgraphs';
import { SERVICES, serviceDir } from '../src/bundle';
import { DOTENV_KEYS, generateDotenv, parseDotenv } from '../src/dotenv';
import { checkCommand, checkMakefile, parseMakefile, REQUIRED_TARGETS } from '../src/makefile';
import { loadRepoCompose, readRepoFile, ROOT } from './fixtures';

const run = promisify(execFile);
const scripts = (JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> })
  .scripts;
const compose = loadRepoCompose();
const profiles = [
  ...new Set(Object.values(compose.services).flatMap((service) => service.profiles ?? [])),
];
const makefile = readRepoFile('Makefile');

describe('Makefile and package.json scripts', () => {
  it('the Makefile has every target and each runs an existing script or compose command', () => {
    expect(checkMakefile(makefile, scripts, profiles)).toEqual([]);
    const names = parseMakefile(makefile).targets.map((target) => target.name);
    expect(names).toEqual(expect.arrayContaining(REQUIRED_TARGETS));
  });

  it('make test/check/dev run the unchanged pnpm test/check/start', () => {
    const recipe = (name: string) =>
      parseMakefile(makefile).targets.find((target) => target.name === name)?.recipe;
    expect(recipe('test')).toEqual(['pnpm test']);
    expect(recipe('check')).toEqual(['pnpm check']);
    expect(recipe('dev')).toEqual(['pnpm start']);
    expect(scripts.start).toBe('tsx apps/embedded/src/main.ts');
    expect(scripts.test).toBe('vitest run');
  });

  it('the docker and infra scripts use real compose commands and profiles', () => {
    const docker = Object.entries(scripts).filter(([name]) => /^(docker|infra):/.test(name));
    expect(docker.map(([name]) => name)).toEqual(
      expect.arrayContaining(['docker:build', 'docker:up', 'docker:down', 'infra:up']),
    );
    for (const [, command] of docker) expect(checkCommand(command, scripts, profiles)).toEqual([]);
    expect(scripts['infra:up']).toContain('--profile infra');
    expect(scripts['docker:up']).toContain('--profile all');
  });

  it('the checks catch a missing target, an unknown script, a bad compose command or profile', () => {
    const broken = makefile
      .replace('pnpm docker:logs', 'pnpm docker:tail')
      .replace('pnpm docker:ps', 'docker compose status')
      .replace('pnpm infra:up', 'docker compose --profile backing up -d')
      .replace(/\ncheck:\n\tpnpm check\n/, '\n');
    expect(checkMakefile(broken, scripts, profiles)).toEqual([
      'no make target check',
      'logs: pnpm docker:tail: no package.json script docker:tail',
      'ps: docker compose status: unknown docker compose command status',
      'infra: docker compose --profile backing up -d: compose has no profile backing',
    ]);
    expect(
      checkMakefile('.PHONY: up\nup:\n\tpnpm up\nlogs:\n\trm -rf /\n', scripts, profiles),
    ).toEqual(
      expect.arrayContaining([
        'logs is not .PHONY',
        'logs: rm -rf /: neither a pnpm script nor docker compose',
      ]),
    );
  });
});

describe('the image entrypoint (tools/packaging/docker/shop-service.sh)', () => {
  const script = join(ROOT, 'tools/packaging/docker/shop-service.sh');
  let stubDir: string;
  let server: Server;
  let status = 200;

  beforeAll(async () => {
    // A stand-in for node that reports where and how it was started (start only: health runs
    // the real node).
    stubDir = mkdtempSync(join(tmpdir(), 'shop-service-'));
    writeFileSync(join(stubDir, 'node'), '#!/bin/sh\necho "$PWD|$*|$PORT|$SERVICE"\n');
    chmodSync(join(stubDir, 'node'), 0o755);
    server = createServer((req, res) => {
      res.statusCode = req.url === '/readyz' ? status : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    rmSync(stubDir, { recursive: true, force: true });
    await new Promise((resolve) => server.close(resolve));
  });

  const entry = (args: string[], env: Record<string, string>, stubNode = false) =>
    run('sh', [script, ...args], {
      env: {
        PATH: stubNode ? `${stubDir}:${process.env.PATH ?? ''}` : (process.env.PATH ?? ''),
        SHOP_APP_ROOT: ROOT,
        ...env,
      },
    });

  const services = [
    { name: 'gateway', port: 4000 },
    ...SUBGRAPHS.map((subgraph) => ({
      name: subgraph.name,
      port: Number(new URL(subgraph.defaultUrl).port),
    })),
  ];

  it.each(services)(
    'starts the compiled $name (node dist/$name.js in the app root) on port $port',
    async ({ name, port }) => {
      const { stdout: dir } = await entry(['dir'], { SERVICE: name });
      const folder = dir.trim();
      const manifest = JSON.parse(readFileSync(join(ROOT, folder, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      };
      // Outside the image, the package runs its sources in-process (no tsx CLI in between).
      expect(manifest.scripts.start).toBe('node --import tsx src/main.ts');
      expect(existsSync(join(ROOT, folder, 'src/main.ts'))).toBe(true);
      expect(SERVICES).toContain(name);
      expect(serviceDir(name)).toBe(folder);
      const { stdout } = await entry(['start'], { SERVICE: name }, true);
      expect(stdout.trim()).toBe(`${ROOT.replace(/\/$/, '')}|dist/${name}.js|${port}|${name}`);
      const { stdout: moved } = await entry([], { SERVICE: name, PORT: '5999' }, true);
      expect(moved.trim().split('|')[2]).toBe('5999');
    },
  );

  it('refuses an unknown service or command', async () => {
    await expect(entry(['start'], { SERVICE: 'reviews' })).rejects.toMatchObject({ code: 64 });
    await expect(entry(['serve'], { SERVICE: 'user' })).rejects.toMatchObject({ code: 64 });
  });

  it('health succeeds only when /readyz answers 2xx', async () => {
    const port = String((server.address() as AddressInfo).port);
    status = 200;
    await expect(entry(['health'], { SERVICE: 'user', PORT: port })).resolves.toBeDefined();
    status = 503;
    await expect(entry(['health'], { SERVICE: 'user', PORT: port })).rejects.toMatchObject({
      code: 1,
    });
    server.close();
    await expect(entry(['health'], { SERVICE: 'user', PORT: port })).rejects.toMatchObject({
      code: 1,
    });
  });
});

describe('.env generation (pnpm docker:env)', () => {
  it('writes keys the services load and a cart secret long enough for production', async () => {
    const vars = parseDotenv(generateDotenv());
    expect(Object.keys(vars).sort()).toEqual([...DOTENV_KEYS].sort());
    const internal = await loadSigningKey(vars.SHOP_INTERNAL_JWK);
    const auth = await loadSigningKey(vars.SHOP_AUTH_JWK);
    expect(internal.alg).toBe('ES256');
    expect(internal.kid).not.toBe(auth.kid);
    expect((await mintInternalToken(internal, 'order', null)).split('.')).toHaveLength(3);
    expect(vars.SHOP_CART_TOKEN_SECRET?.length).toBeGreaterThanOrEqual(16);
    expect(parseDotenv(generateDotenv())).not.toEqual(vars);
  });

  it('parses quotes and comments as Compose does', () => {
    expect(parseDotenv(`# c\nA='{"x":"$y"}'\nB="two words"\nC=plain # note\nexport D=4\n`)).toEqual(
      {
        A: '{"x":"$y"}',
        B: 'two words',
        C: 'plain',
        D: '4',
      },
    );
  });
});
