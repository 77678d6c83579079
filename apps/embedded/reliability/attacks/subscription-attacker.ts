/**
 * The attacker of subscription-flood.rel.ts F3a, as a child process (`fork` with the tsx
 * loader) so that its own work — thousands of frames to parse — is not counted in the latency of
 * the gateway it attacks. Driven over the IPC channel:
 * `flood` → opens the sockets from 127.0.0.2 and subscribes (answers `subscribed`);
 * `await-live` → waits for a second result on every subscription (answers `live`);
 * `drop` → terminates every socket without a goodbye (answers `dropped`, then exits).
 */
import { openSocket, send, variant, type FloodSocket, type Variant } from './subscription-clients';

export type AttackerCommand =
  | {
      type: 'flood';
      url: string;
      cartId: string;
      cartToken: string;
      connections: number;
      perConnection: number;
    }
  | { type: 'await-live' }
  | { type: 'drop' };

export type AttackerReport =
  | { type: 'subscribed'; accepted: number; closed4429: number; allSnapshots: boolean }
  | { type: 'live'; allLive: boolean; misshaped: string[] }
  | { type: 'dropped' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

const report = (message: AttackerReport) => process.send?.(message);

let sockets: FloodSocket[] = [];
const expected = new Map<FloodSocket, Variant[]>();
let cartId = '';

process.on('message', (command: AttackerCommand) => {
  void (async () => {
    if (command.type === 'flood') {
      cartId = command.cartId;
      sockets = await Promise.all(
        Array.from({ length: command.connections }, () => openSocket(command.url)),
      );
      const accepted = sockets.filter((s) => s.acked);
      accepted.forEach((state, c) => {
        const variants = Array.from({ length: command.perConnection }, (_, i) =>
          variant(c, i, command.cartId, command.cartToken),
        );
        variants.forEach((v, i) => send(state, String(i), v.payload));
        expected.set(state, variants);
      });
      const allSnapshots = await waitFor(
        () => accepted.every((s) => s.nexts.size === command.perConnection),
        60_000,
      );
      report({
        type: 'subscribed',
        accepted: accepted.length,
        closed4429: sockets.filter((s) => s.closeCode === 4429).length,
        allSnapshots,
      });
    } else if (command.type === 'await-live') {
      const accepted = [...expected.keys()];
      const allLive = await waitFor(
        () => accepted.every((s) => [...s.nexts.values()].every((list) => list.length >= 2)),
        60_000,
      );
      // Every result of every subscription carries the cart id under the variant's own keys.
      const misshaped = accepted.flatMap((state) =>
        expected
          .get(state)!
          .map((v, i) => ({ v, results: state.nexts.get(String(i)) ?? [] }))
          .filter(
            ({ v, results }) =>
              results.length === 0 || results.some((r) => v.cartIdOf(r) !== cartId),
          )
          .map(({ results }) => JSON.stringify(results[0] ?? null)),
      );
      report({ type: 'live', allLive, misshaped });
    } else {
      for (const state of sockets) state.socket.terminate();
      report({ type: 'dropped' });
      setTimeout(() => process.exit(0), 100);
    }
  })();
});
