// The files under a folder, recursively, whose names match: the source lists that the import
// cycle check and the tests that read the tree (clients, temp dirs, import kinds) all walk.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** TypeScript sources (declaration files left out) unless `pattern` says otherwise. */
export function sources(dir: string, pattern: RegExp = /(?<!\.d)\.ts$/): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && pattern.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
