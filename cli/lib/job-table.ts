import type { Paint } from './color.js';
import type { JobRow } from './rows.js';
import { table } from './table.js';
import { between, count, duration, plural, size } from './units.js';
import { statusColor, statusWord, typeWord } from './words.js';

const SHORT_LEVEL: Record<string, string> = { F: 'Full', I: 'Incr', D: 'Diff' };

/** What a job is in a few letters: its level for a backup (`Full`, `Incr`, `Diff`), else its type (`Restore`, `Admin`). */
export function jobKind(type: string, level: string): string {
  return type === 'B' ? SHORT_LEVEL[level] ?? level : typeWord(type);
}

/** Catalog Job rows as a table (or a line saying there are none). */
export function jobTable(rows: readonly JobRow[], paint: Paint): string {
  if (!rows.length) return 'No jobs.';
  return table(rows, [
    { header: 'JOBID', value: (j) => String(j.jobid), align: 'right' },
    { header: 'CLIENT', value: (j) => j.client ?? '-' },
    { header: 'KIND', value: (j) => jobKind(j.type, j.level) },
    { header: 'STATUS', value: (j) => statusWord(j.jobstatus), color: (j) => statusColor(j.jobstatus, j.joberrors) },
    { header: 'STARTED', value: (j) => j.starttime ?? '-' },
    { header: 'DURATION', value: (j) => duration(between(j.starttime, j.endtime)), align: 'right' },
    { header: 'FILES', value: (j) => count(j.jobfiles), align: 'right' },
    { header: 'BYTES', value: (j) => size(j.jobbytes), align: 'right' },
    { header: 'ERRORS', value: (j) => String(j.joberrors), align: 'right', color: (j) => (j.joberrors ? 'red' : undefined) },
  ], paint);
}

/** `OK (T)`, `Fatal (f)`: how a job ended, word and letter. */
export function outcome(letter: string): string {
  return `${statusWord(letter)} (${letter})`;
}

/** `3 jobs (JobIds 1, 5, 9)`, `no jobs`. */
export function jobIdList(ids: readonly number[]): string {
  if (!ids.length) return 'no jobs';
  const shown = ids.length > 20 ? `${ids.slice(0, 20).join(', ')}, ...` : ids.join(', ');
  return `${ids.length} job${ids.length === 1 ? '' : 's'} (JobId${ids.length === 1 ? '' : 's'} ${shown})`;
}

/** `JobId 12 ended: OK (T), 29,051 files, 1.4 GB, 0 errors`. */
export function endedLine(j: Pick<JobRow, 'jobid' | 'jobstatus' | 'jobfiles' | 'jobbytes' | 'joberrors'>): string {
  return `JobId ${j.jobid} ended: ${outcome(j.jobstatus)}, ${plural(j.jobfiles, 'file')}, ${size(j.jobbytes)}, ${plural(j.joberrors, 'error')}`;
}
