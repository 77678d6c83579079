import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_CONTRACTS, TOPICS } from '../events/index';
import { SUBGRAPHS } from '../src/index';

/**
 * Keeps every `subgraphs/<name>/README.md` true to its code (docs/CONVENTIONS.md: "what it
 * owns, events in/out, env table"): the env table lists exactly the variables of `src/env.ts`,
 * "Events out" names every event type the subgraph writes to its outbox, "Events in" names every
 * topic, consumer group and event type it consumes, every table of its migrations is named, and
 * "Run it alone" gives the pnpm commands that work. What a subgraph emits comes from the event
 * contracts (`schema/events/`, by producer); what it consumes is read from its source, every
 * `.ts` under `src/` (the topics and groups it subscribes to, and the contract event types it
 * names). Nothing is started.
 */

const ROOT = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), 'utf8');

/** Every subgraph of the supergraph (`schema/src/subgraphs.ts`). */
const SUBGRAPH_NAMES = SUBGRAPHS.map((entry) => entry.name);

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

/** `TOPICS.<key>` → topic name. */
const topicNames = new Map<string, string>(Object.entries(TOPICS));

/** Every event type with a contract → the topic it travels on. */
const topicOfType = new Map<string, string>(
  EVENT_CONTRACTS.map((contract) => [contract.type, contract.topic]),
);

const EVENT_TYPE = /['"`]([a-z_]+(?:\.[a-z_]+)+)['"`]/g;

interface EventFacts {
  /** Topics of the event contracts it produces. */
  emittedTopics: string[];
  /** Topics it subscribes to (`topics: [TOPICS.x, …]` or a `…_TOPICS = [...]` constant). */
  consumedTopics: string[];
  /** Event types of the contracts it produces. */
  emitted: string[];
  /** Contract event types its source names on topics it consumes and does not produce. */
  consumed: string[];
  /** Consumer groups (`group: 'x'` or `group: CONSTANT`). */
  groups: string[];
}

/** The contracts `producer` writes (`schema/events/`). */
function contractsOf(producer: string): Pick<EventFacts, 'emitted' | 'emittedTopics'> {
  const own = EVENT_CONTRACTS.filter((contract) => contract.producer === producer);
  return {
    emitted: [...new Set(own.map((contract) => contract.type))].sort(),
    emittedTopics: [...new Set(own.map((contract) => contract.topic))].sort(),
  };
}

/** What a subgraph's source says about the events it consumes. */
function parseConsumption(
  source: string,
  emittedTopics: string[],
): Pick<EventFacts, 'consumedTopics' | 'consumed' | 'groups'> {
  const topic = (key: string) => {
    const name = topicNames.get(key);
    if (!name) throw new Error(`unknown TOPICS.${key}`);
    return name;
  };
  const consumedTopics = new Set<string>();
  for (const list of source.matchAll(/(?:topics:\s*|_TOPICS\s*=\s*)\[([^\]]*)\]/g)) {
    for (const key of list[1]!.matchAll(/TOPICS\.(\w+)/g)) consumedTopics.add(topic(key[1]!));
  }
  const types = new Set(
    [...source.matchAll(EVENT_TYPE)]
      .map((match) => match[1]!)
      .filter((type) => topicOfType.has(type)),
  );
  const constants = new Map(
    [...source.matchAll(/const (\w+)\s*=\s*'([^']+)'/g)].map((m) => [m[1]!, m[2]!] as const),
  );
  const groups = [...source.matchAll(/group:\s*(?:'([^']+)'|(\w+))/g)].map((match) => {
    const value = match[1] ?? constants.get(match[2]!);
    if (!value) throw new Error(`consumer group constant ${match[2]} not found`);
    return value;
  });
  return {
    consumedTopics: [...consumedTopics].sort(),
    consumed: [...types]
      .filter((type) => {
        const on = topicOfType.get(type)!;
        return consumedTopics.has(on) && !emittedTopics.includes(on);
      })
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

interface Subgraph {
  name: string;
  readme: string;
  envKeys: string[];
  events: EventFacts;
  tables: string[];
  packageJson: { name: string; scripts: Record<string, string> };
}

/** The events of subgraph `name`: produced per the contracts, consumed per its source. */
function events(name: string, source: string): EventFacts {
  const produced = contractsOf(name);
  return { ...produced, ...parseConsumption(source, produced.emittedTopics) };
}

function load(name: string): Subgraph {
  const dir = `subgraphs/${name}/`;
  const srcFiles = readdirSync(new URL(`${dir}src/`, ROOT), {
    recursive: true,
    encoding: 'utf8',
  }).filter((file) => file.endsWith('.ts'));
  const source = srcFiles.map((file) => read(`${dir}src/${file}`)).join('\n');
  const migrations = readdirSync(new URL(`${dir}migrations/`, ROOT))
    .filter((file) => file.endsWith('.sql'))
    .map((file) => read(`${dir}migrations/${file}`))
    .join('\n');
  return {
    name,
    readme: read(`${dir}README.md`),
    envKeys: parseEnvKeys(read(`${dir}src/env.ts`)),
    events: events(name, source),
    tables: parseMigrationTables(migrations),
    packageJson: JSON.parse(read(`${dir}package.json`)) as Subgraph['packageJson'],
  };
}

describe('the parsers the README checks rely on', () => {
  it('should read the env keys of a zod object and ignore nested or lower-case keys', () => {
    const source = `export const envSchema = z.object({\n  PORT: port(4001),\n  /** x */\n  KAFKA_BROKERS: optionalString().transform((value) =>\n    (value ?? '').split(','),\n  ),\n  inner: z.object({ a: 1 }),\n}).refine((v) => v.PORT, { message: 'X', path: ['CART_TOKEN_SECRET'] });`;
    expect(parseEnvKeys(source)).toEqual(['PORT', 'KAFKA_BROKERS']);
  });

  it('should take emitted events from the contracts and tell consumed ones, resolving group constants', () => {
    expect(contractsOf('payment')).toMatchObject({ emittedTopics: ['payment.events.v1'] });
    expect(contractsOf('payment').emitted).toContain('payment.authorized');
    const source = `const GROUP = 'billing';
      bus.subscribe({ group: GROUP, topics: [TOPICS.order, TOPICS.payment] });
      if (envelope.type === 'order.shipped' || envelope.type === 'payment.captured') {}
      log.warn('order.unknown is no contract type');`;
    expect(parseConsumption(source, ['payment.events.v1'])).toEqual({
      consumedTopics: ['order.events.v1', 'payment.events.v1'],
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
    expect(s.packageJson.scripts.start).toBe('node --import tsx src/main.ts');
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
