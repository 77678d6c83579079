/** A loop's pause between passes, cut short by a wake-up (relays and log-bus subscriptions). */
export interface Waker {
  /** Ends the current pause now, or the next one at once if none is running. */
  wake(): void;
  /** Pauses up to `ms`. */
  idle(ms: number): Promise<void>;
}

export function createWaker(): Waker {
  let pending = false;
  let endPause: (() => void) | undefined;
  return {
    wake() {
      if (endPause) endPause();
      else pending = true;
    },
    idle(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          endPause = undefined;
          resolve();
        }
        endPause = done;
      });
    },
  };
}
