import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SUBGRAPHS } from '../src/index';

/**
 * Keeps every `subgraphs/<name>/README.md` true to its code (docs/CONVENTIONS.md: "what it
 * owns, events in/out, env table"): the env table lists exactly the variables of `src/env.ts`,
 * "Events out" names every event type the subgraph writes to its outbox, "Events in" names every
 * topic, consumer group and event type it consumes, every table of its migrations is named, and
 * "Run it alone" gives the pnpm commands that work. Text parsing only: nothing is started.
 */

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

/** Every subgraph of the supergraph (`schema/src/subgraphs.ts`). */
const SUBGRAPH_NAMES = SUBGRAPHS.map((entry) => entry.name);

/** `TOPICS.<key>` → topic name, read from `infra/events/src/envelope.ts`. */
function parseTopics(envelopeSource: string): Map<string, string> {
  const block = /export const TOPICS = \{([^}]*)\}/.exec(envelopeSource)?.[1] ?? '';
  return new Map(
    [...block.matchAll(/(\w+):\s*'([^']+)'/g)].map((match) => [match[1]!, match[2]!] as const),
  );
}

/** The variable names declared in a `src/env.ts` (`KEY: …` lines of its zod object). */
function parseEnvKeys(envSource: string): string[] {
  return [...envSource.matchAll(/^\s+([A-Z][A-Z0-9_]*)\s*:/gm)].map((match) => match[1]!);
}

/** The first cells (`` `NAME` ``) of the table rows in one README section. */
function parseTableNames(section: string): string[] {
  return [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((match) => match[1]!);
}

/** The text of the `## <title>` section (up to the next `## ` heading); '' when missing. */
function section(markdown: string, title: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`## ${title}`));
  if (start < 0) return '';
  const end = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** Event type prefix → key of `TOPICS` the type travels on (schema/README.md, docs/DOMAIN.md §7). */
const TOPIC_OF_PREFIX: Record<string, string> = {
  user: 'user',
  product: 'catalog',
  variant: 'catalog',
  price: 'catalog',
  stock: 'inventory',
  cart: 'cart',
  order: 'order',
  payment: 'payment',
  graphql: 'apiUsage',
};
const EVENT_TYPE = new RegExp(
  `['"\`]((?:${Object.keys(TOPIC_OF_PREFIX).join('|')})\\.[a-z_]+(?:\\.[a-z_]+)*)['"\`]`,
  'g',
);

interface EventFacts {
  /** Topics it writes to its outbox (`topic: TOPICS.x` in an outbox event). */
  emittedTopics: string[];
  /** Topics it subscribes to (`topics: [TOPICS.x, …]` or a `…_TOPICS = [...]` constant). */
  consumedTopics: string[];
  /** Event type literals on emitted topics. */
  emitted: string[];
  /** Event type literals on consumed topics it does not emit itself. */
  consumed: string[];
  /** Consumer groups (`group: 'x'` or `group: CONSTANT`). */
  groups: string[];
}

/** What a subgraph's source says about its events. */
function parseEvents(source: string, topics: Map<string, string>): EventFacts {
  const topic = (key: string) => {
    const name = topics.get(key);
    if (!name) throw new Error(`unknown TOPICS.${key}`);
    return name;
  };
  const emittedKeys = new Set([...source.matchAll(/topic:\s*TOPICS\.(\w+)/g)].map((m) => m[1]!));
  const consumedKeys = new Set<string>();
  for (const list of source.matchAll(/(?:topics:\s*|_TOPICS\s*=\s*)\[([^\]]*)\]/g)) {
    for (const key of list[1]!.matchAll(/TOPICS\.(\w+)/g)) consumedKeys.add(key[1]!);
  }
  const types = new Set([...source.matchAll(EVENT_TYPE)].map((match) => match[1]!));
  const keyOf = (type: string) => TOPIC_OF_PREFIX[type.split('.')[0]!]!;
  const constants = new Map(
    [...source.matchAll(/const (\w+)\s*=\s*'([^']+)'/g)].map((m) => [m[1]!, m[2]!] as const),
  );
  const groups = [...source.matchAll(/group:\s*(?:'([^']+)'|(\w+))/g)].map((match) => {
    const value = match[1] ?? constants.get(match[2]!);
    if (!value) throw new Error(`consumer group constant ${match[2]} not found`);
    return value;
  });
  return {
    emittedTopics: [...emittedKeys].map(topic).sort(),
    consumedTopics: [...consumedKeys].map(topic).sort(),
    emitted: [...types].filter((type) => emittedKeys.has(keyOf(type))).sort(),
    consumed: [...types]
      .filter((type) => consumedKeys.has(keyOf(type)) && !emittedKeys.has(keyOf(type)))
      .sort(),
    groups: [...new Set(groups)].sort(),
  };
}

/** Tables created by a subgraph's migrations (`create table [if not exists] schema.name`). */
function parseMigrationTables(sql: string): string[] {
  return [...sql.matchAll(/create\s+table\s+(?:if\s+not\s+exists\s+)?"?\w+"?\.(\w+)/gi)].map(
    (match) => match[1]!,
  );
}

/** The names in `names` that `text` does not mention as a whole word (`a.b` counts for `b`). */
function unmentioned(text: string, names: string[]): string[] {
  return names.filter(
    (name) => !new RegExp(`(^|\\W)${name.replace(/\./g, '\\.')}($|\\W)`).test(text),
  );
}

