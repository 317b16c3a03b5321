// An organisation for sync tests: accounts whose names collide once folded, and a bulk
// directory for the rate-limit test.
import type { Emulator } from '../emulator/server.ts';

export const PROD_EU = '444444444444';
export const PROD_EU_2 = '555555555555';

/** Adds "Prod EU" and "prod-eu" (the same name folded) to the default directory. */
export function addCollidingAccounts(emu: Emulator): void {
  emu.assign(PROD_EU, 'ReadOnly', { accountName: 'Prod EU' });
  emu.assign(PROD_EU_2, 'ReadOnly', { accountName: 'prod-eu' });
  emu.assign(PROD_EU_2, 'AdministratorAccess', { accountName: 'prod-eu' });
}

/** `accounts` accounts with `rolesEach` roles each, ids from 600000000000 up. */
export function addBulkAccounts(emu: Emulator, accounts: number, rolesEach: number): void {
  for (let i = 0; i < accounts; i++) {
    const id = String(600000000000 + i);
    for (let r = 0; r < rolesEach; r++)
      emu.assign(id, `Role${r}`, { accountName: `Team ${String(i).padStart(3, '0')}` });
  }
}
