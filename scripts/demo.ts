// `make demo`: the whole job end to end with no AWS account. Starts the local IAM Identity
// Center emulator, puts a logged-in session in a temporary HOME (as `aws sso login` leaves
// it), then shows `get`, `env`, and botocore using `credential_process = ssohelper get`.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { Emulator } from '../test/emulator/server.ts';
import { makeHome, seedToken } from '../test/helpers/home.ts';
import { BIN, cleanEnv, requireBinary, run } from '../test/helpers/run.ts';

function step(title: string): void {
  process.stdout.write(`\n\x1b[1m== ${title}\x1b[0m\n`);
}

function show(command: string, output: string): void {
  process.stdout.write(`$ ${command}\n${output}${output.endsWith('\n') || output === '' ? '' : '\n'}`);
}

requireBinary();
const emu = await Emulator.start();
const home = makeHome();
try {
  emu.assign('111111111111', 'ReadOnly');
  await seedToken(home, emu.issueSession({ ttlSeconds: 8 * 3600, refreshable: true }));
  appendFileSync(
    home.configFile,
    `\n[profile terraform]\ncredential_process = ${BIN} get dev\nregion = eu-central-1\n`,
  );
  const env = cleanEnv(home.dir, emu.url);

  step(`A logged-in SSO session in ${home.dir} (emulator at ${emu.url})`);
  process.stdout.write(readFileSync(home.configFile, 'utf8'));

  step('ssohelper get: credential_process JSON (first call fetches, second is served from the cache)');
  for (let i = 0; i < 2; i++) {
    const t0 = performance.now();
    const r = await run(['get', 'dev'], env);
    if (r.code !== 0) throw new Error(r.stderr);
    show('ssohelper get dev', i === 0 ? r.stdout.replace(/("SessionToken": ")(.{16})[^"]*/, '$1$2…') : '');
    process.stdout.write(
      `   (${(performance.now() - t0).toFixed(0)} ms, GetRoleCredentials calls so far: ${emu.counters.GetRoleCredentials})\n`,
    );
  }

  step('ssohelper env: for eval in bash/zsh (and --format powershell | fish | windows-cmd)');
  const sh = await run(['env', 'dev'], env);
  show('ssohelper env dev', sh.stdout.replace(/(SECRET_ACCESS_KEY=|SESSION_TOKEN=)(.{8}).*/g, '$1$2…'));
  const ps = await run(['env', 'dev', '--format', 'powershell'], env);
  show('ssohelper env dev --format powershell', `${ps.stdout.split('\n')[0]}\n…\n`);

  step('A real consumer: botocore reads [profile terraform] credential_process = ssohelper get dev');
  const script = [
    'import boto3',
    's = boto3.Session(profile_name="terraform")',
    'print(s.client("sts").get_caller_identity()["Arn"])',
  ].join('\n');
  // Asynchronous: the emulator that answers botocore runs in this process.
  const { stdout: arn } = await promisify(execFile)('python3', ['-c', script], {
    env: { ...env, AWS_CONFIG_FILE: home.configFile },
    encoding: 'utf8',
  });
  show("python3 -c \"boto3.Session(profile_name='terraform').client('sts').get_caller_identity()\"", arn);
  process.stdout.write("\nThe emulator's STS verified the SigV4 signature made with ssohelper's credentials.\n");

  step('ssohelper exec: run any command with the credentials in its environment (no shell, its exit status)');
  const child = [
    'import boto3, os',
    'print(os.environ["SSOHELPER_PROFILE"], boto3.client("sts").get_caller_identity()["Arn"])',
  ].join('\n');
  const job = await run(['exec', 'dev', '--', 'python3', '-c', child], env);
  if (job.code !== 0) throw new Error(job.stderr);
  show('ssohelper exec dev -- python3 -c "...get_caller_identity()..."', job.stdout);

  step('ssohelper status: what is logged in and for how long');
  show('ssohelper status', (await run(['status'], env)).stdout);
  const served = Object.entries(emu.counters).filter(([name, n]) => n > 0 && !name.includes(':'));
  process.stdout.write(`\nRequests the emulator served: ${served.map(([name, n]) => `${name} ${n}`).join(', ')}\n`);
} finally {
  await emu.stop();
  rmSync(home.dir, { recursive: true, force: true });
}
