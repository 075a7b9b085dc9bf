import { visibleLength, type Color, type Paint } from './color.js';

/** One column of a table: its header, how a row reads in it, how it aligns. */
export interface Column<T> {
  header: string;
  value: (row: T) => string;
  /** numbers align right */
  align?: 'left' | 'right';
  color?: (row: T) => Color | undefined;
}

function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const room = Math.max(0, width - visibleLength(text));
  return align === 'right' ? ' '.repeat(room) + text : text + ' '.repeat(room);
}

/** Rows as an aligned table with a header line; no trailing spaces. */
export function table<T>(rows: readonly T[], columns: ReadonlyArray<Column<T>>, paint: Paint): string {
  const cells = rows.map((r) => columns.map((c) => c.value(r)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((row) => visibleLength(row[i]))));
  const line = (parts: string[]): string => parts.join('  ').replace(/\s+$/, '');
  const head = line(columns.map((c, i) => pad(c.header, widths[i], c.align)));
  const body = cells.map((row, r) => line(row.map((text, i) => pad(paint(columns[i].color?.(rows[r]), text), widths[i], columns[i].align))));
  return [paint('bold', head), ...body].join('\n');
}

/** `Label:   value` lines, labels padded to one width. */
export function pairs(entries: ReadonlyArray<readonly [string, string]>, paint: Paint): string {
  const width = Math.max(0, ...entries.map(([k]) => k.length + 1));
  return entries.map(([k, v]) => `${paint('bold', pad(`${k}:`, width))}  ${v}`).join('\n');
}
