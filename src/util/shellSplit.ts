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
