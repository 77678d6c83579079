import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { KafkaMockCommandError, startKafkaMock, type KafkaMock } from './kafka-mock';

/**
 * librdkafka's mock cluster answers Metadata with a controller id that names no broker, so
 * everything that needs the controller fails against it: kafkajs' idempotent producer
 * (InitProducerId) and the admin client's CreateTopics. {@link startKafkaCluster} puts a small
 * TCP proxy in front of every mock broker that rewrites Metadata responses: `ControllerId` becomes
 * a broker that exists and is up, and every broker's host/port becomes its proxy's, so clients
 * keep talking through the proxies (FindCoordinator answers get the proxy's address too). The mock (librdkafka 2.0) has no CreateTopics either: where a
 * broker's ApiVersions lacks it, the proxy adds it and serves it itself through the mock's
 * `topic` command. Everything else is passed through byte for byte.
 */

/** Kafka API keys the proxy decodes. */
const METADATA = 3;
const FIND_COORDINATOR = 10;
const API_VERSIONS = 18;
const CREATE_TOPICS = 19;
/** Versions decoded here: the non-flexible ones (kafkajs 2 sends Metadata v0..v6, ApiVersions
 * v0..v2, CreateTopics v0..v3); frames of other versions pass through unchanged. */
const MAX_METADATA_VERSION = 8;
const MAX_FIND_COORDINATOR_VERSION = 2;
const MAX_API_VERSIONS_VERSION = 2;
/** CreateTopics versions the proxy serves when the broker has none. */
const CREATE_TOPICS_VERSIONS = [0, 4] as const;
/** Kafka error code of a CreateTopics answer the mock could not give a code for. */
const UNKNOWN_SERVER_ERROR = -1;

interface Address {
  host: string;
  port: number;
}

const parse = (address: string): Address => {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
};

/** Splits a byte stream into Kafka frames (int32 big-endian size, then that many bytes). */
class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  /** Appends `chunk`; returns every complete frame (without its size prefix). */
  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: Buffer[] = [];
    while (this.buffered.length >= 4) {
      const size = this.buffered.readInt32BE(0);
      if (this.buffered.length < 4 + size) break;
      frames.push(this.buffered.subarray(4, 4 + size));
      this.buffered = this.buffered.subarray(4 + size);
    }
    return frames;
  }
}

const frame = (body: Buffer): Buffer => {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
};

/** A cursor over a response body; throws RangeError past the end (the frame is then passed on). */
class Cursor {
  offset = 0;
  constructor(readonly bytes: Buffer) {}
  int16(): number {
    const value = this.bytes.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }
  int32(): number {
    const value = this.bytes.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }
  int8(): number {
    const value = this.bytes.readInt8(this.offset);
    this.offset += 1;
    return value;
  }
  /** STRING / NULLABLE_STRING (int16 length, -1 = null). */
  string(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    if (this.offset + length > this.bytes.length) throw new RangeError('string past the frame');
    const value = this.bytes.toString('utf8', this.offset, this.offset + length);
    this.offset += length;
    return value;
  }
}

const int16 = (value: number) => {
  const bytes = Buffer.alloc(2);
  bytes.writeInt16BE(value, 0);
  return bytes;
};
const int32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32BE(value, 0);
  return bytes;
};
const string = (value: string | null) => {
  if (value === null) return int16(-1);
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([int16(bytes.length), bytes]);
};

/** What the proxies share: which upstream is which proxy, which brokers are down. */
interface Routing {
  /** Upstream `host:port` -> the proxy's address. */
  proxyOf: Map<string, Address>;
  /** Node ids taken down through {@link KafkaMock.down}. */
  down: Set<number>;
  /** Creates a topic in the mock: 0, or a Kafka error code. */
  createTopic(name: string, partitions: number): Promise<number>;
}

/**
 * Rewrites a Metadata response (non-flexible versions 0..8; the body after the response header):
 * brokers' host/port to their proxies', and a controller id that names no listed broker, or a
 * broker that is down, to the lowest-numbered listed broker that is up.
 */
function rewriteMetadataResponse(body: Buffer, version: number, routing: Routing): Buffer {
  const cursor = new Cursor(body);
  const parts: Buffer[] = [];
  if (version >= 3) parts.push(int32(cursor.int32())); // throttle_time_ms
  const count = cursor.int32();
  parts.push(int32(count));
  const ids: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const nodeId = cursor.int32();
    const host = cursor.string() ?? '';
    const port = cursor.int32();
    const proxy = routing.proxyOf.get(`${host}:${port}`) ?? { host, port };
    ids.push(nodeId);
    parts.push(int32(nodeId), string(proxy.host), int32(proxy.port));
    if (version >= 1) parts.push(string(cursor.string())); // rack
  }
  if (version >= 2) parts.push(string(cursor.string())); // cluster_id
  if (version >= 1) {
    const controller = cursor.int32();
    const up = ids.filter((id) => !routing.down.has(id)).sort((a, b) => a - b);
    const valid = ids.includes(controller) && !routing.down.has(controller);
    parts.push(int32(valid ? controller : (up[0] ?? ids[0] ?? controller)));
  }
  parts.push(body.subarray(cursor.offset)); // topics (and anything after) unchanged
  return Buffer.concat(parts);
}

