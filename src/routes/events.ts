import Router from '@koa/router';
import type { Context } from 'koa';
import { PassThrough } from 'node:stream';
import type { JobRecord, MediaRecord } from '../../engine/types.js';
import type { World, WorldEvents } from '../../engine/world.js';
import type { LiveDirector } from '../director.js';
import { ApiError } from '../errors.js';
import { Params } from '../params.js';
import { number } from '../validate.js';
import { jobRow, mediaRow } from '../wire/catalog.js';
import { jobLogEvent, jobProgressEvent, jobStatusEvent } from '../wire/status.js';
import type { RouteDeps } from './index.js';

/** Every event name the stream can carry (`?events=` picks some). */
export const EVENT_NAMES = ['job.created', 'job.status', 'job.progress', 'job.log', 'job.ended', 'volume.labelled', 'world.reset'] as const;
type EventName = (typeof EVENT_NAMES)[number];

/**
 * How far a subscriber may fall behind (bytes written but not yet taken by
 * the network). Past it, events are dropped, not queued: a time jump plays
 * hours of events in one synchronous burst, and no reader could take them
 * before it ends. The reader is told how many it missed (`stream.dropped`)
 * once it has caught up; one still behind two keep-alive intervals later is
 * disconnected (an EventSource reconnects by itself).
 */
const MAX_BUFFERED = 4 << 20;

/** What one connection asked for. */
interface Options {
  clientId?: number;
  jobIds?: ReadonlySet<number>;
  events: ReadonlySet<EventName>;
  keepaliveMs: number;
  /** 0 = no progress events */
  progressMs: number;
}

/**
 * One Server-Sent Events connection. It subscribes to the engine's events
 * while it is open and writes each wanted one as an SSE frame; a running job's
 * live counts go out every `progressMs` (the engine has no per-byte event:
 * counts are computed when read), and a comment line every `keepaliveMs`
 * keeps proxies from closing an idle stream. Nothing it does can throw into
 * the engine: a failure closes this connection only.
 */
class EventSession {
  private seq = 0;
  private closed = false;
  /** events not sent since the reader fell behind, and since when (ms, wall clock) */
  private dropped = 0;
  private behindSince: number | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  /** `files/bytes` last sent per running job, so an unchanged job (a paused clock) is not repeated */
  private readonly lastProgress = new Map<number, string>();
  private readonly listeners: { [E in keyof WorldEvents]: WorldEvents[E] };

  constructor(
    private readonly director: LiveDirector,
    private readonly out: PassThrough,
    private readonly opts: Options,
    /** drops the connection at once (a stalled reader's buffered bytes are not worth delivering) */
    private readonly hangUp: () => void,
  ) {
    const w = director.world;
    this.listeners = {
      'job.created': (j) => this.guard(() => this.job('job.created', j, () => jobRow(w, j))),
      'job.status': (j, status, previous) => this.guard(() => this.job('job.status', j, () => jobStatusEvent(w, j, status, previous))),
      'job.log': (j, logId) => this.guard(() => this.job('job.log', j, () => jobLogEvent(w, j, logId))),
      'job.ended': (j) => this.guard(() => {
        this.lastProgress.delete(j.jobId);
        // The engine ends a job, then writes its report and pruning lines in the
        // same step: sent once that step is over, `job.ended` is a job's last event.
        if (this.wants(j)) queueMicrotask(() => this.guard(() => this.send('job.ended', () => jobRow(w, j))));
      }),
      'volume.labelled': (m: MediaRecord) => this.guard(() => {
        // A volume belongs to no client or job: only an unfiltered stream gets it.
        if (this.opts.clientId === undefined && this.opts.jobIds === undefined) this.send('volume.labelled', () => mediaRow(w, m));
      }),
      'world.reset': () => this.guard(() => {
        this.lastProgress.clear();
        this.send('world.reset', () => ({ virtual_time: w.zone.sql(w.now), virtual_epoch: Math.floor(w.now / 1000) }));
      }),
    };
    this.subscribe(true);
    out.once('close', () => this.close());
    out.write('retry: 3000\n');
    this.comment(`${w.director.name} events, virtual time ${w.zone.sql(w.now)}`);
    this.every(opts.keepaliveMs, () => this.keepalive());
    if (opts.progressMs > 0 && opts.events.has('job.progress')) this.every(opts.progressMs, () => this.progress());
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.subscribe(false);
    for (const t of this.timers) clearInterval(t);
    this.out.end();
  }

  private subscribe(on: boolean): void {
    const w = this.director.world;
    const l = this.listeners;
    const act = on ? 'on' : 'off';
    w[act]('job.created', l['job.created']);
    w[act]('job.status', l['job.status']);
    w[act]('job.log', l['job.log']);
    w[act]('job.ended', l['job.ended']);
    w[act]('volume.labelled', l['volume.labelled']);
    w[act]('world.reset', l['world.reset']);
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(() => this.guard(fn), ms);
    t.unref();
    this.timers.push(t);
  }

  /** Runs a step of this session; whatever goes wrong ends the session, never the caller. */
  private guard(fn: () => void): void {
    if (this.closed) return;
    try {
      fn();
    } catch {
      this.close();
    }
  }

