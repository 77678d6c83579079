import { describe, expect, it } from 'vitest';
import {
  checkDockerfile,
  isDockerignored,
  parseDockerfile,
  parseDockerignore,
  readLockfile,
  workspacePackages,
  type DockerfileContext,
} from '../src/dockerfile';
import { ROOT, readRepoFile } from './fixtures';

const dockerfileText = readRepoFile('Dockerfile');
const lock = readLockfile(readRepoFile('pnpm-lock.yaml'));
const context: DockerfileContext = {
  root: ROOT,
  dockerignore: readRepoFile('.dockerignore'),
  workspaceYaml: readRepoFile('pnpm-workspace.yaml'),
  packageManager: (JSON.parse(readRepoFile('package.json')) as { packageManager: string })
    .packageManager,
  lockfileImporters: lock.importers,
};

/** The Dockerfile with one textual change (the change must apply). */
function edited(from: string | RegExp, to: string): string {
  const text = dockerfileText.replace(from, to);
  if (text === dockerfileText) throw new Error(`edit did not apply: ${String(from)}`);
  return text;
}
const checkAll = (text: string, overrides: Partial<DockerfileContext> = {}) =>
  checkDockerfile(parseDockerfile(text), { ...context, ...overrides });
/** Problems a change adds to those of the repository's files as they are. */
const check = (text: string, overrides: Partial<DockerfileContext> = {}) => {
  const baseline = new Set(checkAll(dockerfileText));
  return checkAll(text, overrides).filter((problem) => !baseline.has(problem));
};

describe('Dockerfile', () => {
  it('passes every check', () => {
    expect(checkAll(dockerfileText)).toEqual([]);
  });

  it('has build, rootfs and runtime stages from one Node 20 base, the last running the bundle', () => {
    const dockerfile = parseDockerfile(dockerfileText);
    expect(dockerfile.stages.map((stage) => stage.name)).toEqual(['build', 'rootfs', 'runtime']);
    expect(dockerfile.stages.map((stage) => stage.image)).toEqual([
      '${NODE_IMAGE}',
      '${NODE_IMAGE}',
      'scratch',
    ]);
    expect(dockerfile.globalArgs.NODE_IMAGE).toBe('node:20-bookworm-slim');
    const entrypoint = readRepoFile('tools/packaging/docker/shop-service.sh');
    expect(entrypoint).toContain('exec node "dist/$service.js"');
  });

  it('knows the workspace from pnpm-workspace.yaml and the lockfile', () => {
    const packages = workspacePackages(ROOT, context.workspaceYaml);
    expect(packages).toEqual(
      expect.arrayContaining(['gateway', 'schema', 'subgraphs/order', 'tools/packaging']),
    );
    expect(lock.importers).toEqual(expect.arrayContaining(['.', 'gateway', 'tools/packaging']));
  });
});

