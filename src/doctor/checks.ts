// What `doctor` checks, as data: each check turns facts gathered by collect.ts into verdicts
// (ok, warn, fail) with the fix. Pure: no file, network or clock access here.
import { heldKeys, shortTimeLeft } from '../shell/held.ts';
import { readBlocks } from '../config/managedBlock.ts';
import { IniSyntaxError, type IniSection, parseIni } from '../config/ini.ts';
import { type AwsConfig, buildConfig, stringValue } from '../config/model.ts';
import type { Env } from '../config/files.ts';
import { type CredentialPlan, resolveProfile } from '../config/credentialProfile.ts';
import { INIT_HINT, resolveSsoProfile } from '../config/profile.ts';
import { SsoHelperError } from '../errors.ts';
import type { SessionStatus } from '../status/report.ts';
import type { ConsoleSessionStatus } from '../status/consoleSessions.ts';
import { didYouMean } from '../util/suggest.ts';
import { humanDuration } from '../util/time.ts';
import { count } from '../util/plural.ts';

export type Verdict = 'ok' | 'warn' | 'fail';

export interface Check {
  /** Which area: config, credentials, profiles, sessions, caches, clock, aws-cli, network. */
  area: string;
  verdict: Verdict;
  message: string;
  fix?: string;
}

const ok = (area: string, message: string): Check => ({ area, verdict: 'ok', message });
const warn = (area: string, message: string, fix?: string): Check => ({
  area,
  verdict: 'warn',
  message,
  ...(fix ? { fix } : {}),
});
const fail = (area: string, message: string, fix?: string): Check => ({
  area,
  verdict: 'fail',
  message,
  ...(fix ? { fix } : {}),
});

export interface ConfigFacts {
  configFile: string;
  credentialsFile: string;
  configText: string | undefined;
  credentialsText: string | undefined;
}

