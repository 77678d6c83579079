import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEnv, type z } from '@shop/config';
import { SUBGRAPHS } from '@shop/schema/subgraphs';

const ROOT = new URL('../../../', import.meta.url);

/** `KEY=value` lines of a `.env.template` (comments and blank lines skipped). */
function templateValues(name: string): Record<string, string> {
  const text = readFileSync(new URL(`subgraphs/${name}/.env.template`, ROOT), 'utf8');
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) values[match[1]!] = match[2]!;
  }
  return values;
}

describe("each registered subgraph's .env.template", () => {
  it.each(SUBGRAPHS.map((entry) => [entry.name]))(
    '%s: lists exactly the variables of src/env.ts, with values it accepts',
    async (name) => {
      const { envSchema } = (await import(new URL(`subgraphs/${name}/src/env.ts`, ROOT).href)) as {
        envSchema: z.ZodObject;
      };
      const values = templateValues(name);
      expect(Object.keys(values).sort()).toEqual(Object.keys(envSchema.shape).sort());
      expect(parseEnv(envSchema, values)).toMatchObject({ ok: true });
    },
  );
});
