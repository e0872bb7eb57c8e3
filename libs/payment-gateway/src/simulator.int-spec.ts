import net from 'node:net';
import { startPaymentSimulator } from './simulator';

describe('payment simulator shutdown', () => {
  const connect = (url: string): Promise<net.Socket> =>
    new Promise((resolve, reject) => {
      const { hostname, port } = new URL(url);
      const socket = net.connect(Number(port), hostname, () => resolve(socket));
      socket.once('error', reject);
    });
  const closed = (socket: net.Socket): Promise<void> =>
    new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));

  it('stops at once while a client keeps a connection alive after its request', async () => {
    const sim = await startPaymentSimulator({ latencyMs: 0 });
    const socket = await connect(sim.url);
    const answered = new Promise<string>((resolve) =>
      socket.once('data', (chunk) => resolve(chunk.toString())),
    );
    socket.write('GET /charges/none HTTP/1.1\r\nHost: sim\r\nConnection: keep-alive\r\n\r\n');
    expect(await answered).toMatch(/^HTTP\/1\.1 \d{3}/);

    await sim.stop();
    await closed(socket);
    expect(socket.destroyed).toBe(true);
  });

  it('stops at once while a client has sent only part of a request', async () => {
    const sim = await startPaymentSimulator({ latencyMs: 0 });
    const socket = await connect(sim.url);
    socket.write('POST /charges HTTP/1.1\r\nHost: sim\r\n');
    // Not idle in Node's sense: without forced closing, close() waits for the headers timeout (60 s).
    await sim.stop();
    await closed(socket);
    expect(socket.destroyed).toBe(true);
  });
});
