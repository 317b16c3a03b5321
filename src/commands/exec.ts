import { booleanFlag, type ParsedArgs, stringFlag } from '../cli/args.ts';
import type { Command } from '../cli/command.ts';
import { assertProfileArgs, selectProfileName } from '../config/profile.ts';
import type { Env } from '../config/files.ts';
import { ConfigError, UsageError } from '../errors.ts';
import { PROFILE_VARIABLE } from '../shell/held.ts';
import type { ExecTarget } from '../exec/run.ts';
import {
  chosenFormat,
  chosenRegion,
  CREDENTIAL_FLAGS,
  credentialRequest,
  formatFlag,
  PROFILE_FLAG,
  REGION_FLAGS,
  SHELL_FORMATS,
} from './credentialFlags.ts';
import { lazy } from '../util/load.ts';

export interface ExecWords extends Omit<ExecTarget, 'command'> {
  /** Undefined: from the environment. */
  profile: string | undefined;
  /** Undefined: the user's shell (`exec dev` alone opens a shell with the credentials). */
  command: string | undefined;
  /** The profile was the first word, without -- or --profile: it may have been meant as COMMAND. */
  profileFromFirstWord: boolean;
}

/**
 * `exec [PROFILE] [--] COMMAND [ARGS...]`: with `--`, what precedes it is at most the profile;
 * without, the first word is the profile unless --profile names it, and the rest is the command.
 */
export function execTarget(args: ParsedArgs): ExecWords {
  const flag = stringFlag(args, 'profile');
  const words = args.positionals;
  let profile: string | undefined;
  let command: string[];
  if (args.beforeSeparator !== undefined) {
    if (args.beforeSeparator > 1)
      throw new UsageError(
        `exec: expected at most one PROFILE before --, got: ${words.slice(0, args.beforeSeparator).join(' ')}`,
        'see: ssohelper exec --help',
      );
    profile = words[0] !== undefined && args.beforeSeparator === 1 ? words[0] : undefined;
    command = words.slice(args.beforeSeparator);
  } else if (flag !== undefined) {
    command = words;
  } else {
    profile = words[0];
    command = words.slice(1);
  }
  const [file, ...rest] = command;
  if (file === '')
    throw new UsageError('exec: the command is an empty word', 'e.g. ssohelper exec dev -- terraform plan');
  const profileFromFirstWord = args.beforeSeparator === undefined && flag === undefined && profile !== undefined;
  return { profile: assertProfileArgs(profile, flag), command: file, args: rest, profileFromFirstWord };
}

/** The shell `exec PROFILE` starts when no command is given: $SHELL, %COMSPEC% on Windows. */
export function userShell(env: Env, platform: NodeJS.Platform): string {
  if (platform === 'win32') return env.COMSPEC || 'cmd.exe';
  return env.SHELL || '/bin/sh';
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535))
    throw new UsageError(
      `serve: --port "${text}" is not a port number (1-65535)`,
      'leave --port out to use a free port',
    );
  return port;
}

