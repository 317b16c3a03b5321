// The one table layout for people to read (list, status, help): columns padded to their widest
// cell, two spaces apart, the last column never padded and no trailing blanks.
import { visibleLength } from '../terminal.ts';
import { wrapWords } from './wrap.ts';

export interface TableOptions {
  /** Put before every line. */
  indent?: string;
  /**
   * Widest a column other than the last may get. A longer cell keeps its line to itself and the
   * rest of its row continues on the next line, under the following column.
   */
  maxColumnWidth?: number;
  /**
   * Widest a line may get: the last column wraps at spaces under itself, and a cell too long
   * for a line of its own wraps too. Unset: lines are as long as their cells.
   */
  width?: number;
}

/** The narrowest a wrapped column may get. */
const MIN_WRAP = 20;

export function renderTable(rows: ReadonlyArray<ReadonlyArray<string>>, options: TableOptions = {}): string {
  const indent = options.indent ?? '';
  const cap = options.maxColumnWidth ?? Number.POSITIVE_INFINITY;
  const width = options.width ?? Number.POSITIVE_INFINITY;
  const columns = Math.max(0, ...rows.map((r) => r.length));
  const widths: number[] = [];
  for (let i = 0; i < columns - 1; i++)
    widths.push(Math.min(cap, Math.max(0, ...rows.map((r) => visibleLength(r[i] ?? '')))));
  // A column squeezed into a sliver is worse to read than a long line: below this, no wrapping.
  const fit = (text: string, room: number) =>
    Number.isFinite(room) && room >= MIN_WRAP ? wrapWords(text, room) : [text];
  return rows
    .map((cells) => {
      let line = indent;
      let column = 0; // where the current column starts, after the indent
      cells.forEach((cell, i) => {
        const last = i === cells.length - 1;
        const cellWidth = widths[i] ?? 0;
        const pad = `\n${indent}${' '.repeat(column)}`;
        if (last)
          line += visibleLength(cell) === cell.length ? fit(cell, width - indent.length - column).join(pad) : cell;
        else if (visibleLength(cell) > cellWidth) {
          line = `${line}${fit(cell, width - indent.length - column).join(pad)}`.trimEnd();
          line += `${pad}${' '.repeat(cellWidth + 2)}`;
        } else line += `${cell}${' '.repeat(cellWidth - visibleLength(cell))}  `;
        column += cellWidth + 2;
      });
      return line.replace(/ +$/gm, '');
    })
    .join('\n');
}
