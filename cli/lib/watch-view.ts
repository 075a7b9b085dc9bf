import type { Paint } from './color.js';
import { visibleLength } from './color.js';
import { jobKind } from './job-table.js';
import { table } from './table.js';
import { count, rate, size } from './units.js';
import type { LiveJob, WatchState } from './watch-state.js';
import { statusColor, statusWord } from './words.js';

export interface ViewOptions {
  /** where the server is (shown in the title) */
  base: string;
  /** terminal width; lines are cut to it (0 = no limit) */
  width: number;
  paint: Paint;
  /** block characters for the bars (a terminal) or plain ASCII */
  unicode: boolean;
  /** wall-clock time of this frame, shown in the title (`HH:MM:SS`) */
  now: string;
}

const BAR = 20;

/** `[#########-----------]  45%`, or an empty bar with `?` before the first progress event. */
export function progressBar(percent: number | undefined, unicode: boolean): string {
  const [full, empty] = unicode ? ['█', '░'] : ['#', '-'];
  if (percent === undefined) return `[${empty.repeat(BAR)}]    ?`;
  const p = Math.max(0, Math.min(100, percent));
  const n = Math.round((p / 100) * BAR);
  return `[${full.repeat(n)}${empty.repeat(BAR - n)}] ${String(Math.floor(p)).padStart(3)}%`;
}

/** Cuts a line to `width` visible characters, colour codes kept whole. */
export function clip(line: string, width: number): string {
  if (width <= 0 || visibleLength(line) <= width) return line;
  let out = '';
  let seen = 0;
  for (let i = 0; i < line.length && seen < width - 1; i++) {
    const esc = /^\x1b\[[0-9;]*m/.exec(line.slice(i));
    if (esc) {
      out += esc[0];
      i += esc[0].length - 1;
      continue;
    }
    out += line[i];
    seen++;
  }
  return out + '…' + (line.includes('\x1b[') ? '\x1b[0m' : '');
}

/** The bytes per second of a running job: from its progress event, else averaged since it started. */
function liveRate(j: LiveJob, nowEpoch: number | undefined): number | undefined {
  if (j.bytesSec !== undefined) return j.bytesSec;
  if (j.starttimeEpoch === null || nowEpoch === undefined || nowEpoch <= j.starttimeEpoch) return undefined;
  return j.jobbytes / (nowEpoch - j.starttimeEpoch);
}

/** One frame of `watch`: title, running jobs with progress bars, the latest log lines, recent terminations. */
export function renderWatch(s: WatchState, o: ViewOptions): string {
  const { paint } = o;
  const h = s.health;
  const out: string[] = [];
  out.push(paint('bold', `bacula-mock watch  ${o.base}`) + `  ${o.now}` + (h ? `  ${h.director}` : ''));
  if (h) {
    out.push(`Virtual time ${paint('bold', h.virtual_time)} ${h.timezone}  speed ${h.speed}x${h.paused ? ` ${paint('yellow', 'PAUSED')}` : ''}  ·  ${count(h.clients)} clients  ${count(h.jobs)} jobs  ${count(h.running)} running  ${count(h.queued)} queued`);
  }
  if (s.error) out.push(paint('red', `${s.error} (retrying)`));

  const jobs = [...s.running.values()].sort((a, b) => a.jobid - b.jobid);
  out.push('', paint('bold', `Running and waiting jobs (${jobs.length})`));
  out.push(jobs.length ? table(jobs, [
    { header: 'JOBID', value: (j) => String(j.jobid), align: 'right' },
    { header: 'CLIENT', value: (j) => j.client },
    { header: 'KIND', value: (j) => jobKind(j.type, j.level) },
    { header: 'STATUS', value: (j) => (j.status === 'R' ? 'Running' : statusWord(j.status)), color: (j) => statusColor(j.status) },
    { header: 'PROGRESS', value: (j) => (j.status === 'R' ? progressBar(j.percent, o.unicode) : j.statusDesc) },
    { header: 'FILES', value: (j) => count(j.jobfiles), align: 'right' },
    { header: 'BYTES', value: (j) => size(j.jobbytes), align: 'right' },
    { header: 'RATE', value: (j) => (j.status === 'R' ? rate(liveRate(j, h?.virtual_epoch)) : ''), align: 'right' },
  ], paint) : '  (none)');

  out.push('', paint('bold', 'Latest log lines'));
  out.push(s.logs.length ? s.logs.map((l) => `${paint('dim', l.time)}  ${l.text}`).join('\n') : '  (none)');

  out.push('', paint('bold', 'Recently terminated'));
  out.push(s.ended.length ? table(s.ended, [
    { header: 'JOBID', value: (j) => String(j.jobid), align: 'right' },
    { header: 'KIND', value: (j) => jobKind(j.type, j.level) },
    { header: 'STATUS', value: (j) => statusWord(j.status), color: (j) => statusColor(j.status, j.errors) },
    { header: 'ENDED', value: (j) => j.endtime },
    { header: 'FILES', value: (j) => count(j.jobfiles), align: 'right' },
    { header: 'BYTES', value: (j) => size(j.jobbytes), align: 'right' },
    { header: 'ERRORS', value: (j) => String(j.errors), align: 'right' },
    { header: 'JOB', value: (j) => j.job },
  ], paint) : '  (none)');

  return out.join('\n').split('\n').map((l) => clip(l, o.width)).join('\n');
}
