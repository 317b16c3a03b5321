// Where the AWS tools keep their files, with the same variable overrides and expansion rules.
import { join } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

export function homeDir(env: Env): string {
  // HOME first (as Python's expanduser does) so tests and sandboxes can point us elsewhere.
  // node:os only when needed: the cached path should load nothing it does not use.
  return env.HOME || env.USERPROFILE || process.getBuiltinModule('node:os').homedir();
}

/** `~` and `$VAR`/`${VAR}` expansion, as botocore applies to AWS_CONFIG_FILE and friends. */
export function expandPath(path: string, env: Env): string {
  let out = path.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a: string | undefined, b: string | undefined) => {
    const value = env[(a ?? b) as string];
    return value === undefined ? whole : value;
  });
  if (out === '~' || out.startsWith('~/') || out.startsWith('~\\')) out = homeDir(env) + out.slice(1);
  return out;
}

export interface AwsPaths {
  configFile: string;
  credentialsFile: string;
  ssoCacheDir: string;
  roleCacheDir: string;
  lockDir: string;
  /** Small notes about sessions that only ssohelper reads (see cache/refreshState.ts). */
  stateDir: string;
}

export function awsPaths(env: Env): AwsPaths {
  const home = homeDir(env);
  return {
    configFile: expandPath(env.AWS_CONFIG_FILE || '~/.aws/config', env),
    credentialsFile: expandPath(env.AWS_SHARED_CREDENTIALS_FILE || '~/.aws/credentials', env),
    // The AWS CLI and botocore always use these two under the home directory.
    ssoCacheDir: join(home, '.aws', 'sso', 'cache'),
    roleCacheDir: join(home, '.aws', 'cli', 'cache'),
    // Our locks live apart from the shared caches, which other tools enumerate and clean.
    lockDir: join(home, '.aws', 'ssohelper', 'locks'),
    stateDir: join(home, '.aws', 'ssohelper', 'state'),
  };
}
