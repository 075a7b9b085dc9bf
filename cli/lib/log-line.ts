import type { LogRow } from './rows.js';

/** A Log row as a terminal shows it: its time, then its text (a report's continuation lines kept as they are). */
export function logLine(row: Pick<LogRow, 'time' | 'logtext'>): string {
  return `${row.time}  ${row.logtext.replace(/\n+$/, '')}`;
}
