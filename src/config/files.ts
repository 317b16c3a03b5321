// Where the AWS tools keep their files, with the same variable overrides and expansion rules.
import { posix, win32 } from 'node:path';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The home directory exactly as Python's os.path.expanduser finds it, since that is where
 * botocore and the AWS CLI look for ~/.aws: ssohelper and they must agree to share a login.
 * On Windows that is USERPROFILE, then HOMEDRIVE+HOMEPATH, and HOME is ignored (Git Bash, MSYS
 * and Cygwin set it to a directory of their own); elsewhere HOME. node:os only as the last
 * resort (Python would then leave `~` unexpanded): the cached path should load nothing it does
 * not use.
 */
export function homeDir(env: Env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    if (env.USERPROFILE) return env.USERPROFILE;
    if (env.HOMEPATH) return `${env.HOMEDRIVE ?? ''}${env.HOMEPATH}`;
  } else if (env.HOME) {
    return env.HOME;
  }
  return process.getBuiltinModule('node:os').homedir();
}

/**
 * `~` and variable expansion, as botocore applies to AWS_CONFIG_FILE and friends
 * (os.path.expandvars: `$VAR` and `${VAR}`, and on Windows also `%VAR%`); unknown variables
 * stay as written.
 */
export function expandPath(path: string, env: Env, platform: NodeJS.Platform = process.platform): string {
  const pattern = platform === 'win32' ? /\$(\w+)|\$\{(\w+)\}|%(\w+)%/g : /\$(\w+)|\$\{(\w+)\}/g;
  const out = path.replace(pattern, (whole, a: string | undefined, b: string | undefined, c: string | undefined) => {
    const value = env[(a ?? b ?? c) as string];
    return value === undefined ? whole : value;
  });
  return expandHome(out, env, platform);
}

/** A leading `~` (alone, or before a separator of this OS) becomes the home directory, as Python's expanduser does. */
export function expandHome(path: string, env: Env, platform: NodeJS.Platform = process.platform): string {
  return path === '~' || path.startsWith('~/') || (platform === 'win32' && path.startsWith('~\\'))
    ? homeDir(env, platform) + path.slice(1)
    : path;
}

export interface AwsPaths {
  configFile: string;
  credentialsFile: string;
  ssoCacheDir: string;
  roleCacheDir: string;
  /** Console sessions of `aws login` (cache/login.ts). */
  loginCacheDir: string;
  lockDir: string;
  /** Small notes about sessions that only ssohelper reads (see cache/refreshState.ts). */
  stateDir: string;
  /** Each session's portal listing of accounts and roles, kept a day (org/accountsCache.ts). */
  accountsDir: string;
}

export function awsPaths(env: Env, platform: NodeJS.Platform = process.platform): AwsPaths {
  const home = homeDir(env, platform);
  const { join } = platform === 'win32' ? win32 : posix;
  return {
    configFile: expandPath(env.AWS_CONFIG_FILE || join('~', '.aws', 'config'), env, platform),
    credentialsFile: expandPath(env.AWS_SHARED_CREDENTIALS_FILE || join('~', '.aws', 'credentials'), env, platform),
    // The AWS CLI and botocore always use these two under the home directory.
    ssoCacheDir: join(home, '.aws', 'sso', 'cache'),
    roleCacheDir: join(home, '.aws', 'cli', 'cache'),
    loginCacheDir: expandPath(env.AWS_LOGIN_CACHE_DIRECTORY || join('~', '.aws', 'login', 'cache'), env, platform),
    // Our locks live apart from the shared caches, which other tools enumerate and clean.
    lockDir: join(home, '.aws', 'ssohelper', 'locks'),
    stateDir: join(home, '.aws', 'ssohelper', 'state'),
    accountsDir: join(home, '.aws', 'ssohelper', 'accounts'),
  };
}
