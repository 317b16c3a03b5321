// The pure parts of login, logout and status: registration cache keys and bytes (checked against
// the Debian AWS CLI's own code), PKCE values, the /authorize URL, the callback, the choice of
// flow and browser, and the status report.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { suite, test } from 'node:test';
import {
  parseRegistration,
  type Registration,
  registrationCacheKey,
  registrationFits,
  serializeRegistration,
} from '../../src/cache/registration.ts';
import { serializeRoleEntry } from '../../src/cache/role.ts';
import type { CacheFile, KnownRole, KnownSession } from '../../src/cache/scan.ts';
import { serializeToken } from '../../src/cache/token.ts';
import { sha1Hex } from '../../src/util/sha1.ts';
import { browserCommands } from '../../src/login/browser.ts';
import { startCallbackListener } from '../../src/login/loopback.ts';
import { InterruptedError, LoginRequiredError } from '../../src/errors.ts';
import {
  authorizeUrl,
  codeChallenge,
  interpretCallback,
  newCodeVerifier,
  redirectUriFor,
} from '../../src/login/pkce.ts';
import { percentEncode } from '../../src/util/percentEncode.ts';
import { planLogin } from '../../src/login/plan.ts';
import { scopesFor } from '../../src/login/register.ts';
import { renderStatus } from '../../src/status/render.ts';
import { buildStatus } from '../../src/status/report.ts';

/** The Debian AWS CLI 2.9.19 (its vendored botocore) run as the reference implementation. */
function awsCliPython(code: string, ...args: string[]): string {
  return execFileSync('/usr/bin/python3', ['-c', code, ...args], { encoding: 'utf8' }).trim();
}

suite('registration cache', () => {
  test('keys match the AWS CLI SSOTokenFetcher._registration_cache_key', () => {
    const cases = [
      { startUrl: 'https://corp.awsapps.com/start', ssoRegion: 'eu-west-1', scopes: null, sessionName: 'corp' },
      {
        startUrl: 'https://corp.awsapps.com/start',
        ssoRegion: 'eu-west-1',
        scopes: ['sso:account:access'],
        sessionName: 'corp',
      },
      { startUrl: 'https://old.awsapps.com/start/', ssoRegion: 'us-east-1', scopes: null, sessionName: null },
      { startUrl: 'https://x/start', ssoRegion: 'ap-south-2', scopes: ['a:b', 'c'], sessionName: 'séssion "q"' },
    ];
    for (const c of cases) {
      const expected = awsCliPython(
        'import json,sys; from awscli.botocore.utils import SSOTokenFetcher as F; a=json.loads(sys.argv[1]); print(F(a["ssoRegion"], None)._registration_cache_key(a["startUrl"], a["sessionName"], a["scopes"]))',
        JSON.stringify(c),
      );
      assert.equal(registrationCacheKey(c), expected, JSON.stringify(c));
    }
  });

  test('file bytes match the AWS CLI (device and PKCE registrations)', () => {
    const device: Registration = {
      clientId: 'cid',
      clientSecret: 'sec',
      expiresAt: new Date(1_800_000_000_000),
      scopes: undefined,
      grantTypes: undefined,
    };
    const pkce: Registration = {
      ...device,
      scopes: ['sso:account:access'],
      grantTypes: ['authorization_code', 'refresh_token'],
    };
    const reference = (withAuth: boolean) =>
      awsCliPython(
        `import datetime; from dateutil.tz import tzutc; from awscli.customizations.sso.utils import _sso_json_dumps
r = {"clientId": "cid", "clientSecret": "sec", "expiresAt": datetime.datetime.fromtimestamp(1800000000, tzutc())}
if ${withAuth ? 'True' : 'False'}: r["scopes"] = ["sso:account:access"]; r["grantTypes"] = ("authorization_code", "refresh_token")
print(_sso_json_dumps(r))`,
      );
    assert.equal(serializeRegistration(device), reference(false));
    assert.equal(serializeRegistration(pkce), reference(true));
    assert.deepEqual(parseRegistration(serializeRegistration(pkce)), pkce);
    assert.equal(parseRegistration('{"clientId": "x"}'), undefined);
  });

  test('reuse only fits the flow, the scopes and at least 15 minutes of life', () => {
    const now = Date.parse('2026-11-22T00:00:00Z');
    const base: Registration = {
      clientId: 'c',
      clientSecret: 's',
      expiresAt: new Date(now + 3_600_000),
      scopes: ['sso:account:access'],
      grantTypes: undefined,
    };
    const pkce = { ...base, grantTypes: ['authorization_code', 'refresh_token'] };
    assert.equal(registrationFits(base, 'device', ['sso:account:access'], now), true);
    assert.equal(registrationFits(base, 'pkce', ['sso:account:access'], now), false, 'device registration for PKCE');
    assert.equal(
      registrationFits(pkce, 'device', ['sso:account:access'], now),
      false,
      'PKCE registration for the device flow',
    );
    assert.equal(registrationFits(pkce, 'pkce', ['sso:account:access'], now), true);
    assert.equal(
      registrationFits({ ...pkce, expiresAt: new Date(now + 14 * 60_000) }, 'pkce', undefined, now),
      false,
      'expires within 15 min',
    );
    assert.equal(
      registrationFits({ ...base, scopes: undefined }, 'device', ['sso:account:access'], now),
      false,
      'no refresh tokens without scopes',
    );
    assert.equal(
      registrationFits({ ...base, scopes: undefined }, 'device', undefined, now),
      true,
      'legacy: no scopes wanted',
    );
  });

  test('scopes: sso-sessions always ask for a refresh token, legacy profiles as configured', () => {
    const s = {
      sessionName: 'corp',
      startUrl: 'u',
      ssoRegion: 'eu-west-1',
      registrationScopes: [],
      endpoints: { sso: '', oidc: '' },
      network: {
        profileName: 'default',
        configFile: 'config',
        caBundle: undefined,
        connectTimeout: undefined,
        readTimeout: undefined,
        useSystemCa: undefined,
      },
      profileName: undefined,
    };
    assert.deepEqual(scopesFor(s, 'pkce'), ['sso:account:access']);
    assert.deepEqual(scopesFor(s, 'device'), ['sso:account:access']);
    assert.deepEqual(scopesFor({ ...s, registrationScopes: ['a', 'b'] }, 'device'), ['a', 'b']);
    assert.equal(scopesFor({ ...s, sessionName: undefined }, 'device'), undefined);
  });
});

