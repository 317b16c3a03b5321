// A profile's credentials as every command hands them out: resolved once, then asked for again
// and again (exec --server, serve), through the shared cache and its lock, honouring a minimum
// lifetime and, when the caller allows it, a login when the SSO session has expired.
import { type ResolvedProfile, resolveProfile, ssoBase } from '../config/credentialProfile.ts';
import { loadConfig } from '../config/load.ts';
import type { SsoProfile } from '../config/profile.ts';
import { ConfigError, LoginRequiredError } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { AwsCredentials } from '../types/credentials.ts';
import { humanDuration } from '../util/time.ts';
import { DEFAULT_MIN_TTL_MS } from './freshness.ts';
import { credentialsOf } from './providers.ts';

/** A login on demand for the profile's SSO session; a token newer than `since` is fresh enough. */
export type LoginOnDemand = (profile: SsoProfile, since: number) => Promise<void>;

export interface CredentialRequest {
  profileName: string;
  /** The name came from the environment, not the command line: botocore's web identity variables then apply. */
  fromEnvironment: boolean;
  /**
   * For commands a person runs (env, exec, console): when no profile was named, none comes from
   * the environment and the config has no default one, a choice on the terminal (undefined: none).
   */
  pick?: () => Promise<string | undefined>;
  /** Asked for explicitly (--min-ttl); undefined: the default, which the cache path applies. */
  minTtlMs: number | undefined;
  /** Undefined: an expired session fails with LoginRequiredError (exit 2). */
  login: LoginOnDemand | undefined;
}

export interface CredentialSource {
  profile: ResolvedProfile;
  credentials(refresh?: boolean): Promise<AwsCredentials>;
}

export async function credentialSource(rt: Runtime, request: CredentialRequest): Promise<CredentialSource> {
  let name = request.profileName;
  const config = await loadConfig(rt.paths);
  let profile: ResolvedProfile;
  try {
    profile = resolveProfile(config, name, rt.env, request.fromEnvironment);
  } catch (err) {
    const picked =
      err instanceof ConfigError &&
      request.pick &&
      request.fromEnvironment &&
      name === 'default' &&
      !config.profiles.has(name)
        ? await request.pick()
        : undefined;
    if (picked === undefined) throw err;
    name = picked;
    profile = resolveProfile(config, name, rt.env, false);
  }
  const shadow = config.credentialProfiles.get(name);
  if (profile.plan.kind === 'sso' && shadow?.has('aws_access_key_id')) {
    rt.stderr(
      `ssohelper: warning: ${config.credentialsFile} also has keys for profile "${name}"; some AWS SDKs will use those instead of SSO\n`,
    );
  }
  const minTtlRequired = request.minTtlMs !== undefined;
  const minTtlMs = request.minTtlMs ?? DEFAULT_MIN_TTL_MS;
  return {
    profile,
    async credentials(refresh = false) {
      const options = { minTtlMs, minTtlRequired, refresh };
      const started = rt.now();
      let creds: AwsCredentials;
      try {
        creds = await credentialsOf(rt, profile.plan, options);
      } catch (err) {
        const base = ssoBase(profile.plan);
        if (!(err instanceof LoginRequiredError) || !base || !request.login) throw err;
        // Outside the cached path, so no lock is held while a login waits for the user.
        rt.debug(`login on demand: ${err.message}`);
        await request.login(base.sso, started);
        creds = await credentialsOf(rt, profile.plan, options);
      }
      // The cached kinds enforce it themselves; a process or the environment cannot be asked again.
      const left = creds.expiration ? creds.expiration.getTime() - rt.now() : Number.POSITIVE_INFINITY;
      if (minTtlRequired && left < minTtlMs) {
        throw new ConfigError(
          `credentials for profile "${name}" are valid for ${humanDuration(left)}, less than the ${humanDuration(minTtlMs)} asked for`,
          'lower --min-ttl',
        );
      }
      return creds;
    },
  };
}
