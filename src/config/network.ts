// The network settings a profile can carry, picked out of the config as plain strings. Pure and
// cheap: they are interpreted (and the CA bundle read) by src/net/ only when a request is due,
// so the cached path never pays for it.
import { type AwsConfig, stringValue } from './model.ts';

export interface ProfileNetwork {
  /** The profile the settings were read from, and its file, for messages. */
  profileName: string;
  configFile: string;
  caBundle: string | undefined;
  connectTimeout: string | undefined;
  readTimeout: string | undefined;
  useSystemCa: string | undefined;
}

/** The settings of one profile (absent profile: all unset), as botocore reads them. */
export function profileNetwork(config: AwsConfig, profileName: string): ProfileNetwork {
  const section = config.profiles.get(profileName);
  return {
    profileName,
    configFile: config.configFile,
    caBundle: stringValue(section, 'ca_bundle'),
    connectTimeout: stringValue(section, 'cli_connect_timeout'),
    readTimeout: stringValue(section, 'cli_read_timeout'),
    useSystemCa: stringValue(section, 'ssohelper_use_system_ca'),
  };
}
