// ssohelper's one HTTP client, on Node's http and https alone: every request picks direct or
// proxy (proxy.ts), trusts what trust.ts says, ends when it does not connect or goes quiet
// (connect and read timeouts that throw), and labels its failures with where they happened so
// that failure.ts can name the proxy, the host and the setting to fix. The AWS SDK clients reach
// it through handler.ts; the SSO portal calls (src/sso/portal.ts) use it directly, which is what
// keeps a first call for a role off the SDK's start-up cost. node:http (and node:https, only for
// https) load at the first request, not with this module.
import type { ClientRequest, Agent as HttpAgent, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Env } from '../config/files.ts';
import type { HttpTarget, NetContext } from './failure.ts';
import { attachContext, PROXY_AUTH_CODE } from './failure.ts';
import { type ProxyServer, proxyFor } from './proxy.ts';
import type { NetworkSettings } from './settings.ts';
import { ConfigError } from '../errors.ts';
import { percentEncode } from '../util/percentEncode.ts';

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
  reason: string | undefined;
  /** Lower-case names; repeated headers joined with ",". */
  headers: Record<string, string>;
  /** Still to be read; a failure while reading it is labelled like any other. */
  body: IncomingMessage;
}

export interface Logger {
  debug(message: string): void;
}

/** The request as a URL would give it: protocol, host, port, encoded path and query. */
export function requestTo(url: URL, method: string, headers: Record<string, string> = {}): HttpRequest {
  return { method, protocol: url.protocol, host: url.hostname, port: url.port ? Number(url.port) : undefined, path: `${url.pathname}${url.search}`, headers };
}

/** The query as the SDK encodes it: keys sorted, RFC 3986 escaping, repeated keys for lists. */
export function queryString(query: Record<string, string | string[] | null | undefined>): string {
  const parts: string[] = [];
  for (const key of Object.keys(query).sort()) {
    const value = query[key];
    if (Array.isArray(value)) for (const v of value) parts.push(`${percentEncode(key)}=${percentEncode(v)}`);
    else parts.push(value || typeof value === 'string' ? `${percentEncode(key)}=${percentEncode(value)}` : percentEncode(key));
  }
  return parts.join('&');
}


export class HttpClient {
  private readonly agents = new Map<string, HttpAgent>();
  private readonly env: Env;
  private readonly settings: NetworkSettings;
  private readonly ca: string[] | undefined;
  private readonly log: Logger;
  private readonly proxySupport: boolean | undefined;

  /** `proxySupport`: whether this Node's agents take `proxyEnv`; found out when first needed. */
  constructor(env: Env, settings: NetworkSettings, ca: string[] | undefined, log: Logger, proxySupport?: boolean) {
    this.env = env;
    this.settings = settings;
    this.ca = ca;
    this.log = log;
    this.proxySupport = proxySupport;
  }

