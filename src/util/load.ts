// What an import() does depends on the bundle it lands in (scripts/build.ts): in the full
// program every import() is a module initialised on first use; in the hot entry and the cold
// script an import() of one of COLD_ENTRIES loads the cold script, one of the AWS SDK loads the
// SDK script, and any other hands the whole run over to the full program, which starts over
// (src/boot/handover.ts). Each import() goes through the helper that names its kind, so a reader
// sees at the call what it costs; test/unit/importKinds.test.ts checks each name against the
// bundles. The helpers only call `load`: the import() stays literal for esbuild to see.

/** A module of the full program, initialised when first needed. */
export function lazy<T>(load: () => Promise<T>): Promise<T> {
  return load();
}

/** One of COLD_ENTRIES: from the hot entry, the cold script (same process, same start). */
export function cold<T>(load: () => Promise<T>): Promise<T> {
  return load();
}

/** Code only the full program has: from the hot entry or the cold script, this hands the run over. */
export function fullProgram<T>(load: () => Promise<T>): Promise<T> {
  return load();
}

/** An AWS SDK package, from the SDK script. */
export function awsSdk<T>(load: () => Promise<T>): Promise<T> {
  return load();
}
