// Fitting text to a width: prose, usage lines and example commands each break where a reader
// (or a shell, for the examples) still understands them.

/** Breaks `text` at spaces into lines of at most `width`; a word longer than that is cut. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/ +/).filter(Boolean)) {
    while (word.length > width) {
      if (line) lines.push(line);
      line = '';
      lines.push(word.slice(0, width));
      word = word.slice(width);
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  return line || lines.length === 0 ? [...lines, line] : lines;
}

/**
 * Re-flows text whose lines were broken for another width: a line joins the one before when
 * both are prose; blank lines, indented lines and lines keep their place. Indented
 * lines wrap under their own indentation.
 */
export function reflow(text: string, width: number): string {
  const paragraphs: string[] = [];
  for (const line of text.split('\n')) {
    const previous = paragraphs[paragraphs.length - 1];
    const joins =
      previous !== undefined && previous !== '' && line !== '' && !/^\s/.test(line) && !/^\s/.test(previous);
    if (joins) paragraphs[paragraphs.length - 1] = `${previous} ${line}`;
    else paragraphs.push(line);
  }
  return paragraphs
    .flatMap((p) => {
      const indent = /^ */.exec(p)?.[0] ?? '';
      return p === ''
        ? ['']
        : wrapWords(p.slice(indent.length), Math.max(10, width - indent.length)).map((l) => indent + l);
    })
    .join('\n');
}

/** Splits at spaces outside brackets and quotes: `[--a X | --b]` and `'{x}-{y}'` stay whole. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote = '';
  let current = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '[' || ch === '(') depth++;
    else if (ch === ']' || ch === ')') depth = Math.max(0, depth - 1);
    else if (ch === ' ' && depth === 0) {
      if (current) out.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  return current ? [...out, current] : out;
}

/** Joins tokens into lines of at most `width` (a single longer token keeps its own line). */
function pack(parts: string[], first: string, width: number, next: string, end = ''): string[] {
  const lines: string[] = [];
  let line = first;
  let fresh = true;
  for (const part of parts) {
    if (!fresh && line.length + 1 + part.length + end.length > width) {
      lines.push(line + end);
      line = next + part;
    } else line = fresh ? line + part : `${line} ${part}`;
    fresh = false;
  }
  return [...lines, line];
}

/** A usage line: continuation lines start under the command's first argument. */
export function wrapUsage(usage: string, width: number): string[] {
  const [program = '', command = '', ...rest] = tokens(usage);
  const lead = `Usage: ${program} ${command} `;
  const indent = ' '.repeat(Math.min(lead.length, 24));
  return pack(rest, lead, width, indent);
}

/** A shell command, continued with ` \` so that it can still be pasted as it is shown. */
export function wrapCommand(example: string, width: number, indent = '  '): string[] {
  if (indent.length + example.length <= width) return [indent + example];
  // An example may end in a remark, `cmd (what it does)`: it goes above, as a shell comment.
  const remark = /^(.*\S) +\(([^()]+)\)$/.exec(example);
  if (remark)
    return [
      ...wrapWords(`# ${remark[2]}`, width - indent.length).map((l, i) => `${indent}${i ? '# ' : ''}${l}`),
      ...wrapCommand(remark[1] as string, width, indent),
    ];
  const command = example;
  // Break before options and pipes only, where a reader expects a new line.
  const parts: string[] = [];
  for (const token of tokens(command)) {
    const last = parts.length - 1;
    if (last < 0 || token.startsWith('-') || parts[last]?.endsWith(' |')) parts.push(token);
    else parts[last] += ` ${token}`;
  }
  return pack(parts, indent, width, `${indent}    `, ' \\');
}
