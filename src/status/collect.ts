// Gathers what `ssohelper status` reports. Reads the config and the two cache directories and
// nothing else: no refresh, no lock, no directory created.
import { isLostRefresh } from '../cache/refreshState.ts';
import { roleCacheKey } from '../cache/role.ts';
import { assumeRoleCacheKey, roleCacheArgs } from '../cache/assumeRole.ts';
import { knownAssumedRoles, knownRoles, knownSessions, readCacheDir } from '../cache/scan.ts';
import { resolveProfile, ssoBase } from '../config/credentialProfile.ts';
import { tokenCacheHash } from '../cache/token.ts';
import { loadConfig } from '../config/load.ts';
import { type AwsConfig, buildConfig, stringValue } from '../config/model.ts';
import { sha256Hex } from '../util/sha256.ts';
import { consoleSessionStatus, knownConsoleSessions } from './consoleSessions.ts';
import { ConfigError, oneLine } from '../errors.ts';
import { loginTarget } from '../session/target.ts';
import type { Runtime } from '../runtime.ts';
import { buildStatus, type StatusReport } from './report.ts';

async function configOrEmpty(rt: Runtime, strict: boolean): Promise<AwsConfig> {
  try {
    return await loadConfig(rt.paths);
  } catch (err) {
    // Without a profile to resolve, a broken config only costs the names in the report.
    if (strict || !(err instanceof ConfigError)) throw err;
    rt.stderr(`ssohelper: warning: ${oneLine(err.message)}; showing the caches without names from the config\n`);
    return buildConfig(new Map(), new Map(), {
      configFile: rt.paths.configFile,
      credentialsFile: rt.paths.credentialsFile,
    });
  }
}

export async function statusReport(rt: Runtime, profileName: string | undefined): Promise<StatusReport> {
  const config = await configOrEmpty(rt, profileName !== undefined);
  let filter: { tokenHash: string | undefined; roleHash: string | undefined } | undefined;
  const consoleName =
    profileName === undefined ? undefined : stringValue(config.profiles.get(profileName), 'login_session');
  const consoleHash = consoleName === undefined ? undefined : sha256Hex(consoleName);
  if (profileName !== undefined && consoleHash !== undefined) {
    // A console-session profile has no SSO session or role credentials to show.
    filter = { tokenHash: '', roleHash: undefined };
  } else if (profileName !== undefined) {
    let roleHash: string | undefined;
    let sessionless = false;
    try {
      const { plan } = resolveProfile(config, profileName, rt.env);
      if (plan.kind === 'sso') roleHash = roleCacheKey(plan.sso);
      else if (plan.kind === 'assumeRole' || plan.kind === 'webIdentity')
        roleHash = assumeRoleCacheKey(roleCacheArgs(plan));
      // A web identity, or a role assumed with keys, has cached credentials but no SSO session.
      sessionless = roleHash !== undefined && plan.kind !== 'sso' && !ssoBase(plan);
    } catch {
      roleHash = undefined; // a session-only profile has no role credentials of its own
    }
    const session = sessionless
      ? undefined
      : loginTarget(config, { profile: profileName, ssoSession: undefined }, rt.env, 'status');
    filter = { tokenHash: session && tokenCacheHash(session), roleHash };
  }
  const [tokenFiles, roleFiles, loginFiles] = await Promise.all([
    readCacheDir(rt.paths.ssoCacheDir, 'SSO token cache file', rt.stderr),
    readCacheDir(rt.paths.roleCacheDir, 'role credential cache file', rt.stderr),
    readCacheDir(rt.paths.loginCacheDir, 'console session cache file', rt.stderr),
  ]);
  const lostRefresh = new Set<string>();
  for (const f of tokenFiles) {
    const refreshToken = f.data?.refreshToken;
    if (typeof refreshToken === 'string' && (await isLostRefresh(rt.paths.stateDir, f.hash, refreshToken)))
      lostRefresh.add(f.hash);
  }
  const report = buildStatus(
    {
      tokenFiles,
      roleFiles,
      sessions: knownSessions(config),
      roles: knownRoles(config, rt.env),
      assumedRoles: knownAssumedRoles(config, rt.env),
      now: rt.now(),
      lostRefresh,
    },
    filter,
  );
  // With a profile, only its own console session (none for an SSO profile).
  const only = profileName === undefined ? undefined : (consoleHash ?? '');
  report.consoleSessions = consoleSessionStatus(loginFiles, knownConsoleSessions(config), rt.now(), only);
  return report;
}
