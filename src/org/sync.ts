// `sync` end to end: list what the session can use, plan the managed block, check that the new
// file parses as the AWS tools will read it, then show the diff or write it atomically.
import { IniSyntaxError, parseIni } from '../config/ini.ts';
import { type AwsConfig, buildConfig, stringValue } from '../config/model.ts';
import { resolveSsoProfile, type SsoSessionSettings } from '../config/profile.ts';
import { readBlocks, renderBlock, lineEnding, replaceBlock } from '../config/managedBlock.ts';
import { loginRequired, usableToken } from '../credentials/token.ts';
import { describeSession, type SessionRef } from '../session/ref.ts';
import { configLockName, withLock } from '../cache/lock.ts';
import { ConfigError } from '../errors.ts';
import { readConfigText } from '../config/load.ts';
import { writeUserFile } from '../fs/files.ts';
import { unifiedDiff } from '../util/diff.ts';
import type { Runtime } from '../runtime.ts';
import { classify } from '../sso/errors.ts';
import { listAccountRoles, listAccounts } from '../sso/portal.ts';
import { type SsoApi, SsoApiError } from '../sso/call.ts';
import { endpointFor } from '../sso/clients.ts';
import { statusLine } from '../tui/progress.ts';
import { type Assignment, listAssignments, Pacer } from './listing.ts';
import { checkTemplate, DEFAULT_TEMPLATE } from './naming.ts';
import { defaultRegion, planSync, type SyncPlan } from './plan.ts';

/** The portal's documented listing rate, about 20 calls a second: the pacer starts there. */
const START_CALLS_PER_SECOND = 20;

export interface SyncOptions {
  template: string | undefined;
  region: string | undefined;
  prune: boolean;
  dryRun: boolean;
  /** Name every profile in the report (commands/sync.ts), not just the counts. */
  verbose?: boolean;
}

export interface SyncResult {
  plan: SyncPlan;
  /** The user's own profiles for roles the block also covers (pasted `list --output config`?). */
  alsoByHand: string[];
  regionNote: string;
  diff: string;
  written: boolean;
  changed: boolean;
}

/**
 * Every account and role of the session, listed through one pacer shared by all calls, with one
 * status line on a terminal: the count, the rate, and what a wait is for.
 */
export async function listSessionAssignments(rt: Runtime, ref: SessionRef): Promise<Assignment[]> {
  const token = await usableToken(rt, ref);
  const pacer = new Pacer({ callsPerSecond: START_CALLS_PER_SECOND });
  const line = statusLine(rt);
  const api: SsoApi = {
    rt,
    endpoint: endpointFor(rt, ref, 'sso'),
    loginRequired: () =>
      loginRequired(
        ref,
        `the SSO session for ${describeSession(ref)} is no longer valid (it was revoked or has expired)`,
      ),
    pace: (attempt) => pacer.run(attempt, (err) => classify(err).kind === 'throttled'),
    waiting: line.waiting,
  };
  const list = await listAssignments(
    {
      listAccounts: () => listAccounts(api, token.accessToken),
      // An account whose assignment went away between the two listings has no roles now.
      listAccountRoles: (accountId) =>
        listAccountRoles(api, token.accessToken, accountId).catch((err) => {
          if (err instanceof SsoApiError && err.kind === 'forbidden') return [];
          throw err;
        }),
    },
    undefined,
    (done, total) => line.progress('listing accounts', done, total),
  ).finally(line.end);
  rt.debug(`listed ${list.length} accounts; the pacer ended at ${pacer.rate.toFixed(1)} calls/s`);
  return saneAssignments(list, (what) => rt.stderr(`ssohelper: warning: the portal listed ${what}; left out\n`));
}

const ACCOUNT_ID = /^\d{12}$/;
// IAM's role-name alphabet: anything else could not be a role, and could break the INI line.
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** What the portal listed, minus entries that are no account id or role name AWS would issue. */
export function saneAssignments(list: Assignment[], warn: (what: string) => void): Assignment[] {
  return list.flatMap((a) => {
    if (!ACCOUNT_ID.test(a.accountId)) {
      warn(`an account id that is not 12 digits (${JSON.stringify(a.accountId.slice(0, 40))})`);
      return [];
    }
    const roles = a.roles.filter((r) => {
      if (ROLE_NAME.test(r)) return true;
      warn(`a role name that IAM would not allow in account ${a.accountId} (${JSON.stringify(r.slice(0, 70))})`);
      return false;
    });
    return roles.length > 0 ? [{ ...a, roles }] : [];
  });
}