/** Rewrites a FindCoordinator response's host/port (versions 0..2) to the coordinator's proxy. */
function rewriteFindCoordinatorResponse(body: Buffer, version: number, routing: Routing): Buffer {
  const cursor = new Cursor(body);
  if (version >= 1) cursor.int32(); // throttle_time_ms
  cursor.int16(); // error_code
  if (version >= 1) cursor.string(); // error_message
  cursor.int32(); // node_id
  const start = cursor.offset;
  const host = cursor.string() ?? '';
  const port = cursor.int32();
  const proxy = routing.proxyOf.get(`${host}:${port}`);
  if (!proxy) return body;
  return Buffer.concat([
    body.subarray(0, start),
    string(proxy.host),
    int32(proxy.port),
    body.subarray(cursor.offset),
  ]);
}

/**
 * Adds CreateTopics to an ApiVersions response (versions 0..2; the body after the response
 * header) unless the broker lists it; `undefined` when it is listed or the answer is an error.
 */
function addCreateTopics(body: Buffer, version: number): Buffer | undefined {
  const cursor = new Cursor(body);
  if (cursor.int16() !== 0) return undefined;
  const count = cursor.int32();
  const keys: Buffer[] = [];
  for (let i = 0; i < count; i += 1) {
    const start = cursor.offset;
    const key = cursor.int16();
    cursor.int16();
    cursor.int16();
    if (key === CREATE_TOPICS) return undefined;
    keys.push(body.subarray(start, cursor.offset));
  }
  const [min, max] = CREATE_TOPICS_VERSIONS;
  keys.push(Buffer.concat([int16(CREATE_TOPICS), int16(min), int16(max)]));
  const tail = version >= 1 ? body.subarray(cursor.offset) : Buffer.alloc(0); // throttle_time_ms
  return Buffer.concat([int16(0), int32(keys.length), ...keys, tail]);
}

/** Answers a CreateTopics request (non-flexible versions 0..4) by creating its topics in the mock. */
async function serveCreateTopics(request: Buffer, version: number, routing: Routing) {
  const cursor = new Cursor(request);
  cursor.offset = 8; // api_key, api_version, correlation_id
  cursor.string(); // client_id
  const topics: { name: string; partitions: number }[] = [];
  const count = cursor.int32();
  for (let i = 0; i < count; i += 1) {
    const name = cursor.string() ?? '';
    const partitions = cursor.int32();
    cursor.int16(); // replication_factor: the mock's topic command always uses 1
    const assignments = cursor.int32();
    for (let a = 0; a < assignments; a += 1) {
      cursor.int32();
      const replicas = cursor.int32();
      cursor.offset += 4 * Math.max(replicas, 0);
    }
    const configs = cursor.int32();
    for (let c = 0; c < configs; c += 1) {
      cursor.string();
      cursor.string();
    }
    // -1 is "the broker's default"; Kafka's `num.partitions` default is 1.
    topics.push({ name, partitions: partitions > 0 ? partitions : Math.max(assignments, 1) });
  }
  cursor.int32(); // timeout_ms
  const validateOnly = version >= 1 && cursor.int8() !== 0;
  const parts: Buffer[] = [];
  if (version >= 2) parts.push(int32(0)); // throttle_time_ms
  parts.push(int32(topics.length));
  for (const topic of topics) {
    const code = validateOnly ? 0 : await routing.createTopic(topic.name, topic.partitions);
    parts.push(string(topic.name), int16(code));
    if (version >= 1) parts.push(string(code === 0 ? null : `mock topic create: error ${code}`));
  }
  return Buffer.concat(parts);
}

interface BrokerProxy {
  address: Address;
  /** Down: closes every connection and stops listening (connections are refused) until up. */
  setDown(down: boolean): Promise<void>;
  close(): Promise<void>;
}

