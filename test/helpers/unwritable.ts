// Makes a file or directory refuse writes, also for root (tests here run as root, for whom
// chmod means nothing): the immutable attribute where the file system has it, else mode 0500.
import { execFileSync } from 'node:child_process';
import { chmodSync, statSync } from 'node:fs';

/** Returns the undo, which must run before the directory can be cleaned up. */
export function makeUnwritable(path: string): () => void {
  if (process.getuid?.() === 0) {
    execFileSync('chattr', ['+i', path]);
    return () => execFileSync('chattr', ['-i', path]);
  }
  const mode = statSync(path).mode & 0o777;
  chmodSync(path, statSync(path).isDirectory() ? 0o500 : 0o400);
  return () => chmodSync(path, mode);
}
