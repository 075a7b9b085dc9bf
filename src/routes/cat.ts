import Router from '@koa/router';
import type { Context } from 'koa';
import { findJobIds, forEachJobId, isEmptyQuery, type JobQuery } from '../../engine/jobquery.js';
import { emptyFacts } from '../../engine/jobstore.js';
import type { World } from '../../engine/world.js';
import { ApiError } from '../errors.js';
import { page, Params } from '../params.js';
import {
  clientRow, filesetRow, jobMediaRow, jobRow, logRow, mediaRow, poolRow, STATUS_ROWS, storageRow, totalsRow, VERSION_ROW,
} from '../wire/catalog.js';
import type { RouteDeps } from './index.js';

/** JobStatus letters of Bacula (reference §1.1); the catalog holds C R T E f A, the rest match nothing. */
export const STATUS_LETTERS = 'CRBTWEefDAIFSmMsjcdtpai';
export const LEVEL_LETTERS = 'FIDBfVCOdA ';
export const TYPE_LETTERS = 'BMVRIDACcg';

const JOB_FILTERS = ['jobid', 'jobstatus', 'clientid', 'client', 'name', 'level', 'type', 'since', 'until'] as const;

/** The envelope of a catalog list. */
function list(ctx: Context, data: unknown[], p: { limit: number; offset: number }): void {
  ctx.body = { data, error: 0, limit: p.limit, offset: p.offset };
}

/** A slice of a small table (clients, pools, volumes, ...) after its filters. */
function slice<T>(rows: readonly T[], p: { limit: number; offset: number }): T[] {
  return rows.slice(p.offset, p.offset + p.limit);
}

/** The Job search the filter parameters describe (shared by Job and JobTotals). */
function jobQuery(w: World, p: Params): JobQuery {
  const q: JobQuery = {
    jobIds: p.ids('jobid'),
    statuses: p.letters('jobstatus', STATUS_LETTERS, 'JobStatus'),
    clientIds: p.ids('clientid'),
    name: p.string('name'),
    levels: p.letters('level', LEVEL_LETTERS, 'Level'),
    types: p.letters('type', TYPE_LETTERS, 'Type'),
    since: p.time('since', w.zone),
    until: p.time('until', w.zone),
  };
  const clientName = p.string('client');
  if (clientName !== undefined) {
    const c = w.catalog.clientByName(clientName);
    if (!c) throw new ApiError('not_found', `Client "${clientName}" not found`);
    q.clientIds = q.clientIds ? q.clientIds.filter((id) => id === c.clientId) : [c.clientId];
  }
  for (const key of Object.keys(q) as Array<keyof JobQuery>) if (q[key] === undefined) delete q[key];
  return q;
}

