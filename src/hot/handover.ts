// The hot bundle (src/hot.ts) holds only what a cached answer runs. scripts/build.ts resolves
// every dynamic import() in it to a module that calls handover(): reaching code that was left
// out means this run is not a cached answer, and the full program must redo it from the start.

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
