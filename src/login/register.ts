// One OIDC client registration per session and flow, shared with the AWS CLI through its
// registration cache: reused while it fits, registered anew when missing, near expiry, of the
// wrong kind, or lacking the scopes that make the service hand out refresh tokens.
import {
  type Registration,
  type RegistrationKey,
  type RegistrationKind,
  readRegistration,
  registrationCachePath,
  registrationFits,
  writeRegistration,
} from '../cache/registration.ts';
import type { SessionRef } from '../session/ref.ts';
import { ServiceError } from '../errors.ts';
import { mask, type Runtime } from '../runtime.ts';
import { SsoApiError } from '../sso/call.ts';
import { endpointFor } from '../sso/clients.ts';
import { registerClient } from '../sso/oidc.ts';
import { PKCE_GRANT_TYPES, REGISTERED_REDIRECT_URI, requestedScopes } from './pkce.ts';
import { isoString } from '../util/time.ts';

export function registrationKeyOf(s: SessionRef): RegistrationKey {
  return {
    startUrl: s.startUrl,
    ssoRegion: s.ssoRegion,
    scopes: s.registrationScopes.length > 0 ? s.registrationScopes : null,
    sessionName: s.sessionName ?? null,
  };
}

/**
 * Scopes to register with. sso-session logins always ask for a refresh token (the configured
 * scopes, else sso:account:access); legacy profiles get what they are configured with, which is
 * nothing: the AWS tools never refresh legacy tokens.
 */
export function scopesFor(s: SessionRef, kind: RegistrationKind): string[] | undefined {
  if (kind === 'pkce' || s.sessionName) return requestedScopes(s.registrationScopes);
  return s.registrationScopes.length > 0 ? [...s.registrationScopes] : undefined;
}

export async function clientRegistration(
  rt: Runtime,
  s: SessionRef,
  kind: RegistrationKind,
  force = false,
): Promise<Registration> {
  const path = registrationCachePath(rt.paths.ssoCacheDir, registrationKeyOf(s));
  const scopes = scopesFor(s, kind);
  if (!force) {
    const cached = await readRegistration(path, rt.stderr);
    if (cached && registrationFits(cached, kind, scopes, rt.now())) {
      rt.debug(
        `reusing ${kind} client registration ${mask(cached.clientId)} from ${path}, expires ${isoString(cached.expiresAt)}`,
      );
      return cached;
    }
    rt.debug(
      cached
        ? `client registration in ${path} does not fit a ${kind} login; registering anew`
        : `no client registration in ${path}`,
    );
  }
  const endpoint = endpointFor(rt, s, 'oidc');
  const clientName = `ssohelper-client-${s.sessionName ?? Math.floor(rt.now() / 1000)}`;
  const request =
    kind === 'pkce'
      ? {
          clientName,
          scopes,
          grantTypes: [...PKCE_GRANT_TYPES],
          redirectUris: [REGISTERED_REDIRECT_URI],
          issuerUrl: s.startUrl,
        }
      : { clientName, ...(scopes ? { scopes } : {}) };
  const client = await registerClient({ rt, endpoint }, request).catch((err) => {
    // A request the service refuses outright is usually a wrong region or scope in the config.
    if (err instanceof SsoApiError && !err.hint)
      throw new ServiceError(err.message, 'check sso_region and sso_registration_scopes in your config', {
        cause: err.cause,
      });
    throw err;
  });
  const registration: Registration = {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    expiresAt: new Date(client.expiresAtSeconds * 1000),
    scopes,
    grantTypes: kind === 'pkce' ? [...PKCE_GRANT_TYPES] : undefined,
  };
  await writeRegistration(path, registration);
  rt.debug(
    `registered ${kind} client ${mask(registration.clientId)}, expires ${isoString(registration.expiresAt)}, cached in ${path}`,
  );
  return registration;
}
