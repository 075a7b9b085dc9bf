/**
 * Numbers as people read them: sizes in 1024 steps with the manual's unit
 * names (1 GB = 1,073,741,824 bytes, Appendix D), counts with thousands
 * separators, durations in the largest units that matter.
 */
const SIZE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB', 'EB'];

/** `12.4 GB`, `512 B`. */
export function size(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '-';
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < SIZE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(1)} ${SIZE_UNITS[u]}`;
}

/** `120.5 MB/s`. */
export function rate(bytesPerSecond: number | null | undefined): string {
  return bytesPerSecond === null || bytesPerSecond === undefined ? '-' : `${size(Math.round(bytesPerSecond))}/s`;
}

/** `1,234,567`. */
export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '-' : n.toLocaleString('en-US');
}

/** `1 job`, `3 jobs`, `1,234 files` (the count and a word that takes an s). */
export function plural(n: number, word: string): string {
  return `${count(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** `45s`, `3m 14s`, `2h 05m`, `3d 4h`. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '-';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** A retention period as Bacula configs write it: `60 days`, `1 year`, `12 hours`, `90 seconds`. */
export function period(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '-';
  if (seconds === 0) return '0 (none)';
  for (const [unit, s] of [['year', 31_536_000], ['day', 86_400], ['hour', 3600], ['minute', 60]] as const) {
    if (seconds % s === 0) return `${seconds / s} ${unit}${seconds / s === 1 ? '' : 's'}`;
  }
  return `${seconds} seconds`;
}

/** Seconds between two `YYYY-MM-DD HH:MM:SS` times of the same zone (null when either is missing). */
export function between(start: string | null | undefined, end: string | null | undefined): number | null {
  if (!start || !end) return null;
  return (Date.parse(end.replace(' ', 'T') + 'Z') - Date.parse(start.replace(' ', 'T') + 'Z')) / 1000;
}

const SIZE_SUFFIX: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** Bytes from `536870912000`, `500G`, `500 GB`, `1.5T` (1024 steps, as Bacula's size suffixes). */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) throw new Error(`expected bytes or a size like 500G, 1.5T (got "${text}")`);
  return Math.round(Number(m[1]) * SIZE_SUFFIX[m[2].toLowerCase()]);
}

const PERIOD_SUFFIX: Record<string, number> = {
  '': 1, s: 1, sec: 1, second: 1, seconds: 1, min: 60, minute: 60, minutes: 60, h: 3600, hour: 3600, hours: 3600,
  d: 86_400, day: 86_400, days: 86_400, w: 604_800, week: 604_800, weeks: 604_800, y: 31_536_000, year: 31_536_000, years: 31_536_000,
};

/** Seconds from `2592000`, `30d`, `30 days`, `12h`, `90min`, `1y` (`m` is refused: Bacula reads it as months). */
export function parsePeriod(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? PERIOD_SUFFIX[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`expected seconds or a period like 30d, 12h, 90min, 1y (got "${text}")`);
  return Math.round(Number(m[1]) * unit);
}
