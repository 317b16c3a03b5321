// The one HTTP handler every AWS SDK client gets: it picks direct or proxy per request (proxy.ts),
// trusts what trust.ts says, ends a request that does not connect or goes quiet (connect and
// read timeouts that throw, not warn), and labels failures with where they happened so that
// failure.ts can name the proxy, the host and the setting to fix.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Env } from '../config/files.ts';
import type { HttpTarget, NetContext } from './failure.ts';
import { attachContext, PROXY_AUTH_CODE } from './failure.ts';
import { type ProxyServer, proxyFor } from './proxy.ts';
import type { NetworkSettings } from './settings.ts';

/** The smithy HttpRequest fields this handler looks at. */
interface Request {
  protocol: string;
  hostname: string;
  port?: number | undefined;
}

type HandleResult = Awaited<ReturnType<NodeHttpHandler['handle']>>;
type HandleOptions = Parameters<NodeHttpHandler['handle']>[1];

export interface Logger {
  debug(message: string): void;
}

export class NetworkHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly byProxy = new Map<string, NodeHttpHandler>();
  private readonly env: Env;
  private readonly settings: NetworkSettings;
  private readonly ca: string[] | undefined;
  private readonly log: Logger;

  constructor(env: Env, settings: NetworkSettings, ca: string[] | undefined, log: Logger) {
    this.env = env;
    this.settings = settings;
    this.ca = ca;
    this.log = log;
  }

  async handle(request: Request, options?: HandleOptions): Promise<HandleResult> {
    const target: HttpTarget = { host: request.hostname.replace(/^\[|\]$/g, ''), port: Number(request.port || (request.protocol === 'http:' ? 80 : 443)), protocol: request.protocol };
    const proxy = proxyFor({ protocol: request.protocol, hostname: target.host, port: target.port }, this.env);
    const context: NetContext = {
      target,
      proxy: proxy && { display: proxy.display, source: proxy.source, hasCredentials: proxy.hasCredentials },
      caSource: this.settings.caBundle?.source,
      useSystemCa: this.settings.useSystemCa,
      connectTimeoutMs: this.settings.connectTimeoutMs,
      readTimeoutMs: this.settings.readTimeoutMs,
    };
    this.log.debug(`${request.protocol}//${target.host}:${target.port} ${proxy ? `via proxy ${proxy.display} (${proxy.source})` : 'direct'}`);
    let result: HandleResult;
    try {
      result = await this.handlerFor(proxy).handle(request as Parameters<NodeHttpHandler['handle']>[0], options);
    } catch (err) {
      throw attachContext(err, context, proxy?.url);
    }
    // A body that stalls fails while the SDK reads it, after handle() returned: label that too.
    (result.response.body as { on?: (event: 'error', listener: (err: unknown) => void) => void } | undefined)?.on?.('error', (err) => {
      attachContext(err, context, proxy?.url);
    });
    // Through a plain-http proxy the 407 comes back as a response, not as a failed tunnel.
    if (proxy && result.response.statusCode === 407) {
      (result.response.body as { destroy?: () => void } | undefined)?.destroy?.();
      throw attachContext(Object.assign(new Error('proxy authentication required'), { code: PROXY_AUTH_CODE, statusCode: 407 }), context, proxy.url);
    }
    return result;
  }

  updateHttpClientConfig(key: never, value: never): void {
    for (const h of this.handlers()) h.updateHttpClientConfig(key, value);
  }

  httpHandlerConfigs(): ReturnType<NodeHttpHandler['httpHandlerConfigs']> {
    return this.handlerFor(undefined).httpHandlerConfigs();
  }

  destroy(): void {
    for (const h of this.handlers()) h.destroy();
    this.byProxy.clear();
  }

  private handlers(): NodeHttpHandler[] {
    if (this.byProxy.size === 0) this.handlerFor(undefined);
    return [...this.byProxy.values()];
  }

  private handlerFor(proxy: ProxyServer | undefined): NodeHttpHandler {
    const key = proxy?.url ?? '';
    let handler = this.byProxy.get(key);
    if (!handler) {
      // Node's own proxy support does the CONNECT tunnel (https) or the absolute-URI request
      // (http) and sends Basic Proxy-Authorization from the URL's credentials. It is handed only
      // the one proxy already chosen, so its own NO_PROXY reading never comes into play.
      const httpsAgent = new HttpsAgent({ keepAlive: true, ca: this.ca, ...(proxy && { proxyEnv: { HTTPS_PROXY: proxy.url } }) });
      const httpAgent = new HttpAgent({ keepAlive: true, ...(proxy && { proxyEnv: { HTTP_PROXY: proxy.url } }) });
      handler = new NodeHttpHandler({
        httpsAgent,
        httpAgent,
        connectionTimeout: this.settings.connectTimeoutMs,
        socketTimeout: this.settings.readTimeoutMs,
        // Only in effect if something sets a requestTimeout: then it ends the request instead
        // of printing a warning on our stderr.
        throwOnRequestTimeout: true,
        logger: { debug: (m: unknown) => this.log.debug(String(m)), info: (m: unknown) => this.log.debug(String(m)), warn: (m: unknown) => this.log.debug(String(m)), error: (m: unknown) => this.log.debug(String(m)) },
      });
      this.byProxy.set(key, handler);
    }
    return handler;
  }
}
