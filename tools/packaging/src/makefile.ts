/** Targets of a Makefile with their recipe lines (tab-indented, `@`/`-` prefixes dropped). */
export interface MakeTarget {
  name: string;
  prerequisites: string[];
  recipe: string[];
}

/** Parses rules `target: prerequisites` and their recipes; variables and includes are ignored. */
export function parseMakefile(text: string): { targets: MakeTarget[]; phony: string[] } {
  const targets: MakeTarget[] = [];
  const phony: string[] = [];
  let current: MakeTarget | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (raw.startsWith('\t')) {
      const command = raw.trim().replace(/^[@+-]+/, '');
      if (current && command && !command.startsWith('#')) current.recipe.push(command);
      continue;
    }
    const line = raw.replace(/#.*$/, '').trimEnd();
    const rule = /^([A-Za-z0-9_./%-][A-Za-z0-9_./% -]*?)\s*:(?!=)\s*(.*)$/.exec(line);
    if (!rule) {
      if (line.trim() !== '') current = undefined;
      continue;
    }
    const names = (rule[1] as string).split(/\s+/);
    const prerequisites = (rule[2] as string).split(/\s+/).filter(Boolean);
    if (names.includes('.PHONY')) {
      phony.push(...prerequisites);
      current = undefined;
      continue;
    }
    current = { name: names[0] as string, prerequisites, recipe: [] };
    targets.push(current);
  }
  return { targets, phony };
}

/** docker compose subcommands the automation may use. */
export const COMPOSE_COMMANDS = ['build', 'up', 'down', 'logs', 'ps', 'config', 'pull', 'restart'];

/**
 * Checks one shell command used by the automation: `pnpm <script>` (or `pnpm run <script>`)
 * must name a root package.json script, and `docker compose` must use a known subcommand and
 * only profiles the compose file defines. Other commands are reported as unknown.
 */
export function checkCommand(
  command: string,
  scripts: Readonly<Record<string, string>>,
  profiles: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const part of command
    .split(/&&|\|\||;/)
    .map((piece) => piece.trim())
    .filter(Boolean)) {
    const words = part.split(/\s+/);
    if (words[0] === 'pnpm') {
      const rest = words.slice(1).filter((word) => !word.startsWith('-'));
      const script = rest[0] === 'run' ? rest[1] : rest[0];
      if (script === 'exec' || script === 'vitest' || script === 'tsx') continue;
      if (!script || !(script in scripts))
        problems.push(`${part}: no package.json script ${script}`);
    } else if (words[0] === 'docker' && words[1] === 'compose') {
      const args = words.slice(2);
      const subcommand = args.find(
        (word, index) =>
          !word.startsWith('-') &&
          !['--profile', '-f', '--file', '-p'].includes(args[index - 1] ?? ''),
      );
      if (!subcommand || !COMPOSE_COMMANDS.includes(subcommand)) {
        problems.push(`${part}: unknown docker compose command ${subcommand}`);
      }
      args.forEach((word, index) => {
        const profile = args[index + 1];
        if (word === '--profile' && (!profile || !profiles.includes(profile))) {
          problems.push(`${part}: compose has no profile ${profile}`);
        }
      });
    } else if (!['tsx', 'test', '[', 'cp', 'echo'].includes(words[0] ?? '')) {
      problems.push(`${part}: neither a pnpm script nor docker compose`);
    }
  }
  return problems;
}

/** Targets the Makefile must have. */
export const REQUIRED_TARGETS = [
  'build',
  'up',
  'down',
  'logs',
  'ps',
  'infra',
  'test',
  'check',
  'dev',
];

/**
 * The Makefile has every required target, declares each target .PHONY, and every recipe line
 * runs an existing package.json script or a valid docker compose command.
 */
export function checkMakefile(
  text: string,
  scripts: Readonly<Record<string, string>>,
  profiles: readonly string[],
): string[] {
  const problems: string[] = [];
  const { targets, phony } = parseMakefile(text);
  const names = targets.map((target) => target.name);
  for (const required of REQUIRED_TARGETS) {
    if (!names.includes(required)) problems.push(`no make target ${required}`);
  }
  for (const target of targets) {
    if (!target.name.includes('.') && !phony.includes(target.name)) {
      problems.push(`${target.name} is not .PHONY`);
    }
    if (target.recipe.length === 0 && target.prerequisites.length === 0) {
      problems.push(`${target.name} does nothing`);
    }
    for (const prerequisite of target.prerequisites) {
      if (!names.includes(prerequisite))
        problems.push(`${target.name}: no rule for ${prerequisite}`);
    }
    for (const line of target.recipe) {
      problems.push(...checkCommand(line, scripts, profiles).map((p) => `${target.name}: ${p}`));
    }
  }
  return problems;
}