describe('the Dockerfile checks catch a broken file', () => {
  it('a single stage', () => {
    const single = 'FROM node:20-bookworm-slim\nUSER node\nCMD ["node"]\n';
    expect(check(single)).toContain('1 stage(s): expected a multi-stage build');
  });

  it('running as root, or USER after CMD', () => {
    expect(check(edited('USER node', 'USER root'))).toContain('final stage runs as root');
    expect(check(edited(/USER node\n/, ''))).toContain('final stage has no USER');
    const late = edited(/USER node\n/, '').replace('CMD ["start"]', 'CMD ["start"]\nUSER node');
    expect(check(late)).toEqual(['CMD comes before USER', 'ENTRYPOINT comes before USER']);
  });

  it('no HEALTHCHECK, no EXPOSE, no production NODE_ENV', () => {
    expect(check(edited(/HEALTHCHECK .*\n/, ''))).toEqual(['final stage has no HEALTHCHECK']);
    expect(check(edited(/EXPOSE .*\n/, ''))).toEqual(['final stage has no EXPOSE']);
    expect(check(edited('NODE_ENV=production', 'NODE_ENV=development'))).toEqual([
      'final stage does not set NODE_ENV=production',
    ]);
  });

  it('latest or untagged base images', () => {
    expect(check(edited('node:20-bookworm-slim', 'node:latest'))).toContain(
      'FROM node:latest: the latest tag',
    );
    expect(check(edited('node:20-bookworm-slim', 'node'))).toContain('FROM node: no tag');
  });

  it('an install that may rewrite the lockfile, or one that never sees it', () => {
    expect(check(edited('--frozen-lockfile ', ''))).toEqual([
      'pnpm install without --frozen-lockfile',
    ]);
    const noContext = edited('COPY . .', 'COPY gateway gateway');
    const problems = check(noContext);
    expect(problems).toContain('subgraphs/order/package.json is not copied');
    expect(problems).not.toContain('gateway/package.json is not copied');
    expect(
      check(dockerfileText, { dockerignore: `${context.dockerignore}\npnpm-lock.yaml\n` }),
    ).toContain('pnpm-lock.yaml is not copied into the build');
    expect(
      check(dockerfileText, { dockerignore: `${context.dockerignore}\nsubgraphs/cart\n` }),
    ).toContain('subgraphs/cart/package.json is not copied');
  });

  it('a lockfile out of step with the workspace', () => {
    const importers = context.lockfileImporters.filter((importer) => importer !== 'subgraphs/user');
    expect(check(dockerfileText, { lockfileImporters: importers })).toEqual([
      'workspace package subgraphs/user is not in pnpm-lock.yaml (frozen install fails)',
    ]);
  });

  it('pnpm at another version than the repository pins', () => {
    expect(check(dockerfileText, { packageManager: 'pnpm@10.0.0' })).toEqual([
      `pnpm ${context.packageManager.slice(5)} != packageManager 10.0.0`,
    ]);
  });

  it('TypeScript run through tsx, or services left uncompiled', () => {
    expect(
      check(edited('ENTRYPOINT ["shop-service"]', 'ENTRYPOINT ["tsx", "gateway/src/main.ts"]')),
    ).toEqual(['final stage ENTRYPOINT uses tsx (run compiled JavaScript)']);
    expect(check(edited(' && pnpm bundle /app', ''))).toEqual([
      'the services are not compiled (no `pnpm bundle`)',
    ]);
  });

  it('anything that needs BuildKit or pulls a frontend image', () => {
    expect(check(`# syntax=docker/dockerfile:1\n${dockerfileText}`)).toEqual([
      '# syntax=docker/dockerfile:1: pulls a frontend image (BuildKit)',
    ]);
    const chmod = edited(
      'COPY tools/packaging/docker/shop-service.sh',
      'COPY --chmod=0755 tools/packaging/docker/shop-service.sh',
    );
    expect(check(chmod)).toEqual([
      expect.stringMatching(/^COPY --chmod \(line \d+\) needs BuildKit$/),
    ]);
    const mount = edited('RUN pnpm fetch', 'RUN --mount=type=cache,target=/pnpm/store pnpm fetch');
    expect(check(mount)).toEqual([
      expect.stringMatching(/^RUN --mount \(line \d+\) needs BuildKit$/),
    ]);
    const heredoc = edited('RUN pnpm fetch', 'RUN <<EOF\npnpm fetch\nEOF');
    expect(check(heredoc)).toContain(
      `RUN heredoc (line ${heredoc.split('\n').findIndex((line) => line.startsWith('RUN <<')) + 1}) needs BuildKit`,
    );
  });

  it('a .dockerignore that lets node_modules or secrets into the context', () => {
    const problems = check(dockerfileText, { dockerignore: '.git\n' });
    expect(problems).toEqual(
      expect.arrayContaining([
        '.dockerignore does not exclude node_modules',
        '.dockerignore does not exclude subgraphs/user/node_modules',
        '.dockerignore does not exclude .env',
      ]),
    );
  });

  it('COPY of a file that does not exist', () => {
    expect(check(edited('docker/shop-service.sh /usr', 'docker/missing.sh /usr'))).toEqual([
      'COPY tools/packaging/docker/missing.sh: no such file',
    ]);
  });
});

describe('.dockerignore matching', () => {
  const patterns = parseDockerignore('**/node_modules\n.git\nbench/results\n*.md\n!README.md\n');
  it.each([
    ['node_modules', true],
    ['gateway/node_modules/x/index.js', true],
    ['.git/HEAD', true],
    ['bench/results/run.json', true],
    ['bench/gateway/run.ts', false],
    ['NOTES.md', true],
    ['README.md', false],
    ['gateway/README.md', false],
  ])('%s ignored: %s', (path, ignored) => {
    expect(isDockerignored(patterns, path)).toBe(ignored);
  });
});
