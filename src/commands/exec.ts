import type { Command } from './command.ts';
import { CREDENTIAL_FLAGS, formatFlag, PROFILE_FLAG, REGION_FLAGS, SHELL_FORMATS } from './credentialsCommon.ts';

export const exec: Command = {
  name: 'exec',
  summary: 'run a command with credentials; --server keeps a job of any length supplied',
  usage: 'ssohelper exec [PROFILE] [--server] [--min-ttl DURATION] [--refresh] [--login] [--region REGION | --no-region] [--nested] [--] COMMAND [ARGS...]',
  description: [
    'Runs COMMAND (found on PATH, no shell) with your environment plus the variables `env`',
    'prints, and SSOHELPER_PROFILE=<profile>; AWS_PROFILE and AWS_DEFAULT_PROFILE are removed',
    'so the job uses exactly these credentials. Its stdin, stdout and stderr are yours, its exit',
    'status is ssohelper\'s (128+N when a signal N killed it), and SIGINT, SIGTERM, SIGHUP and',
    'SIGQUIT are passed on to it. Exit 127: command not found; 126: it cannot be executed.',
    '',
    'Keys in the environment expire with the role session (1 hour by default). With --server',
    'the job gets AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN instead:',
    'a credential endpoint on 127.0.0.1, for this job only, that every AWS SDK polls and that',
    'hands out fresh credentials from the shared cache for as long as the job runs.',
    '',
    'Options end at COMMAND; put -- before it when PROFILE comes from the environment.',
    'Inside an exec job, exec for another profile is refused unless --nested is given.',
  ].join('\n'),
  examples: [
    'ssohelper exec dev -- aws s3 ls',
    'ssohelper exec dev --server -- terraform apply',
    'ssohelper exec --server -- python long_migration.py   (profile from AWS_PROFILE)',
    'ssohelper exec dev -- "$SHELL"   (a shell with the credentials; its prompt can show $SSOHELPER_PROFILE)',
  ],
  flags: [
    PROFILE_FLAG,
    { name: 'server', type: 'boolean', description: 'serve fresh credentials to the job from a local endpoint instead of fixed keys' },
    ...REGION_FLAGS,
    { name: 'nested', type: 'boolean', description: 'allow running inside another exec job for a different profile' },
    ...CREDENTIAL_FLAGS,
  ],
  maxPositionals: Number.POSITIVE_INFINITY,
  // COMMAND is the second word, or the first when --profile came before it.
  optionsEndAt: (flags) => (flags.profile === undefined ? 2 : 1),
  async run(rt, args) {
    const { runExec } = await import('../exec/run.ts');
    return runExec(rt, args);
  },
};

export const serve: Command = {
  name: 'serve',
  summary: 'run a local credential endpoint (for IDEs and long-lived shells) until interrupted',
  usage: 'ssohelper serve [PROFILE] [--port N] [--format FORMAT] [--min-ttl DURATION] [--refresh] [--login] [--region REGION | --no-region]',
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
    { name: 'port', type: 'string', valueName: 'N', description: 'listen on this port of 127.0.0.1 (default: a free one)' },
    formatFlag('env', SHELL_FORMATS),
    ...REGION_FLAGS,
    ...CREDENTIAL_FLAGS,
  ],
  maxPositionals: 1,
  async run(rt, args) {
    const { runServe } = await import('../exec/run.ts');
    return runServe(rt, args);
  },
};
