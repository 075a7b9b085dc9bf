import type { DirectorStatus, Health, JobRow, LogRow, Progress, TerminatedJob } from './rows.js';
import type { SseFrame } from './sse.js';

/** A job the Director holds, as the watch shows it. */
export interface LiveJob {
  jobid: number;
  job: string;
  name: string;
  client: string;
  type: string;
  level: string;
  /** `status director`'s letter: R, C, or why it waits */
  status: string;
  statusDesc: string;
  jobfiles: number;
  jobbytes: number;
  starttimeEpoch: number | null;
  /** from the event stream's `job.progress`; unknown until the first one */
  percent?: number;
  bytesSec?: number;
}

export interface LogLine {
  logid: number;
  jobid: number;
  time: string;
  text: string;
}

/**
 * What `watch` knows of the Director: refreshed whole from `/mock/health` and
 * `/status/director`, and kept current between refreshes by `/mock/events`
 * (progress, log lines, status changes, endings). Pure state: no I/O here.
 */
export class WatchState {
  health: Health | undefined;
  running = new Map<number, LiveJob>();
  logs: LogLine[] = [];
  ended: TerminatedJob[] = [];
  /** the last failure to reach the server, shown until a refresh works */
  error: string | undefined;

  constructor(readonly maxLogs: number, readonly maxEnded: number) {}

  /** A fresh Director status: the jobs it holds and its last terminations (progress known from events is kept). */
  fromStatus(s: DirectorStatus): void {
    const before = this.running;
    this.running = new Map(s.running.map((j) => {
      const old = before.get(j.jobid);
      return [j.jobid, {
        jobid: j.jobid, job: j.job, name: j.name, client: j.clientname, type: j.type, level: j.level, status: j.status,
        statusDesc: j.status_desc, jobfiles: j.jobfiles, jobbytes: j.jobbytes, starttimeEpoch: j.status === 'R' ? j.starttime_epoch : null,
        percent: old?.percent, bytesSec: old?.bytesSec,
      }];
    }));
    this.ended = [...s.terminated].reverse().slice(0, this.maxEnded);
  }

  addLogs(rows: readonly LogRow[]): void {
    for (const r of rows) this.log({ logid: r.logid, jobid: r.jobid, time: r.time, text: logSummary(r.logtext) });
    this.logs.sort((a, b) => a.logid - b.logid);
    this.logs.splice(0, Math.max(0, this.logs.length - this.maxLogs));
  }

  /** Applies one event of `/mock/events`. */
  onEvent(f: SseFrame): void {
    const data = JSON.parse(f.data);
    switch (f.event) {
      case 'job.progress': {
        const p = data as Progress;
        const j = this.running.get(p.jobid);
        if (j) Object.assign(j, { jobfiles: p.jobfiles, jobbytes: p.jobbytes, percent: p.percent, bytesSec: p.bytes_sec, status: p.status });
        break;
      }
      case 'job.status': {
        const r = data as JobRow & { status: string; status_desc: string };
        if (r.jobstatus !== 'C' && r.jobstatus !== 'R') break;
        const j = this.running.get(r.jobid) ?? this.fromRow(r);
        j.status = r.status;
        j.statusDesc = r.status_desc;
        this.running.set(r.jobid, j);
        break;
      }
      case 'job.created': {
        const r = data as JobRow;
        if (!this.running.has(r.jobid)) this.running.set(r.jobid, this.fromRow(r));
        break;
      }
      case 'job.log':
        this.addLogs([data as LogRow]);
        break;
      case 'job.ended': {
        const r = data as JobRow;
        this.running.delete(r.jobid);
        this.ended.unshift({
          jobid: r.jobid, job: r.job, type: r.type, level: r.level, status: r.jobstatus, status_desc: '', jobbytes: r.jobbytes,
          jobfiles: r.jobfiles, starttime: r.starttime ?? '', endtime: r.endtime ?? '', errors: r.joberrors,
        });
        this.ended.length = Math.min(this.ended.length, this.maxEnded);
        break;
      }
      case 'world.reset':
        this.running.clear();
        this.logs = [];
        this.ended = [];
        break;
    }
  }

  private log(l: LogLine): void {
    if (!this.logs.some((x) => x.logid === l.logid)) this.logs.push(l);
  }

  private fromRow(r: JobRow): LiveJob {
    return {
      jobid: r.jobid, job: r.job, name: r.name, client: r.client ?? '', type: r.type, level: r.level, status: 'C',
      statusDesc: 'is waiting execution', jobfiles: r.jobfiles, jobbytes: r.jobbytes, starttimeEpoch: null,
    };
  }
}

/**
 * One line for a log row: its first line, or for a termination report the
 * line that says how the job ended (`bacula-dir JobId 8: Termination: Backup OK`).
 */
export function logSummary(text: string): string {
  const lines = text.replace(/\n+$/, '').split('\n');
  const end = lines.find((l) => /^\s*Termination:/.test(l));
  if (!end) return lines[0] + (lines.length > 1 ? ' ...' : '');
  const prefix = /^(\S+ JobId \d+: )/.exec(lines[0])?.[1] ?? '';
  return prefix + end.trim().replace(/\s+/g, ' ');
}
