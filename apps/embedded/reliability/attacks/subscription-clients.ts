/**
 * Raw graphql-transport-ws sockets and the `cartUpdated` variants of the subscription-flood
 * suite (issue 15, finding 3), shared by the test and its attacker child process.
 */
import WebSocket from 'ws';

export interface Received {
  data?: Record<string, Record<string, unknown> | null> | null;
  errors?: Array<{ message?: string; extensions?: Record<string, unknown> }>;
}

/** One raw graphql-transport-ws socket: its close code, and what each subscription received. */
export interface FloodSocket {
  socket: WebSocket;
  acked: boolean;
  closeCode: number | undefined;
  nexts: Map<string, Received[]>;
  errors: Map<string, Received['errors']>;
}

/**
 * The attacker's address: another loopback address than the one health probes and product
 * queries come from (127.0.0.1), so per-IP limits tell them apart as they would real clients.
 */
export const ATTACKER = '127.0.0.2';

/** Opens a socket and sends `connection_init`; resolves once acknowledged or closed. */
export function openSocket(url: string, localAddress = ATTACKER): Promise<FloodSocket> {
  const socket = new WebSocket(url, 'graphql-transport-ws', { localAddress });
  const state: FloodSocket = {
    socket,
    acked: false,
    closeCode: undefined,
    nexts: new Map(),
    errors: new Map(),
  };
  return new Promise((resolve) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(String(raw)) as { type: string; id?: string; payload?: unknown };
      if (message.type === 'connection_ack') {
        state.acked = true;
        resolve(state);
      } else if (message.type === 'next' && message.id) {
        const list = state.nexts.get(message.id) ?? [];
        list.push(message.payload as Received);
        state.nexts.set(message.id, list);
      } else if (message.type === 'error' && message.id) {
        state.errors.set(message.id, message.payload as Received['errors']);
      }
    });
    socket.on('close', (code) => {
      state.closeCode = code;
      resolve(state);
    });
    socket.on('error', () => undefined);
  });
}

export function send(state: FloodSocket, id: string, payload: Record<string, unknown>): void {
  state.socket.send(JSON.stringify({ id, type: 'subscribe', payload }));
}

export interface Variant {
  payload: Record<string, unknown>;
  /** Reads the cart id from a result in the variant's own shape (aliases included). */
  cartIdOf: (result: Received) => unknown;
}

/**
 * The same subscription (one guest cart's `cartUpdated { cartId }`) written four ways, each with
 * names unique to (c, i): aliases (the repro), a named fragment + variables + operation
 * name + root alias, an inline fragment with arguments reordered, and a variable default.
 */
export function variant(c: number, i: number, cartId: string, cartToken: string): Variant {
  const n = `${c}_${i}`;
  switch (i % 4) {
    case 0:
      return {
        payload: {
          query: `subscription { cartUpdated(cartId: "${cartId}", cartToken: "${cartToken}") { x${n}: cartId } }`,
        },
        cartIdOf: (r) => r.data?.cartUpdated?.[`x${n}`],
      };
    case 1:
      return {
        payload: {
          query: `subscription S${n}($id: ID!, $t: String) { a${n}: cartUpdated(cartId: $id, cartToken: $t) { ...F${n} } } fragment F${n} on CartUpdatedEvent { y${n}: cartId }`,
          variables: { id: cartId, t: cartToken },
          operationName: `S${n}`,
        },
        cartIdOf: (r) => r.data?.[`a${n}`]?.[`y${n}`],
      };
    case 2:
      return {
        payload: {
          query: `subscription { cartUpdated(cartToken: "${cartToken}", cartId: "${cartId}") { ... on CartUpdatedEvent { z${n}: cartId } } }`,
        },
        cartIdOf: (r) => r.data?.cartUpdated?.[`z${n}`],
      };
    default:
      return {
        payload: {
          query: `subscription N${n}($t: String = "${cartToken}") { r${n}: cartUpdated(cartId: "${cartId}", cartToken: $t) { w${n}: cartId t${n}: __typename } }`,
        },
        cartIdOf: (r) =>
          r.data?.[`r${n}`]?.[`t${n}`] === 'CartUpdatedEvent' ? r.data[`r${n}`]?.[`w${n}`] : null,
      };
  }
}
