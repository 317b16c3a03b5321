// The powershell and windows-cmd forms put values inside PowerShell double quotes and after
// cmd's `set NAME=`, without escaping. That is sound only because no value we print can hold a
// character either shell treats specially: credentials pass isSafeCredentialValue (from the
// service and from the cache alike), whose alphabet is what AWS keys are made of: access key
// ids are upper-case letters and digits, secrets and session tokens base64 (A-Z a-z 0-9 + / =),
// expirations ISO 8601 digits, T, :, + and -. These tests pin both halves of that argument.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { isSafeCredentialValue } from '../../src/cache/role.ts';
import { formatCredentials } from '../../src/format/credentials.ts';

/** Every printable ASCII character a credential value may contain. */
const ALLOWED = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).filter((c) =>
  isSafeCredentialValue(c),
);

// Inside "..." PowerShell expands $ and ` and ends the string at " or at the typographic
// double quotes it also accepts; cmd acts on & | < > ^ % ! ( ) " and whitespace on a `set` line.
const POWERSHELL_SPECIAL = ['$', '`', '"', '\u201c', '\u201d', '\u201e'];
const CMD_SPECIAL = ['&', '|', '<', '>', '^', '%', '!', '(', ')', '"', ' ', '\t'];

const creds = {
  accessKeyId: 'ASIAEXAMPLE0123456789',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: `IQoJb3JpZ2luX2VjE+/=${ALLOWED.join('')}`,
  expiration: new Date('2026-11-30T18:00:00Z'),
};

describe('powershell and windows-cmd forms', () => {
  test('the credential alphabet holds no character special to PowerShell strings or cmd', () => {
    assert.deepEqual(
      ALLOWED.filter((c) => POWERSHELL_SPECIAL.includes(c) || CMD_SPECIAL.includes(c)),
      [],
    );
    // The alphabet is no wider than AWS needs (base64 plus the few ISO-8601 and id characters).
    assert.deepEqual(
      ALLOWED.filter((c) => !/[A-Za-z0-9+/=_.-]/.test(c)),
      [],
    );
  });

  test('values that would break out of either shell are refused before they can be printed', () => {
    for (const hostile of [
      'a"; Remove-Item -Recurse ~',
      '$(whoami)',
      '`whoami`',
      'x\u201c;calc;\u201c',
      'a&calc',
      'a|b',
      '%PATH%',
      '!x!',
      'a^&b',
      'two words',
      'line\nbreak',
      '',
    ]) {
      assert.equal(isSafeCredentialValue(hostile), false, JSON.stringify(hostile));
    }
  });

  test('PowerShell: one $Env: assignment per line, for Invoke-Expression', () => {
    assert.equal(
      formatCredentials(creds, 'powershell'),
      [
        `$Env:AWS_ACCESS_KEY_ID="${creds.accessKeyId}"`,
        `$Env:AWS_SECRET_ACCESS_KEY="${creds.secretAccessKey}"`,
        `$Env:AWS_SESSION_TOKEN="${creds.sessionToken}"`,
        '$Env:AWS_CREDENTIAL_EXPIRATION="2026-11-30T18:00:00+00:00"',
        '',
      ].join('\n'),
    );
  });

  test('cmd: one `set NAME=value` per line, for `for /f "delims=" %i in (...) do @%i`', () => {
    const out = formatCredentials(creds, 'windows-cmd');
    assert.equal(
      out,
      [
        `set AWS_ACCESS_KEY_ID=${creds.accessKeyId}`,
        `set AWS_SECRET_ACCESS_KEY=${creds.secretAccessKey}`,
        `set AWS_SESSION_TOKEN=${creds.sessionToken}`,
        'set AWS_CREDENTIAL_EXPIRATION=2026-11-30T18:00:00+00:00',
        '',
      ].join('\n'),
    );
    // `set` splits at the first "=", so the "=" of base64 padding stays in the value.
    for (const line of out.trim().split('\n')) assert.match(line, /^set AWS_[A-Z_]+=[^=]/);
  });

  test('the same values survive the real POSIX shell and fish unchanged', () => {
    const bash = spawnSync('bash', ['-c', `${formatCredentials(creds, 'env')}printf %s "$AWS_SESSION_TOKEN"`], {
      encoding: 'utf8',
    });
    assert.equal(bash.stdout, creds.sessionToken, bash.stderr);
    const fish = spawnSync(
      'fish',
      ['--no-config', '-c', `${formatCredentials(creds, 'fish')}printf %s "$AWS_SESSION_TOKEN"`],
      { encoding: 'utf8' },
    );
    assert.equal(fish.error, undefined, 'fish is missing: apt-get install fish (make test installs it)');
    assert.equal(fish.stdout, creds.sessionToken, fish.stderr);
  });
});
