// Temporary directories that go away when the process exits, however it ended (tests passed,
// failed, or were cut short by --test-force-exit; a build or bench interrupted by Ctrl-C or
// killed by a runner's timeout): nothing piles up in the temp folder. The one place tests,
// their helpers and the build/bench scripts make temporary directories; a unit test
// (test/unit/tempDirs.test.ts) fails on any other.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const made: string[] = [];
let hooked = false;

/** A new directory `<parent>/<prefix>XXXXXX` (parent: the temp folder), removed at exit. */
export function tempDir(prefix: string, parent = tmpdir()): string {
  const dir = mkdtempSync(join(parent, prefix));
  made.push(dir);
  if (!hooked) {
    hooked = true;
    process.once('exit', removeAll);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => onSignal(signal));
  }
  return dir;
}

// A signal skips 'exit' hooks. Remove the directories, then let the signal do what it would
// have done: when nothing else listens, die by it as before (the runner still sees a kill).
function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function removeAll(): void {
  for (const dir of made.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // A file a test left immutable or busy; nothing more to do at exit.
    }
  }
}