/** Every section header that appears more than once, with its line numbers. */
export function duplicateSections(text: string): Array<{ header: string; lines: number[] }> {
  const seen = new Map<string, number[]>();
  text.split(/\r\n|\n|\r/).forEach((line, i) => {
    const m = /^\s*\[(.+)\]/.exec(line);
    if (m && !/^\s*[#;]/.test(line)) seen.set(m[1] as string, [...(seen.get(m[1] as string) ?? []), i + 1]);
  });
  return [...seen].filter(([, lines]) => lines.length > 1).map(([header, lines]) => ({ header, lines }));
}

/** The config and credentials files: do they parse, and are generated names unique. */
export function checkFiles(f: ConfigFacts): { checks: Check[]; config: AwsConfig | undefined } {
  const checks: Check[] = [];
  if (f.configText === undefined) {
    checks.push(fail('config', `no config file at ${f.configFile}`, INIT_HINT));
  }
  const dupes = duplicateSections(f.configText ?? '');
  for (const d of dupes) {
    checks.push(
      fail(
        'profiles',
        `duplicate section [${d.header}] in ${f.configFile} at lines ${d.lines.join(' and ')}: the AWS CLI and every SDK refuse the whole file`,
        `delete all but one copy (sections appended twice?); let \`ssohelper sync\` manage generated profiles instead`,
      ),
    );
  }
  let configSections = new Map<string, IniSection>();
  let credentialSections = new Map<string, IniSection>();
  let parsed = true;
  for (const [text, file, isConfig] of [
    [f.configText, f.configFile, true],
    [f.credentialsText, f.credentialsFile, false],
  ] as const) {
    if (text === undefined) continue;
    try {
      const sections = parseIni(text);
      if (isConfig) configSections = sections;
      else credentialSections = sections;
      if (isConfig) readBlocks(text, file);
    } catch (err) {
      parsed = false;
      if (err instanceof IniSyntaxError) {
        if (!(isConfig && dupes.length > 0 && /appears twice/.test(err.message))) {
          checks.push(
            fail(
              'config',
              `${file}, line ${err.line}: ${err.message}`,
              'fix that line; the AWS CLI and the SDKs reject the file too',
            ),
          );
        }
      } else if (err instanceof SsoHelperError) {
        checks.push(fail('config', err.message, err.hint));
      } else throw err;
    }
  }
  if (!parsed) return { checks, config: undefined };
  const config = buildConfig(configSections, credentialSections, {
    configFile: f.configFile,
    credentialsFile: f.credentialsFile,
  });
  if (f.configText !== undefined) {
    checks.push(
      ok(
        'config',
        `${f.configFile} parses: ${count(config.profiles.size, 'profile')}, ${count(config.ssoSessions.size, 'sso-session')}`,
      ),
    );
  }
  return { checks, config };
}

const KEY_NAMES = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'];

function isSso(p: IniSection | undefined): boolean {
  return !!(
    stringValue(p, 'sso_session') ||
    stringValue(p, 'sso_start_url') ||
    stringValue(p, 'sso_account_id') ||
    stringValue(p, 'sso_role_name')
  );
}

/** Static keys that some SDKs use instead of an SSO profile. */
export function checkShadowing(config: AwsConfig, env: Env, only: string | undefined, now: number): Check[] {
  const checks: Check[] = [];
  for (const [name, section] of config.credentialProfiles) {
    if (only !== undefined && name !== only) continue;
    const keys = KEY_NAMES.filter((k) => section.has(k));
    if (keys.length === 0 || !isSso(config.profiles.get(name))) continue;
    checks.push(
      fail(
        'credentials',
        `${config.credentialsFile} [${name}] holds ${keys.join(', ')}, which the AWS SDKs for JavaScript, Go and Java, and Terraform, use instead of the SSO settings of profile "${name}"`,
        `delete ${keys.join(', ')} from [${name}] in ${config.credentialsFile}`,
      ),
    );
  }
  const envKeys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'].filter((k) => env[k]);
  const held = heldKeys(env);
  if (held) {
    // Keys that `use`, `env` or `exec` put there on purpose: fine while they last and name a profile.
    if (!config.profiles.has(held.profile)) {
      checks.push(
        warn(
          'credentials',
          `this shell holds keys marked as profile "${held.profile}", which is not in ${config.configFile}`,
          'ssohelper use --clear   (or: ssohelper use PROFILE)',
        ),
      );
    } else if (held.expiresAt && held.expiresAt.getTime() <= now) {
      checks.push(
        warn(
          'credentials',
          `this shell holds expired keys of profile "${held.profile}": AWS tools started here will be refused`,
          `ssohelper use ${held.profile}   (or: ssohelper use --clear)`,
        ),
      );
    } else {
      checks.push(
        ok(
          'credentials',
          `this shell holds keys of profile "${held.profile}" from ssohelper${held.expiresAt ? ` (${shortTimeLeft(held.expiresAt, new Date(now))} left)` : ''}`,
        ),
      );
    }
  } else if (envKeys.includes('AWS_ACCESS_KEY_ID')) {
    checks.push(
      fail(
        'credentials',
        `AWS_ACCESS_KEY_ID is set in the environment: every AWS tool uses it before any profile, SSO ones included`,
        `unset ${envKeys.join(' ')}`,
      ),
    );
  }
  if (checks.length === 0)
    checks.push(ok('credentials', `no static keys shadow an SSO profile (${config.credentialsFile}, environment)`));
  return checks;
}

/** Every SSO profile resolves; source_profile chains end; credential_process and SSO are not mixed. */
/**
 * `tokenFiles`: what is wrong with each web identity token file (undefined: readable), as
 * collect.ts found it.
 */
export function checkProfiles(
  config: AwsConfig,
  env: Env,
  only: string | undefined,
  tokenFiles: ReadonlyMap<string, string | undefined> = new Map(),
): Check[] {
  const checks: Check[] = [];
  const names = only !== undefined ? [only] : [...config.profiles.keys()].sort();
  let good = 0;
  for (const name of names) {
    const p = config.profiles.get(name);
    if (!p) continue;
    if (p.has('web_identity_token_file') || p.has('mfa_serial'))
      checks.push(roleProfileCheck(config, env, name, tokenFiles));
    if (isSso(p)) {
      try {
        resolveSsoProfile(config, name, env);
        good++;
      } catch (err) {
        if (!(err instanceof SsoHelperError)) throw err;
        checks.push(fail('profiles', err.message, err.hint));
      }
      if (stringValue(p, 'credential_process')) {
        checks.push(
          warn(
            'profiles',
            `profile "${name}" has both sso_* settings and credential_process: botocore uses SSO, the JS SDK uses the process`,
            `keep one of the two in [profile ${name}]`,
          ),
        );
      }
    }
    const source = stringValue(p, 'source_profile');
    if (source !== undefined) {
      const loop = sourceLoop(config, name);
      if (loop)
        checks.push(
          fail(
            'profiles',
            `source_profile loop: ${loop.join(' -> ')}`,
            `point source_profile of one of them at a profile with credentials`,
          ),
        );
      else if (!config.profiles.has(source)) {
        const guess = didYouMean(source, config.profiles.keys());
        checks.push(
          fail(
            'profiles',
            `profile "${name}" has source_profile = ${source}, which does not exist${guess ? `: ${guess}` : ''}`,
            `fix source_profile in [profile ${name}]`,
          ),
        );
      }
    }
  }
  if (good > 0 && checks.every((c) => c.verdict !== 'fail'))
    checks.push(ok('profiles', `${count(good, 'SSO profile')} complete and consistent`));
  else if (good > 0) checks.push(ok('profiles', `${count(good, 'other SSO profile')} complete and consistent`));
  return checks;
}

/** A web identity or MFA profile: resolvable, its token file readable, where its code comes from. */
function roleProfileCheck(
  config: AwsConfig,
  env: Env,
  name: string,
  tokenFiles: ReadonlyMap<string, string | undefined>,
): Check {
  let plan: CredentialPlan;
  try {
    plan = resolveProfile(config, name, env).plan;
  } catch (err) {
    if (!(err instanceof SsoHelperError)) throw err;
    return fail('profiles', err.message, err.hint);
  }
  if (plan.kind === 'webIdentity') {
    const problem = tokenFiles.get(plan.tokenFile);
    if (problem)
      return fail(
        'profiles',
        `profile "${name}": web identity token file ${plan.tokenFile} ${problem}`,
        'whatever issues the token (the CI runner, the EKS pod identity) must write it there',
      );
    return ok('profiles', `profile "${name}": web identity for ${plan.role.roleArn}, token in ${plan.tokenFile}`);
  }
  const mfa = plan.kind === 'assumeRole' ? plan.role.mfa : undefined;
  if (!mfa) return ok('profiles', `profile "${name}" resolves`);
  if (mfa.process) return ok('profiles', `profile "${name}": MFA code for ${mfa.serial} from mfa_process`);
  return warn(
    'profiles',
    `profile "${name}": MFA code for ${mfa.serial} is asked for on the terminal; a tool that runs ssohelper with none (an IDE, cron) fails while the credentials are not cached`,
    `set mfa_process in [profile ${name}] to a command that prints the code, if you have one`,
  );
}

/** The chain from `start` if it comes back on itself (a profile naming itself with keys is fine). */
function sourceLoop(config: AwsConfig, start: string): string[] | undefined {
  const path = [start];
  let current = start;
  for (;;) {
    const p = config.profiles.get(current);
    const next = stringValue(p, 'source_profile');
    if (next === undefined || !config.profiles.has(next)) return undefined;
    if (next === current && stringValue(p, 'aws_access_key_id')) return undefined;
    if (path.includes(next)) {
      // Reported once, from the loop's first member by name, not from each member.
      const cycle = path.slice(path.indexOf(next));
      return cycle[0] === start && start === [...cycle].sort()[0] ? [...cycle, next] : undefined;
    }
    path.push(next);
    current = next;
  }
}

/** Each session: logged in, time left, renewal, and the exact command when a login is due. */
export function checkSessions(sessions: readonly SessionStatus[]): Check[] {
  const known = sessions.filter((s) => s.sessionName !== null || s.profiles.length > 0);
  return known.map((s) => {
    const label = s.sessionName
      ? `sso-session ${s.sessionName}`
      : `SSO start URL ${s.startUrl} (profile ${s.profiles[0]})`;
    if (!s.loggedIn) return fail('sessions', `${label}: not logged in`, s.loginCommand);
    if (s.loginRequired)
      return fail(
        'sessions',
        `${label}: expired ${humanDuration(-(s.secondsLeft ?? 0) * 1000)} ago and cannot renew itself`,
        s.loginCommand,
      );
    if (s.expired) return ok('sessions', `${label}: token expired, renews itself on next use (no login needed)`);
    const left = humanDuration((s.secondsLeft ?? 0) * 1000);
    if (s.refreshable) return ok('sessions', `${label}: logged in, ${left} left, renews itself`);
    return warn(
      'sessions',
      `${label}: logged in, ${left} left, cannot renew itself (no refresh token): log in again then`,
      `${s.loginCommand} (an sso-session with sso_registration_scopes renews itself)`,
    );
  });
}

/** Console sessions (aws login) the config names: present, and how long their keys have. */
export function checkConsoleSessions(sessions: readonly ConsoleSessionStatus[]): Check[] {
  return sessions
    .filter((c) => c.profiles.length > 0)
    .map((c) => {
      const label = `console session ${c.sessionName} (profile ${c.profiles.join(', ')})`;
      if (!c.loggedIn) return fail('sessions', `${label}: no usable session file in the login cache`, c.loginCommand);
      if (c.expired)
        return ok(
          'sessions',
          `${label}: keys expired, renewed on next use while the session lasts (at most 12 hours after aws login)`,
        );
      return ok('sessions', `${label}: keys valid for ${humanDuration((c.secondsLeft ?? 0) * 1000)}, renewed on use`);
    });
}

export interface FileFacts {
  path: string;
  isDir: boolean;
  mode: number;
  uid: number;
}

/** Cache directories nobody else can write to, cache files nobody else can read. */
export function checkCacheModes(
  entries: readonly FileFacts[],
  uid: number | undefined,
  platform: NodeJS.Platform,
): Check[] {
  // Windows has no POSIX modes (Node reports 0666/0444); the user profile's ACLs protect ~/.aws.
  if (platform === 'win32')
    return [ok('caches', "cache permissions not checked on Windows: your user profile's access rules protect them")];
  const checks: Check[] = [];
  for (const e of entries) {
    const foreign = uid !== undefined && e.uid !== uid;
    if (e.isDir) {
      if (foreign)
        checks.push(
          fail('caches', `${e.path} belongs to another user (uid ${e.uid})`, `sudo chown -R $(id -u) ${e.path}`),
        );
      else if (e.mode & 0o022)
        checks.push(
          fail(
            'caches',
            `${e.path} is writable by ${e.mode & 0o002 ? 'everyone' : 'its group'} (mode ${octal(e.mode)}): others could replace cached tokens`,
            `chmod 700 ${e.path}`,
          ),
        );
    } else if (foreign) {
      checks.push(fail('caches', `${e.path} belongs to another user (uid ${e.uid})`, `sudo chown $(id -u) ${e.path}`));
    } else if (e.mode & 0o077) {
      checks.push(
        fail(
          'caches',
          `${e.path} is readable or writable by others (mode ${octal(e.mode)}): it holds secrets`,
          `chmod 600 ${e.path}`,
        ),
      );
    }
  }
  if (checks.length === 0)
    checks.push(
      ok('caches', `cache directories and ${entries.filter((e) => !e.isDir).length} cache files are private to you`),
    );
  return checks;
}

function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(4, '0');
}

/** More than this between our clock and the portal's makes fresh tokens look expired. */
export const CLOCK_SKEW_LIMIT_MS = 5 * 60_000;

export function checkClock(
  probe: { endpoint: string; portalDate: number | undefined; localNow: number; error?: string } | undefined,
): Check[] {
  if (!probe) return [warn('clock', 'clock not checked: no sso-session to ask')];
  if (probe.portalDate === undefined)
    return [
      warn(
        'clock',
        `clock not checked: ${probe.endpoint} did not answer (${probe.error ?? 'no Date header'})`,
        'check your network connection and proxy settings',
      ),
    ];
  const skew = probe.localNow - probe.portalDate;
  const text = `${humanDuration(Math.abs(skew))} ${skew > 0 ? 'ahead of' : 'behind'} the portal`;
  if (Math.abs(skew) > CLOCK_SKEW_LIMIT_MS) {
    return [
      fail(
        'clock',
        `this computer's clock is ${text} (${probe.endpoint}): tokens will look expired or not yet valid`,
        'turn on automatic time (timedatectl set-ntp true; macOS: sntp -sS time.apple.com; Windows: w32tm /resync)',
      ),
    ];
  }
  return [ok('clock', `clock within ${humanDuration(Math.max(1000, Math.abs(skew)))} of the portal's`)];
}

/** Where `aws` would be found on PATH, in order, as the shell would look. */
export function awsCandidates(env: Env, platform: NodeJS.Platform): string[] {
  const windows = platform === 'win32';
  const pathVar = (windows ? (env.Path ?? env.PATH) : env.PATH) ?? '';
  const names = windows
    ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD')
        .split(';')
        .filter(Boolean)
        .map((ext) => `aws${ext.toLowerCase()}`)
    : ['aws'];
  const sep = windows ? '\\' : '/';
  return pathVar
    .split(windows ? ';' : ':')
    .filter(Boolean)
    .flatMap((dir) => names.map((n) => `${dir.replace(/[\\/]+$/, '')}${sep}${n}`));
}

export function checkAwsCli(found: { path: string; versionLine: string | undefined } | undefined): Check[] {
  if (!found) return [ok('aws-cli', 'no AWS CLI on PATH (ssohelper does not need one)')];
  const m = /aws-cli\/(\d+)\.(\d+)\.(\d+)/.exec(found.versionLine ?? '');
  if (!m)
    return [
      warn(
        'aws-cli',
        `${found.path} did not report an AWS CLI version (${(found.versionLine ?? 'no output').slice(0, 60)})`,
      ),
    ];
  const version = `${m[1]}.${m[2]}.${m[3]}`;
  if (m[1] === '1') {
    return [
      warn(
        'aws-cli',
        `the AWS CLI on PATH is v1 (${version}, ${found.path}): it reads SSO profiles and the shared caches, but has no \`aws sso login\``,
        'log in with ssohelper login; for `aws sso login`, install AWS CLI v2 and put it first on PATH',
      ),
    ];
  }
  return [
    ok(
      'aws-cli',
      `AWS CLI ${version} (${found.path}) shares ssohelper's caches (~/.aws/sso/cache, ~/.aws/cli/cache): one login serves both`,
    ),
  ];
}

export interface NetworkFacts {
  proxies: Array<{ name: string; target: string }>;
  noProxy: string | undefined;
  /** Whether the proxy applies to the portal's URL (NO_PROXY may exempt it). */
  portal?: { url: string; proxied: boolean };
  caBundles: Array<{ name: string; path: string; readable: boolean }>;
  systemCa?: boolean;
  /** Settings src/net/ would refuse, with their fixes. */
  errors: Array<{ message: string; fix: string | undefined }>;
}

/** One endpoint ssohelper needs and what a request to it met: any HTTP answer means it is reachable. */
export interface Reachability {
  /** "the portal (sso)", "sign-in (OIDC)", "STS". */
  what: string;
  url: string;
  /** Where the URL came from (AWS_ENDPOINT_URL_SSO, sso_region eu-west-1...). */
  origin: string;
  failure?: { message: string; hint: string | undefined };
}

export function checkReachable(endpoints: readonly Reachability[]): Check[] {
  return endpoints.map((e) =>
    e.failure
      ? fail(
          'network',
          `${e.what} at ${e.url} (from ${e.origin}) cannot be reached: ${e.failure.message}`,
          e.failure.hint,
        )
      : ok('network', `${e.what} answers at ${e.url}`),
  );
}

export function checkNetwork(n: NetworkFacts): Check[] {
  const checks: Check[] = [];
  for (const e of n.errors) checks.push(fail('network', e.message, e.fix));
  for (const p of n.proxies) {
    const exempt = n.portal && !n.portal.proxied ? `; not used for ${n.portal.url} (NO_PROXY)` : '';
    checks.push(
      ok(
        'network',
        `proxy in effect: ${p.name} -> ${p.target}${n.noProxy ? ` (NO_PROXY: ${n.noProxy})` : ''}${exempt}`,
      ),
    );
  }
  for (const c of n.caBundles) {
    if (c.readable) checks.push(ok('network', `CA certificates from ${c.name}: ${c.path}`));
    else
      checks.push(
        fail(
          'network',
          `${c.name} names ${c.path}, which cannot be read: TLS to AWS will fail`,
          `fix the path, or remove the setting`,
        ),
      );
  }
  if (n.systemCa) checks.push(ok('network', "the operating system's trust store is added to the CA certificates"));
  if (checks.length === 0) checks.push(ok('network', 'no proxy or custom CA configured (direct HTTPS to AWS)'));
  return checks;
}
