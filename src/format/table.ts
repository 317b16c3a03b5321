// The one table layout for people to read (list, status, help): columns padded to their widest
// cell, two spaces apart, the last column never padded and no trailing blanks.

export interface TableOptions {
  /** Put before every line. */
  indent?: string;
  /**
   * Widest a column other than the last may get. A longer cell keeps its line to itself and the
   * rest of its row continues on the next line, under the following column.
   */
  maxColumnWidth?: number;
}

export function renderTable(rows: ReadonlyArray<ReadonlyArray<string>>, options: TableOptions = {}): string {
  const indent = options.indent ?? '';
  const cap = options.maxColumnWidth ?? Number.POSITIVE_INFINITY;
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let i = 0; i < columns - 1; i++) widths.push(Math.min(cap, Math.max(0, ...rows.map((r) => (r[i] ?? '').length))));
  return rows
    .map((cells) => {
      let line = indent;
      let column = 0; // where the current column starts, after the indent
      cells.forEach((cell, i) => {
        const last = i === cells.length - 1;
        const width = widths[i] ?? 0;
        if (last) line += cell;
        else if (cell.length > width) {
          line = `${line}${cell}`.trimEnd();
          line += `\n${indent}${' '.repeat(column + width + 2)}`;
        } else line += `${cell.padEnd(width)}  `;
        column += width + 2;
      });
      return line.trimEnd();
    })
    .join('\n');
}
