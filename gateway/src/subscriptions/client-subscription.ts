import type { ExecutionResult } from 'graphql';
import type { GraphQLError } from './graphql';
import type { Identity } from '@shop/auth';
import { codedError, SUBSCRIPTION_ERROR_CODES } from './errors';

type Result = IteratorResult<ExecutionResult, undefined>;
const DONE: Result = { value: undefined, done: true };

/**
 * One client's subscription: an async iterator of results fed by the engine, with a bounded
 * queue. When the queue is full the subscription ends with `SUBSCRIPTION_BACKPRESSURE` (queued
 * events are dropped) instead of growing without limit. A terminal error is delivered as the
 * last result (`isTerminal(result)` tells transports to send it as a transport-level error).
 * `return()` ends it at once, also while a `next()` is pending (unlike an async generator).
 */
export class ClientSubscription implements AsyncIterableIterator<ExecutionResult, undefined> {
  private readonly queue: ExecutionResult[] = [];
  private waiter: ((result: Result) => void) | undefined;
  private terminal: ExecutionResult | undefined;
  private lastTerminal: ExecutionResult | undefined;
  private state: 'open' | 'ending' | 'done' = 'open';
  private released = false;

  constructor(
    readonly id: number,
    readonly identity: Identity | null,
    private readonly capacity: number,
    private readonly onRelease: (subscription: ClientSubscription) => void,
  ) {}

  /** True while events are still accepted. */
  get open(): boolean {
    return this.state === 'open';
  }

  /** Queues one result; overflowing the queue ends the subscription with a backpressure error. */
  push(result: ExecutionResult): void {
    if (this.state !== 'open') return;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter({ value: result, done: false });
      return;
    }
    if (this.queue.length >= this.capacity) {
      const message = `Subscriber fell more than ${this.capacity} events behind; resubscribe`;
      this.fail([codedError(message, SUBSCRIPTION_ERROR_CODES.backpressure)], true);
      return;
    }
    this.queue.push(result);
  }

  /** Ends with errors (delivered after queued results, or instead of them with `dropQueued`). */
  fail(errors: readonly GraphQLError[], dropQueued = false): void {
    if (this.state !== 'open') return;
    this.state = 'ending';
    if (dropQueued) this.queue.length = 0;
    this.terminal = { errors: [...errors] };
    this.lastTerminal = this.terminal;
    this.release();
    this.flush();
  }

  /** Ends normally once the queued results are consumed. */
  complete(): void {
    if (this.state !== 'open') return;
    this.state = 'ending';
    this.release();
    this.flush();
  }

  /** Whether `result` is the terminal error result (a transport-level error for multipart). */
  isTerminal(result: ExecutionResult): boolean {
    return result === this.lastTerminal;
  }

  next(): Promise<Result> {
    if (this.queue.length || this.state !== 'open') return Promise.resolve(this.take());
    return new Promise((resolve) => (this.waiter = resolve));
  }

  return(): Promise<Result> {
    this.state = 'done';
    this.queue.length = 0;
    this.terminal = undefined;
    this.release();
    this.flush();
    return Promise.resolve(DONE);
  }

  throw(): Promise<Result> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private take(): Result {
    const value = this.queue.shift();
    if (value) return { value, done: false };
    if (this.terminal) {
      const terminal = this.terminal;
      this.terminal = undefined;
      return { value: terminal, done: false };
    }
    this.state = 'done';
    return DONE;
  }

  private flush(): void {
    if (!this.waiter) return;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter(this.take());
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.onRelease(this);
  }
}
