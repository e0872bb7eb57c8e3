import * as net from 'node:net';

/**
 * Test-only: a TCP proxy between a client and a real server that can cut every open connection and refuse
 * new ones, as a network partition or a broker restart would.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private refusing = false;
  private constructor(
    private readonly server: net.Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const holder: { proxy?: TcpProxy } = {};
    const server = net.createServer((client) => {
      const proxy = holder.proxy;
      if (!proxy || proxy.refusing) {
        client.destroy();
        return;
      }
      const upstream = net.connect({ host: targetHost, port: targetPort });
      for (const socket of [client, upstream]) {
        proxy.sockets.add(socket);
        socket.on('close', () => proxy.sockets.delete(socket));
        socket.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.proxy = new TcpProxy(server, (server.address() as net.AddressInfo).port);
    return holder.proxy;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  /** Cuts every open connection; with `refuse`, new ones are closed at once until `restore`. */
  cut({ refuse = false } = {}): void {
    this.refusing = refuse;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.refusing = false;
  }

  async close(): Promise<void> {
    this.cut({ refuse: true });
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
