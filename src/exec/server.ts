// The local credential endpoint of `exec --server` and `serve`: the container credentials
// protocol that every AWS SDK polls (AWS_CONTAINER_CREDENTIALS_FULL_URI with the
// AWS_CONTAINER_AUTHORIZATION_TOKEN header), answered from the shared cache on each request.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsCredentials } from '../types/credentials.ts';
import {
  AccessDeniedError,
  ConfigError,
  describeFailure,
  LockTimeoutError,
  LoginRequiredError,
  ServiceError,
  SsoHelperError,
} from '../errors.ts';
import { formatCacheTimestamp, isoString } from '../util/time.ts';

export const HOST = '127.0.0.1';
export const PATH = '/credentials';

export interface CredentialServer {
  url: string;
  token: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** 0 or undefined: a free port chosen by the system. */
  port?: number;
  /** Fresh credentials through the shared cache and its lock (as `get`). */
  credentials: () => Promise<AwsCredentials>;
  /** ssohelper's stderr: failures with their fix, refused requests. */
  log: (text: string) => void;
  debug: (message: string) => void;
  debugEnabled: boolean;
}

/**
 * The protocol's success body: what the SDKs' container providers parse. They require all four
 * members; credentials that do not expire (a credential_process without Expiration) are given
 * an hour, after which the SDK simply asks again.
 */
export function credentialBody(c: AwsCredentials, now: number): string {
  return JSON.stringify({
    AccessKeyId: c.accessKeyId,
    SecretAccessKey: c.secretAccessKey,
    Token: c.sessionToken,
    Expiration: formatCacheTimestamp(c.expiration ?? new Date(now + 3_600_000)),
  });
}

/** The endpoint can only hand out temporary credentials: the SDKs reject a body without Token. */
export function assertServable(c: AwsCredentials, profileName: string, command: string): void {
  if (c.sessionToken !== undefined) return;
  throw new ConfigError(
    `${command}: profile "${profileName}" has long-term keys, which the credential endpoint cannot serve (the AWS SDKs accept only temporary credentials from it)`,
    `long-term keys do not expire: run \`ssohelper exec ${profileName} -- …\` without --server`,
  );
}

/** Status and error code for each class of failure; the SDKs surface Code and Message. */
export function errorStatus(err: unknown): { status: number; code: string } {
  if (err instanceof LoginRequiredError) return { status: 401, code: 'LoginRequired' };
  if (err instanceof AccessDeniedError) return { status: 403, code: 'AccessDenied' };
  if (err instanceof ConfigError) return { status: 500, code: 'ConfigurationError' };
  if (err instanceof LockTimeoutError) return { status: 503, code: 'LockTimeout' };
  if (err instanceof ServiceError) return { status: 502, code: 'ServiceUnavailable' };
  return { status: 500, code: 'InternalError' };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant time whatever the guess: both sides are hashed to the same length first. */
export function tokenMatches(expected: string, given: string | undefined): boolean {
  return given !== undefined && timingSafeEqual(digest(expected), digest(given));
}

export type Refusal = 'host' | 'token' | 'method' | 'path';

/**
 * Host first: a web page that rebinds its own name to 127.0.0.1 sends that name, not ours, and
 * learns nothing, not even whether a token would be needed.
 */
export function refusal(
  req: { method?: string; url?: string; headers: IncomingMessage['headers'] },
  expectedHost: string,
  token: string,
): Refusal | undefined {
  if (req.headers.host?.toLowerCase() !== expectedHost) return 'host';
  const given = req.headers.authorization;
  if (!tokenMatches(token, typeof given === 'string' ? given : undefined)) return 'token';
  if (req.method !== 'GET') return 'method';
  if (req.url !== PATH) return 'path';
  return undefined;
}

const REFUSED: Record<Refusal, { status: number; code: string; message: string }> = {
  host: {
    status: 403,
    code: 'InvalidHost',
    message: 'this endpoint answers only requests addressed to its own loopback address',
  },
  token: { status: 401, code: 'Unauthorized', message: 'missing or wrong authorization token' },
  method: { status: 405, code: 'MethodNotAllowed', message: 'only GET is served' },
  path: { status: 404, code: 'NotFound', message: `credentials are served at ${PATH} only` },
};

function reply(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export async function startCredentialServer(options: ServerOptions): Promise<CredentialServer> {
  const token = randomBytes(32).toString('base64url');
  let expectedHost = '';
  // One refresh at a time in this process: an SDK that times out and asks again joins it.
  let inFlight: Promise<AwsCredentials> | undefined;
  let lastLogged = '';
  const refusalsLogged = new Set<Refusal>();

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const refused = refusal(req, expectedHost, token);
    if (refused) {
      const r = REFUSED[refused];
      if (!refusalsLogged.has(refused)) {
        refusalsLogged.add(refused);
        options.log(
          `ssohelper: credential endpoint refused a request (${r.message}); further ones of this kind are refused silently\n`,
        );
      }
      reply(res, r.status, JSON.stringify({ Code: r.code, Message: r.message }));
      return;
    }
    try {
      inFlight ??= options.credentials().finally(() => {
        inFlight = undefined;
      });
      const creds = await inFlight;
      options.debug(
        `credential endpoint: served credentials expiring ${creds.expiration ? isoString(creds.expiration) : 'never'}`,
      );
      lastLogged = '';
      reply(res, 200, credentialBody(creds, Date.now()));
    } catch (err) {
      const { status, code } = errorStatus(err);
      const { text } = describeFailure(err, options.debugEnabled);
      // SDKs retry at once: say it once, until something changes.
      if (text !== lastLogged)
        options.log(
          `ssohelper: credential endpoint answered ${status} ${code}:\n${text.replace(/^ssohelper: /, '  ')}`,
        );
      lastLogged = text;
      const message =
        err instanceof SsoHelperError
          ? [err.message, err.hint].filter(Boolean).join('; ')
          : 'internal error in ssohelper; see its output';
      reply(res, status, JSON.stringify({ Code: code, Message: message }));
    }
  };

  const server = createServer((req, res) => {
    serve(req, res).catch(() => res.destroy());
  });
  // An SDK keeps its connection open between polls; none of them may keep us from stopping.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const port = options.port ?? 0;
      if (err.code === 'EADDRINUSE')
        reject(
          new ConfigError(
            `port ${port} on ${HOST} is already in use`,
            'choose another --port, or leave it out to use a free one',
          ),
        );
      else if (err.code === 'EACCES')
        reject(
          new ConfigError(
            `not allowed to listen on port ${port} on ${HOST}`,
            'choose a port above 1023, or leave --port out to use a free one',
          ),
        );
      else reject(err);
    });
    server.listen(options.port ?? 0, HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  expectedHost = `${HOST}:${port}`;
  return {
    url: `http://${expectedHost}${PATH}`,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
