import Router from '@koa/router';
import type { Context } from 'koa';
import type { ClientRecord, JobRecord, StorageRecord } from '../../engine/types.js';
import type { World } from '../../engine/world.js';
import { emptyFacts } from '../../engine/jobstore.js';
import { ApiError } from '../errors.js';
import { Params } from '../params.js';
import { body, optional, text } from '../validate.js';
import {
  TERMINATED_KEPT, clientHeader, endedCount, clientRunningRow, deviceRow, directorHeader, directorRunningRow, directorTerminatedRow,
  clientTerminatedRow, scheduledRow, storageHeader, storageRunningRow, storageTerminatedRow, terminatedRow, usedVolumeRow, volumeActivity,
} from '../wire/status.js';
import type { RouteDeps } from './index.js';

const DAY_MS = 86_400_000;
/** `status director days=N limit=N`: how far ahead the scheduled jobs are listed (Bacula: 1 day by default, at most 500) and how many. */
const SCHEDULED = { days: 1, maxDays: 500 } as const;

/** Every job the Director holds (created, waiting, running), in JobId order. */
function liveJobs(w: World): JobRecord[] {
  const c = w.catalog;
  const ids = [...(c.jobsByStatus.get('C')?.ids ?? []), ...(c.jobsByStatus.get('R')?.ids ?? [])].sort((a, b) => a - b);
  return ids.map((id) => c.job(id)!);
}

/** Running jobs, in JobId order, that pass `keep`. */
function runningJobs(w: World, keep: (j: JobRecord) => boolean): JobRecord[] {
  const out: JobRecord[] = [];
  for (const id of w.running) {
    const j = w.catalog.job(id);
    if (j && keep(j)) out.push(j);
  }
  return out.sort((a, b) => a.jobId - b.jobId);
}

/** `status director`: header, the jobs due in the next `days` (at most `limit`), the jobs held, the last jobs ended. */
export function directorStatus(w: World, ahead: { days?: number; limit?: number } = {}) {
  const runs = w.upcomingRuns(w.now, w.now + (ahead.days ?? SCHEDULED.days) * DAY_MS);
  return {
    header: directorHeader(w),
    scheduled: runs.slice(0, ahead.limit ?? runs.length).map((run) => scheduledRow(w, run)),
    running: liveJobs(w).map((j) => directorRunningRow(w, j)),
    terminated: w.recentlyEnded(TERMINATED_KEPT).map((j) => directorTerminatedRow(w, j)),
  };
}

/**
 * `status client=<name>`: the FD's header, the jobs it serves now and its
 * last ended jobs. The FD sees a job once the Director has reached it: not
 * while the job waits for the client or for a volume, and never an Admin job
 * or a VolumeToCatalog verify (those do not touch the client).
 */
export function clientStatus(w: World, client: ClientRecord) {
  const running = runningJobs(w, (j) => j.clientId === client.clientId && (j.type === 'B' || j.type === 'R') && j.waitStatus === null);
  const facts = emptyFacts();
  const run = (w.catalog.jobsByClient.get(client.clientId)?.ids ?? []).filter((id) => w.endedOnClient(id, facts)).length;
  return {
    header: clientHeader(w, client, { run, running: running.length }),
    running: running.map((j) => clientRunningRow(w, client, j)),
    terminated: w.recentlyEnded(TERMINATED_KEPT, { clientId: client.clientId }).map((j) => clientTerminatedRow(w, j)),
  };
}

/**
 * `status storage=<name>`: the SD's header, the jobs with a session on it,
 * its device, the volumes in use and its last ended jobs.
 */
export function storageStatus(w: World, st: StorageRecord) {
  const running = runningJobs(w, (j) => j.storageId === st.storageId && j.type !== 'D');
  const active = volumeActivity(w, running);
  const mediaWaits = running.filter((j) => j.waitStatus === 'm').length;
  return {
    header: storageHeader(w, st, { run: endedCount(w), running: running.length }),
    running: running.map((j) => storageRunningRow(w, st, j)),
    devices: [deviceRow(w, st, active, mediaWaits)],
    volumes: active.map((a) => usedVolumeRow(w, st, a)),
    terminated: w.recentlyEnded(TERMINATED_KEPT, { storageId: st.storageId }).map((j) => storageTerminatedRow(w, j)),
  };
}

