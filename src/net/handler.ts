// The AWS SDK clients' request handler: the smithy HttpHandler interface over our one HTTP client
// (http.ts), so SDK calls get the same proxy, trust, timeouts and failure labels as ours.
import type {
  HttpHandlerOptions,
  HttpRequest as SdkRequest,
  HttpResponse as SdkResponse,
  RequestHandler,
} from '@smithy/types';
import { queryString } from './client.ts';
import type { HttpClient } from './http.ts';

export class NetworkHandler implements RequestHandler<SdkRequest, SdkResponse, HttpHandlerOptions> {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  readonly http: HttpClient;

  constructor(http: HttpClient) {
    this.http = http;
  }

  async handle(request: SdkRequest, options?: HttpHandlerOptions): Promise<{ response: SdkResponse }> {
    if (request.body !== undefined && typeof request.body !== 'string' && !(request.body instanceof Uint8Array)) {
      throw new Error('streamed request bodies are not supported');
    }
    const query = request.query ? queryString(request.query) : '';
    const res = await this.http.send({
      method: request.method,
      protocol: request.protocol,
      host: request.hostname,
      port: request.port,
      path: query ? `${request.path}?${query}` : request.path,
      headers: request.headers,
      body: request.body,
      signal: options?.abortSignal as AbortSignal | undefined,
    });
    // The SDK collects a Uint8Array body as it is (smithy's collectBody): no stream needed.
    return {
      response: {
        statusCode: res.status,
        reason: res.reason,
        headers: res.headers,
        body: new Uint8Array(res.body.buffer, res.body.byteOffset, res.body.byteLength),
      },
    };
  }

  // The SDK's way to change a handler's settings; ours come from src/net/settings.ts alone.
  updateHttpClientConfig(_key: never, _value: never): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  // The HTTP client is shared by every client of the same settings (src/sso/clients.ts): one
  // SDK client's destroy() must not close the others' connections. It ends with the process.
  destroy(): void {}
}
