/**
 * Hands out turns of the event loop one at a time: each `wait()` resolves in its own loop
 * iteration (a `setImmediate` chain), so I/O — health checks, queries — is served between any
 * two turns. A burst of subscribe messages (thousands arriving at once) then costs other
 * requests at most one subscribe's work of waiting, instead of the whole burst's.
 */
export class TurnQueue {
  private readonly waiting: Array<() => void> = [];
  private scheduled = false;

  /** Resolves when it is this caller's turn (FIFO). */
  wait(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /** Callers waiting for a turn. */
  get length(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      // One per iteration: the caller's synchronous work runs right after this callback.
      this.waiting.shift()?.();
      if (this.waiting.length) this.schedule();
    });
  }
}
