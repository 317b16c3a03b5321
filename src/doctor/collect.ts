// Gathers what doctor judges: the files, the caches' modes, the portal's clock, the AWS CLI on
// PATH, and proxy/CA settings (names and where they point; never credentials). Reads only.
import { execFile } from 'node:child_process';
import { constants, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { readToken, tokenCachePath, tokenCacheKey } from '../cache/token.ts';
import { configuredEndpoint, defaultEndpoint, endpointOrigin } from '../config/endpoints.ts';
import type { IniSection } from '../config/ini.ts';
import { type AwsConfig, stringValue } from '../config/model.ts';
import { resolveSsoProfile, resolveSsoSession, selectProfileName } from '../config/profile.ts';
import { readConfigText } from '../config/load.ts';
import { ConfigError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import { httpClient, requestTo } from '../net/client.ts';
import { type Endpoint, endpointFor } from '../sso/clients.ts';
import { statusReport } from '../status/collect.ts';
import { didYouMean } from '../util/suggest.ts';
import {
  awsCandidates,
  type Check,
  checkAwsCli,
  checkCacheModes,
  checkClock,
  checkFiles,
  checkNetwork,
  checkProfiles,
  checkConsoleSessions,
  checkReachable,
  checkSessions,
  checkShadowing,
  type FileFacts,
  type NetworkFacts,
  type Reachability,
} from './checks.ts';
import { cold, lazy } from '../util/load.ts';

export async function runChecks(rt: Runtime, profile: string | undefined): Promise<Check[]> {
  const [configText, credentialsText] = await Promise.all([
    readConfigText(rt.paths.configFile, 'config file'),
    readConfigText(rt.paths.credentialsFile, 'credentials file'),
  ]);
  const files = checkFiles({
    configFile: rt.paths.configFile,
    credentialsFile: rt.paths.credentialsFile,
    configText,
    credentialsText,
  });
  const checks = [...files.checks];
  const config = files.config;
  if (profile !== undefined && config && !config.profiles.has(profile)) {
    const guess = didYouMean(profile, config.profiles.keys());
    throw new ConfigError(
      `profile "${profile}" not found in ${config.configFile}${guess ? `: ${guess}` : ''}`,
      'run ssohelper doctor without a profile to check everything',
    );
  }
  let sessionFilter: string | undefined;
  if (config) {
    checks.push(...checkShadowing(config, rt.env, profile, rt.now()));
    checks.push(...checkProfiles(config, rt.env, profile, await tokenFileProblems(config)));
    const report = await statusReport(rt, undefined);
    let sessions = report.sessions;
    if (profile !== undefined) {
      const p = config.profiles.get(profile);
      sessionFilter = p?.get('sso_session') as string | undefined;
      const startUrl = p?.get('sso_start_url');
      sessions = sessions.filter((s) =>
        sessionFilter ? s.sessionName === sessionFilter : s.profiles.includes(profile) || s.startUrl === startUrl,
      );
    }
    checks.push(...checkSessions(sessions));
    checks.push(
      ...checkConsoleSessions(
        report.consoleSessions.filter((c) => profile === undefined || c.profiles.includes(profile)),
      ),
    );
    checks.push(...(await clockChecks(rt, config, profile, sessionFilter)));
  }
  const platform = rt.platform;
  checks.push(...checkCacheModes(await cacheEntries(rt), process.getuid?.(), platform));
  checks.push(...checkAwsCli(await findAwsCli(rt, platform)));
  checks.push(...checkNetwork(await networkFacts(rt, config, profile)));
  return checks;
}

/** Each configured web identity token file that cannot be read, and why. */
async function tokenFileProblems(config: AwsConfig): Promise<Map<string, string | undefined>> {
  const { readWebIdentityToken } = await lazy(() => import('../credentials/webIdentity.ts'));
  const problems = new Map<string, string | undefined>();
  for (const [name, section] of config.profiles) {
    const path = stringValue(section, 'web_identity_token_file');
    if (path === undefined || problems.has(path)) continue;
    problems.set(
      path,
      await readWebIdentityToken(path, name).then(
        () => undefined,
        (err: Error) => err.message.replace(/^.*?, \S+, /, ''),
      ),
    );
  }
  return problems;
}

async function clockChecks(
  rt: Runtime,
  config: AwsConfig,
  profile: string | undefined,
  sessionName: string | undefined,
): Promise<Check[]> {
  // One request, to the session in question (or the first one), with its token when there is one.
  let target:
    | {
        endpoint: Endpoint;
        endpoints: Endpoint[];
        tokenKey: { sessionName: string | undefined; startUrl: string };
        label: string;
      }
    | undefined;
  try {
    if (profile !== undefined && !sessionName) {
      const p = resolveSsoProfile(config, profile, rt.env);
      target = {
        endpoint: endpointFor(rt, p, 'sso'),
        endpoints: serviceEndpoints(rt, config, p, config.profiles.get(profile)),
        tokenKey: { sessionName: undefined, startUrl: p.startUrl },
        label: `profile ${profile}`,
      };
    } else {
      const name = sessionName ?? [...config.ssoSessions.keys()].sort()[0];
      if (name !== undefined) {
        const s = resolveSsoSession(config, name, rt.env);
        const section = profile === undefined ? undefined : config.profiles.get(profile);
        target = {
          endpoint: endpointFor(rt, s, 'sso'),
          endpoints: serviceEndpoints(rt, config, s, section),
          tokenKey: { sessionName: name, startUrl: s.startUrl },
          label: `sso-session ${name}`,
        };
      }
    }
  } catch {
    target = undefined; // a broken session is reported by the profile checks
  }
  if (!target) return checkClock(undefined);
  const token = await readToken(tokenCachePath(rt.paths.ssoCacheDir, tokenCacheKey(target.tokenKey)), rt.stderr).catch(
    () => undefined,
  );
  const valid = token && token.expiresAt.getTime() > rt.now() ? token.accessToken : undefined;
  const { portalDate } = await lazy(() => import('../sso/probe.ts'));
  const probe = await portalDate(target.endpoint, valid).catch((err: Error) => ({
    date: undefined,
    tokenAccepted: undefined,
    error: err.message,
  }));
  const checks = checkClock({
    endpoint: target.endpoint.url,
    portalDate: probe.date,
    localNow: rt.now(),
    ...(probe.error ? { error: probe.error } : {}),
  });
  checks.push(...checkReachable(await Promise.all(target.endpoints.map((e) => reach(rt, e)))));
  if (probe.tokenAccepted === false) {
    checks.push({
      area: 'sessions',
      verdict: 'fail',
      message: `${target.label}: the portal rejects the cached token (signed out elsewhere, or revoked)`,
      fix: target.tokenKey.sessionName
        ? `ssohelper login --sso-session ${target.tokenKey.sessionName}`
        : `ssohelper login --profile ${profile}`,
    });
  }
  return checks;
}

/** The portal, the sign-in service and STS of a session (STS in the profile's region, else the session's). */
function serviceEndpoints(
  rt: Runtime,
  config: AwsConfig,
  s: Parameters<typeof endpointFor>[1],
  profile: IniSection | undefined,
): Endpoint[] {
  const region = rt.env.AWS_REGION || rt.env.AWS_DEFAULT_REGION || stringValue(profile, 'region') || s.ssoRegion;
  const sts = configuredEndpoint('sts', rt.env, config, profile) ?? defaultEndpoint('sts', region);
  return [
    endpointFor(rt, s, 'sso'),
    endpointFor(rt, s, 'oidc'),
    { url: sts, region, network: endpointFor(rt, s, 'sso').network, service: 'sts' },
  ];
}

const SERVICE_NAMES = {
  sso: 'the portal (sso)',
  'sso-oidc': 'sign-in (OIDC)',
  sts: 'STS',
  signin: 'console sign-in',
} as const;
/** Ends a probe of an address that swallows packets long before the 60 s connect timeout. */
const REACH_TIMEOUT_MS = 10_000;

/** One GET of the endpoint's root: any HTTP answer, even 404, proves the way there works. */
async function reach(rt: Runtime, endpoint: Endpoint): Promise<Reachability> {
  const what = SERVICE_NAMES[endpoint.service];
  const origin = endpointOrigin(endpoint.service, endpoint.url, endpoint.region, rt.env);
  try {
    const http = await httpClient(endpoint.network);
    await http.send(
      { ...requestTo(new URL(endpoint.url), 'GET'), path: '/', signal: AbortSignal.timeout(REACH_TIMEOUT_MS) },
      64 * 1024,
    );
    return { what, url: endpoint.url, origin };
  } catch (err) {
    const { describeNetworkFailure } = await lazy(() => import('../net/failure.ts'));
    const network = describeNetworkFailure(err);
    const aborted = (err as Error).name === 'AbortError';
    return {
      what,
      url: endpoint.url,
      origin,
      failure: {
        message:
          network?.message ?? (aborted ? `no connection within ${REACH_TIMEOUT_MS / 1000} s` : (err as Error).message),
        hint:
          (err as { hint?: string }).hint ??
          network?.hint ??
          'check your network connection and proxy settings (HTTPS_PROXY)',
      },
    };
  }
}

async function cacheEntries(rt: Runtime): Promise<FileFacts[]> {
  const entries: FileFacts[] = [];
  const dirs = [rt.paths.ssoCacheDir, rt.paths.roleCacheDir, rt.paths.loginCacheDir, join(rt.paths.lockDir, '..')];
  for (const dir of dirs) {
    const stat = await fsp.lstat(dir).catch(() => undefined);
    if (!stat?.isDirectory()) continue;
    entries.push({ path: dir, isDir: true, mode: stat.mode, uid: stat.uid });
    if (dir !== dirs.at(-1)) {
      for (const name of (await fsp.readdir(dir).catch(() => [])).filter((n) => n.endsWith('.json'))) {
        const f = await fsp.lstat(join(dir, name)).catch(() => undefined);
        if (f?.isFile()) entries.push({ path: join(dir, name), isDir: false, mode: f.mode, uid: f.uid });
      }
    }
  }
  return entries;
}

async function findAwsCli(
  rt: Runtime,
  platform: NodeJS.Platform,
): Promise<{ path: string; versionLine: string | undefined } | undefined> {
  for (const path of awsCandidates(rt.env, platform)) {
    const ok = await fsp.access(path, constants.X_OK).then(
      () => true,
      () => false,
    );
    if (!ok) continue;
    const versionLine = await new Promise<string | undefined>((resolve) => {
      execFile(
        path,
        ['--version'],
        { env: { ...rt.env } as NodeJS.ProcessEnv, timeout: 20_000 },
        (err, stdout, stderr) => {
          // v1 printed its version on stderr.
          const text = `${stdout}${stderr}`.trim();
          resolve(text ? (text.split('\n')[0] as string) : err ? undefined : '');
        },
      );
    });
    return { path, versionLine };
  }
  return undefined;
}

/**
 * The proxy and CA settings src/net/ will use for the portal: proxy host and port only (never
 * the user or password), whether NO_PROXY exempts the portal, the CA bundle and its source.
 */
async function networkFacts(
  rt: Runtime,
  config: AwsConfig | undefined,
  profile: string | undefined,
): Promise<NetworkFacts> {
  const [{ parseProxy, proxyFor }, { networkSettings }, { profileNetwork }] = await Promise.all([
    cold(() => import('../net/proxy.ts')),
    cold(() => import('../net/settings.ts')),
    lazy(() => import('../config/network.ts')),
  ]);
  const facts: NetworkFacts = { proxies: [], noProxy: rt.env.no_proxy ?? rt.env.NO_PROXY, caBundles: [], errors: [] };
  const portal = config && portalUrl(rt, config, profile);
  for (const name of ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']) {
    const value = rt.env[name]?.trim();
    if (!value) continue;
    try {
      const p = parseProxy(value, name);
      facts.proxies.push({
        name,
        target: `${p.host}:${p.port}${p.hasCredentials ? ' (with credentials, not shown)' : ''}`,
      });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      facts.errors.push({ message: err.message, fix: err.hint });
    }
  }
  if (portal && facts.proxies.length > 0) {
    try {
      const u = new URL(portal);
      facts.portal = {
        url: portal,
        proxied: proxyFor({ protocol: u.protocol, hostname: u.hostname, port: u.port }, rt.env) !== undefined,
      };
    } catch {
      // a malformed endpoint is the profile checks' to report
    }
  }
  try {
    const settings = networkSettings(
      rt.env,
      config ? profileNetwork(config, profile ?? selectProfileName(undefined, rt.env)) : undefined,
    );
    if (settings.caBundle) {
      const readable = await fsp.access(settings.caBundle.path, constants.R_OK).then(
        () => true,
        () => false,
      );
      facts.caBundles.push({ name: settings.caBundle.source, path: settings.caBundle.path, readable });
    }
    facts.systemCa = settings.useSystemCa;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    facts.errors.push({ message: err.message, fix: err.hint });
  }
  for (const name of ['NODE_EXTRA_CA_CERTS']) {
    const path = rt.env[name];
    if (!path) continue;
    const readable = await fsp.access(path, constants.R_OK).then(
      () => true,
      () => false,
    );
    facts.caBundles.push({ name, path, readable });
  }
  return facts;
}

function portalUrl(rt: Runtime, config: AwsConfig, profile: string | undefined): string | undefined {
  try {
    if (profile !== undefined) return resolveSsoProfile(config, profile, rt.env).endpoints.sso;
    const name = [...config.ssoSessions.keys()].sort()[0];
    return name === undefined ? undefined : resolveSsoSession(config, name, rt.env).endpoints.sso;
  } catch {
    return undefined;
  }
}