suite('PKCE', () => {
  test('verifier and challenge (RFC 7636 appendix B vector)', () => {
    assert.equal(
      codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'),
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
    const v = newCodeVerifier();
    assert.match(v, /^[A-Za-z0-9._~-]{64}$/);
    assert.notEqual(v, newCodeVerifier());
    assert.equal(codeChallenge(v), createHash('sha256').update(v).digest('base64url'));
  });

  test('the authorize URL has the AWS CLI layout', () => {
    const url = authorizeUrl({
      oidcEndpoint: 'https://oidc.eu-west-1.amazonaws.com/',
      clientId: 'cl!id',
      redirectUri: redirectUriFor(54321),
      state: '0b7c2a7e-5a40-4d3b-9f57-6a3c1e6f0d11',
      scopes: ['sso:account:access', 'codewhisperer:completions'],
      codeChallenge: 'E9Melhoa2OwvFrEYTzpcbWzEWrDrH0nVoA7-Ws7aUXM',
    });
    assert.equal(
      url,
      'https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code&client_id=cl%21id' +
        '&redirect_uri=http%3A%2F%2F127.0.0.1%3A54321%2Foauth%2Fcallback&state=0b7c2a7e-5a40-4d3b-9f57-6a3c1e6f0d11' +
        '&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess%20codewhisperer%3Acompletions' +
        '&code_challenge=E9Melhoa2OwvFrEYTzpcbWzEWrDrH0nVoA7-Ws7aUXM',
    );
    const reference = awsCliPython(
      'import sys; from awscli.botocore.utils import percent_encode; print(percent_encode(sys.argv[1]))',
      "a b!'()*~é/:",
    );
    assert.equal(percentEncode("a b!'()*~é/:"), reference);
  });

  test('callbacks: code, error, wrong state, and noise', () => {
    const st = 'st-1';
    assert.deepEqual(interpretCallback('/oauth/callback?code=abc&state=st-1', st), { kind: 'code', code: 'abc' });
    assert.deepEqual(interpretCallback('/oauth/callback?error=access_denied&state=st-1', st), {
      kind: 'error',
      error: 'access_denied',
      description: undefined,
    });
    assert.deepEqual(interpretCallback('/oauth/callback?code=abc&state=other', st), { kind: 'wrongState' });
    assert.deepEqual(interpretCallback('/oauth/callback?code=abc', st), { kind: 'wrongState' });
    assert.deepEqual(interpretCallback('/favicon.ico', st), { kind: 'ignore' });
    assert.deepEqual(interpretCallback('/oauth/callback', st), { kind: 'ignore' });
  });
});

suite('loopback listener', () => {
  test('answers noise with 404 and takes the first real callback only', async () => {
    const listener = await startCallbackListener('st-1');
    try {
      const base = `http://127.0.0.1:${listener.port}`;
      assert.equal((await fetch(`${base}/favicon.ico`)).status, 404);
      assert.equal((await fetch(`${base}/oauth/callback`, { method: 'POST' })).status, 404);
      const page = await fetch(`${base}/oauth/callback?code=c0de&state=st-1`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /You can close this tab/);
      assert.equal((await fetch(`${base}/oauth/callback?code=other&state=st-1`)).status, 404, 'one answer only');
      assert.deepEqual(await listener.result(new AbortController().signal, 60_000), { kind: 'code', code: 'c0de' });
    } finally {
      listener.close();
    }
  });

  test('gives up after its time limit, and at once when interrupted', async () => {
    const slow = await startCallbackListener('st');
    try {
      await assert.rejects(slow.result(new AbortController().signal, 30), (err: Error) => {
        assert.ok(err instanceof LoginRequiredError);
        assert.match(err.message, /no answer from the browser sign-in within 0s; nothing was saved/);
        return true;
      });
    } finally {
      slow.close();
    }
    const interrupted = await startCallbackListener('st');
    try {
      const ctl = new AbortController();
      const pending = interrupted.result(ctl.signal, 60_000);
      ctl.abort();
      await assert.rejects(pending, InterruptedError);
    } finally {
      interrupted.close();
    }
  });
});

suite('flow and browser choice', () => {
  const desktop = { platform: 'linux' as const, env: { DISPLAY: ':0' } };
  test('PKCE by default, device flow for legacy profiles and --use-device-code', () => {
    assert.deepEqual(planLogin({ legacy: false, useDeviceCode: false, noBrowser: false }, desktop), {
      flow: 'pkce',
      openBrowser: true,
      notes: [],
    });
    assert.equal(planLogin({ legacy: true, useDeviceCode: false, noBrowser: false }, desktop).flow, 'device');
    assert.equal(planLogin({ legacy: false, useDeviceCode: true, noBrowser: false }, desktop).flow, 'device');
    assert.deepEqual(planLogin({ legacy: false, useDeviceCode: false, noBrowser: true }, desktop), {
      flow: 'pkce',
      openBrowser: false,
      notes: [],
    });
  });

  test('over SSH or without a display: device flow, no browser, and a note saying why', () => {
    for (const s of [
      { platform: 'linux' as const, env: { DISPLAY: ':0', SSH_CONNECTION: '10.0.0.1 5 10.0.0.2 22' } },
      { platform: 'darwin' as const, env: { SSH_TTY: '/dev/ttys001' } },
      { platform: 'linux' as const, env: {} },
      { platform: 'freebsd' as const, env: {} },
    ]) {
      const plan = planLogin({ legacy: false, useDeviceCode: false, noBrowser: false }, s);
      assert.equal(plan.flow, 'device', JSON.stringify(s));
      assert.equal(plan.openBrowser, false);
      assert.match(
        plan.notes[0] ?? '',
        /^(over SSH|no display \(DISPLAY and WAYLAND_DISPLAY are unset\)): using the device code flow/,
      );
    }
    const noDisplay = { platform: 'linux' as const, env: {} };
    assert.deepEqual(
      planLogin({ legacy: false, useDeviceCode: true, noBrowser: false }, noDisplay),
      { flow: 'device', openBrowser: false, notes: [] },
      '--use-device-code asked for it: no note',
    );
    assert.match(
      planLogin({ legacy: true, useDeviceCode: false, noBrowser: false }, noDisplay).notes[0] ?? '',
      /^no display .*: not opening a browser here/,
    );
    // macOS, Windows and WSL always have a way to show a browser.
    for (const s of [
      { platform: 'darwin' as const, env: {} },
      { platform: 'win32' as const, env: {} },
      { platform: 'linux' as const, env: { WSL_DISTRO_NAME: 'Ubuntu' } },
    ]) {
      assert.deepEqual(planLogin({ legacy: false, useDeviceCode: false, noBrowser: false }, s), {
        flow: 'pkce',
        openBrowser: true,
        notes: [],
      });
    }
  });

  test('BROWSER is an explicit way to open URLs, even over SSH, unless --no-browser', () => {
    const ssh = { platform: 'linux' as const, env: { SSH_CONNECTION: 'x', BROWSER: '/opt/vscode/browser.sh' } };
    assert.deepEqual(planLogin({ legacy: false, useDeviceCode: false, noBrowser: false }, ssh), {
      flow: 'pkce',
      openBrowser: true,
      notes: [],
    });
    const plan = planLogin({ legacy: false, useDeviceCode: false, noBrowser: true }, ssh);
    assert.equal(plan.flow, 'device');
    assert.equal(plan.openBrowser, false);
  });

  test('BROWSER follows Python webbrowser: a PATH-like list, %s command lines, else the URL as argument', () => {
    const url = 'https://x/authorize?a=1&b=2';
    assert.deepEqual(browserCommands(url, { platform: 'linux', env: { BROWSER: 'firefox:/usr/bin/w3m' } }), [
      { file: 'firefox', args: [url] },
      { file: '/usr/bin/w3m', args: [url] },
    ]);
    assert.deepEqual(browserCommands(url, { platform: 'linux', env: { BROWSER: "my-open --tab '%s' &" } }), [
      { file: 'my-open', args: ['--tab', url] },
    ]);
    assert.deepEqual(browserCommands(url, { platform: 'win32', env: { BROWSER: 'C:\\b\\chrome.exe;edge' } }), [
      { file: 'C:\\b\\chrome.exe', args: [url] },
      { file: 'edge', args: [url] },
    ]);
    assert.deepEqual(browserCommands(url, { platform: 'darwin', env: {} }), [{ file: 'open', args: [url] }]);
    assert.deepEqual(browserCommands(url, { platform: 'linux', env: {} }), [{ file: 'xdg-open', args: [url] }]);
    assert.deepEqual(
      browserCommands(url, { platform: 'linux', env: { WSL_DISTRO_NAME: 'Ubuntu' } }).map((c) => c.file),
      ['wslview', 'xdg-open'],
    );
    const [win] = browserCommands(url, { platform: 'win32', env: {} });
    assert.deepEqual(win, { file: 'cmd.exe', args: ['/d', '/s', '/c', `start "" "${url}"`], verbatim: true });
  });
});

suite('status report', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  const file = (hash: string, text: string): CacheFile => ({
    path: `/c/${hash}.json`,
    hash,
    text,
    data: JSON.parse(text),
  });
  const token = (over: Partial<Parameters<typeof serializeToken>[0]>) =>
    serializeToken({
      startUrl: 'https://corp.awsapps.com/start',
      region: 'eu-west-1',
      accessToken: 'aoa',
      expiresAt: new Date(now + 3_600_000),
      clientId: 'c',
      clientSecret: 's',
      registrationExpiresAt: new Date(now + 90 * 86_400_000),
      refreshToken: 'r',
      extra: {},
      ...over,
    });
  const sessions = new Map<string, KnownSession>([
    [
      sha1Hex('corp'),
      { sessionName: 'corp', startUrl: 'https://corp.awsapps.com/start', region: 'eu-west-1', profiles: ['dev'] },
    ],
    [
      sha1Hex('new'),
      { sessionName: 'new', startUrl: 'https://new.awsapps.com/start', region: 'us-east-1', profiles: [] },
    ],
    [
      sha1Hex('https://old/start'),
      { sessionName: undefined, startUrl: 'https://old/start', region: 'us-east-1', profiles: ['legacy'] },
    ],
  ]);
  const roles = new Map<string, KnownRole>([
    ['r1', { profiles: ['dev'], accountId: '111111111111', roleName: 'ReadOnly', sessionName: 'corp', startUrl: 'u' }],
  ]);
  const roleText = serializeRoleEntry({
    accessKeyId: 'ASIA',
    secretAccessKey: 's',
    sessionToken: 't',
    expiration: new Date(now + 1_800_000),
    accountId: '111111111111',
  });
  const input = {
    tokenFiles: [
      file(sha1Hex('corp'), token({})),
      file(
        sha1Hex('https://old/start'),
        token({
          startUrl: 'https://old/start',
          region: 'us-east-1',
          expiresAt: new Date(now - 120_000),
          refreshToken: undefined,
        }),
      ),
      file('registration', '{"clientId": "c", "clientSecret": "s", "expiresAt": "2027-01-01T00:00:00Z"}'),
    ],
    roleFiles: [file('r1', roleText), file('other-tool', '{"Credentials": {"AccessKeyId": "x"}}')],
    sessions,
    roles,
    now,
  };

  test('times, renewal and the next login, per session', () => {
    const r = buildStatus(input);
    assert.equal(r.now, '2026-11-22T10:00:00Z');
    assert.deepEqual(
      r.sessions.map((s) => [
        s.sessionName,
        s.loggedIn,
        s.secondsLeft,
        s.refreshable,
        s.loginRequired,
        s.loginNeededBy,
      ]),
      [
        ['corp', true, 3600, true, false, '2027-02-20T10:00:00Z'],
        ['new', false, null, false, true, null],
        [null, true, -120, false, true, null],
      ],
    );
    assert.equal(r.sessions[2]?.loginCommand, 'ssohelper login --profile legacy');
    assert.deepEqual(r.roleCredentials, [
      {
        kind: 'sso',
        profiles: ['dev'],
        accountId: '111111111111',
        roleName: 'ReadOnly',
        sessionName: 'corp',
        cacheFile: '/c/r1.json',
        expiresAt: '2026-11-22T10:30:00Z',
        secondsLeft: 1800,
        expired: false,
        roleArn: null,
      },
    ]);
    const text = renderStatus(r);
    // Renewing itself, the session ends when IAM Identity Center says: not at the 90-day registration.
    assert.match(
      text,
      /corp +https:\/\/corp\.awsapps\.com\/start +eu-west-1 +1h 00m left, renews +at session end \* +until 2027-02-20\n/,
    );
    assert.match(
      text,
      /new +https:\/\/new\.awsapps\.com\/start +us-east-1 +not logged in +now: ssohelper login --sso-session new\n/,
    );
    assert.match(
      text,
      /\(profile legacy\) +https:\/\/old\/start +us-east-1 +expired 2m 00s ago +now: ssohelper login --profile legacy\n/,
    );
    assert.match(text, /\n\* A session that renews itself lasts as long as IAM Identity Center allows/);
    assert.deepEqual(
      r.sessions.map((s) => s.endsAt),
      ['identity-center', null, null],
    );
    assert.match(text, /dev +111111111111 +ReadOnly +30m 00s +2026-11-22 10:30 UTC/);
  });

  test('a valid token that cannot renew needs a login when it expires; a filter keeps one session', () => {
    const r = buildStatus(
      { ...input, tokenFiles: [file(sha1Hex('corp'), token({ refreshToken: undefined }))] },
      { tokenHash: sha1Hex('corp'), roleHash: 'r1' },
    );
    assert.equal(r.sessions.length, 1);
    assert.equal(r.sessions[0]?.loginNeededBy, '2026-11-22T11:00:00Z');
    assert.equal(r.sessions[0]?.endsAt, 'token-expiry');
    const text = renderStatus(r);
    assert.match(text, /corp +https:\/\/corp\.awsapps\.com\/start +eu-west-1 +1h 00m left +at 2026-11-22 11:00 UTC\n/);
    assert.doesNotMatch(text, /\* A session that renews itself/);
    assert.equal(r.sessions[0]?.loginRequired, false);
    assert.equal(r.roleCredentials.length, 1);
  });
});
