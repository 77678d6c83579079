import { z } from 'zod';
import { defineEvents } from './contract';
import { id, money } from './fields';
import { TOPICS } from './topics';

export const PAYMENT_EVENTS = defineEvents(
  [
    'payment.authorized',
    'payment.declined',
    'payment.action_required',
    'payment.captured',
    'payment.capture_failed',
    'payment.voided',
    'payment.void_failed',
    'payment.refunded',
    'payment.refund_failed',
  ],
  {
    version: 1,
    topic: TOPICS.payment,
    producer: 'payment',
    key: 'orderId',
    data: z.object({
      paymentId: id,
      orderId: id,
      userId: id,
      amount: money,
      status: z.string(),
      declineCode: z.string().optional(),
    }),
  },
);