export const exec: Command = {
  name: 'exec',
  summary: 'run a command with credentials; --server keeps a job of any length supplied',
  usage:
    'ssohelper exec [PROFILE] [--server] [--min-ttl DURATION] [--refresh] [--login] [--region REGION | --no-region] [--nested] [--] [COMMAND [ARGS...]]',
  description: [
    'Runs COMMAND (found on PATH, no shell) with your environment plus the variables `env`',
    'prints, and SSOHELPER_PROFILE=<profile>; AWS_PROFILE and AWS_DEFAULT_PROFILE are removed',
    'so the job uses exactly these credentials. Its stdin, stdout and stderr are yours, its exit',
    "status is ssohelper's (128+N when a signal N killed it), and SIGINT, SIGTERM, SIGHUP and",
    'SIGQUIT are passed on to it. Exit 127: command not found; 126: it cannot be executed.',
    '',
    'Keys in the environment expire with the role session (1 hour by default). With --server',
    'the job gets AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN instead:',
    'a credential endpoint on 127.0.0.1, for this job only, that every AWS SDK polls and that',
    'hands out fresh credentials from the shared cache for as long as the job runs.',
    '',
    'Without COMMAND, starts your shell ($SHELL; %COMSPEC% on Windows) with the credentials.',
    'Options end at COMMAND; put -- before it when PROFILE comes from the environment.',
    'Inside an exec job, exec for another profile is refused unless --nested is given.',
  ].join('\n'),
  examples: [
    'ssohelper exec dev -- aws s3 ls',
    'ssohelper exec dev --server -- terraform apply',
    'ssohelper exec --server -- python long_migration.py   (profile from AWS_PROFILE)',
    'ssohelper exec dev   (your shell with the credentials; its prompt can show $SSOHELPER_PROFILE)',
  ],
  flags: [
    PROFILE_FLAG,
    {
      name: 'server',
      type: 'boolean',
      description: 'serve fresh credentials to the job from a local endpoint instead of fixed keys',
    },
    ...REGION_FLAGS,
    { name: 'nested', type: 'boolean', description: 'allow running inside another exec job for a different profile' },
    ...CREDENTIAL_FLAGS,
  ],
  maxPositionals: Number.POSITIVE_INFINITY,
  // COMMAND is the second word, or the first when --profile came before it.
  optionsEndAt: (flags) => (flags.profile === undefined ? 2 : 1),
  async run(rt, args) {
    const words = execTarget(args);
    // Inside an exec job AWS_PROFILE is gone; the profile it runs under is the natural default.
    const name = selectProfileName(words.profile, rt.env, rt.env[PROFILE_VARIABLE] || 'default');
    const target = { ...words, command: words.command ?? userShell(rt.env, rt.platform) };
    const request = {
      target,
      region: chosenRegion(args, 'exec'),
      credentials: credentialRequest(rt, args, 'exec', name, words.profile === undefined),
      server: booleanFlag(args, 'server'),
      nested: booleanFlag(args, 'nested'),
      refresh: booleanFlag(args, 'refresh'),
    };
    const { runExec } = await lazy(() => import('../exec/run.ts'));
    try {
      return { stdout: '', exitCode: await runExec(rt, request) };
    } catch (err) {
      throw commandTakenForProfile(err, words, rt.env);
    }
  },
};

/**
 * `AWS_PROFILE=dev ssohelper exec aws sts ...` takes "aws" for the profile: when that profile
 * does not exist and one came from the environment, say how to write it.
 */
function commandTakenForProfile(err: unknown, words: ExecWords, env: Env): unknown {
  const fromEnv = env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || env[PROFILE_VARIABLE];
  if (
    !(err instanceof ConfigError) ||
    !words.profileFromFirstWord ||
    !fromEnv ||
    !err.message.startsWith(`profile "${words.profile}" `)
  )
    return err;
  const command = [words.profile, ...(words.command !== undefined ? [words.command] : []), ...words.args].join(' ');
  return new ConfigError(
    err.message,
    `to run "${words.profile}" with profile ${fromEnv} from the environment, put -- before it: ssohelper exec -- ${command}`,
  );
}

export const serve: Command = {
  name: 'serve',
  summary: 'run a local credential endpoint (for IDEs and long-lived shells) until interrupted',
  usage:
    'ssohelper serve [PROFILE] [--port N] [--format FORMAT] [--min-ttl DURATION] [--refresh] [--login] [--region REGION | --no-region]',
  description: [
    'Starts the credential endpoint that `exec --server` gives its job, without a job: prints',
    'AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN (a new random token',
    'each run) for you to set where the AWS SDKs run, and serves fresh credentials from the shared',
    'cache until Ctrl-C or SIGTERM. Only requests to 127.0.0.1 carrying the token are answered.',
    'Formats: env (default), env-no-export, powershell, windows-cmd, fish.',
  ].join('\n'),
  examples: ['ssohelper serve dev', 'ssohelper serve dev --port 9911 --format fish'],
  flags: [
    PROFILE_FLAG,
    {
      name: 'port',
      type: 'string',
      valueName: 'N',
      description: 'listen on this port of 127.0.0.1 (default: a free one)',
    },
    formatFlag('env', SHELL_FORMATS),
    ...REGION_FLAGS,
    ...CREDENTIAL_FLAGS,
  ],
  maxPositionals: 1,
  async run(rt, args) {
    const port = parsePort(stringFlag(args, 'port'));
    const format = chosenFormat(args, 'env');
    // The flag's values leave process out; this only narrows the type.
    if (format === 'process') throw new UsageError('serve: --format process does not apply; choose a shell format');
    const request = {
      port,
      format,
      region: chosenRegion(args, 'serve'),
      credentials: credentialRequest(rt, args, 'serve'),
      refresh: booleanFlag(args, 'refresh'),
    };
    const { runServe } = await lazy(() => import('../exec/run.ts'));
    return { stdout: '', exitCode: await runServe(rt, request) };
  },
};
