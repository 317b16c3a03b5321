// Profile names for generated profiles: a template filled per account and role, folded to a
// safe alphabet, then made unique without ever taking a name the user already has. Pure.
import { UsageError } from '../errors.ts';

export const DEFAULT_TEMPLATE = '{account_name}.{role_name}';

export const PLACEHOLDERS: ReadonlyArray<readonly [string, string]> = [
  ['{account_name}', "the account's name in IAM Identity Center (its id when it has none)"],
  ['{account_id}', 'the 12-digit account id'],
  ['{role_name}', 'the permission set (role) name'],
  ['{sso_session}', "the sso-session's name"],
];

export interface NameInput {
  accountId: string;
  accountName: string | undefined;
  roleName: string;
  ssoSession: string;
}

/** Rejects unknown placeholders and templates that cannot tell roles apart. */
export function checkTemplate(template: string): void {
  const known = new Set(PLACEHOLDERS.map(([p]) => p));
  for (const match of template.matchAll(/\{[^{}]*\}/g)) {
    if (!known.has(match[0])) {
      throw new UsageError(
        `--name: unknown placeholder ${match[0]}`,
        `placeholders: ${PLACEHOLDERS.map(([p]) => p).join(', ')}`,
      );
    }
  }
  if (/[{}]/.test(template.replace(/\{[a-z_]+\}/g, '')))
    throw new UsageError(`--name: unbalanced brace in "${template}"`);
  if (!/\{[a-z_]+\}/.test(template)) {
    throw new UsageError(
      `--name: "${template}" gives every profile the same name`,
      `use placeholders such as ${DEFAULT_TEMPLATE}`,
    );
  }
}

/**
 * Lower case, every character outside [a-z0-9._-] becomes "-", runs of "-" shrink to one, and
 * no leading "-" (it would read as an option on a command line) or trailing "-".
 */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|-+$/g, '');
}

export function renderName(template: string, input: NameInput): string {
  const values: Record<string, string> = {
    '{account_name}': input.accountName?.trim() || input.accountId,
    '{account_id}': input.accountId,
    '{role_name}': input.roleName,
    '{sso_session}': input.ssoSession,
  };
  return fold(template.replace(/\{[a-z_]+\}/g, (p) => values[p] ?? p));
}

export interface Named<T extends NameInput> {
  item: T;
  name: string;
}

/**
 * Gives every item a distinct name that is not in `taken`. Items whose folded names collide
 * all get "-<account id>" appended (and then "-<role>" if the template ignores roles), so the
 * result does not depend on the order the portal listed them in. An item whose every candidate
 * is taken is returned in `unnamed` rather than overwriting anything.
 */
export function assignNames<T extends NameInput>(
  items: readonly T[],
  template: string,
  taken: ReadonlySet<string>,
): { named: Named<T>[]; unnamed: T[] } {
  const candidates = (item: T): string[] => {
    const base = renderName(template, item);
    const role = fold(item.roleName);
    return [base, fold(`${base}-${item.accountId}`), fold(`${base}-${item.accountId}-${role}`)];
  };
  const level = new Map<T, number>(items.map((i) => [i, 0]));
  // Levels only rise and stop at 3, so this ends.
  for (let changed = true; changed; ) {
    changed = false;
    const byName = new Map<string, T[]>();
    for (const item of items) {
      const name = candidates(item)[level.get(item) as number] as string;
      byName.set(name, [...(byName.get(name) ?? []), item]);
    }
    for (const [name, group] of byName) {
      const clash = group.length > 1 || taken.has(name) || name === '' || name === 'default';
      if (!clash) continue;
      for (const item of group) {
        const l = level.get(item) as number;
        if (l < 3) {
          level.set(item, l + 1);
          changed = true;
        }
      }
    }
  }
  const named: Named<T>[] = [];
  const unnamed: T[] = [];
  const used = new Set<string>();
  for (const item of items) {
    const l = level.get(item) as number;
    const name = l < 3 ? (candidates(item)[l] as string) : undefined;
    if (name === undefined || used.has(name) || taken.has(name) || name === '' || name === 'default')
      unnamed.push(item);
    else {
      used.add(name);
      named.push({ item, name });
    }
  }
  return { named, unnamed };
}
