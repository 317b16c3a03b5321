// `ssohelper status` for a person: a table to read at a glance; the JSON form is the report itself.
import { INIT_COMMAND } from '../config/profile.ts';
import type { StatusReport } from '../status/report.ts';
import { humanDuration } from '../util/time.ts';
import { renderTable } from './table.ts';

/** `2026-11-22 04:26 UTC`: unambiguous in any time zone. */
function when(iso: string | null): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '';
}

function table(headers: string[], rows: string[][]): string {
  return renderTable([headers, ...rows], { indent: '  ' });
}

export function renderStatus(r: StatusReport): string {
  const out: string[] = [];
  if (r.sessions.length === 0) {
    out.push(`SSO sessions: none configured or cached (set one up: ${INIT_COMMAND})`);
  } else {
    out.push('SSO sessions');
    out.push(
      table(
        ['SESSION', 'START URL', 'REGION', 'TOKEN', 'RENEWS', 'NEXT LOGIN'],
        r.sessions.map((s) => [
          s.sessionName ?? (s.profiles.length > 0 ? `(profile ${s.profiles[0]})` : '(unknown)'),
          s.startUrl ?? '?',
          s.region ?? '?',
          !s.loggedIn ? 'not logged in' : s.expired ? `expired ${humanDuration(-(s.secondsLeft ?? 0) * 1000)} ago` : `${humanDuration((s.secondsLeft ?? 0) * 1000)} left`,
          s.refreshable ? 'yes' : 'no',
          s.loginRequired ? `now: ${s.loginCommand}` : s.refreshable ? `by ${when(s.loginNeededBy)} at the latest` : `at ${when(s.loginNeededBy)}`,
        ]),
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
          !c.loggedIn ? 'not logged in' : c.expired ? `expired ${humanDuration(-(c.secondsLeft ?? 0) * 1000)} ago` : `${humanDuration((c.secondsLeft ?? 0) * 1000)} left`,
          c.loggedIn ? 'when the session ends (at most 12 hours after aws login)' : `now: ${c.loginCommand}`,
        ]),
      ),
    );
  }
  if (r.sessions.some((s) => s.refreshable)) {
    out.push('');
    out.push('Sessions that renew themselves need a new login when IAM Identity Center ends them, or at the latest when');
    out.push('their client registration expires (shown above).');
  }
  return `${out.join('\n')}\n`;
}
