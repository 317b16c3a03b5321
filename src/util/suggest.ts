// "Did you mean": the known names closest to a mistyped one, by edit distance (adjacent
// swaps count once, as in `dve` for `dev`). Only close matches, so a wild guess suggests nothing.

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** Up to three candidates within a third of the typed name's length (at least 1, at most 3). */
export function closest(typed: string, candidates: Iterable<string>, limit = 3): string[] {
  const lower = typed.toLowerCase();
  const max = Math.min(3, Math.max(1, Math.floor(typed.length / 3)));
  return [...new Set(candidates)]
    .map((c) => ({ c, d: c.toLowerCase() === lower ? 0 : editDistance(lower, c.toLowerCase()) }))
    .filter(({ c, d }) => c !== typed && d <= max)
    .sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : x.c > y.c ? 1 : 0))
    .slice(0, limit)
    .map(({ c }) => c);
}

/** `did you mean "a" or "b"?`, or undefined when nothing is close. */
export function didYouMean(typed: string, candidates: Iterable<string>): string | undefined {
  const found = closest(typed, candidates);
  if (found.length === 0) return undefined;
  return `did you mean ${found.map((f) => `"${f}"`).join(' or ')}?`;
}