function findClient(w: World, name: string): ClientRecord {
  const client = w.catalog.clientByName(name);
  if (!client) throw new ApiError('not_found', `Client "${name}" not found`);
  return client;
}

function findStorage(w: World, name: string): StorageRecord {
  const st = w.catalog.storageByName(name);
  if (!st) throw new ApiError('not_found', `Storage "${name}" not found`);
  return st;
}

function checkDirector(w: World, name: string | undefined): void {
  if (name !== undefined && name !== w.director.name) throw new ApiError('not_found', `Director "${name}" not found (this is ${w.director.name})`);
}

/**
 * The daemon name a status request asks about: `?name=` or, on POST (the
 * manual's form for a client), a JSON body `{"name": ...}`; not both.
 */
function daemonName(ctx: Context, what: string): string {
  const fromQuery = new Params(ctx, ['name']).string('name');
  const fromBody = ctx.method === 'POST' ? optional(body(ctx, ['name']), 'name', text()) : undefined;
  if (fromQuery !== undefined && fromBody !== undefined && fromQuery !== fromBody) {
    throw new ApiError('bad_request', `Two different names: "${fromQuery}" in the query and "${fromBody}" in the body`);
  }
  const name = fromQuery ?? fromBody;
  if (!name) throw new ApiError('bad_request', `Missing parameter "name" (the ${what} to ask, e.g. ?name=...)`);
  return name;
}

/**
 * `/status/...`: live daemon status. Status answers carry no limit/offset:
 * the envelope is `{"data": {...}, "error": 0}`.
 */
export function statusRoutes({ director }: RouteDeps): Router {
  const r = new Router();
  const reply = (ctx: Context, data: unknown): void => {
    ctx.body = { data, error: 0 };
  };

  r.get('/status/director', (ctx) => {
    const p = new Params(ctx, ['name', 'days', 'limit']);
    const name = p.string('name');
    const ahead = { days: p.integer('days', 0, SCHEDULED.maxDays), limit: p.integer('limit', 0, 1_000_000) };
    const w = director.sync();
    checkDirector(w, name);
    reply(ctx, directorStatus(w, ahead));
  });

  // A client's or a storage's status, named by ?name= (GET, or POST as the manual has it for a client).
  const daemon = <T>(what: string, find: (w: World, name: string) => T, view: (w: World, d: T) => unknown) => (ctx: Context): void => {
    const name = daemonName(ctx, what);
    const w = director.sync();
    reply(ctx, view(w, find(w, name)));
  };
  for (const [path, handler] of [
    ['/status/client', daemon('Client', findClient, clientStatus)],
    ['/status/storage', daemon('Storage', findStorage, storageStatus)],
  ] as const) {
    r.get(path, handler);
    r.post(path, handler);
  }

  // The documented Enterprise grammar: status has no class, the daemon is an option.
  r.get('/status', (ctx) => {
    const p = new Params(ctx, ['director', 'client', 'storage']);
    const given = (['director', 'client', 'storage'] as const).filter((k) => p.has(k));
    if (given.length > 1) throw new ApiError('bad_request', `Give one of director=, client=, storage= (got ${given.join(', ')})`);
    const w = director.sync();
    const name = (k: string): string => {
      const v = p.string(k);
      if (!v) throw new ApiError('bad_request', `Parameter "${k}" needs a name`);
      return v;
    };
    if (given[0] === 'client') reply(ctx, clientStatus(w, findClient(w, name('client'))));
    else if (given[0] === 'storage') reply(ctx, storageStatus(w, findStorage(w, name('storage'))));
    else {
      if (given[0] === 'director') checkDirector(w, name('director'));
      reply(ctx, directorStatus(w));
    }
  });

  return r;
}
