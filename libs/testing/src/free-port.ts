import { once } from 'node:events';
import * as net from 'node:net';

/** A TCP port on 127.0.0.1 that was free a moment ago (for servers that must be given a port up front). */
export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
