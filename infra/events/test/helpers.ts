import { createEnvelope, type EventEnvelope, type EventLogger } from '../src/index';

/** Polls `condition` every 20 ms until it holds; throws with `what` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let topicCounter = 0;

/** A topic name no other test uses. */
export function uniqueTopic(prefix = 'contract'): string {
  topicCounter += 1;
  return `${prefix}-${topicCounter}-${Math.random().toString(36).slice(2, 8)}.events.v1`;
}

/** A valid test envelope for `key` with aggregate version `sequence`. */
export function testEvent(topic: string, key: string, sequence: number): EventEnvelope {
  return createEnvelope({
    type: 'test.happened',
    source: 'test',
    topic,
    subject: key,
    sequence,
    data: { key, sequence },
  });
}

/** A logger that keeps lines for assertions instead of printing them. */
export function memoryLogger(): EventLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (line) => lines.push(line), error: (line) => lines.push(line) };
}
