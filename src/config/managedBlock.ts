// The part of ~/.aws/config that `ssohelper sync` owns: one block per sso-session between two
// marker comments. Everything outside the blocks is the user's and is carried over byte for
// byte, line endings included; inside, the block is rewritten whole. Pure: text in, text out.
import { ConfigError } from '../errors.ts';
import { IniSyntaxError, parseIni } from './ini.ts';

const BEGIN = '# BEGIN ssohelper sync --sso-session ';
const BEGIN_NOTE = ' (generated: edits inside this block are replaced by the next sync)';
const END = '# END ssohelper sync --sso-session ';

export interface GeneratedProfile {
  name: string;
  accountId: string;
  roleName: string;
  region: string | undefined;
}

interface Line {
  text: string;
  /** The line's own terminator: "\r\n", "\n", "\r" or "" for a last line without one. */
  eol: string;
}

export interface Block {
  session: string;
  /** Index of the BEGIN line and of the END line. */
  begin: number;
  end: number;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  const re = /\r\n|\n|\r/g;
  let start = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    lines.push({ text: text.slice(start, m.index), eol: m[0] });
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

/** The file's own line ending: CRLF when most of its lines use it. */
export function lineEnding(text: string): '\r\n' | '\n' {
  const crlf = text.match(/\r\n/g)?.length ?? 0;
  const lf = (text.match(/\n/g)?.length ?? 0) - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

function markerSession(line: string, prefix: string): string | undefined {
  const t = line.trim();
  if (!t.startsWith(prefix)) return undefined;
  const rest = t.slice(prefix.length);
  const note = rest.indexOf(' (');
  return (note < 0 ? rest : rest.slice(0, note)).trim();
}

function blocksOf(lines: Line[], file: string): Block[] {
  const blocks: Block[] = [];
  let open: { session: string; begin: number } | undefined;
  lines.forEach((line, i) => {
    const begin = markerSession(line.text, BEGIN);
    const end = markerSession(line.text, END);
    if (begin !== undefined) {
      if (open)
        throw markerError(
          file,
          i,
          `a second BEGIN marker inside the block of sso-session ${open.session} (line ${open.begin + 1})`,
        );
      if (blocks.some((b) => b.session === begin))
        throw markerError(file, i, `a second managed block for sso-session ${begin}`);
      open = { session: begin, begin: i };
    } else if (end !== undefined) {
      if (!open || open.session !== end)
        throw markerError(file, i, `an END marker for sso-session ${end} without its BEGIN marker`);
      blocks.push({ ...open, end: i });
      open = undefined;
    }
  });
  if (open) throw markerError(file, open.begin, `the managed block of sso-session ${open.session} has no END marker`);
  return blocks;
}

function markerError(file: string, index: number, what: string): ConfigError {
  return new ConfigError(
    `${file}, line ${index + 1}: ${what}`,
    'restore the marker comments (or delete the whole block) and run sync again; nothing was written',
  );
}

/** Every managed block in the file, with the generated profiles inside each. */
export function readBlocks(
  text: string,
  file: string,
): Array<Block & { profiles: GeneratedProfile[]; sectionNames: string[] }> {
  const lines = splitLines(text);
  return blocksOf(lines, file).map((block) => {
    const inner = lines
      .slice(block.begin + 1, block.end)
      .map((l) => l.text)
      .join('\n');
    let sections: ReturnType<typeof parseIni>;
    try {
      sections = parseIni(inner);
    } catch (err) {
      if (err instanceof IniSyntaxError)
        throw new ConfigError(
          `${file}, line ${block.begin + 1 + err.line}: ${err.message}`,
          'fix the file; the AWS CLI rejects it too',
        );
      throw err;
    }
    const profiles: GeneratedProfile[] = [];
    for (const [header, values] of sections) {
      const name = /^profile\s+(\S+)$/.exec(header)?.[1];
      const accountId = values.get('sso_account_id');
      const roleName = values.get('sso_role_name');
      const region = values.get('region');
      // A section edited beyond recognition is dropped; sync writes it afresh if still assigned.
      if (!name || typeof accountId !== 'string' || typeof roleName !== 'string') continue;
      profiles.push({
        name,
        accountId,
        roleName,
        region: typeof region === 'string' && region !== '' ? region : undefined,
      });
    }
    return { ...block, profiles, sectionNames: [...sections.keys()] };
  });
}

export function renderBlock(session: string, profiles: readonly GeneratedProfile[], eol: string): string {
  const sections = [...profiles]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => {
      const lines = [
        `[profile ${p.name}]`,
        `sso_session = ${session}`,
        `sso_account_id = ${p.accountId}`,
        `sso_role_name = ${p.roleName}`,
      ];
      if (p.region) lines.push(`region = ${p.region}`);
      return lines.join(eol) + eol;
    });
  return `${BEGIN}${session}${BEGIN_NOTE}${eol}${sections.join(eol)}${END}${session}${eol}`;
}

/**
 * The file with the session's block replaced by `block` (text ending in a line break), or
 * appended after a blank line when the file has none yet. Bytes outside the block are kept.
 */
export function replaceBlock(text: string, session: string, block: string, file: string): string {
  const lines = splitLines(text);
  const existing = blocksOf(lines, file).find((b) => b.session === session);
  const join = (ls: Line[]) => ls.map((l) => l.text + l.eol).join('');
  if (existing) {
    const after = lines.slice(existing.end + 1);
    const endEol = lines[existing.end]?.eol ?? '';
    // A block that ended the file without a final newline keeps ending it that way.
    const body = endEol === '' && after.length === 0 ? block.replace(/\r?\n$/, '') : block;
    return join(lines.slice(0, existing.begin)) + body + join(after);
  }
  return appendText(text, block);
}

/** `addition` after the existing text, on a line of its own and after a blank line. */
export function appendText(text: string, addition: string): string {
  if (text === '') return addition;
  const eol = lineEnding(text);
  let out = text;
  if (!/(\r\n|\n|\r)$/.test(out)) out += eol;
  const lines = out.split(/\r\n|\n|\r/);
  if ((lines[lines.length - 2] ?? '').trim() !== '') out += eol;
  return out + addition;
}
