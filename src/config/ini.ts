// A parser for the AWS config and credentials files that accepts and rejects what the AWS CLI
// does (Python's configparser.RawConfigParser in strict mode, as botocore uses it, plus
// botocore's one level of nested sections), so a file that breaks `aws` is reported here too,
// with its line number, instead of being read differently. Python's rules are followed to the
// character: what counts as white space (str.strip), `[DEFAULT]` inheritance, and which line
// breaks split a nested block (str.splitlines).

export type IniValue = string | ReadonlyMap<string, string>;
export type IniSection = Map<string, IniValue>;

export class IniSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

/** Python's str.isspace() characters (what strip() removes and `\s` matches in re). */
const WS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING = new RegExp(`^[${WS}]+`);
const TRAILING = new RegExp(`[${WS}]+$`);
const NON_SPACE = new RegExp(`[^${WS}]`);
// configparser's SECTCRE and OPTCRE; Python's `.` is anything but "\n".
const SECTION = /^\[([^\n]+)\]/;
const OPTION = new RegExp(`^([^\\n]*?)[${WS}]*([=:])[${WS}]*([^\\n]*)$`);
/** str.splitlines() boundaries, which botocore uses on a nested block. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are Python's line boundaries
const PY_LINES = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
/** configparser's default_section: inherited by every section, never a section itself. */
const DEFAULT_SECTION = 'DEFAULT';

export function pyStrip(s: string): string {
  return s.replace(LEADING, '').replace(TRAILING, '');
}

interface RawOption {
  parts: string[];
  line: number;
}

/** Section name → key (lower-cased, as configparser does) → value or nested map. */
export function parseIni(text: string): Map<string, IniSection> {
  // Python reads the file as UTF-8, where a byte order mark is an ordinary character that
  // makes line 1 neither a header nor a setting: botocore cannot read such a file.
  if (text.startsWith('\uFEFF')) {
    throw new IniSyntaxError(
      'the file starts with a byte order mark (BOM), which the AWS CLI cannot read; save it as UTF-8 without BOM',
      1,
    );
  }
  const raw = new Map<string, Map<string, RawOption>>();
  const defaults = new Map<string, RawOption>();
  let current: Map<string, RawOption> | undefined;
  let currentName = '';
  let currentKey: string | undefined;
  let indentLevel = 0;

  // Python's text files split lines at \n, \r and \r\n only.
  const lines = text.split(/\r\n|\n|\r/);
  if (lines.at(-1) === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const lineNo = i + 1;
    const value = pyStrip(line);
    if (value.startsWith('#') || value.startsWith(';')) continue;
    if (value === '') {
      if (current && currentKey) current.get(currentKey)?.parts.push('');
      continue;
    }
    const indent = NON_SPACE.exec(line)?.index ?? 0;
    if (current && currentKey && indent > indentLevel) {
      current.get(currentKey)?.parts.push(value);
      continue;
    }
    indentLevel = indent;
    const header = SECTION.exec(value);
    if (header) {
      const name = header[1] as string;
      if (raw.has(name)) throw new IniSyntaxError(`section [${name}] appears twice`, lineNo);
      if (name === DEFAULT_SECTION) current = defaults;
      else {
        current = new Map();
        raw.set(name, current);
      }
      currentName = name;
      currentKey = undefined;
      continue;
    }
    if (value.startsWith('[') && !OPTION.test(value)) {
      throw new IniSyntaxError(`section header "${truncate(value)}" has no closing "]"`, lineNo);
    }
    if (!current) throw new IniSyntaxError('a setting appears before any [section] header', lineNo);
    const option = OPTION.exec(value);
    if (!option || option[1] === '')
      throw new IniSyntaxError(`cannot parse "${truncate(value)}": expected key = value`, lineNo);
    const key = (option[1] as string).replace(TRAILING, '').toLowerCase();
    if (current.has(key)) throw new IniSyntaxError(`key "${key}" appears twice in [${currentName}]`, lineNo);
    current.set(key, { parts: [pyStrip(option[3] as string)], line: lineNo });
    currentKey = key;
  }

  const sections = new Map<string, IniSection>();
  for (const [name, own] of raw) {
    const section: IniSection = new Map();
    for (const [key, option] of [...own, ...[...defaults].filter(([k]) => !own.has(k))]) {
      const joined = option.parts.join('\n').replace(TRAILING, '');
      section.set(key, joined.startsWith('\n') ? parseNested(joined, name, key, option.line) : joined);
    }
    sections.set(name, section);
  }
  return sections;
}

function parseNested(value: string, section: string, key: string, line: number): ReadonlyMap<string, string> {
  const nested = new Map<string, string>();
  for (const part of value.split(PY_LINES)) {
    const trimmed = pyStrip(part);
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0)
      throw new IniSyntaxError(`nested setting "${truncate(trimmed)}" under ${key} in [${section}] has no "="`, line);
    nested.set(pyStrip(trimmed.slice(0, eq)), pyStrip(trimmed.slice(eq + 1)));
  }
  return nested;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
