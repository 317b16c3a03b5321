// Throttling and transient failures are retried with full-jitter exponential back-off inside a
// fixed time budget, so 50 parallel callers spread out instead of retrying in lock-step.
import { ServiceError } from '../errors.ts';
import { type Runtime, secondsSetting } from '../runtime.ts';
import { classify, isRetryable } from './errors.ts';

const BASE_MS = 200;
const CAP_MS = 5_000;
const DEFAULT_BUDGET_MS = 25_000;

export function retryBudgetMs(rt: Runtime): number {
  return secondsSetting(rt, 'SSOHELPER_RETRY_TIMEOUT', DEFAULT_BUDGET_MS);
}

export async function withRetries<T>(rt: Runtime, what: string, call: () => Promise<T>): Promise<T> {
  const deadline = rt.now() + retryBudgetMs(rt);
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const c = classify(err);
      if (!isRetryable(c)) throw err;
      const delay = Math.random() * Math.min(CAP_MS, BASE_MS * 2 ** attempt);
      if (rt.now() + delay >= deadline) {
        throw new ServiceError(
          `${what} failed after ${attempt + 1} attempts: ${c.kind === 'throttled' ? 'throttled by AWS' : c.message}`,
          c.kind === 'network' ? 'check your network connection and proxy settings (HTTPS_PROXY)' : 'try again in a minute',
          { cause: err },
        );
      }
      rt.debug(`${what}: ${c.name} (${c.status ?? c.kind}), retry ${attempt + 1} in ${Math.round(delay)}ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
