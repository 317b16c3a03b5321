// What a person at a terminal sees, checked with the output as pipes and in a real
// pseudo-terminal (script(1)): widths, colour, and no escape codes where they do not belong.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { COMMANDS } from '../../src/commands/index.ts';
import { BIN, cleanEnv, describe as show, requireBinary, run } from '../helpers/run.ts';

/** Runs `ssohelper ARGS` in a pseudo-terminal `columns` wide; returns what the terminal got. */
export function inTerminal(args: string[], env: Record<string, string>, columns = 80): string {
  const quoted = [BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return execFileSync('script', ['-qec', `stty cols ${columns} rows 40; ${quoted}; echo "[exit $?]"`, '/dev/null'], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).replace(/\r\n/g, '\n');
}

const width = (text: string) => Math.max(...text.split('\n').map((l) => [...l].length));

describe('help fits the terminal', () => {
  requireBinary();
  const env = cleanEnv('/nonexistent', undefined);

  test("every command's help, and the main help, fit 80 columns on a pipe", async () => {
    for (const args of [['--help'], ...COMMANDS.map((c) => [c.name, '--help'])]) {
      const r = await run(args, env);
      assert.equal(r.code, 0, show(r));
      const long = r.stdout.split('\n').filter((l) => [...l].length > 80);
      assert.deepEqual(long, [], `ssohelper ${args.join(' ')}: lines over 80 columns`);
    }
  });

  test("on a terminal, help takes the terminal's width", () => {
    const wide = inTerminal(['exec', '--help'], { ...env, TERM: 'xterm' }, 160);
    const narrow = inTerminal(['exec', '--help'], { ...env, TERM: 'xterm' }, 60);
    assert.ok(width(narrow) <= 60, narrow);
    assert.ok(width(wide) > 80 && width(wide) <= 160, wide);
  });
});

describe('usage errors say what to type instead', () => {
  requireBinary();
  const env = cleanEnv('/nonexistent', undefined);

  test("a format named after a shell or JSON points at the real one, and at the command's help", async () => {
    const bash = await run(['env', 'dev', '--format', 'bash'], env);
    assert.equal(bash.code, 2, show(bash));
    assert.match(
      bash.stderr,
      /env: unknown format "bash"; choose one of process, env, .*\n {2}for bash, use --format env \(see: ssohelper env --help\)\n$/,
    );
    const json = await run(['status', '--json'], env);
    assert.equal(json.code, 2, show(json));
    assert.match(json.stderr, /status: unknown option --json: use --output json\n {2}see: ssohelper status --help\n$/);
    const o = await run(['list', '-o', 'json'], env);
    assert.match(o.stderr, /list: unknown option -o: use --output\n/);
  });

  test('serve offers only the formats it prints, and exec and serve list --refresh', async () => {
    const help = await run(['serve', '--help'], env);
    assert.match(help.stdout, /--format FORMAT +one of env, env-no-export, powershell, windows-cmd, fish/);
    assert.doesNotMatch(help.stdout, /\bprocess\b/);
    const r = await run(['serve', 'dev', '--format', 'process'], env);
    assert.equal(r.code, 2, show(r));
    assert.match(
      r.stderr,
      /serve: unknown format "process"; choose one of env, env-no-export, powershell, windows-cmd, fish\n {2}see: ssohelper serve --help\n/,
    );
    for (const command of ['exec', 'serve'])
      assert.match((await run([command, '--help'], env)).stdout, /^Usage: .*\[--refresh\]/s, command);
  });
});
