import Router from '@koa/router';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LiveDirector } from '../director.js';
import { worldSettings } from '../director.js';
import { ApiError, shown } from '../errors.js';
import { ROOT } from '../config.js';
import { body, integer, number, boolean, optional } from '../validate.js';

export const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `"24h"`, `"90m"`, `"2d"`, `"30s"`, `"1.5h"` or a number of seconds, to virtual ms. */
export function parseDuration(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.round(v * 1000);
  const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$/.exec(v) : null;
  if (!m) throw new ApiError('bad_request', `advance: expected a duration like "24h", "90m", "30s" or seconds (got ${shown(v)})`);
  const ms = Math.round(Number(m[1]) * UNITS[m[2] ?? 's']);
  if (ms > 3650 * 86_400_000) throw new ApiError('bad_request', 'advance: at most 3650 days at a time');
  return ms;
}

/** The mock's own endpoints: health (open), initialize, reset and the clock. */
export function mockRoutes(director: LiveDirector, startedReal: number, realNow: () => number): { open: Router; guarded: Router } {
  const open = new Router();
  const guarded = new Router();

  open.get('/mock/health', (ctx) => {
    const w = director.sync();
    const c = w.catalog;
    ctx.body = {
      status: 'ok',
      data: {
        status: 'ok', version: VERSION, director: `${w.director.name} ${w.director.version} (${w.director.longDate})`,
        uptime: Math.floor((realNow() - startedReal) / 1000),
        virtual_time: w.zone.sql(w.now), virtual_epoch: Math.floor(w.now / 1000), timezone: w.zone.zone,
        speed: director.clock.speed, paused: director.clock.paused,
        clients: c.clients.filter((cl) => !cl.removed).length, jobs: c.totals.jobs, running: w.running.size, queued: w.queue.size,
        error_rate: w.errorRate, seed: w.seed,
      },
      error: 0,
    };
  });

  guarded.post('/mock/initialize', (ctx) => {
    const b = body(ctx, ['clients', 'error_rate', 'seed', 'history_days']);
    const cfg = director.config.simulation;
    const clients = optional(b, 'clients', integer(0, 100_000)) ?? cfg.default_clients;
    const errorRate = optional(b, 'error_rate', number(0, 1)) ?? cfg.error_rate;
    const seed = optional(b, 'seed', integer(0, 4_294_967_295)) ?? cfg.seed;
    const historyDays = optional(b, 'history_days', number(0, 3650)) ?? cfg.history_days;
    director.command({ op: 'init', clients, error_rate: errorRate, seed, history_days: historyDays, settings: worldSettings(director.config) });
    const w = director.world;
    ctx.body = {
      data: {
        clients: w.catalog.clients.length, jobs: w.catalog.totals.jobs, error_rate: errorRate, seed,
        history_days: historyDays, virtual_time: w.zone.sql(w.now),
      },
      error: 0,
    };
  });

  guarded.post('/mock/reset', (ctx) => {
    body(ctx, []);
    director.command({ op: 'reset', settings: worldSettings(director.config) });
    ctx.body = { data: { clients: 0, jobs: 0, virtual_time: director.world.zone.sql(director.world.now) }, error: 0 };
  });

  const clockView = () => {
    const w = director.sync();
    return { virtual_time: w.zone.sql(w.now), virtual_epoch: Math.floor(w.now / 1000), timezone: w.zone.zone, speed: director.clock.speed, paused: director.clock.paused };
  };
  guarded.get('/mock/clock', (ctx) => {
    ctx.body = { data: clockView(), error: 0 };
  });
  guarded.post('/mock/clock', (ctx) => {
    const b = body(ctx, ['speed', 'paused', 'advance']);
    const speed = optional(b, 'speed', number(0, 1_000_000));
    const paused = optional(b, 'paused', boolean());
    const advance = b.advance === undefined ? undefined : parseDuration(b.advance);
    if (speed === undefined && paused === undefined && advance === undefined) {
      throw new ApiError('bad_request', 'clock: give at least one of speed, paused, advance');
    }
    if (speed !== undefined || paused !== undefined) director.command({ op: 'clock', speed, paused });
    if (advance !== undefined) director.command({ op: 'advance', ms: advance });
    ctx.body = { data: clockView(), error: 0 };
  });

  return { open, guarded };
}
