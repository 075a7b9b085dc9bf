import type { BackupLevel, DaemonMessage } from './types.js';

/** A kind of system the simulated clients are built from (manual §6). */
export interface Profile {
  key: string;
  description: string;
  /** position in listings */
  order: number;
  /** relative weight when N clients are distributed */
  count: number;
  name_prefix: string;
  fdversion: string;
  /** HOST_OS,DISTNAME,DISTVER as the FD reports it */
  uname: string;
  os: string;
  file_tree: string;
  typical_files_min: number;
  typical_files_max: number;
  typical_bytes_min: number;
  typical_bytes_max: number;
  /** bytes per second */
  throughput_min: number;
  throughput_max: number;
  job_levels: Record<BackupLevel, number>;
  error_types: DaemonMessage[];
  warning_types: DaemonMessage[];
}

/** Release dates Bacula prints after a version (`13.0.3 (02May23)`); approximate for some. */
const RELEASE_DATES: Record<string, string> = {
  '9.6.7': '10Dec20',
  '11.0.6': '10Mar22',
  '13.0.1': '05Aug22',
  '13.0.2': '05Feb23',
  '13.0.3': '02May23',
  '13.0.4': '20Mar24',
  '15.0.2': '21Mar24',
};

/** The Client.Uname an FD of this profile reports: `13.0.2 (05Feb23) x86_64-pc-linux-gnu,debian,12`. */
export function fdUname(p: Pick<Profile, 'fdversion' | 'uname'>): string {
  const date = RELEASE_DATES[p.fdversion];
  return date ? `${p.fdversion} (${date}) ${p.uname}` : `${p.fdversion} ${p.uname}`;
}

/**
 * How many clients each profile gets when `total` are asked for: proportional
 * to the profiles' counts, largest remainder first, ties by profile order.
 */
export function distribute(profiles: readonly Profile[], total: number): Map<string, number> {
  const sorted = [...profiles].sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
  const weight = sorted.reduce((s, p) => s + p.count, 0);
  const result = new Map<string, number>();
  if (weight <= 0 || total <= 0) {
    for (const p of sorted) result.set(p.key, 0);
    return result;
  }
  let given = 0;
  const remainders: Array<{ key: string; rem: number; order: number }> = [];
  for (const [i, p] of sorted.entries()) {
    const exact = (total * p.count) / weight;
    const n = Math.floor(exact);
    result.set(p.key, n);
    given += n;
    remainders.push({ key: p.key, rem: exact - n, order: i });
  }
  remainders.sort((a, b) => b.rem - a.rem || a.order - b.order);
  for (let i = 0; given < total; i++, given++) {
    const r = remainders[i % remainders.length];
    result.set(r.key, result.get(r.key)! + 1);
  }
  return result;
}

/** Orders profiles for client creation and listings. */
export function ordered(profiles: readonly Profile[]): Profile[] {
  return [...profiles].sort((a, b) => a.order - b.order || a.key.localeCompare(b.key));
}
