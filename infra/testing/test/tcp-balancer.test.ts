import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTcpBalancer, type TcpBalancer } from '../src/tcp-balancer';

/** A TCP server that answers every connection with its name, then keeps it open. */
async function namedServer(name: string): Promise<Server> {
  const server = createServer((socket) => socket.write(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return server;
}
const addressOf = (server: Server) => `127.0.0.1:${(server.address() as AddressInfo).port}`;

/** Connects through the balancer; resolves with the first data and a "closed" promise. */
function ask(port: number): Promise<{ answer: string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.once('data', (data) => resolve({ answer: data.toString(), closed }));
    socket.once('error', reject);
  });
}

let balancer: TcpBalancer | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await balancer?.close();
  for (const server of servers.splice(0)) server.close();
});

describe('startTcpBalancer', () => {
  it('spreads connections round-robin and skips a replica that refuses them', async () => {
    const a = await namedServer('a');
    const b = await namedServer('b');
    servers.push(a, b);
    balancer = await startTcpBalancer([addressOf(a), addressOf(b)]);
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push((await ask(balancer.port)).answer);
    expect(answers.sort()).toEqual(['a', 'a', 'b', 'b']);

    b.close(); // stops accepting; the connections it served stay open
    const after = [];
    for (let i = 0; i < 3; i += 1) after.push((await ask(balancer.port)).answer);
    expect(after).toEqual(['a', 'a', 'a']);
  });

  it('closes the client side when its replica goes away, so the client reconnects elsewhere', async () => {
    const sockets: Socket[] = [];
    const dying = createServer((socket) => {
      sockets.push(socket);
      socket.write('dying');
    });
    await new Promise<void>((resolve) => dying.listen(0, '127.0.0.1', () => resolve()));
    const alive = await namedServer('alive');
    servers.push(alive);
    balancer = await startTcpBalancer([addressOf(dying), addressOf(alive)]);
    const first = await ask(balancer.port);
    expect(first.answer).toBe('dying');
    for (const socket of sockets) socket.destroy();
    dying.close();
    await first.closed;
    expect((await ask(balancer.port)).answer).toBe('alive');
  });

  it("connects to the backend from the client's own loopback address with sourceAddress: 'client'", async () => {
    // The backend answers with the address it sees the connection come from.
    const seen = createServer((socket) => socket.end(socket.remoteAddress ?? ''));
    await new Promise<void>((resolve) => seen.listen(0, '127.0.0.1', () => resolve()));
    servers.push(seen);
    const from = (port: number, localAddress: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect({ port, host: '127.0.0.1', localAddress });
        let text = '';
        socket.on('data', (data) => (text += data.toString()));
        socket.once('close', () => resolve(text.replace(/^::ffff:/, '')));
        socket.once('error', reject);
      });
    balancer = await startTcpBalancer([addressOf(seen)], { sourceAddress: 'client' });
    expect(await from(balancer.port, '127.0.0.7')).toBe('127.0.0.7');
    await balancer.close();
    balancer = await startTcpBalancer([addressOf(seen)]);
    expect(await from(balancer.port, '127.0.0.7')).toBe('127.0.0.1');
  });
});
