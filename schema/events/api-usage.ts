import { z } from 'zod';
import { defineEvent } from './contract';
import { TOPICS } from './topics';

const duration = z.number().finite().min(0);

export const API_USAGE_EVENTS = [
  defineEvent({
    type: 'graphql.operation.completed',
    version: 1,
    topic: TOPICS.apiUsage,
    producer: 'gateway',
    key: 'clientName:operationName',
    data: z.object({
      operationName: z.string().nullable(),
      operationType: z.enum(['query', 'mutation', 'subscription']),
      clientName: z.string().nullable(),
      clientVersion: z.string().nullable(),
      durationMs: duration,
      startedAt: z.iso.datetime({ offset: true }),
      subgraphFetches: z.array(
        z.object({ subgraph: z.string(), durationMs: duration, ok: z.boolean() }),
      ),
      errorCodes: z.array(z.string()),
      cost: z.number(),
      cacheHit: z.boolean(),
      sampleRate: z.number().gt(0).max(1),
    }),
    note: "`startedAt`'s minute and hour (UTC) are its rollup buckets; each event stands for `1/sampleRate` operations",
  }),
] as const;
