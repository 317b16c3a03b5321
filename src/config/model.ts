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
  let explicitDefault: IniSection | undefined;

  for (const [header, values] of configSections) {
    if (header === 'default') {
      if (!profiles.has('default')) profiles.set('default', values);
      continue;
    }
    const parts = shellSplit(header);
    if (parts?.length !== 2) continue;
    const [kind, name] = parts as [string, string];
    if (kind === 'profile') {
      if (name === 'default') explicitDefault = values;
      else profiles.set(name, values);
    } else if (kind === 'sso-session') ssoSessions.set(name, values);
    else if (kind === 'services') services.set(name, values);
  }
  if (explicitDefault) profiles.set('default', explicitDefault);

  for (const [name, values] of credentialSections) {
    const merged: IniSection = new Map(profiles.get(name) ?? []);
    for (const [key, value] of values) merged.set(key, value);
    profiles.set(name, merged);
  }
  return { profiles, ssoSessions, services, credentialProfiles: credentialSections, ...files };
}

export function stringValue(section: IniSection | undefined, key: string): string | undefined {
  const value: IniValue | undefined = section?.get(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
}
