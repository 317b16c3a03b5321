// ssohelper's one HTTP client: HTTP/1.1 written and read by wire.ts over Node's net and tls
// sockets. Every request picks direct or proxy (proxy.ts: an absolute-URI request for http, a
// CONNECT tunnel for https, to an http:// or https:// proxy), trusts what trust.ts says, ends
// when it does not connect or goes quiet (connect and read timeouts that throw), and labels its
// failures with where they happened so that failure.ts can name the proxy, the host and the
// setting to fix. The AWS SDK clients reach it through handler.ts; the SSO portal calls
// (src/sso/portal.ts) use it directly.
// Our own rather than node:http or fetch, re-measured (issue 22, Node 24.x, a bare script per
// client making one request to a local server, CPU time over `node -e 0`, median of 11 on the
// shared 2-core machine): plain, net 14 ms, node:http 15 ms, fetch (undici, loaded lazily)
// 87 ms; over TLS, tls 45 ms, node:https 55 ms. node:http has caught up on plain HTTP (it cost
// twice net's when this client was written); over TLS, where real AWS calls go, it still costs
// about 10 ms more, fetch costs several times more everywhere. What keeps this client is
// that and proxies: node:http's proxy support exists only from Node 24, and the npm package runs
// on Node 20, where a CONNECT tunnel would have to be written anyway. Re-measure when Node 20
// leaves the supported range. node:net (and node:tls, only for https) load at the first
// request, not with this module.
import type { Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import type { Env } from '../config/files.ts';
import type { HttpTarget, NetContext } from './failure.ts';
import { attachContext, PROXY_AUTH_CODE } from './failure.ts';
import { type ProxyServer, proxyFor } from './proxy.ts';
import type { NetworkSettings } from './settings.ts';
import type { TlsSessions } from './tlsSessions.ts';
import { type Answer, AnswerReader, requestBytes } from './wire.ts';

export interface HttpRequest {
  method: string;
  protocol: string;
  /** A host name or an IP address; an IPv6 address with or without its brackets. */
  host: string;
  port?: number | undefined;
  /** Path and query, already encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | undefined;
  signal?: AbortSignal | undefined;
}

export interface HttpResponse {
  status: number;
  reason: string;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  /** The whole body: every caller wants all of it, bounded. */
  body: Buffer;
}

export interface Logger {
  debug(message: string): void;
}

/** Bigger than any answer of the AWS APIs we call; callers that know better pass their own. */
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

/** Methods whose empty body is still announced, as Node's http does (some servers want it). */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Set by us from the request itself; a caller's value would contradict the bytes we send. */
const OWN_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection']);

/** The caller's Host when it set one (the SDK signs the value it sets), else ours. */
function hostOf(r: HttpRequest, target: HttpTarget, https: boolean): string {
  const given = Object.entries(r.headers).find(([name]) => name.toLowerCase() === 'host')?.[1];
  return given ?? hostHeader(target, https);
}

export class HttpClient {
  /** Idle kept-alive connections by destination (the proxy included): list and sync reuse them. */
  private readonly idle = new Map<string, Socket[]>();
  private readonly env: Env;
  private readonly settings: NetworkSettings;
  private readonly ca: string[] | undefined;
  private readonly log: Logger;
  /** False for an endpoint that is always reached directly (net/client.ts, EndpointKind). */
  private readonly useProxy: boolean;

  /** TLS sessions kept between runs (tlsSessions.ts); undefined keeps none. */
  private readonly sessions: TlsSessions | undefined;

  constructor(
    env: Env,
    settings: NetworkSettings,
    ca: string[] | undefined,
    log: Logger,
    useProxy = true,
    sessions?: TlsSessions,
  ) {
    this.env = env;
    this.settings = settings;
    this.ca = ca;
    this.log = log;
    this.useProxy = useProxy;
    this.sessions = sessions;
  }

  /** Sends the request and reads the whole answer; a body over `maxBytes` is a failure, not a cut. */
  async send(r: HttpRequest, maxBytes = DEFAULT_MAX_BYTES): Promise<HttpResponse> {
    const host = r.host.replace(/^\[|\]$/g, '');
    const https = r.protocol === 'https:';
    if (!https && r.protocol !== 'http:') throw new Error(`unsupported protocol ${r.protocol}`);
    const target: HttpTarget = { host, port: r.port || (https ? 443 : 80), protocol: r.protocol };
    const proxy = this.useProxy
      ? proxyFor({ protocol: r.protocol, hostname: host, port: target.port }, this.env)
      : undefined;
    const context: NetContext = {
      target,
      proxy: proxy && { display: proxy.display, source: proxy.source, hasCredentials: proxy.hasCredentials },
      caSource: this.settings.caBundle?.source,
      useSystemCa: this.settings.useSystemCa,
      connectTimeoutMs: this.settings.connectTimeoutMs,
      readTimeoutMs: this.settings.readTimeoutMs,
    };
    this.log.debug(
      `${r.protocol}//${host}:${target.port} ${proxy ? `via proxy ${proxy.display} (${proxy.source})` : 'direct'}`,
    );
    let answer: Answer;
    try {
      answer = await this.exchange(r, target, proxy, maxBytes);
    } catch (err) {
      throw attachContext(err, context, proxy?.url);
    }
    // Through a plain-http proxy the 407 comes back as an answer, not as a failed tunnel.
    if (proxy && !https && answer.status === 407) {
      throw attachContext(
        Object.assign(new Error('proxy authentication required'), { code: PROXY_AUTH_CODE, statusCode: 407 }),
        context,
        proxy.url,
      );
    }
    return { status: answer.status, reason: answer.reason, headers: answer.headers, body: answer.body };
  }

  /** Sends and reads the whole answer as text. */
  async fetchText(
    r: HttpRequest,
    maxBytes: number,
  ): Promise<{ status: number; headers: Record<string, string>; text: string }> {
    const res = await this.send(r, maxBytes);
    return { status: res.status, headers: res.headers, text: res.body.toString('utf8') };
  }

  /** Closes the kept-alive connections. */
  destroy(): void {
    for (const sockets of this.idle.values()) for (const s of sockets) s.destroy();
    this.idle.clear();
  }

  private async exchange(
    r: HttpRequest,
    target: HttpTarget,
    proxy: ProxyServer | undefined,
    maxBytes: number,
  ): Promise<Answer> {
    if (r.signal?.aborted) throw abortError(r.signal);
    const https = target.protocol === 'https:';
    const key = `${proxy?.url ?? ''} ${target.protocol}//${target.host}:${target.port}`;
    const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
    const headers: Array<[string, string]> = [['Host', hostOf(r, target, https)]];
    for (const [name, value] of Object.entries(r.headers))
      if (!OWN_HEADERS.has(name.toLowerCase())) headers.push([name, value]);
    if ((body && body.byteLength > 0) || BODY_METHODS.has(r.method))
      headers.push(['Content-Length', String(body?.byteLength ?? 0)]);
    // Plain http through a proxy: the proxy gets the whole URL, and its credentials.
    const viaProxy = proxy && !https;
    if (viaProxy && proxy.hasCredentials) headers.push(['Proxy-Authorization', basicAuth(proxy)]);
    const requestTarget = viaProxy ? `http://${hostHeader(target, false)}${r.path}` : r.path;
    const bytes = requestBytes(r.method, requestTarget, headers, body);

    const reused = this.takeIdle(key);
    if (reused) {
      try {
        return await this.roundTrip(reused, key, bytes, r, maxBytes);
      } catch (err) {
        // A kept-alive connection the server closed meanwhile fails before any answer: that is
        // not the server's answer to this request, so a GET goes once more on a new connection.
        if (!(err as { stale?: boolean }).stale || r.method !== 'GET') throw err;
      }
    }
    const socket = await this.connect(target, proxy, r.signal);
    return this.roundTrip(socket, key, bytes, r, maxBytes);
  }

  /** Writes the request on a connected socket and reads one answer, within the read timeout. */
  private async roundTrip(
    socket: Socket,
    key: string,
    bytes: Buffer,
    r: HttpRequest,
    maxBytes: number,
  ): Promise<Answer> {
    const reader = new AnswerReader({ method: r.method, maxBodyBytes: maxBytes });
    socket.ref();
    try {
      await readAnswer(socket, bytes, reader, {
        readTimeoutMs: this.settings.readTimeoutMs,
        requestTimeoutMs: this.settings.requestTimeoutMs,
        signal: r.signal,
      });
    } catch (err) {
      socket.destroy();
      const code = (err as NodeJS.ErrnoException).code;
      if (!reader.started && (code === 'ECONNRESET' || code === 'EPIPE')) Object.assign(err as Error, { stale: true });
      throw err;
    }
    const answer = reader.answer();
    if (answer.keepAlive && !socket.destroyed && socket.writable) this.keepIdle(key, socket);
    else socket.destroy();
    return answer;
  }

  /**
   * A connection ready for the request: TCP to the host or proxy, the proxy's TLS for an https://
   * proxy, the CONNECT tunnel and TLS to the host for https. All of it within the connect timeout.
   */
  private async connect(
    target: HttpTarget,
    proxy: ProxyServer | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Socket> {
    const https = target.protocol === 'https:';
    const { connectTimeoutMs } = this.settings;
    let current: Socket | undefined;
    let stop: ((err: Error) => void) | undefined;
    const stopped = new Promise<never>((_, reject) => {
      stop = (err) => {
        current?.destroy();
        reject(err);
      };
    });
    stopped.catch(() => undefined);
    const timer =
      connectTimeoutMs > 0
        ? setTimeout(
            () => stop?.(timeoutError(`did not establish a connection within ${connectTimeoutMs} ms`)),
            connectTimeoutMs,
          )
        : undefined;
    const onAbort = () => stop?.(abortError(signal as AbortSignal));
    signal?.addEventListener('abort', onAbort, { once: true });
    const step = <T extends Socket>(socket: T, ready: string): Promise<T> => {
      current = socket;
      return Promise.race([stopped, readyOrFailed(socket, ready)]);
    };
    try {
      if (!proxy)
        return https
          ? await step(await this.tlsTo(target.host, target.port), 'secureConnect')
          : await step(tcpTo(target.host, target.port), 'connect');
      let socket: Socket = proxy.url.startsWith('https:')
        ? await step(await this.tlsTo(proxy.host, proxy.port), 'secureConnect')
        : await step(tcpTo(proxy.host, proxy.port), 'connect');
      if (!https) return socket;
      socket = await Promise.race([stopped, this.tunnel(socket, target, proxy)]);
      return await step(await this.tlsTo(target.host, target.port, socket), 'secureConnect');
    } catch (err) {
      current?.destroy();
      throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * TLS to `host`, resuming the session an earlier run kept for it when there is one (the
   * server may still refuse it: then the handshake is a full one), and keeping the new one.
   */
  private async tlsTo(host: string, port: number, socket?: Socket): Promise<TLSSocket> {
    const tls = process.getBuiltinModule('node:tls');
    const { isIP } = process.getBuiltinModule('node:net');
    const options: ConnectionOptions = {
      // With a tunnel, `host` is still the name the certificate is checked against.
      ...(socket ? { socket, host } : { host, port }),
      // SNI takes names only; an address is checked against the certificate's IP entries.
      servername: isIP(host) ? undefined : host,
      ca: this.ca,
      ALPNProtocols: ['http/1.1'],
    };
    const kept = await this.sessions?.load(host, port);
    let connection: TLSSocket;
    try {
      connection = tls.connect(kept ? { ...options, session: kept } : options);
    } catch (err) {
      // Bytes OpenSSL cannot read as a session: forget them, and connect as if there were none.
      if (!kept) throw err;
      this.sessions?.drop(host, port);
      connection = tls.connect(options);
    }
    if (this.sessions) {
      const sessions = this.sessions;
      connection.on('session', (session: Buffer) => sessions.save(host, port, session));
      if (kept)
        connection.once('secureConnect', () =>
          this.log.debug(
            `TLS to ${host}:${port}: ${connection.isSessionReused() ? 'session resumed' : 'full handshake (the kept session was refused)'}`,
          ),
        );
    }
    return connection;
  }

  /** Asks the proxy for a tunnel to the target; a refusal fails with ERR_PROXY_TUNNEL and the status, for failure.ts. */
  private async tunnel(socket: Socket, target: HttpTarget, proxy: ProxyServer): Promise<Socket> {
    const to = authority(target.host, target.port);
    const headers: Array<[string, string]> = [['Host', to]];
    if (proxy.hasCredentials) headers.push(['Proxy-Authorization', basicAuth(proxy)]);
    const reader = new AnswerReader({ method: 'CONNECT', maxBodyBytes: 0, headOnly: true });
    try {
      await readAnswer(socket, requestBytes('CONNECT', to, headers, undefined), reader, {});
    } catch (err) {
      socket.destroy();
      // The reader's "socket hang up": the connection ended before the proxy said a word.
      if (reader.started || (err as Error).message !== 'socket hang up') throw err;
      throw Object.assign(new Error('the proxy closed the connection instead of answering CONNECT'), {
        code: 'ECONNRESET',
      });
    }
    const answer = reader.answer();
    if (answer.status !== 200) {
      socket.destroy();
      throw Object.assign(new Error(`the proxy answered CONNECT with HTTP ${answer.status}`), {
        code: 'ERR_PROXY_TUNNEL',
        statusCode: answer.status,
      });
    }
    // Bytes after the proxy's answer are the target's (TLS): give them back to the socket.
    if (reader.rest.length > 0) socket.unshift(reader.rest);
    return socket;
  }

  private takeIdle(key: string): Socket | undefined {
    const sockets = this.idle.get(key);
    while (sockets?.length) {
      const socket = sockets.pop() as Socket;
      socket.removeAllListeners('close');
      socket.removeAllListeners('error');
      if (!socket.destroyed && socket.writable && socket.readable) return socket;
      socket.destroy();
    }
    return undefined;
  }

  private keepIdle(key: string, socket: Socket): void {
    const list = this.idle.get(key) ?? [];
    this.idle.set(key, list);
    const forget = () => {
      const i = list.indexOf(socket);
      if (i >= 0) list.splice(i, 1);
      socket.destroy();
    };
    // An idle connection neither keeps the process alive nor outlives a close or an error.
    socket.unref();
    socket.once('close', forget);
    socket.on('error', forget);
    list.push(socket);
  }
}

/**
 * Writes `bytes` and feeds what comes back to `reader` until it has a whole answer. Fails on a
 * socket error, an end before that, silence longer than the read timeout, an answer not whole
 * within the request timeout (bytes that trickle in reset only the read timeout), or the
 * caller's abort; the caller decides what becomes of the socket either way.
 */
function readAnswer(
  socket: Socket,
  bytes: Buffer,
  reader: AnswerReader,
  o: { readTimeoutMs?: number; requestTimeoutMs?: number; signal?: AbortSignal | undefined },
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const deadline = o.requestTimeoutMs
      ? setTimeout(
          () => settle(timeoutError(`no whole answer within ${o.requestTimeoutMs} ms (SSOHELPER_REQUEST_TIMEOUT)`)),
          o.requestTimeoutMs,
        )
      : undefined;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      socket.removeListener('data', onData);
      socket.removeListener('end', onEnd);
      socket.removeListener('close', onEnd);
      socket.removeListener('error', settle);
      socket.removeListener('timeout', onTimeout);
      o.signal?.removeEventListener('abort', onAbort);
      socket.setTimeout(0);
      if (err) reject(err);
      else resolve();
    };
    // A push or end that completes the answer settles; a malformed one fails.
    const step = (feed: () => void) => {
      try {
        feed();
      } catch (err) {
        return settle(err as Error);
      }
      if (reader.done) settle();
    };
    const onData = (chunk: Buffer) => step(() => reader.push(chunk));
    const onEnd = () => step(() => reader.end());
    const onTimeout = () => settle(timeoutError(`no data for ${o.readTimeoutMs} ms`));
    const onAbort = () => settle(abortError(o.signal as AbortSignal));
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onEnd);
    socket.on('error', settle);
    if (o.readTimeoutMs) {
      socket.setTimeout(o.readTimeoutMs);
      socket.on('timeout', onTimeout);
    }
    o.signal?.addEventListener('abort', onAbort, { once: true });
    socket.write(bytes);
  });
}

