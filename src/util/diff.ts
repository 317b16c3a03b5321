// A unified diff of two texts (what `sync --dry-run` prints), as `diff -u` shows it: Myers'
// shortest edit script over lines, hunks with three lines of context. Pure.

const CONTEXT = 3;

type Op = { kind: ' ' | '-' | '+'; line: string };

function lines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split(/\r\n|\n|\r/);
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/**
 * Beyond this many differing lines, the script is "all of the old middle out, all of the new
 * in": still a correct diff, and Myers' trace (one V row per step, D² in all) would otherwise
 * take seconds and hundreds of megabytes, as it did for `sync --dry-run` of 1,124 accounts.
 */
const MAX_EDITS = 2_000;

/** The edit script from a to b (Myers 1986, O((N+M)D)), after trimming common ends. */
function editScript(a: string[], b: string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const x0 = a.slice(start, endA);
  const y0 = b.slice(start, endB);
  const middle = shortestMiddle(x0, y0).reverse();
  return [
    ...a.slice(0, start).map((line) => ({ kind: ' ' as const, line })),
    ...middle,
    ...a.slice(endA).map((line) => ({ kind: ' ' as const, line })),
  ];
}

/**
 * Myers' shortest edit script from x to y, in reverse order. V is kept in an Int32Array indexed
 * by diagonal; the trace keeps, per step d, only the diagonals that step could reach (-d…d).
 */
function shortestMiddle(x: string[], y: string[]): Op[] {
  const n = x.length;
  const m = y.length;
  const everything = () => [
    ...y.map((line) => ({ kind: '+' as const, line })).reverse(),
    ...x.map((line) => ({ kind: '-' as const, line })).reverse(),
  ];
  if (n === 0 || m === 0) return everything();
  const limit = Math.min(n + m, MAX_EDITS);
  const offset = limit + 1;
  const v = new Int32Array(2 * limit + 3);
  v[offset + 1] = 0;
  const trace: Int32Array[] = [];
  let found = false;
  for (let d = 0; d <= limit && !found; d++) {
    // Step d reads diagonals -d-1…d+1 of the previous row; keep them for the walk back.
    trace.push(v.slice(offset - d - 1, offset + d + 2));
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!);
      let xi = down ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let yi = xi - k;
      while (xi < n && yi < m && x[xi] === y[yi]) {
        xi++;
        yi++;
      }
      v[offset + k] = xi;
      if (xi >= n && yi >= m) {
        found = true;
        break;
      }
    }
  }
  if (!found) return everything();
  const ops: Op[] = [];
  let xi = n;
  let yi = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const row = trace[d] as Int32Array;
    const at = (k: number) => row[k + d + 1] as number;
    const k = xi - yi;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = prevX - prevK;
    while (xi > prevX && yi > prevY) {
      ops.push({ kind: ' ', line: x[--xi] as string });
      yi--;
    }
    if (d > 0) {
      if (down) ops.push({ kind: '+', line: y[--yi] as string });
      else ops.push({ kind: '-', line: x[--xi] as string });
    }
  }
  return ops;
}

/** '' when the texts have the same lines; otherwise `--- a` / `+++ b` and the hunks. */
export function unifiedDiff(before: string, after: string, labels: { from: string; to: string }): string {
  const a = lines(before);
  const b = lines(after);
  const ops = editScript(a, b);
  if (ops.every((o) => o.kind === ' ')) return '';
  const out = [`--- ${labels.from}`, `+++ ${labels.to}`];
  // Positions (in ops) of changes, grouped into hunks when their contexts touch.
  const changes = ops.flatMap((o, i) => (o.kind === ' ' ? [] : [i]));
  let i = 0;
  while (i < changes.length) {
    let last = changes[i] as number;
    let j = i;
    while (j + 1 < changes.length && (changes[j + 1] as number) - last <= 2 * CONTEXT) last = changes[++j] as number;
    const from = Math.max(0, (changes[i] as number) - CONTEXT);
    const to = Math.min(ops.length, last + CONTEXT + 1);
    let lineA = 1;
    let lineB = 1;
    for (const o of ops.slice(0, from)) {
      if (o.kind !== '+') lineA++;
      if (o.kind !== '-') lineB++;
    }
    const hunk = ops.slice(from, to);
    const countA = hunk.filter((o) => o.kind !== '+').length;
    const countB = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${countA === 0 ? lineA - 1 : lineA},${countA} +${countB === 0 ? lineB - 1 : lineB},${countB} @@`);
    for (const o of hunk) out.push(`${o.kind}${o.line}`);
    i = j + 1;
  }
  return `${out.join('\n')}\n`;
}
