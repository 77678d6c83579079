import { serverAudits, type AuditResult } from 'graphql-http';

/** One audit of graphql-http's `serverAudits`, as run against a server. */
export interface HttpAuditOutcome {
  id: string;
  name: string;
  status: AuditResult['status'];
  /** Why it failed (empty when ok). */
  reason: string;
  /** The failed response's status and body (empty when ok). */
  response: string;
}

/**
 * Runs every audit of graphql-http's `serverAudits` (the GraphQL-over-HTTP spec's server
 * requirements: MUST → `error`, SHOULD → `warn`, MAY → `notice` when not met) against `url`,
 * one after the other, and returns each outcome with the failing response.
 */
export async function runGraphQLHttpAudits(url: string): Promise<HttpAuditOutcome[]> {
  const outcomes: HttpAuditOutcome[] = [];
  for (const audit of serverAudits({ url })) {
    const result = await audit.fn();
    if (result.status === 'ok') {
      outcomes.push({ id: result.id, name: result.name, status: 'ok', reason: '', response: '' });
      continue;
    }
    const body = await result.response.text().catch(() => '');
    outcomes.push({
      id: result.id,
      name: result.name,
      status: result.status,
      reason: result.reason,
      response: `${result.response.status} ${body.slice(0, 500)}`,
    });
  }
  return outcomes;
}
