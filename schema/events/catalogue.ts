import { z } from 'zod';
import type { EventContract } from './contract';

type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
};

/** `{ a, b?, c: { x, y }, d: [{ … }] }`: the field names of a `data` schema, nested shapes spelled out. */
function shape(schema: JsonSchema): string | undefined {
  if (schema.anyOf) {
    return schema.anyOf.map(shape).find((inner) => inner !== undefined);
  }
  if (schema.type === 'array' && schema.items) {
    const inner = shape(schema.items);
    return inner === undefined ? undefined : `[${inner}]`;
  }
  if (schema.type !== 'object' || !schema.properties) return undefined;
  const required = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties).map(([name, field]) => {
    const inner = shape(field);
    return `${name}${required.has(name) ? '' : '?'}${inner === undefined ? '' : `: ${inner}`}`;
  });
  return `{ ${fields.join(', ')} }`;
}

/**
 * The event catalogue of schema/README.md (its "## Events" section) as Markdown: one row per
 * contract, contracts of one topic sharing a `data` schema and note listed together.
 */
export function renderEventCatalogue(contracts: readonly EventContract[]): string {
  const rows: Array<{ types: string[]; contract: EventContract }> = [];
  for (const contract of contracts) {
    const last = rows.at(-1);
    if (
      last &&
      last.contract.data === contract.data &&
      last.contract.topic === contract.topic &&
      last.contract.note === contract.note &&
      last.contract.version === contract.version
    ) {
      last.types.push(contract.type);
    } else {
      rows.push({ types: [contract.type], contract });
    }
  }
  const lines = rows.map(({ types, contract }) => {
    const data = shape(z.toJSONSchema(contract.data, { io: 'input' }) as JsonSchema) ?? '';
    const note = contract.note ? ` (${contract.note})` : '';
    const names = types.map((type) => `\`${type}\``).join(' / ');
    return `| ${names} | ${contract.version} | ${contract.topic} | ${contract.producer} | ${contract.key} | \`${data}\`${note} |`;
  });
  return [
    '| type | version | topic | producer | key | data |',
    '|---|---|---|---|---|---|',
    ...lines,
  ].join('\n');
}
