import { z } from 'zod';

/** An id or other required text. */
export const id = z.string().min(1);

/** An amount in minor units (cents) and its ISO 4217 currency. */
export const money = z.object({ amountMinor: z.number().int(), currency: z.string().min(1) });

/** A count of items. */
export const quantity = z.number().int();
