// The first step of `init`: an [sso-session] section for the portal, written once and never
// over a different one.
import { configLockName, withLock } from '../cache/lock.ts';
import { type IniSection, IniSyntaxError, parseIni } from '../config/ini.ts';
import { appendText, lineEnding } from '../config/managedBlock.ts';
import { buildConfig, stringValue } from '../config/model.ts';
import { parseScopes } from '../config/profile.ts';
import { ConfigError, UsageError } from '../errors.ts';
import { readConfigText } from '../config/load.ts';
import type { Runtime } from '../runtime.ts';
import { fold } from './naming.ts';
import { writeIfUnchanged } from './sync.ts';

const SCOPE = 'sso:account:access';

/** `my-org` for https://my-org.awsapps.com/start; `start` style paths are ignored. */
export function sessionNameFromUrl(startUrl: string): string {
  let host: string;
  try {
    host = new URL(startUrl).hostname;
  } catch {
    return 'sso';
  }
  return fold(host.split('.')[0] ?? '') || 'sso';
}

export function checkStartUrl(startUrl: string): void {
  let url: URL | undefined;
  try {
    url = new URL(startUrl);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || !url.hostname || /\s/.test(startUrl)) {
    throw new UsageError(
      `--start-url "${startUrl}" is not a URL like https://my-org.awsapps.com/start`,
      'copy it from the AWS access portal (IAM Identity Center > Settings)',
    );
  }
}

/**
 * Makes sure `[sso-session NAME]` for this portal exists and returns NAME: the existing
 * section when it is identical (or, with no name given, any section for the same portal).
 */
export async function ensureSsoSession(
  rt: Runtime,
  wanted: { startUrl: string; ssoRegion: string; name: string | undefined },
): Promise<string> {
  checkStartUrl(wanted.startUrl);
  return withLock(rt, configLockName(rt.paths.configFile), `rewriting ${rt.paths.configFile}`, () =>
    addSection(rt, wanted),
  );
}

async function addSection(
  rt: Runtime,
  wanted: { startUrl: string; ssoRegion: string; name: string | undefined },
): Promise<string> {
  const file = rt.paths.configFile;
  const before = (await readConfigText(file, 'config file')) ?? '';
  let sessions: Map<string, IniSection>;
  try {
    sessions = buildConfig(parseIni(before), new Map(), { configFile: file, credentialsFile: '' }).ssoSessions;
  } catch (err) {
    if (err instanceof IniSyntaxError)
      throw new ConfigError(`${file}, line ${err.line}: ${err.message}`, 'fix the file first; nothing was written');
    throw err;
  }
  const same = (s: IniSection | undefined) =>
    !!s &&
    stringValue(s, 'sso_start_url') === wanted.startUrl &&
    stringValue(s, 'sso_region') === wanted.ssoRegion &&
    parseScopes(stringValue(s, 'sso_registration_scopes')).includes(SCOPE);
  if (!wanted.name) {
    const match = [...sessions].find(([, s]) => same(s));
    if (match) {
      rt.stderr(`ssohelper: [sso-session ${match[0]}] in ${file} is already set up for ${wanted.startUrl}\n`);
      return match[0];
    }
  }
  const name = wanted.name ?? sessionNameFromUrl(wanted.startUrl);
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    throw new UsageError(`--sso-session "${name}": use letters, digits, ".", "_" and "-" only`);
  const existing = sessions.get(name);
  if (existing) {
    if (same(existing)) {
      rt.stderr(`ssohelper: [sso-session ${name}] in ${file} is already set up for ${wanted.startUrl}\n`);
      return name;
    }
    throw new ConfigError(
      `${file} already has a different [sso-session ${name}] (${stringValue(existing, 'sso_start_url') ?? 'no start URL'}, ${stringValue(existing, 'sso_region') ?? 'no region'}); not overwriting it`,
      `choose another name with --sso-session, or edit that section yourself`,
    );
  }
  const eol = before === '' ? '\n' : lineEnding(before);
  const section =
    [
      `[sso-session ${name}]`,
      `sso_start_url = ${wanted.startUrl}`,
      `sso_region = ${wanted.ssoRegion}`,
      `sso_registration_scopes = ${SCOPE}`,
    ].join(eol) + eol;
  const after = appendText(before, section);
  try {
    parseIni(after);
  } catch (err) {
    if (err instanceof IniSyntaxError)
      throw new ConfigError(
        `the new ${file} would not parse (line ${err.line}: ${err.message}); nothing was written`,
        'please report this with the --debug output',
      );
    throw err;
  }
  await writeIfUnchanged(rt, before, after);
  rt.stderr(`ssohelper: wrote to ${file}:\n${section.replace(/\r/g, '').replace(/^/gm, '  ').trimEnd()}\n`);
  return name;
}
