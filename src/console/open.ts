// `console`: role credentials → a sign-in token from the federation endpoint → the console login
// URL, opened in the browser or printed. The URL signs anyone in: it never reaches --debug.
import { booleanFlag, type ParsedArgs, stringFlag } from '../cli/args.ts';
import { credentialSource } from '../commands/credentialsCommon.ts';
import { AccessDeniedError, ConfigError, ServiceError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { consoleDestination, federationUrl, loginUrl, parseSigninToken, signinTokenRequest } from './signin.ts';

export interface HttpAnswer {
  status: number;
  body: string;
}

const TIMEOUT_MS = 20_000;

/** A GET whose URL carries secrets: errors name the host only. */
export async function getText(url: string): Promise<HttpAnswer> {
  const target = new URL(url);
  // getBuiltinModule, not import(): the full program runs where a dynamic import() of a builtin cannot.
  const { request } = target.protocol === 'https:' ? process.getBuiltinModule('node:https') : process.getBuiltinModule('node:http');
  return new Promise((resolve, reject) => {
    const req = request(target, { method: 'GET', headers: { accept: 'application/json' }, timeout: TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        if (body.length < 64 * 1024) body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', (err) => reject(new ServiceError(`the sign-in endpoint ${target.host} broke off its answer: ${err.message}`)));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      reject(new ServiceError(`cannot reach the sign-in endpoint ${target.host}: ${err.code ?? err.message}`, 'check your network or proxy; AWS_ENDPOINT_URL_SIGNIN overrides the endpoint'));
    });
    req.end();
  });
}

export async function signinToken(rt: Runtime, federation: string, creds: { accessKeyId: string; secretAccessKey: string; sessionToken: string }, get = getText): Promise<string> {
  const host = new URL(federation).host;
  rt.debug(`getSigninToken at ${host} (session credentials not shown)`);
  const answer = await get(signinTokenRequest(federation, creds));
  rt.debug(`getSigninToken: HTTP ${answer.status}`);
  if (answer.status >= 400 && answer.status < 500) {
    throw new AccessDeniedError(
      `the sign-in endpoint ${host} refused the role credentials (HTTP ${answer.status})`,
      'try again with --refresh for new credentials; if it persists, the role may not allow console sign-in',
    );
  }
  if (answer.status !== 200) throw new ServiceError(`the sign-in endpoint ${host} answered HTTP ${answer.status}`, 'try again later');
  const token = parseSigninToken(answer.body);
  if (!token) throw new ServiceError(`the sign-in endpoint ${host} did not answer with a sign-in token`);
  return token;
}

export async function runConsole(rt: Runtime, args: ParsedArgs): Promise<string> {
  const source = await credentialSource(rt, args, 'console');
  const region = source.profile.region;
  const destination = consoleDestination(region, stringFlag(args, 'destination'));
  const federation = federationUrl(region, rt.env);
  const creds = await source.credentials(booleanFlag(args, 'refresh'));
  const url = loginUrl(federation, await signinToken(rt, federation, creds), destination);
  const who = `profile "${source.profile.profileName}"`;
  if (booleanFlag(args, 'print')) {
    rt.stderr(
      `ssohelper: warning: this URL signs whoever opens it in to the console as ${who}, for the next 15 minutes:\n` +
        '  treat it like a password; do not paste it into chats, tickets or shell history\n',
    );
    return `${url}\n`;
  }
  const [{ browserCommands, openBrowser }, { noBrowserReason }] = await Promise.all([import('../login/browser.ts'), import('../login/plan.ts')]);
  const surroundings = { platform: process.platform, env: rt.env };
  const opened = noBrowserReason(surroundings) && !rt.env.BROWSER?.trim() ? undefined : await openBrowser(rt, browserCommands(url, surroundings));
  if (!opened) {
    throw new ConfigError(
      `could not open a browser for the console (${noBrowserReason(surroundings) ?? 'no opener worked'})`,
      `run: ssohelper console ${source.profile.profileName} --print   (and open the URL yourself; it is a secret)`,
    );
  }
  rt.stderr(`ssohelper: opened the AWS console as ${who} (${opened})\n`);
  return '';
}
