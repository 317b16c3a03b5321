// A parser for the AWS config and credentials files that accepts and rejects what the AWS CLI
// does (Python's configparser in strict mode plus botocore's one level of nested sections),
// so a file that breaks `aws` is reported here too, with its line number, instead of being
// read differently.

export type IniValue = string | ReadonlyMap<string, string>;
export type IniSection = Map<string, IniValue>;

export class IniSyntaxError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

const SECTION = /^\[(.+)\]/;
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;

/** Section name → key (lower-cased, as configparser does) → value or nested map. */
export function parseIni(text: string): Map<string, IniSection> {
  const sections = new Map<string, IniSection>();
  const raw = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  let currentKey: string | undefined;
  let keyIndent = 0;

  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const lineNo = i + 1;
    const stripped = line.trim();
    if (stripped.startsWith('#') || stripped.startsWith(';')) continue;
    if (stripped === '') {
      if (current && currentKey) current.get(currentKey)?.push('');
      continue;
    }
    const indent = line.length - line.trimStart().length;
    if (current && currentKey && indent > keyIndent) {
      current.get(currentKey)?.push(stripped);
      continue;
    }
    const header = SECTION.exec(stripped);
    if (header) {
      const name = header[1] as string;
      if (raw.has(name)) throw new IniSyntaxError(`section [${name}] appears twice`, lineNo);
      current = new Map();
      raw.set(name, current);
      currentKey = undefined;
      continue;
    }
    if (!current) throw new IniSyntaxError('a setting appears before any [section] header', lineNo);
    const option = OPTION.exec(stripped);
    if (!option || option[1] === '') throw new IniSyntaxError(`cannot parse "${truncate(stripped)}": expected key = value`, lineNo);
    const key = (option[1] as string).trim().toLowerCase();
    if (current.has(key)) throw new IniSyntaxError(`key "${key}" appears twice in the same section`, lineNo);
    current.set(key, [(option[3] as string).trim()]);
    currentKey = key;
    keyIndent = indent;
  }

  for (const [name, entries] of raw) {
    const section: IniSection = new Map();
    for (const [key, parts] of entries) {
      const joined = parts.join('\n').replace(/\s+$/, '');
      section.set(key, joined.startsWith('\n') ? parseNested(joined, name, key) : joined);
    }
    sections.set(name, section);
  }
  return sections;
}

function parseNested(value: string, section: string, key: string): ReadonlyMap<string, string> {
  const nested = new Map<string, string>();
  for (const line of value.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf('=');
    if (eq < 0) throw new IniSyntaxError(`nested setting "${truncate(trimmed)}" under ${key} in [${section}] has no "="`, 0);
    nested.set(trimmed.slice(0, eq).trim(), trimmed.slice(eq + 1).trim());
  }
  return nested;
}

function truncate(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
