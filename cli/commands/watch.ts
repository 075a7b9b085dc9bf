import { Flags } from '@oclif/core';
import { ApiCommand } from '../lib/command.js';
import type { Api, EventStream } from '../lib/http.js';
import { endedLine } from '../lib/job-table.js';
import { logLine } from '../lib/log-line.js';
import type { DirectorStatus, Health, JobRow, LogRow } from '../lib/rows.js';
import type { SseFrame } from '../lib/sse.js';
import { logSummary, WatchState } from '../lib/watch-state.js';
import { renderWatch } from '../lib/watch-view.js';
import { levelWord } from '../lib/words.js';

const EVENTS = 'job.created,job.status,job.progress,job.log,job.ended,world.reset';
/** Terminal control: the alternate screen, cursor home, clear to end of line / screen, hide / show the cursor. */
const TERM = { enter: '\x1b[?1049h\x1b[?25l', leave: '\x1b[?25h\x1b[?1049l', home: '\x1b[H', eol: '\x1b[K', eos: '\x1b[J' };

export default class Watch extends ApiCommand {
  static override summary = 'Watch the Director live (running jobs, progress, log lines, terminations)';
  static override description = `A live view to leave on a screen: the virtual clock, running and waiting jobs with progress bars, bytes and rate, the latest log lines and the recent terminations. It follows /mock/events (Server-Sent Events) and refreshes from /mock/health and /status/director every --interval seconds; if the server goes away it says so and keeps retrying. Ctrl-C leaves cleanly.

On a terminal the view redraws in place. When stdout is not a terminal, it prints one frame, then one line per event (job created, status changes, log lines, endings) until stopped. --once prints one frame and exits.`;
  static override examples = ['<%= config.bin %> watch', '<%= config.bin %> watch --interval 2 --lines 15', '<%= config.bin %> watch --once', '<%= config.bin %> watch > director.log'];
  static override enableJsonFlag = false;
  static override flags = {
    once: Flags.boolean({ description: 'print one frame and exit' }),
    interval: Flags.custom<number>({ description: 'seconds between refreshes (and progress updates)', parse: async (v) => seconds(v) })({ default: 1 }),
    lines: Flags.integer({ description: 'log lines shown', min: 0, max: 200, default: 8 }),
    terminated: Flags.integer({ description: 'terminated jobs shown', min: 0, max: 100, default: 8 }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Watch);
    const api = this.connect(flags);
    const state = new WatchState(flags.lines, flags.terminated);
    await refresh(api, state);
    await recentLogs(api, state);
    if (flags.once) {
      await firstProgress(api, state);
      this.print(this.frame(api, state));
      return;
    }
    if (process.stdout.isTTY) await this.live(api, state, flags.interval);
    else await this.tail(api, state, flags.interval);
  }

  private frame(api: Api, state: WatchState): string {
    const tty = Boolean(process.stdout.isTTY);
    return renderWatch(state, {
      base: api.base, width: tty ? process.stdout.columns ?? 0 : 0, paint: this.paint, unicode: tty,
      now: new Date().toTimeString().slice(0, 8),
    });
  }

  /** The terminal view: redrawn in place while anything changed, until Ctrl-C. */
  private async live(api: Api, state: WatchState, interval: number): Promise<void> {
    let dirty = true;
    const draw = (): void => {
      if (!dirty) return;
      dirty = false;
      // Keep the last line free, or the terminal scrolls; a size of 0 means unknown.
      const rows = process.stdout.rows || 0;
      const lines = this.frame(api, state).split('\n').slice(0, rows > 1 ? rows - 1 : undefined);
      process.stdout.write(TERM.home + lines.join(`${TERM.eol}\n`) + TERM.eol + TERM.eos);
    };
    process.stdout.write(TERM.enter);
    const onResize = (): void => {
      dirty = true;
    };
    process.stdout.on('resize', onResize);
    try {
      await following(api, state, interval, {
        onEvent: () => {
          dirty = true;
        },
        onTick: () => {
          dirty = true;
          draw();
        },
        onPaint: draw,
      });
    } finally {
      process.stdout.off('resize', onResize);
      process.stdout.write(TERM.leave);
    }
  }

  /** Not a terminal: one frame, then a line per event, until stopped. */
  private async tail(api: Api, state: WatchState, interval: number): Promise<void> {
    this.print(this.frame(api, state));
    let error: string | undefined;
    await following(api, state, interval, {
      onEvent: (f) => {
        const line = eventLine(f);
        if (line) this.print(line);
      },
      onTick: () => {
        if (state.error !== error) this.note(state.error ? `${state.error} (retrying)` : 'connected again');
        error = state.error;
      },
      onReady: () => this.print('\nFollowing events (Ctrl-C to stop):'),
    });
  }
}

