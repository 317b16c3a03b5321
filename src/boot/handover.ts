// The hot bundle (src/boot/hot.ts) holds only what get, env and export-credentials run for a cached
// answer or a first call for an SSO role. scripts/build.ts resolves every other dynamic import()
// in it to a module that calls handover(): reaching code that was left out means this run is
// not the hot entry's, and the full program must redo it from the start. So such an import has
// to come before anything is locked, written or asked of the network on that path (see
// refreshUnderLock in src/credentials/token.ts), and outside any catch that would take it for
// a failure.

let requested = false;

export class Handover extends Error {}

export function handover(): never {
  requested = true;
  throw new Handover('needs the full program');
}

/** True once anything reached for left-out code, even if a caller caught the error. */
export function handoverRequested(): boolean {
  return requested;
}
