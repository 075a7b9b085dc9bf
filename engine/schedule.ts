import type { ZoneClock } from './format.js';
import type { BackupLevel } from './types.js';

/**
 * Bacula Schedule `Run` directives (a subset of the grammar of dird/run_conf.c):
 *   Run = [Level=]Full|Incremental|Differential [Pool=X] [Priority=N]
 *         [1st|2nd|3rd|4th|5th|last|1st-4th ...] [sun|mon-fri|...] | daily | weekly | monthly | hourly
 *         [at HH:MM]
 * Fire times are computed in the Director's time zone from a virtual `from`.
 */
export interface RunSpec {
  text: string;
  level: BackupLevel | null;
  pool: string | null;
  priority: number | null;
  /** weeks of the month (1-5, 6 = last) the run applies to; empty = every week */
  weeks: number[];
  /** weekdays 0-6 (Sunday = 0); empty = every day */
  weekdays: number[];
  /** days of the month 1-31; empty = every day */
  monthDays: number[];
  hourly: boolean;
  hour: number;
  minute: number;
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const ORDINALS: Record<string, number> = {
  '1st': 1, first: 1, '2nd': 2, second: 2, '3rd': 3, third: 3, '4th': 4, fourth: 4, '5th': 5, fifth: 5, last: 6,
};
const LEVELS: Record<string, BackupLevel> = { full: 'F', incremental: 'I', differential: 'D' };

function range<T>(token: string, lookup: (s: string) => T | undefined, toNum: (v: T) => number): number[] | null {
  const [a, b] = token.split('-');
  const x = lookup(a);
  if (x === undefined) return null;
  if (b === undefined) return [toNum(x)];
  const y = lookup(b);
  if (y === undefined) return null;
  const out: number[] = [];
  for (let i = toNum(x); ; i = (i + 1) % 7) {
    out.push(i);
    if (i === toNum(y) || out.length > 7) break;
  }
  return out;
}

/** Parses one Run directive; throws a message naming the bad word. */
export function parseRun(text: string): RunSpec {
  const spec: RunSpec = {
    text, level: null, pool: null, priority: null, weeks: [], weekdays: [], monthDays: [], hourly: false, hour: 0, minute: 0,
  };
  const words = text.trim().split(/\s+/).filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const raw = words[i];
    const w = raw.toLowerCase();
    const [key, value] = w.includes('=') ? w.split('=', 2) : [w, ''];
    if (key === 'level' && LEVELS[value]) spec.level = LEVELS[value];
    else if (LEVELS[w]) spec.level = LEVELS[w];
    else if (key === 'pool' && value) spec.pool = raw.split('=', 2)[1];
    else if (key === 'priority' && /^\d+$/.test(value)) spec.priority = Number(value);
    else if (w === 'daily') spec.weekdays = [];
    else if (w === 'weekly') spec.weekdays = [0];
    else if (w === 'monthly') spec.monthDays = [1];
    else if (w === 'hourly') spec.hourly = true;
    else if (w === 'at') {
      const m = /^(\d{1,2}):(\d{2})$/.exec(words[++i] ?? '');
      if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new Error(`bad time "${words[i] ?? ''}" in Run "${text}"`);
      spec.hour = Number(m[1]);
      spec.minute = Number(m[2]);
    } else if (/^(1st|2nd|3rd|4th|5th|first|second|third|fourth|fifth|last)(-\w+)?$/.test(w)) {
      const weeks = w.includes('-')
        ? (() => {
            const [a, b] = w.split('-');
            const out: number[] = [];
            for (let n = ORDINALS[a]; n <= (ORDINALS[b] ?? 0); n++) out.push(n);
            return out;
          })()
        : [ORDINALS[w]];
      if (!weeks.length) throw new Error(`bad week "${raw}" in Run "${text}"`);
      spec.weeks = weeks;
    } else if (/^on$/.test(w)) continue;
    else {
      const days = range(w, (s) => {
        const idx = WEEKDAYS.indexOf(s.slice(0, 3));
        return idx < 0 ? undefined : idx;
      }, (n) => n);
      if (days) spec.weekdays = days;
      else if (/^\d{1,2}$/.test(w) && Number(w) >= 1 && Number(w) <= 31) spec.monthDays.push(Number(w));
      else throw new Error(`unknown word "${raw}" in Run "${text}"`);
    }
  }
  return spec;
}

/** The first fire time of `spec` strictly after `from` (virtual ms), within a year. */
export function nextRun(spec: RunSpec, from: number, zone: ZoneClock): number | null {
  if (spec.hourly) {
    const p = zone.parts(from);
    let t = zone.instant({ year: p.year, month: p.month, day: p.day, hour: p.hour, minute: spec.minute, second: 0 });
    while (t <= from) t += 3_600_000;
    return t;
  }
  const p = zone.parts(from);
  for (let d = 0; d < 400; d++) {
    const day = new Date(Date.UTC(p.year, p.month - 1, p.day + d));
    const date = { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() };
    if (!matchesDay(spec, date.year, date.month, date.day, day.getUTCDay())) continue;
    const t = zone.instant({ ...date, hour: spec.hour, minute: spec.minute, second: 0 });
    if (t > from) return t;
  }
  return null;
}

function matchesDay(spec: RunSpec, year: number, month: number, day: number, weekday: number): boolean {
  if (spec.monthDays.length && !spec.monthDays.includes(day)) return false;
  if (spec.weekdays.length && !spec.weekdays.includes(weekday)) return false;
  if (spec.weeks.length) {
    const week = Math.floor((day - 1) / 7) + 1;
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const last = day + 7 > daysInMonth;
    if (!spec.weeks.includes(week) && !(last && spec.weeks.includes(6))) return false;
  }
  return true;
}
