// Word splitting as POSIX shells and Python's shlex do, for section headers (botocore splits
// `profile "a b"`) and BROWSER entries (Python's webbrowser does the same).

/** shlex's whitespace: only these four, not every Unicode space. */
const SHLEX_WHITESPACE = ' \t\r\n';

/** Python's shlex.split (POSIX mode); undefined where it raises (open quote, trailing backslash). */
export function shellSplit(text: string): string[] | undefined {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && (text[i + 1] === '"' || text[i + 1] === '\\')) word += text[++i];
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 >= text.length) return undefined; // shlex: "No escaped character"
      word += text[++i];
      inWord = true;
    } else if (SHLEX_WHITESPACE.includes(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (quote) return undefined;
  if (inWord) words.push(word);
  return words;
}

/**
 * How botocore splits a credential_process on Windows (the C runtime's rules): only space and
 * tab separate, only double quotes quote, and backslashes are literal except in a run that
 * ends at a double quote, where they escape each other and an odd one escapes the quote.
 * Undefined where botocore raises (an open quote).
 */
export function windowsShellSplit(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string[] = [];
  let quoted = false;
  let backslashes = 0;
  const flushBackslashes = () => {
    if (backslashes > 0) word.push('\\'.repeat(backslashes));
    backslashes = 0;
  };
  for (const ch of text) {
    if (ch === '\\') {
      backslashes++;
    } else if (ch === '"') {
      if (backslashes > 0) {
        word.push('\\'.repeat(Math.floor(backslashes / 2)));
        const odd = backslashes % 2 === 1;
        backslashes = 0;
        if (odd) {
          word.push('"');
          continue;
        }
      }
      quoted = !quoted;
      // Keeps "" as an empty argument.
      word.push('');
    } else if ((ch === ' ' || ch === '\t') && !quoted) {
      flushBackslashes();
      if (word.length > 0) words.push(word.join(''));
      word = [];
    } else {
      flushBackslashes();
      word.push(ch);
    }
  }
  if (quoted) return undefined;
  flushBackslashes();
  if (word.length > 0) words.push(word.join(''));
  return words;
}
