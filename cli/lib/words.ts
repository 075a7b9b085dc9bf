import type { Color } from './color.js';

/**
 * Bacula's one-letter codes as words, with the colour a terminal shows them
 * in. JobStatus letters are those of the catalog and of `status director`
 * (reference §1.1).
 */
const STATUS: Record<string, [string, Color | undefined]> = {
  T: ['OK', 'green'],
  E: ['Error', 'red'],
  e: ['Error', 'red'],
  f: ['Fatal', 'red'],
  A: ['Canceled', 'yellow'],
  R: ['Running', 'cyan'],
  C: ['Queued', 'blue'],
  B: ['Blocked', 'yellow'],
  D: ['Verify differs', 'yellow'],
  I: ['Incomplete', 'yellow'],
  W: ['OK (warnings)', 'yellow'],
  F: ['Waiting: client', 'magenta'],
  S: ['Waiting: storage', 'magenta'],
  m: ['Waiting: media', 'magenta'],
  M: ['Waiting: mount', 'magenta'],
  s: ['Waiting: storage limit', 'magenta'],
  j: ['Waiting: job limit', 'magenta'],
  c: ['Waiting: client limit', 'magenta'],
  d: ['Waiting: max jobs', 'magenta'],
  t: ['Waiting: start time', 'magenta'],
  p: ['Waiting: priority', 'magenta'],
  a: ['SD despooling', 'cyan'],
  i: ['Doing batch insert', 'cyan'],
};

/** `OK`, `Error`, `Fatal`, `Canceled`, `Running`, ... for a JobStatus letter. */
export function statusWord(letter: string): string {
  return STATUS[letter]?.[0] ?? letter;
}

/** The colour of a JobStatus; a job that ended OK with errors is yellow, not green. */
export function statusColor(letter: string, errors = 0): Color | undefined {
  if (letter === 'T' && errors > 0) return 'yellow';
  return STATUS[letter]?.[1];
}

/** JobStatus letters of a failed job: Error and Fatal (a canceled job did not fail). */
export const FAILED = 'Ef';

/** Letters of jobs that are over (the catalog holds C and R for jobs that are not). */
export function isEnded(letter: string): boolean {
  return 'TEefA'.includes(letter);
}

const LEVEL: Record<string, string> = { F: 'Full', I: 'Incremental', D: 'Differential', V: 'InitCatalog', C: 'Catalog', O: 'VolumeToCatalog', d: 'DiskToCatalog', A: 'Data', B: 'Base', f: 'VirtualFull' };

/** `Full`, `Incremental`, ...; `-` for jobs without a level (Admin, Restore). */
export function levelWord(letter: string | null | undefined): string {
  if (!letter || letter === ' ') return '-';
  return LEVEL[letter] ?? letter;
}

const TYPE: Record<string, string> = { B: 'Backup', R: 'Restore', V: 'Verify', D: 'Admin', A: 'Archive', C: 'Copy', c: 'Copy', M: 'Migrated', g: 'Migration', I: 'Internal', S: 'Scan', U: 'Console' };

/** `Backup`, `Restore`, `Admin`, ... for a Job type letter. */
export function typeWord(letter: string): string {
  return TYPE[letter] ?? letter;
}
