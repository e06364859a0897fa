import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of PostgreSQL for outage tests: `cut()` drops every connection and refuses new
 * ones (the database is gone, as the client sees it), `stall()` keeps connections open but passes no
 * byte (a database that hangs), `restore()` brings it back. Only the clients that connect through the
 * proxy are affected, so the shared server of the other tests is left alone.
 */
export class TcpProxy {
  private server?: Server;
  private readonly pairs = new Set<[Socket, Socket]>();
  private readonly paused = new Set<[Socket, Socket]>();
  private mode: 'open' | 'cut' | 'stalled' = 'open';
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  /** A postgres:// URL of `databaseUrl`'s database, reached through the proxy. */
  static forDatabase(databaseUrl: string): { proxy: TcpProxy; url: (database: string) => string } {
    const target = new URL(databaseUrl);
    const proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    return {
      proxy,
      url: (database) => {
        const url = new URL(databaseUrl);
        url.host = `127.0.0.1:${proxy.port}`;
        url.pathname = `/${database}`;
        return url.toString();
      },
    };
  }

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (this.mode === 'cut') {
        client.destroy();
        return;
      }
      const upstream = connect(this.target.port, this.target.host);
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.pairs.delete(pair);
        this.paused.delete(pair);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
      if (this.mode === 'stalled') this.pause(pair);
      else {
        client.pipe(upstream);
        upstream.pipe(client);
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  cut(): void {
    this.mode = 'cut';
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
    this.paused.clear();
  }

  stall(): void {
    this.mode = 'stalled';
    for (const pair of this.pairs) this.pause(pair);
  }

  restore(): void {
    this.mode = 'open';
    for (const [client, upstream] of this.paused) {
      client.pipe(upstream);
      upstream.pipe(client);
    }
    this.paused.clear();
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private pause(pair: [Socket, Socket]): void {
    const [client, upstream] = pair;
    if (this.paused.has(pair)) return;
    this.paused.add(pair);
    client.unpipe(upstream);
    upstream.unpipe(client);
    client.pause();
    upstream.pause();
  }
}
