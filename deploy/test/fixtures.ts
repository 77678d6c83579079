import type { EnvSchema } from '@shop/packaging';
import { callersFromCode } from '../src/call-paths';
import { loadServices, type ServiceSpec } from '../src/services';

/** The real services (registry + env schemas) and the call paths the code declares; loaded once. */
let loaded: Promise<{ services: ServiceSpec[]; callers: Record<string, string[]> }> | undefined;
export function repoServices() {
  loaded ??= loadServices().then(async (services) => ({
    services,
    callers: await callersFromCode(services),
  }));
  return loaded;
}

export function serviceNamed(services: readonly ServiceSpec[], name: string): ServiceSpec {
  const service = services.find((candidate) => candidate.name === name);
  if (!service) throw new Error(`no service ${name}`);
  return service;
}

/** `schema` that also reads `extra` (required when `required`), as a new env.ts would. */
export function withVariable(schema: EnvSchema, extra: string, required: boolean): EnvSchema {
  return {
    shape: { ...schema.shape, [extra]: undefined },
    safeParse(input) {
      const { [extra]: value, ...rest } = input as Record<string, unknown>;
      if (required && value === undefined) {
        return {
          success: false,
          error: { issues: [{ path: [extra], message: 'Required' }] },
        };
      }
      return schema.safeParse(rest);
    },
  };
}

/**
 * The services with one more subgraph, as `pnpm new:subgraph gift-cards` would register it:
 * the registry entry (name, port) with the standard subgraph env schema (analytics' variables,
 * which the scaffold's template also has), and the gateway reading SUBGRAPH_GIFT_CARDS_URL
 * (its schema has one such variable per registry entry).
 */
export function withNewSubgraph(services: readonly ServiceSpec[]): ServiceSpec[] {
  const template = serviceNamed(services, 'analytics');
  const gateway = serviceNamed(services, 'gateway');
  return [
    ...services.map((service) =>
      service === gateway
        ? { ...gateway, schema: withVariable(gateway.schema, 'SUBGRAPH_GIFT_CARDS_URL', false) }
        : service,
    ),
    { ...template, name: 'gift-cards', port: 4010 },
  ];
}
