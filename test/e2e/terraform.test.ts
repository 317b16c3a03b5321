// Terraform's own s3 backend (built into terraform: no provider is downloaded) under `exec`, in
// both modes, against the emulator's STS and S3. Nothing can leave the machine: the proxy
// variables point at a closed loopback port (Go never proxies loopback addresses) and
// Terraform's version check is off.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { describe as suite, test } from 'node:test';
import { useEmulator } from '../helpers/fixture.ts';
import { seedToken } from '../helpers/home.ts';
import { describe, run } from '../helpers/run.ts';
import { tempDir } from '../helpers/temp.ts';

function findTerraform(): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(delimiter), '/usr/local/bin']) {
    const candidate = join(dir, 'terraform');
    if (
      dir &&
      existsSync(candidate) &&
      spawnSync(candidate, ['version'], { stdio: 'ignore', env: { CHECKPOINT_DISABLE: '1', PATH: '/usr/bin:/bin' } })
        .status === 0
    )
      return candidate;
  }
  return undefined;
}

const TERRAFORM = findTerraform();
const skip = TERRAFORM
  ? false
  : 'terraform is not installed (looked on PATH and in /usr/local/bin): the Terraform s3 backend test is SKIPPED';
if (skip) process.stderr.write(`\n*** ${skip} ***\n\n`);

const fx = useEmulator({ assign: [['111111111111', 'ReadOnly']] });
const BUCKET = 'tfstate';
const KEY = 'jobs/terraform.tfstate';

function project(dir: string, endpoint: string, greeting: string): void {
  writeFileSync(
    join(dir, 'main.tf'),
    `terraform {
  backend "s3" {
    bucket                  = "${BUCKET}"
    key                     = "${KEY}"
    region                  = "eu-central-1"
    use_path_style          = true
    skip_region_validation  = true
    skip_metadata_api_check = true
    endpoints = {
      s3  = "${endpoint}"
      sts = "${endpoint}"
    }
  }
}

output "greeting" {
  value = "${greeting}"
}
`,
  );
}

suite('Terraform with the s3 backend under exec', { skip }, () => {
  test('init and apply with keys in the environment, then apply again under --server: state written, STS called with our credentials', async () => {
    await seedToken(fx.home, fx.emu.issueSession({ ttlSeconds: 3600 }));
    fx.emu.createBucket(BUCKET);
    const dir = tempDir('ssohelper-tf-');
    try {
      const cliConfig = join(dir, 'terraformrc');
      writeFileSync(cliConfig, '');
      const env = {
        ...fx.env,
        TF_CLI_CONFIG_FILE: cliConfig,
        TF_IN_AUTOMATION: '1',
        CHECKPOINT_DISABLE: '1',
        HTTPS_PROXY: 'http://127.0.0.1:9',
        HTTP_PROXY: 'http://127.0.0.1:9',
        NO_PROXY: '127.0.0.1',
      };
      const tf = (...args: string[]) => [TERRAFORM as string, `-chdir=${dir}`, ...args, '-input=false', '-no-color'];

      project(dir, fx.emu.url, 'from static keys');
      const init = await run(['exec', 'dev', '--', ...tf('init')], env);
      assert.equal(init.code, 0, describe(init));
      assert.match(init.stdout, /Successfully configured the backend "s3"/);
      assert.equal(existsSync(join(dir, '.terraform', 'providers')), false, 'no provider was installed');
      assert.doesNotMatch(init.stdout, /Installing|Downloading/);

      const apply = await run(['exec', 'dev', '--', ...tf('apply', '-auto-approve')], env);
      assert.equal(apply.code, 0, describe(apply));
      assert.match(String(fx.emu.s3Object(BUCKET, KEY)), /"value": "from static keys"/);

      project(dir, fx.emu.url, 'from the credential endpoint');
      const served = await run(['exec', 'dev', '--server', '--', ...tf('apply', '-auto-approve')], env);
      assert.equal(served.code, 0, describe(served));
      assert.match(String(fx.emu.s3Object(BUCKET, KEY)), /"value": "from the credential endpoint"/);

      assert.ok((fx.emu.counters.GetCallerIdentity ?? 0) >= 1, 'the backend validated the credentials with STS');
      assert.ok((fx.emu.counters.PutObject ?? 0) >= 2);
      assert.equal(fx.emu.counters['status:403'] ?? 0, 0, 'nothing was refused');
      assert.equal(fx.emu.counters.GetRoleCredentials, 1, 'one role session for all three runs');
      assert.deepEqual(
        readdirSync(dir).sort(),
        ['.terraform', '.terraform.lock.hcl', 'main.tf', 'terraformrc'].filter((f) => existsSync(join(dir, f))).sort(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
