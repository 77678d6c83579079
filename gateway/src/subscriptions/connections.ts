/** Close code of a graphql-ws socket refused because its IP has too many open connections. */
export const TOO_MANY_REQUESTS_CLOSE_CODE = 4429;

/**
 * Open subscription connections (graphql-ws sockets and multipart streams) per client IP, in
 * this gateway process, capped at `max`. Refusals are counted (`refused`, exported as a metric).
 */
export class ConnectionsPerIp {
  private readonly open = new Map<string, number>();
  /** Connections refused because their IP was at the cap, since start. */
  refused = 0;

  constructor(readonly max: number) {}

  /** Takes a slot for `ip`: the function that gives it back, or undefined when `ip` is full. */
  acquire(ip: string): (() => void) | undefined {
    const count = this.open.get(ip) ?? 0;
    if (count >= this.max) {
      this.refused += 1;
      return undefined;
    }
    this.open.set(ip, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(ip) ?? 1) - 1;
      if (left <= 0) this.open.delete(ip);
      else this.open.set(ip, left);
    };
  }

  /** Open connections of `ip`. */
  count(ip: string): number {
    return this.open.get(ip) ?? 0;
  }

  /** IPs with at least one open connection. */
  get ips(): number {
    return this.open.size;
  }
}
