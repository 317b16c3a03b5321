// Help texts, built from the command table so they cannot drift from what is parsed.
import type { Command } from '../cli/command.ts';
import { EXIT_DESCRIPTIONS, EXIT_LABELS, EXIT_ONLY_FOR } from '../errors.ts';
import { renderTable } from '../format/table.ts';
import { reflow, wrapCommand, wrapUsage } from '../format/wrap.ts';
import { DEFAULT_WIDTH } from '../terminal.ts';
import { type FlagSpec, GLOBAL_FLAGS } from './args.ts';
import { version } from '../util/version.ts';

const ENVIRONMENT: ReadonlyArray<readonly [string, string]> = [
  ['AWS_PROFILE, AWS_DEFAULT_PROFILE', 'profile used when none is given'],
  ['AWS_CONFIG_FILE', 'config file (default ~/.aws/config)'],
  ['AWS_SHARED_CREDENTIALS_FILE', 'credentials file (default ~/.aws/credentials)'],
  [
    'AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL',
    'endpoint overrides, as in the AWS CLI',
  ],
  ['AWS_ENDPOINT_URL_SIGNIN', 'sign-in federation endpoint used by console'],
  ['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', 'true: ignore all endpoint overrides'],
  ['AWS_REGION, AWS_DEFAULT_REGION, AWS_STS_REGIONAL_ENDPOINTS', 'where role chains call STS'],
  ['HTTPS_PROXY, HTTP_PROXY, NO_PROXY', 'proxies (lower case too), as the AWS CLI and curl read them'],
  ['AWS_CA_BUNDLE', 'PEM file of trusted CAs instead of the built-in roots (beats ca_bundle)'],
  ['NODE_EXTRA_CA_CERTS', 'PEM file of CAs added to the built-in roots'],
  ['SSOHELPER_USE_SYSTEM_CA', "1: also trust the operating system's certificate store"],
  ['SSOHELPER_LOCK_TIMEOUT', 'seconds to wait for another ssohelper process (default 60)'],
  ['SSOHELPER_RETRY_TIMEOUT', 'seconds to keep retrying throttled or failed AWS calls (default 25)'],
  ['SSOHELPER_PROCESS_TIMEOUT', "seconds a profile's credential_process may run (default 300)"],
  ['SSOHELPER_REQUEST_TIMEOUT', 'seconds one AWS request may take, answer included (default 60)'],
  ['SSOHELPER_LOGIN', '1: get, env and export-credentials log in when the session has expired (as --login)'],
  ['BROWSER', 'command(s) that open the login URL, as in Python (list separated like PATH; %s = the URL)'],
  ['SSOHELPER_DEBUG', '1: same as --debug'],
  ['SSOHELPER_PROFILE', 'set by exec for the job: the profile it runs under'],
];

const MINIMAL_CONFIG = [
  '[sso-session my-org]',
  'sso_start_url = https://my-org.awsapps.com/start',
  'sso_region = eu-west-1',
  'sso_registration_scopes = sso:account:access',
  '',
  '[profile dev]',
  'sso_session = my-org',
  'sso_account_id = 111111111111',
  'sso_role_name = ReadOnly',
  'region = eu-west-1',
];

function table(rows: ReadonlyArray<readonly [string, string]>, width: number): string {
  return renderTable(rows, { indent: '  ', maxColumnWidth: 32, width });
}

function flagRows(flags: FlagSpec[]): Array<[string, string]> {
  return flags.map((f) => [
    `${f.short ? `-${f.short}, ` : ''}--${f.name}${f.valueName ? ` ${f.valueName}` : ''}`,
    f.description,
  ]);
}

/** Every line within `width` columns: the terminal's, or 80 for a pipe or a file. */
export function mainHelp(commands: readonly Command[], width = DEFAULT_WIDTH): string {
  return [
    reflow(`ssohelper ${version()}: AWS IAM Identity Center (SSO) credentials for every tool`, width),
    '',
    'Usage: ssohelper COMMAND [options]',
    '',
    'Commands:',
    table(
      commands.map((c) => [c.name, c.summary]),
      width,
    ),
    '',
    reflow(
      'Getting started: one command writes the sso-session, logs in and adds a profile for every account and role (ssohelper sync keeps them current); on a terminal it asks for what you leave out:',
      width,
    ),
    ...wrapCommand('ssohelper init --start-url https://my-org.awsapps.com/start --sso-region eu-west-1', width),
    '',
    'A minimal ~/.aws/config, if you would rather write it yourself:',
    ...MINIMAL_CONFIG.map((l) => (l ? `  ${l}` : '')),
    '',
    'Options:',
    table([...flagRows(GLOBAL_FLAGS), ['--version', 'print the version']], width),
    '',
    'Exit codes:',
    table(
      EXIT_DESCRIPTIONS.map(([code, text]) => [String(code), text]),
      width,
    ),
    '',
    'Environment:',
    table(ENVIRONMENT, width),
    '',
    'Run `ssohelper COMMAND --help` for the options of a command.',
    '',
  ].join('\n');
}

export function commandHelp(command: Command, width = DEFAULT_WIDTH): string {
  return [
    ...wrapUsage(command.usage, width),
    '',
    reflow(command.description, width),
    '',
    'Options:',
    table(flagRows([...command.flags, ...GLOBAL_FLAGS]), width),
    '',
    'Examples:',
    ...command.examples.flatMap((e) => wrapCommand(e, width)),
    '',
    ...wrapList('Exit codes: ', [...exitCodesOf(command.name), '(see: ssohelper --help).'], width),
    '',
  ].join('\n');
}

/** The codes `command` can end with, from the one table in errors.ts. */
export function exitCodesOf(command: string): string[] {
  return EXIT_DESCRIPTIONS.filter(([code]) => (EXIT_ONLY_FOR[code] ?? command) === command).map(([code]) =>
    `${code} ${EXIT_LABELS[code] ?? ''}`.trimEnd(),
  );
}

/** `lead` and the items, comma-separated, broken between items to stay within `width`. */
function wrapList(lead: string, items: string[], width: number): string[] {
  const lines: string[] = [];
  let line = lead.trimEnd();
  items.forEach((item, i) => {
    const piece = i < items.length - 2 ? `${item},` : item;
    if (line.length + 1 + piece.length > width && line !== lead.trimEnd()) {
      lines.push(line);
      line = piece;
    } else line = `${line} ${piece}`;
  });
  return [...lines, line];
}
