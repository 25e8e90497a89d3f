import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy a test can cut (every connection dropped, new ones refused), stall (a network partition:
 * nothing gets through, nothing is refused) and restore on the same port.
 */
export interface TcpProxy {
  readonly port: number;
  /** Drops every connection and stops listening: clients see their connection die, then ECONNREFUSED. */
  cut(): Promise<void>;
  /**
   * A partition: connections stay open and new ones are accepted, but no byte passes either way (they
   * wait in the proxy, as unacknowledged segments wait in a real network) until {@link TcpProxy.restore}.
   */
  stall(): void;
  /** Listens again on the same port after a cut; lets the held bytes and connections through after a stall. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

interface Link {
  readonly client: Socket;
  upstream: Socket | undefined;
}

/**
 * Starts a proxy on a free local port that forwards every connection to `targetHost:targetPort`. Lets a
 * test take a server (Redis, PostgreSQL) away from one client without stopping the machine's server.
 *
 * @example
 * ```ts
 * const proxy = await startTcpProxy(6379);
 * const backend = createBullmqBackend({ url: `redis://127.0.0.1:${proxy.port}` });
 * await proxy.cut();      // Redis is "down" for this backend
 * await proxy.restore();  // and back
 * proxy.stall();          // Redis stops answering
 * await proxy.restore();  // and answers again
 * ```
 */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const links = new Set<Link>();
  let server: Server | undefined;
  let port = 0;
  let stalled = false;

  const drop = (link: Link): void => {
    link.client.destroy();
    link.upstream?.destroy();
    links.delete(link);
  };
  const open = (link: Link): void => {
    const upstream = connect(targetPort, targetHost);
    link.upstream = upstream;
    upstream.on('error', () => drop(link));
    upstream.on('close', () => drop(link));
    flow(link);
  };
  const flow = (link: Link): void => {
    if (!link.upstream) {
      open(link);
      return;
    }
    link.client.pipe(link.upstream);
    link.upstream.pipe(link.client);
    link.client.resume();
    link.upstream.resume();
  };
  const hold = (link: Link): void => {
    link.client.unpipe();
    link.upstream?.unpipe();
    link.client.pause();
    link.upstream?.pause();
  };

  const forward = (client: Socket): void => {
    const link: Link = { client, upstream: undefined };
    links.add(link);
    client.on('error', () => drop(link));
    client.on('close', () => drop(link));
    if (stalled) client.pause();
    else open(link);
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
    stalled = false;
    for (const link of [...links]) drop(link);
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await listen();
  return {
    get port() {
      return port;
    },
    cut,
    stall() {
      stalled = true;
      for (const link of links) hold(link);
    },
    async restore() {
      if (stalled) {
        stalled = false;
        for (const link of links) flow(link);
      }
      if (server === undefined) await listen();
    },
    close: cut,
  };
}