  async send(r: HttpRequest): Promise<HttpResponse> {
    const host = r.host.replace(/^\[|\]$/g, '');
    const https = r.protocol === 'https:';
    if (!https && r.protocol !== 'http:') throw new Error(`unsupported protocol ${r.protocol}`);
    const target: HttpTarget = { host, port: r.port || (https ? 443 : 80), protocol: r.protocol };
    const proxy = proxyFor({ protocol: r.protocol, hostname: host, port: target.port }, this.env);
    const context: NetContext = {
      target,
      proxy: proxy && { display: proxy.display, source: proxy.source, hasCredentials: proxy.hasCredentials },
      caSource: this.settings.caBundle?.source,
      useSystemCa: this.settings.useSystemCa,
      connectTimeoutMs: this.settings.connectTimeoutMs,
      readTimeoutMs: this.settings.readTimeoutMs,
    };
    this.log.debug(`${r.protocol}//${host}:${target.port} ${proxy ? `via proxy ${proxy.display} (${proxy.source})` : 'direct'}`);
    // An older Node ignores the proxy option and would connect directly, past the proxy the
    // user named: refuse rather than fail later with a message about the wrong path.
    if (proxy && !(this.proxySupport ?? nodeHasProxySupport())) {
      throw new ConfigError(
        `${proxy.source} is set, but the Node.js ${process.version} running ssohelper cannot send requests through a proxy`,
        'use the ssohelper executable (it brings its own Node.js), or run the npm package on Node.js 24 or later',
      );
    }
    const label = (err: unknown) => attachContext(err, context, proxy?.url);
    let res: IncomingMessage;
    try {
      res = await this.exchange(r, host, target.port, https, proxy);
    } catch (err) {
      throw label(err);
    }
    // A body that stalls or breaks fails while the caller reads it: label that too.
    res.on('error', label);
    // Through a plain-http proxy the 407 comes back as a response, not as a failed tunnel.
    if (proxy && res.statusCode === 407) {
      res.destroy();
      throw label(Object.assign(new Error('proxy authentication required'), { code: PROXY_AUTH_CODE, statusCode: 407 }));
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    return { status: res.statusCode ?? -1, reason: res.statusMessage, headers, body: res };
  }

  /** Sends and reads the whole answer as text; more than `maxBytes` is a failure, not a cut. */
  async fetchText(r: HttpRequest, maxBytes: number): Promise<{ status: number; headers: Record<string, string>; text: string }> {
    const res = await this.send(r);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        res.body.destroy();
        throw new Error(`${r.host} sent an answer larger than ${maxBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return { status: res.status, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') };
  }

  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  private exchange(r: HttpRequest, host: string, port: number, https: boolean, proxy: ProxyServer | undefined): Promise<IncomingMessage> {
    const { connectTimeoutMs, readTimeoutMs } = this.settings;
    return new Promise((resolve, reject) => {
      if (r.signal?.aborted) return reject(abortError(r.signal));
      const send = process.getBuiltinModule(https ? 'node:https' : 'node:http').request;
      const req = send({ host, port, method: r.method, path: r.path, headers: r.headers, agent: this.agentFor(https, proxy) });
      const timers: NodeJS.Timeout[] = [];
      const fail = (err: Error) => {
        for (const t of timers) clearTimeout(t);
        req.destroy();
        reject(err);
      };
      req.on('response', (res) => {
        for (const t of timers) clearTimeout(t);
        resolve(res);
      });
      req.on('error', fail);
      if (r.signal) {
        const signal = r.signal;
        const onAbort = () => fail(abortError(signal));
        signal.addEventListener('abort', onAbort, { once: true });
        req.once('close', () => signal.removeEventListener('abort', onAbort));
      }
      if (connectTimeoutMs > 0) {
        timers.push(setTimeout(() => fail(timeoutError(`did not establish a connection within ${connectTimeoutMs} ms`)), connectTimeoutMs));
      }
      // The connect timer runs until the socket (through a proxy: the tunnel) is connected; from
      // then on the read timeout is the longest silence allowed, the answer's body included.
      req.once('socket', (socket) => {
        const connected = () => {
          clearTimeout(timers[0]);
          if (readTimeoutMs > 0) watchSilence(req, socket, readTimeoutMs, fail);
        };
        if (socket.connecting) socket.once('connect', connected);
        else connected();
      });
      if (r.body === undefined || (typeof r.body !== 'string' && r.body.byteLength === 0)) req.end();
      else req.end(r.body);
    });
  }

  private agentFor(https: boolean, proxy: ProxyServer | undefined): HttpAgent {
    const key = `${https ? 'https' : 'http'} ${proxy?.url ?? ''}`;
    let agent = this.agents.get(key);
    if (!agent) {
      // Node's own proxy support does the CONNECT tunnel (https) or the absolute-URI request
      // (http) and sends Basic Proxy-Authorization from the URL's credentials. It is handed only
      // the one proxy already chosen, so its own NO_PROXY reading never comes into play.
      agent = https
        ? new (process.getBuiltinModule('node:https').Agent)({ keepAlive: true, ca: this.ca, ...(proxy && { proxyEnv: { HTTPS_PROXY: proxy.url } }) })
        : new (process.getBuiltinModule('node:http').Agent)({ keepAlive: true, ...(proxy && { proxyEnv: { HTTP_PROXY: proxy.url } }) });
      this.agents.set(key, agent);
    }
    return agent;
  }
}

/**
 * Whether `http.Agent` takes the `proxyEnv` option (Node 24 and later): the npm package also
 * runs on Node 20, whose agents ignore it. Read from the constructor's source, the one place
 * the option's name appears when it is supported.
 */
export function nodeHasProxySupport(): boolean {
  return process.getBuiltinModule('node:http').Agent.toString().includes('proxyEnv');
}

/** Fails the request when the socket is silent for `ms`, until the answer has been read. */
function watchSilence(req: ClientRequest, socket: Socket, ms: number, fail: (err: Error) => void): void {
  let res: IncomingMessage | undefined;
  req.once('response', (r) => {
    res = r;
  });
  const onTimeout = () => {
    if (res?.complete) return;
    const err = timeoutError(`no data for ${ms} ms`);
    if (res) res.destroy(err);
    else fail(err);
  };
  socket.setTimeout(ms);
  socket.on('timeout', onTimeout);
  // A kept-alive socket goes back to the agent: our watch ends with this request.
  req.once('close', () => {
    socket.removeListener('timeout', onTimeout);
    socket.setTimeout(0);
  });
}

function timeoutError(message: string): Error {
  return Object.assign(new Error(message), { name: 'TimeoutError' });
}

function abortError(signal: AbortSignal): Error {
  return Object.assign(new Error('request aborted'), { name: 'AbortError', cause: signal.reason });
}
