// The one place where an AWS call (through the SDK, or a portal request of portal.ts) becomes
// an outcome the rest of ssohelper understands: transient failures are retried with full-jitter
// exponential back-off inside a time budget (so 50 parallel callers spread out instead of
// retrying in lock-step), and whatever is left is thrown as one of our own error classes.
// Nothing outside src/sso/ sees an SDK error.
import { LoginRequiredError, ServiceError, SsoHelperError } from '../errors.ts';
import { type Runtime, secondsSetting } from '../runtime.ts';
import { type Classified, classify, type FailureKind, isRetryable } from './errors.ts';
import type { Endpoint } from './clients.ts';
import { endpointOrigin } from '../config/endpoints.ts';

const BASE_MS = 200;
const CAP_MS = 5_000;
/**
 * A refused connection gets this many more tries, QUICK_MS and twice that apart: enough for a
 * server or tunnel that is restarting, and the whole failure still ends within about a second
 * (botocore gives up on a refused connection after its few attempts too).
 */
const QUICK_RETRIES = 2;
const QUICK_MS = 250;

export function retryBudgetMs(rt: Runtime): number {
  return secondsSetting(rt, 'SSOHELPER_RETRY_TIMEOUT');
}

/** Who is calling and what a failure means to them; every src/sso/ API function takes one. */
export interface SsoApi {
  rt: Runtime;
  endpoint: Endpoint;
  /** Time allowed for retries (ms); 0 makes one attempt. Default: SSOHELPER_RETRY_TIMEOUT. */
  budgetMs?: number;
  /**
   * What a rejected access token means here: usually "log in again", with the command for this
   * session. Without it the error still exits 4, just without a command to suggest.
   */
  loginRequired?: () => SsoHelperError;
  /**
   * Wraps every attempt, retries included: `sync` spaces its listing calls through one pacer
   * this way, and slows it when an attempt is throttled.
   */
  pace?: <T>(attempt: () => Promise<T>) => Promise<T>;
  /** Hears what a retry waits for ("throttled by the portal"), and undefined when it goes on. */
  waiting?: (reason: string | undefined) => void;
  /**
   * Ends each attempt after this long, whatever the network timeouts say: for a request nobody
   * should wait for (refreshing a token that still works).
   */
  attemptTimeoutMs?: number;
}

/**
 * A failure the service (or the network) reported, after any retries. `kind` lets callers
 * steer (a device login keeps polling while `pending`); the exit code is the service one (6).
 */
export class SsoApiError extends ServiceError {
  readonly kind: FailureKind;
  readonly errorName: string;
  constructor(message: string, c: Classified, hint: string | undefined, cause: unknown) {
    super(message, hint, { cause });
    this.kind = c.kind;
    this.errorName = c.name;
  }
}

/**
 * Runs one AWS request (`call`) under the retry budget and translates what it throws.
 * `what` names the request in messages, e.g. "GetRoleCredentials for ReadOnly in 1111…".
 */
export async function ssoCall<T>(
  api: SsoApi,
  what: string,
  call: (abortSignal?: AbortSignal) => Promise<T>,
): Promise<T> {
  const { rt } = api;
  const deadline = rt.now() + (api.budgetMs ?? retryBudgetMs(rt));
  for (let attempt = 0; ; attempt++) {
    const limit = api.attemptTimeoutMs;
    const stop = limit === undefined ? undefined : new AbortController();
    const timer = stop && setTimeout(() => stop.abort(), limit);
    const once = () => call(stop?.signal);
    try {
      const result = await (api.pace ? api.pace(once) : once());
      if (attempt > 0) api.waiting?.(undefined);
      return result;
    } catch (caught) {
      // Our own errors (a bad network setting is a ConfigError) are already what the user sees.
      if (caught instanceof SsoHelperError) throw caught;
      // Our own time limit: a network timeout like any other, said in those words.
      const err = stop?.signal.aborted
        ? Object.assign(new Error(`no answer within ${(limit ?? 0) / 1000}s`), { name: 'TimeoutError', cause: caught })
        : caught;
      const c = classify(err);
      const quick = c.kind === 'refused' && attempt < QUICK_RETRIES;
      // A paced caller's next slot is the wait after a throttle: no growing back-off on top of it.
      const paced = api.pace !== undefined && c.kind === 'throttled';
      const delay = quick
        ? QUICK_MS * 2 ** attempt
        : Math.random() * (paced ? BASE_MS : Math.min(CAP_MS, BASE_MS * 2 ** attempt));
      if (!(quick || isRetryable(c)) || rt.now() + delay >= deadline) throw translate(api, what, err, attempt);
      rt.debug(`${what}: ${c.name} (${c.status ?? c.kind}), retry ${attempt + 1} in ${Math.round(delay)}ms`);
      api.waiting?.(waitReason(c.kind));
      await new Promise((r) => setTimeout(r, delay));
    } finally {
      clearTimeout(timer);
    }
  }
}

function waitReason(kind: string): string {
  return kind === 'throttled'
    ? 'throttled by the portal, retrying…'
    : kind === 'server'
      ? 'the service had a problem, retrying…'
      : 'the network failed, retrying…';
}

function translate(api: SsoApi, what: string, err: unknown, attempt: number): SsoHelperError {
  const c = classify(err);
  if (c.kind === 'unauthorized') {
    return (
      api.loginRequired?.() ??
      new LoginRequiredError('the SSO session is no longer valid (it was revoked or has expired)', undefined, {
        cause: err,
      })
    );
  }
  if (isRetryable(c)) {
    const tries = attempt > 0 ? ` after ${attempt + 1} attempts` : '';
    const detail = c.kind === 'throttled' ? 'throttled by AWS' : c.message;
    const hint =
      c.network?.hint ??
      (c.kind === 'network'
        ? 'check your network connection and proxy settings (HTTPS_PROXY)'
        : 'try again in a minute');
    return new SsoApiError(`${what} failed${tries}: ${detail}`, c, hint, err);
  }
  if (c.kind === 'unreachable' || c.kind === 'refused') {
    // A proxy failure names the proxy's setting already; the others name the endpoint's.
    const origin = c.network?.kind.startsWith('proxy')
      ? ''
      : ` (${api.endpoint.url}, from ${endpointOrigin(api.endpoint.service, api.endpoint.url, api.endpoint.region, api.rt.env)})`;
    const tries = attempt > 0 ? ` after ${attempt + 1} attempts` : '';
    return new SsoApiError(
      `${what} failed${tries}: ${c.message}${origin}`,
      c,
      c.network?.hint ?? `check ${api.endpoint.url}, your network connection and proxy settings (HTTPS_PROXY)`,
      err,
    );
  }
  return new SsoApiError(`${what} failed: ${c.name}: ${c.message}`, c, undefined, err);
}
