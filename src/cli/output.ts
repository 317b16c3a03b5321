// Output for both entries (src/boot/hot.ts and src/main.ts).
import { writeSync } from 'node:fs';

export const STDOUT = 1;
export const STDERR = 2;

/**
 * Straight to the file descriptor: complete before process.exit on every platform, and without
 * building process.stdout's stream machinery, which the cached path would otherwise pay for.
 */
export function write(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue; // a non-blocking pipe that is full: try again
      if (code === 'EPIPE') return; // the reader went away (| head); nothing left to tell it
      throw err;
    }
  }
}
