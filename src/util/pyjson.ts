// The AWS CLI and botocore write their caches with Python's json.dumps, and derive cache file
// names from the sha1 of json.dumps output. Byte-identical files and names need the same
// serialisation: ASCII-only escapes, Python's separators, optional key sorting.

export interface PyDumpsOptions {
  sortKeys?: boolean;
  /** [item separator, key separator]; Python's default is [', ', ': ']. */
  separators?: readonly [string, string];
}

function escapeString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || code > 0x7e) {
      // Python escapes astral characters as a UTF-16 surrogate pair, like JSON requires.
      for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

export function pyDumps(value: unknown, options: PyDumpsOptions = {}): string {
  const [itemSep, keySep] = options.separators ?? [', ', ': '];
  const walk = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'string') return escapeString(v);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return String(v);
    if (Array.isArray(v)) return `[${v.map(walk).join(itemSep)}]`;
    if (typeof v === 'object') {
      let keys = Object.keys(v as object).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
      if (options.sortKeys) keys = keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${keys.map((k) => `${escapeString(k)}${keySep}${walk((v as Record<string, unknown>)[k])}`).join(itemSep)}}`;
    }
    throw new TypeError(`cannot serialise ${typeof v}`);
  };
  return walk(value);
}

/** A JSON object from a cache file, or undefined for anything else (torn, garbage, an array). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
}
