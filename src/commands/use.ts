import { booleanFlag, stringFlag } from '../cli/args.ts';
import { isShell, type Shell } from '../cli/completion.ts';
import type { Command } from '../cli/command.ts';
import type { Env } from '../config/files.ts';
import { assertProfileArgs } from '../config/profile.ts';
import { UsageError } from '../errors.ts';
import type { Format } from '../format/credentials.ts';
import type { Runtime } from '../runtime.ts';
import { shortTimeLeft } from '../shell/held.ts';
import { HOOK_VARIABLE } from '../shell/hooks.ts';
import { clearOutput, useOutput } from '../shell/variables.ts';
import { chosenRegion, CREDENTIAL_FLAGS, credentialRequest, PROFILE_FLAG, REGION_FLAGS } from './credentialFlags.ts';
import { credentialSource } from '../credentials/profileSource.ts';
import { lazy } from '../util/load.ts';

const FORMAT_OF: Record<Shell, Exclude<Format, 'process'>> = {
  bash: 'env',
  zsh: 'env',
  fish: 'fish',
  powershell: 'powershell',
};

export const use: Command = {
  name: 'use',
  summary: 'switch the shell you are in to a profile (needs the shell hook)',
  usage:
    'ssohelper use [PROFILE] [--region REGION | --no-region] [--min-ttl DURATION] [--refresh] [--login] | use --clear',
  description: [
    "Puts the profile's keys, their expiration, its region and SSOHELPER_PROFILE into the",
    'current shell, and removes AWS_PROFILE and AWS_DEFAULT_PROFILE, so every tool started',
    'from it uses that role. A profile that fails leaves the shell exactly as it was. Without',
    'a PROFILE, a list of your profiles opens on a terminal (type to filter, Enter chooses).',
    '--clear removes everything `use` sets. The hook renews the keys before they expire.',
    'A program cannot change the shell that started it, so this needs the hook, once:',
    '  eval "$(ssohelper hook bash)"   (see ssohelper hook --help for zsh, fish, PowerShell)',
  ].join('\n'),
  examples: ['ssohelper use dev', 'ssohelper use', 'ssohelper use --clear'],
  flags: [
    PROFILE_FLAG,
    { name: 'clear', type: 'boolean', description: 'remove the keys, region and marker `use` put into this shell' },
    { name: 'quiet', type: 'boolean', description: 'say nothing on success (the hook renews with it)' },
    ...REGION_FLAGS,
    ...CREDENTIAL_FLAGS,
  ],
  maxPositionals: 1,
  async run(rt, args) {
    const shell = hookedShell(rt);
    const format = FORMAT_OF[shell];
    const named = assertProfileArgs(args.positionals[0], stringFlag(args, 'profile'));
    if (booleanFlag(args, 'clear')) {
      if (named !== undefined) throw new UsageError('use: --clear takes no profile');
      if (!booleanFlag(args, 'quiet')) rt.stderr('ssohelper: this shell holds no AWS keys from ssohelper any more\n');
      return clearOutput(format);
    }
    const regionOf = chosenRegion(args, 'use');
    const profileName = named ?? (await pickedProfile(rt));
    const source = await credentialSource(rt, credentialRequest(rt, args, 'use', profileName));
    const creds = await source.credentials(booleanFlag(args, 'refresh'));
    const region = regionOf(source.profile.region);
    if (!booleanFlag(args, 'quiet')) {
      const left = shortTimeLeft(creds.expiration, new Date(rt.now()));
      rt.stderr(
        `ssohelper: this shell now uses profile "${profileName}"${region ? ` in ${region}` : ''}${left ? `, keys valid for ${left}` : ''}\n`,
      );
    }
    return useOutput({ profileName, creds, region }, format);
  },
};

/** The shell whose hook called us; without the hook, how to install it. */
function hookedShell(rt: Runtime): Shell {
  const value = rt.env[HOOK_VARIABLE];
  if (value && isShell(value)) return value;
  const shell = likelyShell(rt.env, rt.platform);
  throw new UsageError(
    'use: switching the shell you are in needs the ssohelper shell hook, which is not loaded in this shell',
    `load it once: ${HOOK_LINES[shell]}\n  (or, without the hook: eval "$(ssohelper env PROFILE)")`,
  );
}

const HOOK_LINES: Record<Shell, string> = {
  bash: `echo 'eval "$(ssohelper hook bash)"' >> ~/.bashrc && eval "$(ssohelper hook bash)"`,
  zsh: `echo 'eval "$(ssohelper hook zsh)"' >> ~/.zshrc && eval "$(ssohelper hook zsh)"`,
  fish: `echo 'ssohelper hook fish | source' >> ~/.config/fish/config.fish; ssohelper hook fish | source`,
  powershell: `Add-Content $PROFILE 'ssohelper hook powershell | Out-String | Invoke-Expression'; ssohelper hook powershell | Out-String | Invoke-Expression`,
};

/** The user's shell as far as the environment tells: $SHELL's name, PowerShell on Windows. */
export function likelyShell(env: Env, platform: NodeJS.Platform): Shell {
  if (platform === 'win32' || (env.PSModulePath !== undefined && !env.SHELL)) return 'powershell';
  const name = (env.SHELL ?? '').split('/').pop() ?? '';
  return isShell(name) ? name : 'bash';
}

/** With no PROFILE: the picker on a terminal; without one, say how to name it. */
async function pickedProfile(rt: Runtime): Promise<string> {
  const [{ pickProfile }, { listProfiles }] = await Promise.all([
    lazy(() => import('../tui/picker.ts')),
    lazy(() => import('../status/profiles.ts')),
  ]);
  const name = await pickProfile(rt, 'profile for this shell', () => listProfiles(rt));
  if (name === undefined)
    throw new UsageError(
      'use: which profile? (no terminal to choose one on)',
      'name one: ssohelper use PROFILE   (ssohelper list shows your profiles)',
    );
  return name;
}
