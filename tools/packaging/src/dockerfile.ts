import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** A build stage: `FROM <image> [AS <name>]` and its instructions. */
export interface Stage {
  image: string;
  name: string | undefined;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** Parser directives at the top (`# syntax=...`, `# escape=...`), lower-cased names. */
  directives: Record<string, string>;
  /** ARGs before the first FROM (usable in FROM lines), with their defaults. */
  globalArgs: Record<string, string | undefined>;
  stages: Stage[];
}

/** Parses a Dockerfile: comments dropped, `\` continuations joined, split into stages. */
export function parseDockerfile(text: string): Dockerfile {
  const instructions: Instruction[] = [];
  const directives: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const directive = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(raw);
    if (!directive) break;
    directives[(directive[1] as string).toLowerCase()] = directive[2] as string;
  }
  let pending = '';
  let startLine = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (pending && line.startsWith('#')) return;
    if (!pending) startLine = index + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const match = /^(\S+)\s*(.*)$/s.exec(full);
    if (match) {
      instructions.push({
        keyword: (match[1] as string).toUpperCase(),
        args: (match[2] as string).trim(),
        line: startLine,
      });
    }
  });
  const globalArgs: Record<string, string | undefined> = {};
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const parts = instruction.args.split(/\s+/).filter((part) => !part.startsWith('--'));
      const as = parts.findIndex((part) => part.toUpperCase() === 'AS');
      stages.push({
        image: parts[0] ?? '',
        name: as === -1 ? undefined : parts[as + 1],
        instructions: [],
      });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') Object.assign(globalArgs, parseArg(instruction.args));
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return { directives, globalArgs, stages };
}

function parseArg(args: string): Record<string, string | undefined> {
  const at = args.indexOf('=');
  return at === -1 ? { [args]: undefined } : { [args.slice(0, at)]: args.slice(at + 1) };
}

/** ARG defaults declared in a stage. */
export function stageArgs(stage: Stage): Record<string, string | undefined> {
  return Object.assign(
    {},
    ...stage.instructions.filter((i) => i.keyword === 'ARG').map((i) => parseArg(i.args)),
  ) as Record<string, string | undefined>;
}

/** The image of a FROM line with global ARG defaults substituted. */
export function resolveImage(dockerfile: Dockerfile, image: string): string {
  return image.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_m, name: string) => {
    return dockerfile.globalArgs[name] ?? '';
  });
}

/** A .dockerignore file as ordered patterns (`!` re-includes). */
export function parseDockerignore(text: string): { pattern: RegExp; negate: boolean }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const negate = line.startsWith('!');
      const glob = (negate ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
      let source = '';
      for (let i = 0; i < glob.length; i++) {
        const char = glob[i] as string;
        if (char === '*' && glob[i + 1] === '*') {
          source += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
          i += glob[i + 2] === '/' ? 2 : 1;
        } else if (char === '*') source += '[^/]*';
        else if (char === '?') source += '[^/]';
        else source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { pattern: new RegExp(`^${source}$`), negate };
    });
}

/** Whether the build context leaves out `path` (it, or a folder above it, matches last). */
export function isDockerignored(
  patterns: readonly { pattern: RegExp; negate: boolean }[],
  path: string,
): boolean {
  const segments = path.replace(/^\.\/|\/$/g, '').split('/');
  const candidates = segments.map((_, index) => segments.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const { pattern, negate } of patterns) {
    if (candidates.some((candidate) => pattern.test(candidate))) ignored = !negate;
  }
  return ignored;
}

/** Workspace package folders (pnpm-workspace.yaml `packages`, `dir` or `dir/*` entries). */
export function workspacePackages(root: string, workspaceYaml: string): string[] {
  const globs = ((parse(workspaceYaml) as { packages?: string[] }).packages ?? []).filter(
    (glob) => !glob.startsWith('!'),
  );
  const dirs: string[] = [];
  for (const glob of globs) {
    if (glob.endsWith('/*')) {
      const parent = glob.slice(0, -2);
      if (!existsSync(join(root, parent))) continue;
      for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
        const dir = `${parent}/${entry.name}`;
        if (entry.isDirectory() && existsSync(join(root, dir, 'package.json'))) dirs.push(dir);
      }
    } else if (existsSync(join(root, glob, 'package.json'))) dirs.push(glob);
  }
  return dirs.sort();
}