/** One proxy in front of one mock broker; decodes each connection's requests and responses. */
async function startBrokerProxy(upstream: Address, routing: Routing): Promise<BrokerProxy> {
  const open = new Set<Socket>();

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    /** correlation id -> [api key, api version] of the requests awaiting their responses. */
    const pending = new Map<number, [number, number]>();
    const requests = new FrameReader();
    const responses = new FrameReader();
    /** Set when this broker's ApiVersions lacked CreateTopics: the proxy answers it. */
    let servesCreateTopics = false;
    const broker = createConnection(upstream);
    open.add(broker);
    const close = () => {
      open.delete(client);
      open.delete(broker);
      client.destroy();
      broker.destroy();
    };
    const answer = (correlationId: number, body: Buffer) => {
      if (!client.destroyed) client.write(frame(Buffer.concat([int32(correlationId), body])));
    };
    broker.once('connect', () => client.resume());
    client.on('data', (chunk: Buffer) => {
      for (const request of requests.push(chunk)) {
        // Request header: api_key int16, api_version int16, correlation_id int32, client_id.
        if (request.length < 8) {
          broker.write(frame(request));
          continue;
        }
        const [key, version, correlationId] = [
          request.readInt16BE(0),
          request.readInt16BE(2),
          request.readInt32BE(4),
        ];
        if (key === CREATE_TOPICS && servesCreateTopics) {
          serveCreateTopics(request, version, routing).then(
            (body) => answer(correlationId, body),
            close,
          );
          continue;
        }
        pending.set(correlationId, [key, version]);
        broker.write(frame(request));
      }
    });
    broker.on('data', (chunk: Buffer) => {
      for (const response of responses.push(chunk)) {
        // Response header (v0, as for every non-flexible version): correlation_id int32.
        const correlationId = response.readInt32BE(0);
        const [key, version] = pending.get(correlationId) ?? [-1, -1];
        pending.delete(correlationId);
        let body: Buffer | undefined;
        try {
          if (key === METADATA && version <= MAX_METADATA_VERSION) {
            body = rewriteMetadataResponse(response.subarray(4), version, routing);
          } else if (key === FIND_COORDINATOR && version <= MAX_FIND_COORDINATOR_VERSION) {
            body = rewriteFindCoordinatorResponse(response.subarray(4), version, routing);
          } else if (key === API_VERSIONS && version <= MAX_API_VERSIONS_VERSION) {
            body = addCreateTopics(response.subarray(4), version);
            if (body) servesCreateTopics = true;
          }
        } catch {
          body = undefined; // not decodable: pass it on as it is, the client reports it
        }
        if (body) answer(correlationId, body);
        else client.write(frame(response));
      }
    });
    client.on('error', close);
    client.on('close', close);
    broker.on('error', close);
    broker.on('close', close);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : 0;
  const stopListening = () =>
    new Promise<void>((resolve) => {
      for (const socket of open) socket.destroy();
      if (server.listening) server.close(() => resolve());
      else resolve();
    });
  return {
    address: { host: '127.0.0.1', port },
    // Down as the mock's own broker is down: the port refuses connections (ECONNREFUSED).
    async setDown(down) {
      if (down) await stopListening();
      else if (!server.listening) await listen(port);
    },
    close: stopListening,
  };
}

/**
 * Starts the librdkafka mock cluster with `brokers` brokers (ids 1..n) behind one Metadata-fixing
 * proxy per broker, so kafkajs' defaults work against it: the idempotent producer and topic
 * creation by the admin client. `brokers` of the result are the proxies' addresses; `down(id)`
 * takes the mock broker down and makes its proxy reset every connection until `up(id)`.
 */
export async function startKafkaCluster(brokers = 3): Promise<KafkaMock> {
  const mock = await startKafkaMock(brokers);
  const routing: Routing = {
    proxyOf: new Map(),
    down: new Set(),
    async createTopic(name, partitions) {
      try {
        await mock.createTopic(name, partitions);
        return 0;
      } catch (error) {
        if (!(error instanceof KafkaMockCommandError)) return UNKNOWN_SERVER_ERROR;
        return Number.isInteger(error.result) && error.result !== 0
          ? error.result
          : UNKNOWN_SERVER_ERROR;
      }
    },
  };
  const proxies: BrokerProxy[] = [];
  try {
    // The mock lists its bootstrap addresses in broker id order: proxies[i] is broker i + 1.
    for (const upstream of mock.brokers) {
      const proxy = await startBrokerProxy(parse(upstream), routing);
      routing.proxyOf.set(upstream, proxy.address);
      proxies.push(proxy);
    }
  } catch (error) {
    await Promise.all(proxies.map((proxy) => proxy.close()));
    await mock.stop();
    throw error;
  }
  const proxyOf = (id: number) => {
    const proxy = proxies[id - 1];
    if (!proxy) throw new Error(`kafka cluster has no broker ${id} (ids 1..${proxies.length})`);
    return proxy;
  };
  return {
    brokers: proxies.map((proxy) => `${proxy.address.host}:${proxy.address.port}`),
    async down(id = 1) {
      const proxy = proxyOf(id);
      await mock.down(id);
      routing.down.add(id);
      await proxy.setDown(true);
    },
    async up(id = 1) {
      const proxy = proxyOf(id);
      await mock.up(id);
      await proxy.setDown(false);
      routing.down.delete(id);
    },
    createTopic: (name, partitions) => mock.createTopic(name, partitions),
    async stop() {
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await mock.stop();
    },
  };
}