/** What `following` tells its caller. */
interface Follower {
  /** each event, after the state took it */
  onEvent: (f: SseFrame) => void;
  /** after each full refresh */
  onTick: () => void;
  /** once the event stream is open (or could not be) and the first refresh done */
  onReady?: () => void;
  /** 4 times a second, to draw */
  onPaint?: () => void;
}

/**
 * Keeps `state` current until SIGINT or SIGTERM: events as they come, a full
 * refresh every `interval` seconds, a reconnection of the event stream when it
 * broke.
 */
async function following(api: Api, state: WatchState, interval: number, { onEvent, onTick, onReady, onPaint }: Follower): Promise<void> {
  let stream: EventStream | undefined;
  let stopped = false;
  const connect = async (): Promise<void> => {
    const s = await api.events({ events: EVENTS, progress: interval, keepalive: 15 }, (f) => {
      try {
        state.onEvent(f);
      } catch {
        // A frame this version cannot read: the next refresh puts things right.
      }
      onEvent(f);
    });
    stream = s;
    void s.done.then(() => {
      if (stream === s) stream = undefined;
    });
  };
  const tick = async (): Promise<void> => {
    try {
      // The stream first, then the snapshot: nothing that happens in between is missed.
      if (!stream && !stopped) await connect();
      await refresh(api, state);
    } catch (e) {
      state.error = (e as Error).message;
    }
    if (!stopped) onTick();
  };
  await tick();
  onReady?.();
  const timers = [setInterval(() => void tick(), interval * 1000)];
  if (onPaint) timers.push(setInterval(onPaint, 250));
  onPaint?.();
  await new Promise<void>((ok) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      ok();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  stopped = true;
  for (const t of timers) clearInterval(t);
  stream?.close();
}

/** Health and Director status, read together. */
async function refresh(api: Api, state: WatchState): Promise<void> {
  const [h, s] = await Promise.all([
    api.get<{ data: Health }>('/mock/health', undefined, { auth: false, timeoutMs: 10_000 }),
    api.get<{ data: DirectorStatus }>('/status/director', undefined, { timeoutMs: 10_000 }),
  ]);
  state.health = h.json.data;
  state.fromStatus(s.json.data);
  state.error = undefined;
}

/** The log lines written before the watch started: those of the running jobs and the last few that ended. */
async function recentLogs(api: Api, state: WatchState): Promise<void> {
  const running = [...state.running.values()].filter((j) => j.status === 'R').slice(0, 5).map((j) => j.jobid);
  const ids = [...running, ...state.ended.slice(0, 3).map((j) => j.jobid)];
  const logs = await Promise.all(ids.map((jobid) => api.get<{ data: LogRow[] }>('/cat/JobLog', { jobid, limit: 100_000 }).then((a) => a.json.data, () => [])));
  state.addLogs(logs.flat());
}

/** For a single frame: the progress of each running job, from the event stream's first report (waits at most a second). */
async function firstProgress(api: Api, state: WatchState): Promise<void> {
  const want = [...state.running.values()].filter((j) => j.status === 'R').map((j) => j.jobid);
  if (!want.length) return;
  const got = new Set<number>();
  let all: () => void = () => undefined;
  const done = new Promise<void>((ok) => (all = ok));
  const stream = await api.events({ events: 'job.progress', progress: 0.05, keepalive: 60 }, (f) => {
    state.onEvent(f);
    got.add((JSON.parse(f.data) as { jobid: number }).jobid);
    if (want.every((id) => got.has(id))) all();
  });
  const timer = setTimeout(all, 1000);
  await done;
  clearTimeout(timer);
  stream.close();
}

/** An event as one line of the non-terminal watch (progress reports are left out). */
function eventLine(f: SseFrame): string | undefined {
  const d = JSON.parse(f.data);
  switch (f.event) {
    case 'job.created':
      return `JobId ${d.jobid} created: ${d.job} (${(d as JobRow).type === 'B' ? levelWord(d.level) : d.name})`;
    case 'job.status':
      return d.jobstatus === 'C' || d.jobstatus === 'R' ? `JobId ${d.jobid} ${d.status_desc}` : undefined;
    case 'job.log':
      return logLine({ time: d.time, logtext: logSummary(d.logtext) });
    case 'job.ended':
      return endedLine(d);
    case 'world.reset':
      return `World reset; virtual time ${d.virtual_time}`;
    case 'stream.dropped':
      return `(${d.count} events missed)`;
    default:
      return undefined;
  }
}

function seconds(v: string): number {
  const n = Number(v);
  if (!v.trim() || !Number.isFinite(n) || n < 0.2 || n > 3600) throw new Error(`--interval must be a number of seconds from 0.2 to 3600 (got "${v}")`);
  return n;
}
