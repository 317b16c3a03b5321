// fast-check generators for AWS config files: mostly well-formed sections and settings, with
// the characters and shapes where parsers disagree mixed in (Python's white space that
// JavaScript's trim does not know and the other way round, line separators, quotes, [DEFAULT],
// nested blocks, duplicate headers, continuation lines, a byte order mark).
import fc from 'fast-check';

/** Deliberately tricky characters: each one has tripped some INI or shlex implementation. */
const ODD = [
  '\t',
  '\v',
  '\f',
  '\x1c',
  '\x1f',
  '\x85',
  '\xa0',
  '\u2028',
  '\u3000',
  '\ufeff',
  '"',
  "'",
  '\\',
  '#',
  ';',
  '=',
  ':',
  '[',
  ']',
  'é',
  '\0',
];

const word = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      'dev',
      'corp',
      'a',
      'b',
      'x y',
      'default',
      'DEFAULT',
      'sso',
      'region',
      'S3',
      'sso_session',
      'sso_role_name',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', '-', '_', '.', ' ', ...ODD), maxLength: 6 }) },
);
const space = fc.constantFrom('', '', '', ' ', '  ', '\t', '\x1c', '\xa0', '\u3000', '\ufeff', '\v');

const header = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('profile ', 'profile  ', 'profiles ', 'sso-session ', 'services ', 'profile "', "profile '", ''),
      word,
      fc.constantFrom(']', ']', '"]', "']", ' ] # c', ''),
    )
    .map(([a, b, c]) => `[${a}${b}${c}`),
  fc.constantFrom('[default]', '[DEFAULT]', '[profile default]', '[sso-session corp]', '[services s]', '[profile dev]'),
);
const setting = fc
  .tuple(space, word, space, fc.constantFrom('=', '=', '=', ':', ' = ', ' = ', ''), space, word, space)
  .map((parts) => parts.join(''));
const nested = fc
  .tuple(
    word,
    fc.array(fc.tuple(fc.constantFrom('  ', '\t', ' '), word, fc.constantFrom('=', ' = ', ''), word), { maxLength: 3 }),
  )
  .map(([key, lines]) => [`${key} =`, ...lines.map(([i, k, eq, v]) => `${i}${k}${eq}${v}`)].join('\n'));
const other = fc.constantFrom(
  '',
  '',
  '# comment',
  '; comment',
  '   ',
  '  continued',
  '\tmore',
  '\x1c',
  'region = us-east-1',
);

const line = fc.oneof(
  { weight: 2, arbitrary: header },
  { weight: 4, arbitrary: setting },
  { weight: 1, arbitrary: nested },
  { weight: 2, arbitrary: other },
);

/** A config file's text. */
export const iniText: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(header, { freq: 5 }),
    fc.array(line, { maxLength: 12 }),
    fc.constantFrom('\n', '\n', '\r\n', '\r'),
    fc.boolean(),
    fc.boolean(),
  )
  .map(([first, lines, eol, trailing, bom]) => {
    const all = first === null ? lines : [first, ...lines];
    return `${bom && all.length % 7 === 0 ? '\ufeff' : ''}${all.join(eol)}${trailing ? eol : ''}`;
  });

/** The seed every property in the suite starts from; FC_SEED=n replays another run. */
export const SEED = Number(process.env.FC_SEED ?? 20261130);
