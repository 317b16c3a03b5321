// Ending console sessions (`aws login`) for logout: the cache file is deleted under the lock its
// refreshes take, so a refresh running meanwhile cannot write it back. The sign-in service has
// no revocation call the SDKs use; keys already handed out stay valid until they expire.
import { basename } from 'node:path';
import { loginSessionLockName, withLock } from '../cache/lock.ts';
import { readCacheDir } from '../cache/scan.ts';
import { sectionName } from '../config/credentialProfile.ts';
import { type AwsConfig, stringValue } from '../config/model.ts';
import { ConfigError } from '../errors.ts';
import { removeFile } from '../fs/files.ts';
import { loginSessionPath } from '../cache/login.ts';
import type { Runtime } from '../runtime.ts';
import { consoleSessionStatus, type ConsoleSessionStatus, knownConsoleSessions } from '../status/consoleSessions.ts';

/** Deletes the console session of this profile; false when there was none. */
export async function logoutConsoleSession(
  rt: Runtime,
  config: AwsConfig,
  profileName: string,
): Promise<{ sessionName: string; removed: boolean }> {
  const profile = config.profiles.get(profileName);
  const sessionName = stringValue(profile, 'login_session');
  if (!sessionName) {
    throw new ConfigError(
      `profile "${profileName}" has no login_session in ${config.configFile}: --profile is for console sessions (aws login)`,
      profile
        ? 'log out of its SSO session with: ssohelper logout --sso-session NAME'
        : `add a [${sectionName(profileName)}] section`,
    );
  }
  const path = loginSessionPath(rt, sessionName);
  const removed = await withLock(
    rt,
    loginSessionLockName(basename(path, '.json')),
    `removing the console session ${sessionName}`,
    () => removeFile(path),
  );
  return { sessionName, removed };
}

/** The console sessions on disk, which a plain logout keeps and names. */
export async function cachedConsoleSessions(rt: Runtime, config: AwsConfig): Promise<ConsoleSessionStatus[]> {
  const files = await readCacheDir(rt.paths.loginCacheDir, 'console session cache file', rt.stderr);
  return consoleSessionStatus(files, knownConsoleSessions(config), rt.now()).filter((s) => s.loggedIn);
}