function parseOrRefuse(
  text: string,
  file: string,
  credentials: AwsConfig['credentialProfiles'],
  what: string,
): AwsConfig {
  try {
    return buildConfig(parseIni(text), credentials, { configFile: file, credentialsFile: '' });
  } catch (err) {
    if (err instanceof IniSyntaxError) {
      throw new ConfigError(`${file}${err.line ? `, line ${err.line}` : ''}: ${err.message}`, what);
    }
    throw err;
  }
}

/**
 * Plans and applies the managed block of `session` in the config file. Read, plan and write
 * happen under the config lock, so a second sync running at once plans on top of the first.
 */
export async function syncSession(
  rt: Runtime,
  config: AwsConfig,
  session: SsoSessionSettings,
  assignments: Assignment[],
  options: SyncOptions,
): Promise<SyncResult> {
  if (options.dryRun) return planAndWrite(rt, config, session, assignments, options);
  return withLock(rt, configLockName(rt.paths.configFile), `rewriting ${rt.paths.configFile}`, () =>
    planAndWrite(rt, config, session, assignments, options),
  );
}

async function planAndWrite(
  rt: Runtime,
  config: AwsConfig,
  session: SsoSessionSettings,
  assignments: Assignment[],
  options: SyncOptions,
): Promise<SyncResult> {
  const template = options.template ?? DEFAULT_TEMPLATE;
  checkTemplate(template);
  const file = rt.paths.configFile;
  const before = (await readConfigText(file, 'config file')) ?? '';
  const current = parseOrRefuse(before, file, config.credentialProfiles, 'fix the file first; nothing was written');
  const blocks = readBlocks(before, file);
  const own = blocks.find((b) => b.session === session.sessionName);
  const ownNames = new Set(
    (own?.sectionNames ?? []).map((h) => /^profile\s+(\S+)$/.exec(h)?.[1]).filter((n): n is string => !!n),
  );
  const taken = new Set([...current.profiles.keys()].filter((n) => !ownNames.has(n)));
  for (const name of config.credentialProfiles.keys()) taken.add(name);

  let region = options.region;
  let regionNote = region ? `region ${region} (--region)` : '';
  if (!region) {
    const regions = [...current.profiles.values()]
      .filter((p) => stringValue(p, 'sso_session') === session.sessionName)
      .map((p) => stringValue(p, 'region'));
    ({ region, reason: regionNote } = defaultRegion(regions));
  }

  const plan = planSync({
    session: session.sessionName,
    assignments,
    existing: own?.profiles ?? [],
    taken,
    template,
    region,
    prune: options.prune,
  });
  const after = replaceBlock(
    before,
    session.sessionName,
    renderBlock(session.sessionName, plan.profiles, lineEnding(before)),
    file,
  );

  // The result must read back, for botocore and for us, exactly as planned.
  const check = parseOrRefuse(
    after,
    file,
    config.credentialProfiles,
    'this is a bug in ssohelper; nothing was written',
  );
  for (const p of plan.profiles) {
    const resolved = resolveSsoProfile(check, p.name, rt.env);
    if (
      resolved.accountId !== p.accountId ||
      resolved.roleName !== p.roleName ||
      resolved.sessionName !== session.sessionName
    ) {
      throw new ConfigError(
        `the profile [profile ${p.name}] would not read back as written; nothing was written`,
        'please report this with the --debug output',
      );
    }
  }

  const listed = new Set(assignments.flatMap((a) => a.roles.map((r) => `${a.accountId}/${r}`)));
  const alsoByHand = [...current.profiles]
    .filter(([name, p]) => !ownNames.has(name) && stringValue(p, 'sso_session') === session.sessionName)
    .filter(([, p]) => listed.has(`${stringValue(p, 'sso_account_id')}/${stringValue(p, 'sso_role_name')}`))
    .map(([name]) => name)
    .sort();
  const diff = unifiedDiff(before, after, { from: file, to: `${file} (after sync)` });
  const changed = after !== before;
  if (options.dryRun || !changed) return { plan, alsoByHand, regionNote, diff, written: false, changed };
  await writeIfUnchanged(rt, before, after);
  return { plan, alsoByHand, regionNote, diff, written: true, changed };
}

/** Replaces the config with `after` unless an editor or another tool changed it since `before`. */
export async function writeIfUnchanged(rt: Runtime, before: string, after: string): Promise<void> {
  const file = rt.paths.configFile;
  const latest = (await readConfigText(file, 'config file')) ?? '';
  if (latest !== before)
    throw new ConfigError(
      `${file} changed while ssohelper was working on it; nothing was written`,
      'run the command again',
    );
  await writeUserFile(file, after, 'config file');
}