const topics = parseTopics(read('infra/events/src/envelope.ts'));

interface Subgraph {
  name: string;
  readme: string;
  envKeys: string[];
  events: EventFacts;
  tables: string[];
  packageJson: { name: string; scripts: Record<string, string> };
}

function load(name: string): Subgraph {
  const dir = `subgraphs/${name}/`;
  const srcFiles = readdirSync(new URL(`${dir}src/`, ROOT)).filter((file) => file.endsWith('.ts'));
  const source = srcFiles.map((file) => read(`${dir}src/${file}`)).join('\n');
  const migrations = readdirSync(new URL(`${dir}migrations/`, ROOT))
    .filter((file) => file.endsWith('.sql'))
    .map((file) => read(`${dir}migrations/${file}`))
    .join('\n');
  return {
    name,
    readme: read(`${dir}README.md`),
    envKeys: parseEnvKeys(read(`${dir}src/env.ts`)),
    events: parseEvents(source, topics),
    tables: parseMigrationTables(migrations),
    packageJson: JSON.parse(read(`${dir}package.json`)) as Subgraph['packageJson'],
  };
}

describe('the parsers the README checks rely on', () => {
  it('should read the env keys of a zod object and ignore nested or lower-case keys', () => {
    const source = `export const envSchema = z.object({\n  PORT: port(4001),\n  /** x */\n  KAFKA_BROKERS: optionalString().transform((value) =>\n    (value ?? '').split(','),\n  ),\n  inner: z.object({ a: 1 }),\n}).refine((v) => v.PORT, { message: 'X', path: ['CART_TOKEN_SECRET'] });`;
    expect(parseEnvKeys(source)).toEqual(['PORT', 'KAFKA_BROKERS']);
  });

  it('should tell emitted from consumed events and resolve group constants', () => {
    const source = `const GROUP = 'billing';
      appendToOutbox(tx, 's', [{ topic: TOPICS.payment, type: 'payment.authorized' }]);
      bus.subscribe({ group: GROUP, topics: [TOPICS.order, TOPICS.payment] });
      if (envelope.type === 'order.shipped') {}`;
    expect(parseEvents(source, topics)).toEqual({
      emittedTopics: ['payment.events.v1'],
      consumedTopics: ['order.events.v1', 'payment.events.v1'],
      emitted: ['payment.authorized'],
      consumed: ['order.shipped'],
      groups: ['billing'],
    });
  });

  it('should read table names from migrations and env names from a README table', () => {
    expect(
      parseMigrationTables('create table "order".orders (\n);\ncreate table if not exists x.y ();'),
    ).toEqual(['orders', 'y']);
    const readme = '## Environment\n\n| Name | Default |\n|---|---|\n| `PORT` | 4001 |\n\n## Next';
    expect(parseTableNames(section(readme, 'Environment'))).toEqual(['PORT']);
    expect(section(readme, 'Missing')).toBe('');
  });
});

describe.each(SUBGRAPH_NAMES.map((name) => load(name)))('subgraphs/$name/README.md', (s) => {
  it('should list exactly the variables of src/env.ts in its Environment table', () => {
    expect(s.envKeys.length).toBeGreaterThan(2);
    const table = parseTableNames(section(s.readme, 'Environment'));
    expect({
      missingFromReadme: s.envKeys.filter((key) => !table.includes(key)),
      notInEnvTs: table.filter((key) => !s.envKeys.includes(key)),
    }).toEqual({ missingFromReadme: [], notInEnvTs: [] });
  });

  it('should name every event type it emits, and the topic, under "Events out"', () => {
    const out = section(s.readme, 'Events out');
    expect(out, 'a "## Events out" section').not.toBe('');
    expect(unmentioned(out, [...s.events.emitted, ...s.events.emittedTopics])).toEqual([]);
  });

  it('should name every topic, consumer group and event type it consumes under "Events in"', () => {
    const into = section(s.readme, 'Events in');
    expect(into, 'a "## Events in" section').not.toBe('');
    expect(
      unmentioned(into, [...s.events.consumedTopics, ...s.events.groups, ...s.events.consumed]),
    ).toEqual([]);
  });

  it('should name every table its migrations create', () => {
    expect(s.tables.length).toBeGreaterThan(0);
    expect(unmentioned(s.readme, s.tables)).toEqual([]);
  });

  it('should give the pnpm commands that run and test it alone', () => {
    const pkg = `@shop/${s.name}-subgraph`;
    expect(s.packageJson.name).toBe(pkg);
    expect(s.packageJson.scripts.dev).toBe('tsx watch src/main.ts');
    expect(s.packageJson.scripts.start).toBe('tsx src/main.ts');
    expect(s.packageJson.scripts.test).toContain(`subgraphs/${s.name}`);
    const alone = section(s.readme, 'Run it alone');
    expect(alone, 'a "## Run it alone" section').not.toBe('');
    for (const command of [`pnpm --filter ${pkg} dev`, `pnpm --filter ${pkg} test`]) {
      expect(alone).toContain(command);
    }
    expect(alone).toContain('DATABASE_URL=postgres://');
    expect(alone).toContain('curl');
  });
});
