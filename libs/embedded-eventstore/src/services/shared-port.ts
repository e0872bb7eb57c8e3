import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { TlsMaterial } from '@shop/embedded-tls';
import { type Server, ServerCredentials } from '@grpc/grpc-js';

/** Every HTTP/2 connection starts with this preface; HTTP/1.x starts with a method name instead. */
const HTTP2_PREFACE = Buffer.from('PRI * HTTP/2.0');

export interface SharedPort {
  port: number;
  close(): Promise<void>;
}

/**
 * One port for gRPC and HTTP, as a real node serves both on 2113. In the clear the first bytes of each
 * connection say which it is; under TLS (`tls` given) ALPN does, as on a secure node. HTTP/2 goes to the gRPC
 * server (through grpc-js's connection injector, after TLS is terminated here), HTTP/1.x to `http`.
 */
export const listenShared = async (
  grpc: Server,
  http: (req: IncomingMessage, res: ServerResponse) => void,
  host: string,
  port: number,
  tls?: TlsMaterial,
): Promise<SharedPort> => {
  const injector = grpc.createConnectionInjector(ServerCredentials.createInsecure());
  const httpServer = createHttpServer(http);
  const sockets = new Set<Socket>();
  const route = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const enough = Math.min(head.length, HTTP2_PREFACE.length);
      const isHttp2 = head.subarray(0, enough).equals(HTTP2_PREFACE.subarray(0, enough));
      if (isHttp2 && head.length < 3) return; // too short to tell "PRI" from the start of a method
      socket.off('data', onData);
      socket.pause();
      socket.unshift(head);
      if (isHttp2) {
        // The HTTP/2 session reads what is buffered itself and then takes over the socket's handle:
        // resuming the JS stream here would steal its bytes.
        injector.injectConnection(socket);
      } else {
        httpServer.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  };
  const routeSecure = (socket: TLSSocket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (socket.alpnProtocol === 'h2') injector.injectConnection(socket);
    else httpServer.emit('connection', socket);
  };
  const listener: NetServer = tls
    ? createTlsServer({ key: tls.key, cert: tls.cert, ALPNProtocols: ['h2', 'http/1.1'] }, routeSecure).on(
        'tlsClientError',
        (_error, socket) => socket.destroy(),
      )
    : createServer(route);
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, host, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const address = listener.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        injector.destroy();
        httpServer.close();
        for (const socket of sockets) socket.destroy();
        listener.close(() => resolve());
      }),
  };
};
