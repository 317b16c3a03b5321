// `ssohelper status` for a person: a table to read at a glance; the JSON form is the report itself.
import { INIT_COMMAND } from '../config/profile.ts';
import type { SessionStatus, StatusReport } from './report.ts';
import { DEFAULT_WIDTH } from '../terminal.ts';
import { reflow } from '../format/wrap.ts';
import { humanDuration } from '../util/time.ts';
import { renderTable } from '../format/table.ts';

/** `2026-11-22 04:26 UTC`: unambiguous in any time zone. */
function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '';
}

function table(headers: string[], rows: string[][], width: number | undefined): string {
  return renderTable([headers, ...rows], { indent: '  ', width });
}

/** When the next login is due, as honestly as the cache can tell. */
function nextLogin(s: SessionStatus): string {
  if (s.loginRequired) return `now: ${s.loginCommand}`;
  if (s.endsAt === 'token-expiry') return `at ${when(s.loginNeededBy)}`;
  return 'at session end *';
}

export function renderStatus(r: StatusReport, width?: number): string {
  const out: string[] = [];
  if (r.sessions.length === 0) {
    out.push(`SSO sessions: none configured or cached (set one up: ${INIT_COMMAND})`);
  } else {
    out.push('SSO sessions');
    out.push(
      table(
        ['SESSION', 'START URL', 'REGION', 'TOKEN', 'NEXT LOGIN', 'REGISTRATION'],
        r.sessions.map((s) => [
          s.sessionName ?? (s.profiles.length > 0 ? `(profile ${s.profiles[0]})` : '(unknown)'),
          s.startUrl ?? '?',
          s.region ?? '?',
          !s.loggedIn
            ? 'not logged in'
            : s.expired
              ? `expired ${humanDuration(-(s.secondsLeft ?? 0) * 1000)} ago`
              : `${humanDuration((s.secondsLeft ?? 0) * 1000)} left${s.refreshable ? ', renews' : ''}`,
          nextLogin(s),
          s.endsAt === 'identity-center' && s.registrationExpiresAt
            ? `until ${s.registrationExpiresAt.slice(0, 10)}`
            : '',
        ]),
        width,
      ),
    );
  }
  out.push('');
  if (r.roleCredentials.length === 0) {
    out.push('Cached role credentials: none');
  } else {
    out.push('Cached role credentials');
    out.push(
      table(
        ['PROFILE', 'ACCOUNT', 'ROLE', 'VALID FOR', 'EXPIRES'],
        r.roleCredentials.map((c) => [
          c.profiles.length > 0 ? c.profiles.join(', ') : '(no profile)',
          c.accountId ?? '?',
          c.kind === 'assume-role' ? `${c.roleName ?? '?'} (assumed)` : (c.roleName ?? '?'),
          c.expired ? `expired ${humanDuration(-c.secondsLeft * 1000)} ago` : humanDuration(c.secondsLeft * 1000),
          when(c.expiresAt),
        ]),
        width,
      ),
    );
  }
  if (r.consoleSessions.length > 0) {
    out.push('');
    out.push('Console sessions (aws login)');
    out.push(
      table(
        ['SESSION', 'PROFILES', 'ACCOUNT', 'KEYS', 'NEXT LOGIN'],
        r.consoleSessions.map((c) => [
          c.sessionName ?? '(no profile)',
          c.profiles.join(', '),
          c.accountId ?? '?',
          !c.loggedIn
            ? 'not logged in'
            : c.expired
              ? `expired ${humanDuration(-(c.secondsLeft ?? 0) * 1000)} ago`
              : `${humanDuration((c.secondsLeft ?? 0) * 1000)} left`,
          c.loggedIn ? 'when the session ends (at most 12 hours after aws login)' : `now: ${c.loginCommand}`,
        ]),
        width,
      ),
    );
  }
  if (r.sessions.some((s) => s.endsAt === 'identity-center')) {
    out.push('');
    out.push(
      reflow(
        '* A session that renews itself lasts as long as IAM Identity Center allows (the session duration an administrator set: 8 hours by default, up to 90 days), which nothing on this computer records, and never beyond its client registration (REGISTRATION). `ssohelper status --check` asks the portal whether it is still valid.',
        width ?? DEFAULT_WIDTH,
      ),
    );
  }
  return `${out.join('\n')}\n`;
}
