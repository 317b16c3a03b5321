// What `sync` will write for one sso-session: the listed assignments named by the template,
// around the names the user already has, keeping a generated profile's name while it stays a
// valid name for the same account and role. Pure.
import type { GeneratedProfile } from '../config/managedBlock.ts';
import type { Assignment } from './listing.ts';
import { assignNames, type NameInput, renderName } from './naming.ts';

export interface SyncPlan {
  profiles: GeneratedProfile[];
  added: GeneratedProfile[];
  /** Generated before, no longer assigned: kept without --prune, dropped with it. */
  stale: GeneratedProfile[];
  pruned: GeneratedProfile[];
  /** Existing generated profiles whose name changed (account renamed, new template). */
  renamed: Array<{ from: string; to: string }>;
  /** Assignments left without a profile because every name they could take is the user's. */
  skipped: Array<{ accountId: string; roleName: string; wanted: string }>;
}

export interface PlanInput {
  session: string;
  assignments: readonly Assignment[];
  /** The session's current block. */
  existing: readonly GeneratedProfile[];
  /** Names outside this session's block: the user's profiles and other sessions' blocks. */
  taken: ReadonlySet<string>;
  template: string;
  region: string | undefined;
  prune: boolean;
}

const key = (accountId: string, roleName: string) => `${accountId}/${roleName}`;

export function planSync(input: PlanInput): SyncPlan {
  const items: Array<NameInput & { previous: string | undefined }> = [];
  const previousByKey = new Map(input.existing.map((p) => [key(p.accountId, p.roleName), p.name]));
  for (const a of input.assignments) {
    for (const roleName of a.roles) {
      items.push({
        accountId: a.accountId,
        accountName: a.accountName,
        roleName,
        ssoSession: input.session,
        previous: previousByKey.get(key(a.accountId, roleName)),
      });
    }
  }
  const listed = new Set(items.map((i) => key(i.accountId, i.roleName)));
  const stale = input.existing.filter((p) => !listed.has(key(p.accountId, p.roleName)) && !input.taken.has(p.name));
  const kept = input.prune ? [] : stale;

  // A name given before stays while it is still one this template could give the same role.
  const fixed = new Map<(typeof items)[number], string>();
  const reserved = new Set([...input.taken, ...kept.map((p) => p.name)]);
  for (const item of items) {
    const prev = item.previous;
    if (!prev || reserved.has(prev)) continue;
    const base = renderName(input.template, item);
    if (prev === base || prev.startsWith(`${base}-${item.accountId}`)) {
      fixed.set(item, prev);
      reserved.add(prev);
    }
  }
  const rest = items.filter((i) => !fixed.has(i));
  const { named, unnamed } = assignNames(rest, input.template, reserved);

  const profiles: GeneratedProfile[] = [
    ...[...fixed].map(([item, name]) => ({
      name,
      accountId: item.accountId,
      roleName: item.roleName,
      region: input.region,
    })),
    ...named.map(({ item, name }) => ({
      name,
      accountId: item.accountId,
      roleName: item.roleName,
      region: input.region,
    })),
    ...kept,
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const renamed = named
    .filter(({ item }) => item.previous && item.previous !== undefined)
    .map(({ item, name }) => ({ from: item.previous as string, to: name }));
  const before = new Set(input.existing.map((p) => key(p.accountId, p.roleName)));
  return {
    profiles,
    added: profiles.filter((p) => !before.has(key(p.accountId, p.roleName))),
    stale: input.prune ? [] : stale,
    pruned: input.prune ? stale : [],
    renamed: renamed.filter((r) => r.from !== r.to),
    skipped: unnamed.map((i) => ({
      accountId: i.accountId,
      roleName: i.roleName,
      wanted: renderName(input.template, i),
    })),
  };
}

/**
 * The region for generated profiles when --region is not given: the one the session's existing
 * profiles agree on, else none (with the reason, for the user).
 */
export function defaultRegion(regions: ReadonlyArray<string | undefined>): {
  region: string | undefined;
  reason: string;
} {
  const set = new Set(regions.filter((r): r is string => r !== undefined));
  if (set.size === 1) {
    const region = [...set][0] as string;
    return { region, reason: `region ${region}, as the session's other profiles have` };
  }
  if (set.size === 0)
    return {
      region: undefined,
      reason: "no region set: none of the session's profiles has one (use --region to set one)",
    };
  return {
    region: undefined,
    reason: `no region set: the session's profiles disagree (${[...set].sort().join(', ')}); use --region to choose`,
  };
}
