// Turns parsed INI sections into profiles, sso-sessions and services, the way botocore names
// them: `[profile NAME]`, `[default]`, `[sso-session NAME]`, `[services NAME]` in the config
// file; bare `[NAME]` in the credentials file, merged into profiles key by key and winning.
import { shellSplit } from '../util/shellSplit.ts';
import type { IniSection, IniValue } from './ini.ts';

export interface AwsConfig {
  profiles: Map<string, IniSection>;
  ssoSessions: Map<string, IniSection>;
  services: Map<string, IniSection>;
  /** Profile names present in the credentials file, with their keys (to spot shadowing keys). */
  credentialProfiles: Map<string, IniSection>;
  configFile: string;
  credentialsFile: string;
}

export function buildConfig(
  configSections: Map<string, IniSection>,
  credentialSections: Map<string, IniSection>,
  files: { configFile: string; credentialsFile: string },
): AwsConfig {
  const profiles = new Map<string, IniSection>();
  const ssoSessions = new Map<string, IniSection>();
  const services = new Map<string, IniSection>();

  // botocore's build_profile_map to the letter: the prefix is tested with startswith (so
  // `[profiles x]` is profile x too), the name is the second shlex word, and a later section
  // replaces an earlier one of the same name, `[default]` and `[profile default]` included.
  for (const [header, values] of configSections) {
    if (header.startsWith('profile')) setNamed(profiles, header, values);
    else if (header.startsWith('sso-session')) setNamed(ssoSessions, header, values);
    else if (header.startsWith('services')) setNamed(services, header, values);
    else if (header === 'default') profiles.set('default', values);
  }

  for (const [name, values] of credentialSections) {
    const merged: IniSection = new Map(profiles.get(name) ?? []);
    for (const [key, value] of values) merged.set(key, value);
    profiles.set(name, merged);
  }
  return { profiles, ssoSessions, services, credentialProfiles: credentialSections, ...files };
}

function setNamed(into: Map<string, IniSection>, header: string, values: IniSection): void {
  const parts = shellSplit(header);
  if (parts?.length === 2) into.set(parts[1] as string, values);
}

export function stringValue(section: IniSection | undefined, key: string): string | undefined {
  const value: IniValue | undefined = section?.get(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
