// Endpoint resolution for the services we call, in the AWS CLI's order: service variable,
// global variable, the profile's `services` section, the profile's endpoint_url; all of them
// off when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile setting) is true.
import { ConfigError } from '../errors.ts';
import type { Env } from './files.ts';
import type { IniSection } from './ini.ts';
import { type AwsConfig, stringValue } from './model.ts';

export type SsoService = 'sso' | 'sso-oidc';
export type Service = SsoService | 'sts' | 'signin';

const SERVICE_KEYS: Record<Service, { env: string; config: string; host: string }> = {
  sso: { env: 'AWS_ENDPOINT_URL_SSO', config: 'sso', host: 'portal.sso' },
  'sso-oidc': { env: 'AWS_ENDPOINT_URL_SSO_OIDC', config: 'sso_oidc', host: 'oidc' },
  sts: { env: 'AWS_ENDPOINT_URL_STS', config: 'sts', host: 'sts' },
  // Only ever configured: its default (https://{region}.signin.aws.amazon.com) is built by
  // credentials/loginRefresh.ts, where the region is known.
  signin: { env: 'AWS_ENDPOINT_URL_SIGNIN', config: 'signin', host: 'signin' },
};

export function defaultEndpoint(service: Service, region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${SERVICE_KEYS[service].host}.${region}.${suffix}`;
}

/**
 * The setting an endpoint URL most likely came from, for messages: a variable holding exactly
 * it, the region when it is AWS's default URL, else the config file. Failure messages only: the
 * resolution itself is configuredEndpoint's.
 */
export function endpointOrigin(service: Service, url: string, region: string, env: Env): string {
  const bare = url.replace(/\/+$/, '');
  const variable = [SERVICE_KEYS[service].env, 'AWS_ENDPOINT_URL'].find(
    (name) => env[name]?.trim().replace(/\/+$/, '') === bare,
  );
  if (variable) return variable;
  if (bare === defaultEndpoint(service, region))
    return service === 'sts' ? `the region ${region}` : `sso_region ${region}`;
  return 'endpoint_url or a services section in the config file';
}

export function resolveEndpoint(
  service: SsoService,
  region: string,
  env: Env,
  config: AwsConfig,
  profile: IniSection | undefined,
): string {
  return configuredEndpoint(service, env, config, profile) ?? defaultEndpoint(service, region);
}

/** The endpoint the variables or the config name for `service`, if any. */
export function configuredEndpoint(
  service: Service,
  env: Env,
  config: AwsConfig,
  profile: IniSection | undefined,
): string | undefined {
  const keys = SERVICE_KEYS[service];
  const ignore =
    isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) ||
    (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === undefined &&
      isTrue(stringValue(profile, 'ignore_configured_endpoint_urls')));
  if (!ignore) {
    const servicesName = stringValue(profile, 'services');
    const nested = servicesName ? config.services.get(servicesName)?.get(keys.config) : undefined;
    const candidates: Array<[string | undefined, string]> = [
      [env[keys.env], `the ${keys.env} variable`],
      [env.AWS_ENDPOINT_URL, 'the AWS_ENDPOINT_URL variable'],
      [
        typeof nested === 'object' ? nested.get('endpoint_url') : undefined,
        `[services ${servicesName}] in ${config.configFile}`,
      ],
      [stringValue(profile, 'endpoint_url'), `endpoint_url in ${config.configFile}`],
    ];
    for (const [value, source] of candidates) {
      if (value) return checkUrl(value, source);
    }
  }
  return undefined;
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

function checkUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(
      `the endpoint URL "${value}" from ${source} is not a valid URL`,
      'fix it, or unset it to use the AWS default',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`the endpoint URL "${value}" from ${source} must start with https:// or http://`);
  }
  return value.replace(/\/+$/, '');
}
