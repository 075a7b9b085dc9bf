import type { Paint } from './color.js';
import { jobKind } from './job-table.js';
import type { TerminatedJob } from './rows.js';
import { table } from './table.js';
import { count, size } from './units.js';
import { statusColor, statusWord } from './words.js';

/** A section of a status view: a title line, then its table or `(none)`. */
export function section(title: string, body: string | null, paint: Paint): string {
  return `\n${paint('bold', title)}\n${body ?? '  (none)'}`;
}

/** The "Terminated Jobs" list of a daemon's status. */
export function terminatedTable(rows: readonly TerminatedJob[], paint: Paint): string | null {
  if (!rows.length) return null;
  return table(rows, [
    { header: 'JOBID', value: (j) => String(j.jobid), align: 'right' },
    { header: 'KIND', value: (j) => jobKind(j.type, j.level) },
    { header: 'FILES', value: (j) => count(j.jobfiles), align: 'right' },
    { header: 'BYTES', value: (j) => size(j.jobbytes), align: 'right' },
    { header: 'STATUS', value: (j) => statusWord(j.status), color: (j) => statusColor(j.status, j.errors) },
    { header: 'ENDED', value: (j) => j.endtime },
    { header: 'JOB', value: (j) => j.job },
  ], paint);
}
