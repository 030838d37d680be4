import { createServer, connect, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  /** The loopback port that forwards to the target. */
  port: number;
  /**
   * Cuts every connection through the proxy and stops listening, so new connections are refused:
   * to the client, the server has gone away.
   */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  /** What happens to new connections: forwarded, or accepted and never answered, like a host behind a firewall that drops packets. */
  mode: 'forward' | 'silent';
  /**
   * Stops passing bytes on every open connection, either way, and leaves new ones silent, without
   * closing anything: a network that starts dropping packets, with no RST and no FIN.
   */
  stall(): void;
  /** Passes bytes again on the connections still open, and forwards new ones. */
  unstall(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy on loopback between a client and `target`, which a test can cut and restore: the
 * network between a node and its database, without touching the database server itself.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  /** Each forwarded connection: the client's side and the target's. */
  const pairs = new Set<[Socket, Socket]>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const onConnection = (client: Socket) => {
    track(client);
    if (proxy.mode === 'silent') return;
    const upstream = connect(target.port, target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    // A side that closes ends the other: the database server then ends the session it held.
    client.on('close', () => {
      pairs.delete(pair);
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
  };
  let server: Server = createServer(onConnection);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve((server.address() as { port: number }).port));
    });
  const port = await listen(0);
  let listening = true;
  const stop = async () => {
    const closed = listening ? new Promise((resolve) => server.close(resolve)) : Promise.resolve();
    listening = false;
    for (const s of sockets) s.destroy();
    await closed;
  };
  const proxy: TcpProxy = {
    port,
    mode: 'forward',
    cut: stop,
    stall() {
      proxy.mode = 'silent';
      for (const [client, upstream] of pairs) {
        client.unpipe(upstream);
        upstream.unpipe(client);
        client.pause();
        upstream.pause();
      }
    },
    unstall() {
      proxy.mode = 'forward';
      for (const [client, upstream] of pairs) {
        client.pipe(upstream);
        upstream.pipe(client);
      }
    },
    async restore() {
      if (listening) return;
      server = createServer(onConnection);
      await listen(port);
      listening = true;
    },
    close: stop,
  };
  return proxy;
}

/** The host and port of a database URL (PostgreSQL's 5432 when it names none), for a proxy to forward to. */
export function serverOf(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432) };
}

/** `url` with its host and port replaced by the proxy's. */
export function throughProxy(url: string, proxy: TcpProxy): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(proxy.port);
  return u.toString();
}