/** `/cat/<Table>`: the catalog tables, read-only, paged. */
export function catRoutes({ director, answers }: RouteDeps): Router {
  const r = new Router({ prefix: '/cat' });
  const cache = answers.middleware(director);
  /** A table's route; its answers go through the cache (a middleware of each route rather than of the router: @koa/router pays per matched layer). */
  const table = (path: string, handler: (ctx: Context) => void): void => {
    r.get(path, cache, handler);
  };

  table('/Job', (ctx) => {
    const p = new Params(ctx, ['limit', 'offset', 'order', ...JOB_FILTERS]);
    const w = director.sync();
    const q = jobQuery(w, p);
    const pg = page(p);
    const ids = findJobIds(w.catalog, q, { ...pg, desc: p.choice('order', ['asc', 'desc']) === 'desc' });
    list(ctx, ids.map((id) => jobRow(w, w.catalog.job(id)!)), pg);
  });

  table('/JobTotals', (ctx) => {
    const p = new Params(ctx, [...JOB_FILTERS]);
    const w = director.sync();
    const q = jobQuery(w, p);
    if (isEmptyQuery(q)) {
      ctx.body = { data: [totalsRow(w.catalog.totals)], error: 0 };
      return;
    }
    const t = { jobs: 0, files: 0, bytes: 0, joberrors: 0, byStatus: {} as Record<string, number> };
    const f = emptyFacts();
    forEachJobId(w.catalog, q, (id) => {
      w.catalog.store.facts(id, f);
      t.jobs++;
      t.byStatus[f.status] = (t.byStatus[f.status] ?? 0) + 1;
      t.files += f.files;
      t.bytes += f.bytes;
      t.joberrors += f.errors;
    });
    ctx.body = { data: [totalsRow(t)], error: 0 };
  });

  table('/JobLog', (ctx) => {
    const p = new Params(ctx, ['jobid', 'limit', 'offset']);
    const jobId = p.integer('jobid', 1, 2_147_483_647);
    if (jobId === undefined) throw new ApiError('bad_request', 'Missing parameter "jobid"');
    const pg = page(p);
    const w = director.sync();
    if (!w.catalog.store.has(jobId)) throw new ApiError('not_found', `JobId ${jobId} not found`);
    list(ctx, w.jobLog(jobId, pg.offset, pg.limit).map((l) => logRow(w, l.logId, jobId, l.time, l.text)), pg);
  });

  table('/Log', (ctx) => {
    const p = new Params(ctx, ['jobid', 'limit', 'offset']);
    const pg = page(p);
    const jobIds = p.ids('jobid');
    const w = director.sync();
    const log = w.catalog.log;
    const rows: Array<ReturnType<typeof logRow>> = [];
    const wanted = jobIds && new Set(jobIds);
    let skip = pg.offset;
    for (let i = 0; i < log.length && rows.length < pg.limit; i++) {
      const jobId = log.jobId[i];
      // jobId 0: the row of a purged job.
      if (!jobId || (wanted && !wanted.has(jobId))) continue;
      if (skip > 0) {
        skip--;
        continue;
      }
      rows.push(logRow(w, i + 1, jobId, log.time[i] * 1000, w.logText(i + 1)));
    }
    list(ctx, rows, pg);
  });

  /** The small tables, each filtered by its id column and its name column. */
  const small = <T>(tableName: string, idParam: string, nameParam: string, rows: (w: World) => readonly T[],
    id: (x: T) => number, name: (x: T) => string, row: (w: World, x: T) => unknown): void => {
    table(`/${tableName}`, (ctx) => {
      const p = new Params(ctx, ['limit', 'offset', idParam, nameParam]);
      const pg = page(p);
      const ids = p.ids(idParam);
      const wanted = p.string(nameParam);
      const w = director.sync();
      const kept = rows(w).filter((x) => (!ids || ids.includes(id(x))) && (wanted === undefined || name(x) === wanted));
      list(ctx, slice(kept, pg).map((x) => row(w, x)), pg);
    });
  };
  table('/Status', (ctx) => {
    const p = new Params(ctx, ['limit', 'offset', 'jobstatus']);
    const pg = page(p);
    const wanted = p.letters('jobstatus', STATUS_LETTERS, 'JobStatus');
    list(ctx, slice(STATUS_ROWS.filter((s) => wanted === undefined || wanted.includes(s.jobstatus)), pg), pg);
  });

  table('/Version', (ctx) => {
    new Params(ctx, []);
    ctx.body = { data: [VERSION_ROW], error: 0 };
  });

  small('Client', 'clientid', 'name', (w) => w.catalog.clients, (c) => c.clientId, (c) => c.name, (_, c) => clientRow(c));
  small('Pool', 'poolid', 'name', (w) => w.catalog.pools, (x) => x.poolId, (x) => x.name, (_, x) => poolRow(x));
  small('Storage', 'storageid', 'name', (w) => w.catalog.storages, (x) => x.storageId, (x) => x.name, (_, x) => storageRow(x));
  small('FileSet', 'filesetid', 'fileset', (w) => w.catalog.filesets, (x) => x.filesetId, (x) => x.fileset, filesetRow);

  table('/Media', (ctx) => {
    const p = new Params(ctx, ['limit', 'offset', 'mediaid', 'volumename', 'poolid', 'pool', 'volstatus']);
    const pg = page(p);
    const ids = p.ids('mediaid');
    const volume = p.string('volumename');
    const poolIds = p.ids('poolid');
    const poolName = p.string('pool');
    const status = p.choice('volstatus', ['Append', 'Full', 'Used', 'Recycle', 'Purged', 'Error', 'Read-Only', 'Disabled', 'Archive'] as const);
    const w = director.sync();
    let poolId: number | undefined;
    if (poolName !== undefined) {
      poolId = w.catalog.poolByName(poolName)?.poolId;
      if (poolId === undefined) throw new ApiError('not_found', `Pool "${poolName}" not found`);
    }
    const rows = w.catalog.media.filter((m) => (!ids || ids.includes(m.mediaId)) && (volume === undefined || m.volumeName === volume)
      && (!poolIds || poolIds.includes(m.poolId)) && (poolId === undefined || m.poolId === poolId) && (status === undefined || m.volStatus === status));
    list(ctx, slice(rows, pg).map((m) => mediaRow(w, m)), pg);
  });

  table('/JobMedia', (ctx) => {
    const p = new Params(ctx, ['limit', 'offset', 'jobid', 'mediaid']);
    const pg = page(p);
    const jobIds = p.ids('jobid');
    const mediaIds = p.ids('mediaid');
    const w = director.sync();
    const c = w.catalog;
    // A volume knows its jobs; otherwise walk the jobs asked for, or all of them in JobId order.
    const candidates = mediaIds
      ? [...new Set(mediaIds.flatMap((m) => c.store.jobsOnMedia(m)))].sort((a, b) => a - b).filter((id) => !jobIds || jobIds.includes(id))
      : null;
    const rows: Array<ReturnType<typeof jobMediaRow>> = [];
    let skip = pg.offset;
    const visit = (id: number): boolean => {
      const j = c.job(id);
      if (!j) return true;
      for (let i = 0; i < j.volumes.length; i++) {
        const v = j.volumes[i];
        // A JobMedia row exists once the job has written (its id is given at the end).
        if (!v.jobMediaId || (mediaIds && !mediaIds.includes(v.mediaId))) continue;
        if (skip > 0) skip--;
        else rows.push(jobMediaRow(j, v, i));
        if (rows.length >= pg.limit) return false;
      }
      return true;
    };
    if (candidates) {
      for (const id of candidates) if (!visit(id)) break;
    } else {
      forEachJobId(c, jobIds ? { jobIds, types: 'B' } : { types: 'B' }, visit);
    }
    list(ctx, rows, pg);
  });

  return r;
}