  private wants(j: JobRecord): boolean {
    return (this.opts.clientId === undefined || j.clientId === this.opts.clientId) && (this.opts.jobIds === undefined || this.opts.jobIds.has(j.jobId));
  }

  private job(event: EventName, j: JobRecord, data: () => unknown): void {
    if (this.wants(j)) this.send(event, data);
  }

  /** Sends a wanted event; its payload is built only when it can be sent. */
  private send(event: EventName, data: () => unknown): void {
    if (!this.opts.events.has(event)) return;
    if (this.behind()) {
      this.dropped++;
      return;
    }
    this.out.write(`id: ${++this.seq}\nevent: ${event}\ndata: ${JSON.stringify(data())}\n\n`);
  }

  /** A comment line; skipped while the reader is behind (it has enough to read). */
  private comment(text: string): void {
    if (!this.behind()) this.out.write(`: ${text}\n\n`);
  }

  /** True while the reader is too far behind; notes when that began and waits for it to catch up. */
  private behind(): boolean {
    if (this.behindSince !== null) return true;
    if (this.out.writableLength <= MAX_BUFFERED) return false;
    this.behindSince = Date.now();
    this.out.once('drain', () => this.guard(() => this.caughtUp()));
    return true;
  }

  private caughtUp(): void {
    this.behindSince = null;
    if (this.dropped) this.out.write(`id: ${++this.seq}\nevent: stream.dropped\ndata: ${JSON.stringify({ count: this.dropped })}\n\n`);
    this.dropped = 0;
  }

  /** Keep-alive tick: a comment, or the end of a reader that has stayed behind for two intervals. */
  private keepalive(): void {
    if (this.behindSince === null || Date.now() - this.behindSince < 2 * this.opts.keepaliveMs) this.comment('keep-alive');
    else {
      this.close();
      this.hangUp();
    }
  }

  /** A `job.progress` for each wanted running job whose counts moved since the last one. */
  private progress(): void {
    const w = this.director.sync();
    for (const id of w.running) {
      const j = w.catalog.job(id);
      if (!j || !this.wants(j)) continue;
      const p = w.progress(j);
      const key = `${p.files}/${p.bytes}`;
      if (this.lastProgress.get(id) === key) continue;
      this.lastProgress.set(id, key);
      this.send('job.progress', () => jobProgressEvent(w, j));
    }
  }
}

/** A number of seconds from the query, as ms. */
function seconds(p: Params, name: string, min: number, max: number, fallback: number): number {
  return Math.round((p.has(name) ? number(min, max)(p.string(name), name) : fallback) * 1000);
}

/** Parses and checks the query: a bad one answers 4xx before any stream starts. */
function options(ctx: Context, w: World): Options {
  const p = new Params(ctx, ['client', 'jobid', 'events', 'keepalive', 'progress']);
  const opts: Options = {
    events: new Set(EVENT_NAMES),
    keepaliveMs: seconds(p, 'keepalive', 0.05, 3600, 15),
    progressMs: seconds(p, 'progress', 0, 3600, 1),
  };
  if (opts.progressMs > 0 && opts.progressMs < 50) throw new ApiError('bad_request', 'Parameter "progress" must be 0 (off) or at least 0.05 seconds');
  const client = p.string('client');
  if (client !== undefined) {
    const c = w.catalog.clientByName(client);
    if (!c) throw new ApiError('not_found', `Client "${client}" not found`);
    opts.clientId = c.clientId;
  }
  const ids = p.ids('jobid');
  if (ids) {
    const missing = ids.filter((id) => !w.catalog.store.has(id));
    if (missing.length) throw new ApiError('not_found', `JobId ${missing.join(', ')} not found`);
    opts.jobIds = new Set(ids);
  }
  const events = p.string('events');
  if (events !== undefined) {
    const names = events.split(',').map((e) => e.trim());
    const bad = names.filter((e) => !(EVENT_NAMES as readonly string[]).includes(e));
    if (bad.length) throw new ApiError('bad_request', `Parameter "events": unknown event ${bad.map((b) => `"${b}"`).join(', ')} (events: ${EVENT_NAMES.join(', ')})`);
    opts.events = new Set(names as EventName[]);
  }
  return opts;
}

/**
 * `GET /mock/events`: the engine's events as a Server-Sent Events stream, so a
 * dashboard can follow jobs without polling. Written directly over a stream
 * body rather than with a library: the protocol is a few text lines, and this
 * keeps Koa's headers, auth and error answers (a bad query is a JSON 4xx)
 * while giving full control of back-pressure and clean-up.
 */
export function eventsRoutes({ director }: RouteDeps): Router {
  const r = new Router();
  r.get('/mock/events', (ctx) => {
    const opts = options(ctx, director.sync());
    const out = new PassThrough();
    const socket = ctx.req.socket;
    socket.setTimeout(0);
    socket.setNoDelay(true);
    socket.setKeepAlive(true);
    ctx.status = 200;
    ctx.type = 'text/event-stream';
    ctx.set('X-Accel-Buffering', 'no');
    ctx.body = out;
    const session = new EventSession(director, out, opts, () => ctx.res.destroy());
    ctx.res.once('close', () => session.close());
  });
  return r;
}
