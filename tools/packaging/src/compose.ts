import { parse } from 'yaml';

/**
 * A docker-compose file reduced to what the checks read. Parsed with YAML merge keys (`<<:`)
 * resolved, as Compose does; everything else is kept as written (no interpolation).
 */
export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; args?: Record<string, unknown> };
  profiles?: string[];
  environment?: Record<string, unknown> | string[];
  ports?: (string | number | Record<string, unknown>)[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  [key: string]: unknown;
}

/** Parses compose YAML text; throws on invalid YAML or a file without `services`. */
export function parseCompose(text: string): ComposeFile {
  const doc = parse(text, { merge: true }) as unknown;
  if (!doc || typeof doc !== 'object' || !('services' in doc)) {
    throw new Error('compose file has no services');
  }
  return doc as ComposeFile;
}

/** A deep copy, for tests that break one thing and expect the checks to notice. */
export function cloneCompose(compose: ComposeFile): ComposeFile {
  return structuredClone(compose);
}

/**
 * Compose variable interpolation: `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`,
 * `${VAR:?message}`, `${VAR?message}` and `$$` (a literal `$`). Unset required variables are
 * reported in `errors` instead of throwing, so a check can list them all.
 */
export function interpolate(
  text: string,
  vars: Readonly<Record<string, string | undefined>>,
): { value: string; errors: string[] } {
  const errors: string[] = [];
  const pattern =
    /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;
  const value = text.replace(pattern, (...groups: (string | undefined)[]) => {
    const [, dollar, braced, op, arg, bare] = groups;
    if (dollar) return '$';
    const name = (braced ?? bare) as string;
    const current = vars[name];
    const unset = current === undefined;
    const empty = unset || current === '';
    switch (op) {
      case ':-':
        return empty ? (arg ?? '') : (current as string);
      case '-':
        return unset ? (arg ?? '') : (current as string);
      case ':?':
      case '?':
        if (op === ':?' ? empty : unset) {
          errors.push(`required variable ${name} is not set${arg ? `: ${arg}` : ''}`);
          return '';
        }
        return current as string;
      default:
        return current ?? '';
    }
  });
  return { value, errors };
}

/** A service's environment as a map of strings, as written (not interpolated). */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env: Record<string, string> = {};
  const raw = service.environment;
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const at = entry.indexOf('=');
      if (at === -1) env[entry] = '';
      else env[entry.slice(0, at)] = entry.slice(at + 1);
    }
  } else if (raw) {
    for (const [key, value] of Object.entries(raw)) {
      env[key] = value === null || value === undefined ? '' : String(value);
    }
  }
  return env;
}

/** Names of the services `depends_on` lists, with their condition (`service_started` if none). */
export function dependenciesOf(service: ComposeService): Record<string, string> {
  const deps: Record<string, string> = {};
  const raw = service.depends_on;
  if (Array.isArray(raw)) {
    for (const name of raw) deps[name] = 'service_started';
  } else if (raw) {
    for (const [name, spec] of Object.entries(raw)) {
      deps[name] = spec?.condition ?? 'service_started';
    }
  }
  return deps;
}

/** Services started by `docker compose --profile <profile> up`: that profile's and unprofiled. */
export function servicesInProfile(compose: ComposeFile, profile: string): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => !service.profiles?.length || service.profiles.includes(profile))
    .map(([name]) => name);
}

/** The `SERVICE` build argument of a service built from the repository's Dockerfile. */
export function builtServiceName(service: ComposeService): string | undefined {
  const build = service.build;
  if (!build || typeof build === 'string') return undefined;
  const arg = build.args?.SERVICE;
  return arg === undefined ? undefined : String(arg);
}

/** Services built from the Dockerfile (the Node services), by compose name. */
export function nodeServices(compose: ComposeFile): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => service.build !== undefined)
    .map(([name]) => name);
}

/** Services that run a published image (the infrastructure), by compose name. */
export function infraServices(compose: ComposeFile): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => service.build === undefined)
    .map(([name]) => name);
}

/** A `ports:` entry in short or long syntax, split into host IP, host port and container port. */
export interface PortMapping {
  hostIp: string | undefined;
  hostPort: string | undefined;
  containerPort: string;
  protocol: string;
}

export function parsePort(entry: string | number | Record<string, unknown>): PortMapping {
  if (typeof entry === 'object') {
    return {
      hostIp: entry.host_ip === undefined ? undefined : String(entry.host_ip),
      hostPort: entry.published === undefined ? undefined : String(entry.published),
      containerPort: String(entry.target),
      protocol: entry.protocol === undefined ? 'tcp' : String(entry.protocol),
    };
  }
  const [spec = '', protocol = 'tcp'] = String(entry).split('/');
  const parts = spec.split(':');
  const containerPort = parts.pop() ?? '';
  const hostPort = parts.pop();
  const hostIp = parts.length > 0 ? parts.join(':').replace(/^\[|\]$/g, '') : undefined;
  return { hostIp, hostPort, containerPort, protocol };
}
