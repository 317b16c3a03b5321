// The local end of the browser sign-in: an HTTP listener on 127.0.0.1 (random port) that waits
// for the identity service to redirect the browser back with the authorization code.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InterruptedError, LoginRequiredError } from '../errors.ts';
import { humanDuration } from '../util/time.ts';
import { type CallbackResult, interpretCallback } from './pkce.ts';

export type Outcome = Exclude<CallbackResult, { kind: 'ignore' }>;

export interface CallbackListener {
  port: number;
  /** Resolves with the first decisive callback; rejects on timeout or interruption. */
  result(signal: AbortSignal, timeoutMs: number): Promise<Outcome>;
  close(): void;
}

const PAGES: Record<Outcome['kind'], { status: number; title: string; text: string }> = {
  code: {
    status: 200,
    title: 'Signed in',
    text: 'ssohelper received the sign-in. You can close this tab and return to the terminal.',
  },
  error: {
    status: 200,
    title: 'Sign-in failed',
    text: 'The sign-in did not complete. Return to the terminal for details.',
  },
  wrongState: {
    status: 400,
    title: 'Sign-in not accepted',
    text: 'This answer does not belong to the sign-in ssohelper is waiting for. Return to the terminal and start again.',
  },
};

function page(res: ServerResponse, kind: Outcome['kind']): void {
  const p = PAGES[kind];
  const body = `<!doctype html><html><head><meta charset="utf-8"><title>ssohelper: ${p.title}</title></head><body style="font-family:sans-serif;margin:3em"><h1>${p.title}</h1><p>${p.text}</p></body></html>`;
  res.writeHead(p.status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'close',
  });
  res.end(body);
}

export async function startCallbackListener(expectedState: string): Promise<CallbackListener> {
  let settle: ((o: Outcome) => void) | undefined;
  let early: Outcome | undefined;
  const server = createServer((req, res) => {
    const outcome =
      req.method === 'GET' ? interpretCallback(req.url ?? '/', expectedState) : ({ kind: 'ignore' } as const);
    if (outcome.kind === 'ignore' || early) {
      res.writeHead(404, { 'content-type': 'text/plain', connection: 'close' }).end('not found\n');
      return;
    }
    early = outcome;
    page(res, outcome.kind);
    settle?.(outcome);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new LoginRequiredError(
          `cannot listen on 127.0.0.1 for the browser sign-in: ${err.message}`,
          'run: ssohelper login --use-device-code',
          { cause: err },
        ),
      ),
    );
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const close = () => {
    // Every response says `connection: close`, so nothing waits on a kept-alive socket; a
    // response still being written finishes before its socket goes.
    server.close();
    server.closeIdleConnections();
  };
  return {
    port,
    close,
    result(signal, timeoutMs) {
      return new Promise<Outcome>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
        };
        const onAbort = () => {
          done();
          reject(new InterruptedError('login interrupted; nothing was saved', signal.reason));
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new LoginRequiredError(
              `no answer from the browser sign-in within ${humanDuration(timeoutMs)}; nothing was saved`,
              'run the login again, or use --use-device-code to sign in on another device',
            ),
          );
        }, timeoutMs);
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        settle = (o) => {
          done();
          resolve(o);
        };
        if (early) settle(early);
      });
    },
  };
}