/** Source paths of a COPY/ADD (not `--from` copies), relative to the build context. */
export function copySources(instruction: Instruction): string[] {
  const parts = instruction.args.split(/\s+/);
  if (parts.some((part) => part.startsWith('--from'))) return [];
  const paths = parts.filter((part) => !part.startsWith('--'));
  return paths.slice(0, -1);
}

/** What the Dockerfile is checked against. */
export interface DockerfileContext {
  root: string;
  dockerignore: string;
  workspaceYaml: string;
  /** package.json `packageManager`, e.g. `pnpm@10.34.9`. */
  packageManager: string;
  /** Lockfile importer paths (`importers` keys of pnpm-lock.yaml). */
  lockfileImporters: string[];
}

/** Reads the importers from pnpm-lock.yaml text. */
export function readLockfile(text: string): { importers: string[] } {
  const lock = parse(text) as { importers?: Record<string, unknown> };
  return { importers: Object.keys(lock.importers ?? {}) };
}

/** Flags of instructions that only BuildKit understands. */
const BUILDKIT_FLAGS = ['--chmod', '--link', '--mount', '--parents', '--exclude', '--checksum'];

/**
 * The Dockerfile checks: multi-stage with pinned base images, buildable without BuildKit and
 * pulling nothing but its base (no `# syntax=` frontend, no BuildKit-only flags or heredocs), a
 * frozen-lockfile pnpm install that sees the lockfile and every workspace package, pnpm at the
 * version the repo pins, the services compiled (`pnpm bundle`), and a final stage that runs
 * compiled JavaScript (no tsx) as a non-root user with a healthcheck, production NODE_ENV and an
 * exposed port.
 */
