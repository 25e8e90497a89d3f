import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/** A TCP proxy a test can cut (every connection dropped, new ones refused) and restore on the same port. */
export interface TcpProxy {
  readonly port: number;
  /** Drops every connection and stops listening: clients see their connection die, then ECONNREFUSED. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts a proxy on a free local port that forwards every connection to `targetHost:targetPort`. Lets a
 * test take "Redis" away from one client without stopping the machine's Redis server.
 *
 * @example
 * ```ts
 * const proxy = await startTcpProxy(6379);
 * const backend = createBullmqBackend({ url: `redis://127.0.0.1:${proxy.port}` });
 * await proxy.cut();      // Redis is "down" for this backend
 * await proxy.restore();  // and back
 * ```
 */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;

  const forward = (client: Socket): void => {
    const upstream = connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', drop);
      s.on('close', drop);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  };

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = createServer(forward);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });

  const cut = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    cut,
    restore: listen,
    close: cut,
  };
}