function tcpTo(host: string, port: number): Socket {
  return process.getBuiltinModule('node:net').connect({ host, port });
}

/** Resolves when `socket` emits `ready` (connect, secureConnect), rejects on its error or close. */
function readyOrFailed<T extends Socket>(socket: T, ready: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const off = () => {
      socket.removeListener(ready, onReady);
      socket.removeListener('error', onError);
      socket.removeListener('close', onClose);
    };
    const onReady = () => {
      off();
      resolve(socket);
    };
    const onError = (err: Error) => {
      off();
      reject(err);
    };
    const onClose = () => {
      off();
      reject(Object.assign(new Error('the connection closed while it was being set up'), { code: 'ECONNRESET' }));
    };
    socket.once(ready, onReady);
    socket.once('error', onError);
    socket.once('close', onClose);
  });
}

/** The Host header: the port only when it is not the scheme's. */
function hostHeader(target: HttpTarget, https: boolean): string {
  return authority(target.host, target.port === (https ? 443 : 80) ? undefined : target.port);
}

/** host[:port], an IPv6 address in brackets. */
function authority(host: string, port: number | undefined): string {
  const name = host.includes(':') ? `[${host}]` : host;
  return port === undefined ? name : `${name}:${port}`;
}

/** Basic credentials from the proxy URL, percent-decoded (parseProxy checked the encoding). */
function basicAuth(proxy: ProxyServer): string {
  const userinfo = /^[a-z]+:\/\/([^@/]*)@/i.exec(proxy.url)?.[1] ?? '';
  const colon = userinfo.indexOf(':');
  const user = decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(0, colon));
  const password = colon < 0 ? '' : decodeURIComponent(userinfo.slice(colon + 1));
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

function timeoutError(message: string): Error {
  return Object.assign(new Error(message), { name: 'TimeoutError' });
}

function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('request aborted'), { name: 'AbortError', cause: signal.reason });
}