export function checkDockerfile(dockerfile: Dockerfile, context: DockerfileContext): string[] {
  const problems: string[] = [];
  const ignore = parseDockerignore(context.dockerignore);
  const { stages } = dockerfile;
  if (dockerfile.directives.syntax !== undefined)
    problems.push(`# syntax=${dockerfile.directives.syntax}: pulls a frontend image (BuildKit)`);
  for (const instruction of stages.flatMap((stage) => stage.instructions)) {
    const flags = instruction.args.split(/\s+/).filter((word) => word.startsWith('--'));
    for (const flag of BUILDKIT_FLAGS) {
      if (flags.some((word) => word === flag || word.startsWith(`${flag}=`)))
        problems.push(`${instruction.keyword} ${flag} (line ${instruction.line}) needs BuildKit`);
    }
    const heredoc = /(^|\s)<<-?["']?[A-Za-z_]/;
    if (
      instruction.keyword === 'RUN'
        ? /^<<-?/.test(instruction.args)
        : heredoc.test(instruction.args)
    )
      problems.push(`${instruction.keyword} heredoc (line ${instruction.line}) needs BuildKit`);
  }
  if (stages.length < 2) problems.push(`${stages.length} stage(s): expected a multi-stage build`);
  const names = new Set(stages.map((stage) => stage.name).filter(Boolean));
  for (const stage of stages) {
    if (names.has(stage.image) || stage.image === 'scratch') continue;
    const image = resolveImage(dockerfile, stage.image);
    const tag = /^[^@]+:([^/@]+)$/.exec(image)?.[1];
    if (!image) problems.push(`FROM ${stage.image}: the image is empty`);
    else if (!image.includes('@') && !tag) problems.push(`FROM ${image}: no tag`);
    else if (tag === 'latest') problems.push(`FROM ${image}: the latest tag`);
  }
  const all = stages.flatMap((stage) => stage.instructions);
  const runs = all.filter((i) => i.keyword === 'RUN').map((i) => i.args);
  const installs = runs.filter((run) => /\bpnpm (install|i)\b/.test(run));
  if (installs.length === 0) problems.push('no pnpm install');
  for (const install of installs) {
    if (!install.includes('--frozen-lockfile'))
      problems.push('pnpm install without --frozen-lockfile');
  }
  const copies = all.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD');
  const sources = copies.flatMap(copySources);
  const copied = (path: string) =>
    !isDockerignored(ignore, path) &&
    sources.some((source) => source === '.' || source === path || path.startsWith(`${source}/`));
  if (!copied('pnpm-lock.yaml')) problems.push('pnpm-lock.yaml is not copied into the build');
  if (!copied('pnpm-workspace.yaml')) problems.push('pnpm-workspace.yaml is not copied');
  for (const dir of workspacePackages(context.root, context.workspaceYaml)) {
    if (!copied(`${dir}/package.json`)) problems.push(`${dir}/package.json is not copied`);
  }
  for (const importer of context.lockfileImporters) {
    if (importer !== '.' && !existsSync(join(context.root, importer, 'package.json'))) {
      problems.push(`lockfile importer ${importer} has no package.json (frozen install fails)`);
    }
  }
  for (const dir of workspacePackages(context.root, context.workspaceYaml)) {
    if (!context.lockfileImporters.includes(dir)) {
      problems.push(`workspace package ${dir} is not in pnpm-lock.yaml (frozen install fails)`);
    }
  }
  for (const source of sources) {
    if (source === '.') continue;
    if (!existsSync(join(context.root, source))) problems.push(`COPY ${source}: no such file`);
    else if (isDockerignored(ignore, source))
      problems.push(`COPY ${source}: excluded by .dockerignore`);
  }
  for (const path of ['node_modules', 'subgraphs/user/node_modules', '.git', '.env', '.data']) {
    if (!isDockerignored(ignore, path)) problems.push(`.dockerignore does not exclude ${path}`);
  }
  const pnpmVersion = context.packageManager.replace(/^pnpm@/, '');
  const argDefaults = Object.assign({}, ...stages.map(stageArgs)) as Record<string, string>;
  const expand = (text: string) =>
    text.replace(
      /\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g,
      (match, name: string) => argDefaults[name] ?? match,
    );
  const pnpmInstall = runs
    .map(expand)
    .find((run) => /npm (install|i) (--global|-g) pnpm@/.test(run));
  const installedPnpm = pnpmInstall && /pnpm@(\S+)/.exec(pnpmInstall)?.[1];
  if (installedPnpm !== pnpmVersion) {
    problems.push(`pnpm ${installedPnpm ?? '(not installed)'} != packageManager ${pnpmVersion}`);
  }
  if (!runs.some((run) => /\bpnpm (run )?bundle\b/.test(run)))
    problems.push('the services are not compiled (no `pnpm bundle`)');
  const final = stages.at(-1);
  if (!final) return problems;
  for (const instruction of final.instructions) {
    if (/\btsx\b/.test(instruction.args))
      problems.push(`final stage ${instruction.keyword} uses tsx (run compiled JavaScript)`);
  }
  const finalKeywords = final.instructions.map((i) => i.keyword);
  const userIndex = finalKeywords.lastIndexOf('USER');
  const user = userIndex === -1 ? undefined : final.instructions[userIndex]?.args.split(':')[0];
  if (!user) problems.push('final stage has no USER');
  else if (user === 'root' || user === '0') problems.push(`final stage runs as ${user}`);
  for (const keyword of ['CMD', 'ENTRYPOINT']) {
    const index = finalKeywords.indexOf(keyword);
    if (index !== -1 && (userIndex === -1 || index < userIndex)) {
      problems.push(`${keyword} comes before USER`);
    }
  }
  if (!finalKeywords.includes('CMD') && !finalKeywords.includes('ENTRYPOINT')) {
    problems.push('final stage has no CMD or ENTRYPOINT');
  }
  const healthcheck = final.instructions.find((i) => i.keyword === 'HEALTHCHECK');
  if (!healthcheck || /^NONE\b/i.test(healthcheck.args))
    problems.push('final stage has no HEALTHCHECK');
  if (!finalKeywords.includes('EXPOSE')) problems.push('final stage has no EXPOSE');
  const env = final.instructions
    .filter((i) => i.keyword === 'ENV')
    .map((i) => i.args)
    .join(' ');
  if (!/\bNODE_ENV=production\b/.test(env))
    problems.push('final stage does not set NODE_ENV=production');
  return problems;
}
