import { DateTime, IANAZone } from 'luxon';

/**
 * Bacula's text formats, defined once. Times are rendered in the Director's
 * time zone; sizes and durations follow bacula/src/lib/edit.c and btime.c.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const HOUR = 3_600_000;

const pad2 = (n: number): string => (n < 10 ? '0' + n : String(n));

/** Wall-clock fields of an instant in one time zone. */
export interface LocalParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 0 = Sunday
}

/**
 * Renders instants in a zone. The zone offset is looked up with luxon once per
 * hour of time and cached, so formatting a page of rows costs integer maths only.
 */
export class ZoneClock {
  readonly zone: string;
  private offsets = new Map<number, number>();

  constructor(zone: string) {
    if (!IANAZone.isValidZone(zone)) throw new Error(`unknown time zone "${zone}"`);
    this.zone = zone;
  }

  /** Offset from UTC in ms at the instant `ms`. */
  offset(ms: number): number {
    const bucket = Math.floor(ms / HOUR);
    let off = this.offsets.get(bucket);
    if (off === undefined) {
      off = DateTime.fromMillis(bucket * HOUR, { zone: this.zone }).offset * 60_000;
      // Offsets change on the hour in every zone that matters; check the end of the hour too.
      const end = DateTime.fromMillis(bucket * HOUR + HOUR - 1, { zone: this.zone }).offset * 60_000;
      if (end !== off) off = DateTime.fromMillis(ms, { zone: this.zone }).offset * 60_000;
      else {
        if (this.offsets.size > 10_000) this.offsets.clear();
        this.offsets.set(bucket, off);
      }
    }
    return off;
  }

  parts(ms: number): LocalParts {
    const d = new Date(ms + this.offset(ms));
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
    };
  }

  /** Instant of a local wall-clock time in this zone (luxon resolves DST gaps). */
  instant(p: Omit<LocalParts, 'weekday'>): number {
    return DateTime.fromObject(
      { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second },
      { zone: this.zone },
    ).toMillis();
  }

  /** `2026-11-22 00:13:48`: catalog columns, API times (bstrutime). */
  sql(ms: number): string {
    const p = this.parts(ms);
    return `${p.year}-${pad2(p.month)}-${pad2(p.day)} ${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}`;
  }

  /** `2026-11-22_00.13.46`: the time part of a unique Job name. */
  jobStamp(ms: number): string {
    const p = this.parts(ms);
    return `${p.year}-${pad2(p.month)}-${pad2(p.day)}_${pad2(p.hour)}.${pad2(p.minute)}.${pad2(p.second)}`;
  }

  /** `22-Nov-2026 00:13:46`: job report times (bstrftimes). */
  report(ms: number): string {
    const p = this.parts(ms);
    return `${pad2(p.day)}-${MONTHS[p.month - 1]}-${p.year} ${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}`;
  }

  /** `22-Nov-26 00:13`: status tables (bstrftime_nc). */
  short(ms: number): string {
    const p = this.parts(ms);
    return `${pad2(p.day)}-${MONTHS[p.month - 1]}-${pad2(p.year % 100)} ${pad2(p.hour)}:${pad2(p.minute)}`;
  }

  /** `22-Nov 00:13`: message prefixes and start-time waits (bstrftime_ny). */
  dayMonth(ms: number): string {
    const p = this.parts(ms);
    return `${pad2(p.day)}-${MONTHS[p.month - 1]} ${pad2(p.hour)}:${pad2(p.minute)}`;
  }

  /** `Sun 22-Nov 23:05`: schedule listings (bstrftime_dn). */
  weekdayDayMonth(ms: number): string {
    return `${DAYS[this.parts(ms).weekday]} ${this.dayMonth(ms)}`;
  }
}

/** `1,468,006,400` (edit_uint64_with_commas). */
export function withCommas(n: number): string {
  const s = String(Math.trunc(n));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && (s.length - i) % 3 === 0) out += ',';
    out += s[i];
  }
  return out;
}

const SUFFIXES = ['', 'K', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];

/**
 * `734.0 M`, `1.468 G`, `684 ` (edit_uint64_with_suffix): the first comma group
 * becomes the decimal point, the number is cut (not rounded) to five characters,
 * then a space and the unit letter in powers of 1000.
 */
export function withSuffix(n: number): string {
  const groups = withCommas(n).split(',');
  const unit = SUFFIXES[Math.min(groups.length - 1, SUFFIXES.length - 1)];
  const digits = groups.length > 1 ? `${groups[0]}.${groups[1]}` : groups[0];
  return `${digits.slice(0, 5)} ${unit}`;
}

/** `734,003,200 (734.0 MB)`, `684 (684 B)`, `0 (0 B)`: byte counts in job reports. */
export function bytesReport(n: number): string {
  return `${withCommas(n)} (${withSuffix(n)}B)`;
}

const UTIME_UNITS: ReadonlyArray<[number, string]> = [
  [365 * 86400, 'year'],
  [30 * 86400, 'month'],
  [86400, 'day'],
  [3600, 'hour'],
  [60, 'min'],
];

/** `3 mins 7 secs`, `6 months ` (edit_utime; the trailing space is real). */
export function utime(seconds: number): string {
  let val = Math.floor(seconds);
  let out = '';
  for (const [mult, name] of UTIME_UNITS) {
    const times = Math.floor(val / mult);
    if (times > 0) {
      val -= times * mult;
      out += `${times} ${name}${times > 1 ? 's' : ''} `;
    }
  }
  if (val === 0 && out === '') return '0 secs';
  if (val !== 0) out += `${val} sec${val > 1 ? 's' : ''}`;
  return out;
}

/** `00:03:07`: elapsed times in SD messages. */
export function hms(seconds: number): string {
  const s = Math.floor(seconds);
  return `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`;
}

/** `3925.2 KB/s`: the report's Rate line, 1000-byte KB. */
export function kbRate(bytes: number, seconds: number): string {
  return `${(bytes / 1000 / Math.max(1, seconds)).toFixed(1)} KB/s`;
}

/** `Label:` padded so the value starts at column 27, as in every Bacula job report. */
export function reportLine(label: string, value: string | number): string {
  return `  ${(label + ':').padEnd(24)}${value}`;
}
