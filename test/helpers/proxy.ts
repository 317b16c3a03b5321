// A small HTTP proxy on 127.0.0.1 for the network tests: absolute-URI forwarding for http,
// CONNECT tunnels for https, optional Basic authentication, and counters of what it saw.
// Host names are mapped (`hosts`) instead of resolved, so tests can point endpoints at a name
// that does not resolve anywhere else: only a request that really went through this proxy can
// reach the emulator. It never connects to anything but loopback.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { connect, isIP, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxyOptions {
  /** Host name (lower case) → loopback address. Other names are refused (502). */
  hosts?: Record<string, string>;
  /** Require `Proxy-Authorization: Basic` with these credentials (407 otherwise). */
  auth?: { user: string; password: string };
  /** Speak TLS to clients (an https:// proxy) with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
}

export interface ProxyCounters {
  /** CONNECT requests that were allowed and tunnelled. */
  connect: number;
  /** Absolute-URI requests that were forwarded. */
  forward: number;
  /** Requests answered 407. */
  rejected: number;
  /** Every target asked for, as host:port, in order. */
  targets: string[];
  /** Proxy-Authorization header values received (to check what the client sent). */
  authorizations: string[];
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1)$/;

export class TestProxy {
  readonly url: string;
  readonly port: number;
  readonly counters: ProxyCounters = { connect: 0, forward: 0, rejected: 0, targets: [], authorizations: [] };
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  private constructor(server: Server, secure: boolean) {
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.url = secure ? `https://localhost:${this.port}` : `http://127.0.0.1:${this.port}`;
  }

  static async start(options: ProxyOptions = {}): Promise<TestProxy> {
    let proxy: TestProxy | undefined;
    const onRequest = (req: IncomingMessage, res: import('node:http').ServerResponse) => {
      if (!proxy) return res.destroy();
      const target = proxy.admit(req, options);
      if (typeof target === 'number') {
        res.writeHead(target, target === 407 ? { 'proxy-authenticate': 'Basic realm="test"' } : {});
        res.end(target === 407 ? 'proxy authentication required\n' : 'bad gateway\n');
        return;
      }
      let url: URL;
      try {
        url = new URL(req.url ?? '');
      } catch {
        res.writeHead(400).end('absolute URI required\n');
        return;
      }
      proxy.counters.forward++;
      const headers = { ...req.headers };
      delete headers['proxy-authorization'];
      delete headers['proxy-connection'];
      const upstream = httpRequest(
        { host: target.address, port: target.port, method: req.method, path: `${url.pathname}${url.search}`, headers },
        (reply) => {
          res.writeHead(reply.statusCode ?? 502, reply.headers);
          reply.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    };
    const server: Server = options.tls
      ? (createTlsServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) as unknown as Server)
      : createServer(onRequest);
    server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      if (!proxy) return client.destroy();
      proxy.track(client);
      const target = proxy.admit(req, options);
      if (typeof target === 'number') {
        const extra = target === 407 ? 'Proxy-Authenticate: Basic realm="test"\r\n' : '';
        client.end(
          `HTTP/1.1 ${target} ${target === 407 ? 'Proxy Authentication Required' : 'Bad Gateway'}\r\n${extra}Content-Length: 0\r\n\r\n`,
        );
        return;
      }
      proxy.counters.connect++;
      const upstream = connect(target.port, target.address, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (head.length > 0) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      proxy.track(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    server.on('connection', (socket: Socket) => proxy?.track(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    proxy = new TestProxy(server, options.tls !== undefined);
    return proxy;
  }

  /** The proxy URL with credentials in it, as a user would write it in HTTPS_PROXY. */
  urlWith(user: string, password: string): string {
    const u = new URL(this.url);
    return `${u.protocol}//${encodeURIComponent(user)}:${encodeURIComponent(password)}@${u.host}`;
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.server.closeAllConnections();
    await closed;
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** Where the request may go, or the status to refuse it with. */
  private admit(req: IncomingMessage, options: ProxyOptions): { address: string; port: number } | number {
    const authorization = req.headers['proxy-authorization'];
    if (authorization) this.counters.authorizations.push(authorization);
    if (options.auth) {
      const expected = `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`).toString('base64')}`;
      if (authorization !== expected) {
        this.counters.rejected++;
        return 407;
      }
    }
    let host: string;
    let port: number;
    if (req.method === 'CONNECT') {
      const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(req.url ?? '');
      if (!m) return 400;
      host = m[1] as string;
      port = Number(m[2]);
    } else {
      try {
        const url = new URL(req.url ?? '');
        host = url.hostname;
        port = Number(url.port || 80);
      } catch {
        return 400;
      }
    }
    host = host.replace(/^\[|\]$/g, '').toLowerCase();
    this.counters.targets.push(`${host}:${port}`);
    const address = options.hosts?.[host] ?? (isIP(host) ? host : undefined);
    if (!address || !LOOPBACK.test(address)) return 502;
    return { address, port };
  }
}
