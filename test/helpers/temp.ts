// Tests make temporary directories with the build scripts' helper (scripts/lib/temp.ts).
export { tempDir } from '../../scripts/lib/temp.ts';
