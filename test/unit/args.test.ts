import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FlagSpec, parseCommandArgs } from '../../src/cli/args.ts';
import { UsageError } from '../../src/errors.ts';

const FLAGS: FlagSpec[] = [
  { name: 'profile', type: 'string', description: '' },
  { name: 'refresh', type: 'boolean', description: '' },
];
const parse = (...argv: string[]) => parseCommandArgs(argv, FLAGS, 1, 'get');

test('values, booleans, positionals, short help and --', () => {
  assert.deepEqual(parse('dev', '--refresh', '--profile', 'x'), {
    flags: { refresh: true, profile: 'x' },
    positionals: ['dev'],
  });
  assert.deepEqual(parse('--profile=a=b', '-h', '--debug'), {
    flags: { profile: 'a=b', help: true, debug: true },
    positionals: [],
  });
  assert.deepEqual(parse('--', '--not-a-flag'), { flags: {}, positionals: ['--not-a-flag'], beforeSeparator: 0 });
  assert.deepEqual(parse('--profile', 'p', '--profile', 'q'), { flags: { profile: 'q' }, positionals: [] });
});

test('every misuse is a usage error that names the option', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--bogus'], /get: unknown option --bogus/],
    [['-x'], /get: unknown option -x/],
    [['--profile'], /option --profile needs a value/],
    [['--profile', '--refresh'], /option --profile needs a value/],
    [['--refresh=yes'], /option --refresh does not take a value/],
    [['a', 'b'], /unexpected argument "b"/],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parse(...argv),
      (err: unknown) => err instanceof UsageError && message.test(err.message) && err.exitCode === 2,
      argv.join(' '),
    );
  }
});

test('options end at the N-th positional when the command says so (exec COMMAND ARGS...)', () => {
  const execParse = (...argv: string[]) =>
    parseCommandArgs(argv, FLAGS, Number.POSITIVE_INFINITY, 'exec', (flags) => (flags.profile === undefined ? 2 : 1));
  assert.deepEqual(execParse('--refresh', 'dev', 'tf', '-out', 'x', '--refresh'), {
    flags: { refresh: true },
    positionals: ['dev', 'tf', '-out', 'x', '--refresh'],
  });
  assert.deepEqual(execParse('--profile', 'dev', 'tf', '-chdir=a', 'plan'), {
    flags: { profile: 'dev' },
    positionals: ['tf', '-chdir=a', 'plan'],
  });
  assert.deepEqual(execParse('dev', '--', 'tf', '--', '-x'), {
    flags: {},
    positionals: ['dev', 'tf', '--', '-x'],
    beforeSeparator: 1,
  });
  assert.deepEqual(execParse('dev', 'sh', '--', '-x'), { flags: {}, positionals: ['dev', 'sh', '--', '-x'] });
  assert.throws(() => execParse('dev', '--bogus', 'tf'), /exec: unknown option --bogus/);
});

test('a flag with a fixed list of values refuses any other, as --x v and --x=v', () => {
  const specs: FlagSpec[] = [
    { name: 'output', type: 'string', description: '', values: ['text', 'json'] },
    { name: 'format', type: 'string', description: '', values: ['process', 'env', 'fish'] },
  ];
  const parseWith = (...argv: string[]) => parseCommandArgs(argv, specs, 0, 'status');
  assert.deepEqual(parseWith('--output', 'json', '--format=fish').flags, { output: 'json', format: 'fish' });
  const cases: Array<[string[], string]> = [
    [['--output', 'yaml'], 'status: unknown output "yaml"; choose text or json'],
    [['--output=JSON'], 'status: unknown output "JSON"; choose text or json'],
    [['--format', 'tcsh'], 'status: unknown format "tcsh"; choose one of process, env, fish'],
  ];
  for (const [argv, message] of cases) {
    assert.throws(
      () => parseWith(...argv),
      (err: unknown) => err instanceof UsageError && err.message === message && err.exitCode === 2,
      argv.join(' '),
    );
  }
});

test('flags spelled as other tools spell them point at ours', () => {
  const output: FlagSpec[] = [{ name: 'output', type: 'string', description: '', values: ['text', 'json'] }];
  const format: FlagSpec[] = [{ name: 'format', type: 'string', description: '', values: ['process', 'env'] }];
  const cases: Array<[FlagSpec[], string, RegExp]> = [
    [output, '--json', /unknown option --json: use --output json$/],
    [output, '-o', /unknown option -o: use --output$/],
    [output, '--format', /unknown option --format: use --output$/],
    [format, '--json', /unknown option --json: use --format process$/],
    [format, '--output', /unknown option --output: use --format$/],
    [FLAGS, '-p', /unknown option -p: use --profile$/],
    [FLAGS, '--json', /unknown option --json$/],
  ];
  for (const [flags, arg, message] of cases) {
    assert.throws(
      () => parseCommandArgs([arg], flags, 0, 'x'),
      (err: unknown) => err instanceof UsageError && message.test(err.message),
      `${arg} ${flags.map((f) => f.name)}`,
    );
  }
});

test("a usage error of a command points at that command's help", () => {
  assert.equal(new UsageError('env: unknown format "x"').hint, 'see: ssohelper env --help');
  assert.equal(new UsageError('SSOHELPER_LOGIN="x" is not a switch').hint, 'see: ssohelper --help');
});
