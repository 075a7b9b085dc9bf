import Router from '@koa/router';
import type { Context } from 'koa';
import type { BackupLevel, ClientRecord, JobRecord, MediaRecord, PoolRecord } from '../../engine/types.js';
import type { World } from '../../engine/world.js';
import type { Command } from '../commands.js';
import { ApiError } from '../errors.js';
import { page, Params, parseTime } from '../params.js';
import { body, boolean, integer, oneOf, optional, required, text } from '../validate.js';
import { latestChain, restoreChain, treesOf } from '../../engine/filetree.js';
import { findJobIds } from '../../engine/jobquery.js';
import { clientRow, filesetRow, jobRow, mediaRow, poolRow, storageRow } from '../wire/catalog.js';
import { STATUS_LETTERS } from './cat.js';
import type { RouteDeps } from './index.js';

const LEVELS = ['F', 'I', 'D'] as const;
const LEVEL_WORDS: Record<string, BackupLevel> = { full: 'F', incremental: 'I', differential: 'D' };
const level = oneOf<BackupLevel>(LEVELS, LEVEL_WORDS);
const INT32 = 2_147_483_647;
const DAY_S = 86_400;
/** Paths one restore may name. */
const MAX_RESTORE_PATHS = 10_000;

/** What `/cmd/list` can list, and the catalog rows it answers with. */
const LISTS = ['jobs', 'clients', 'pools', 'volumes', 'storages', 'filesets'] as const;

/** `{ jobid, job }` of a job a command created or acted on. */
function jobRef(w: World, j: JobRecord): { jobid: number; job: string } {
  return { jobid: j.jobId, job: w.uniqueName(j) };
}

/**
 * Finds the job a cancel names by `job=`: its unique name
 * (`backup-x.2026-11-21_02.00.00_03`) or, like bconsole, a Job resource name
 * with a job of that name queued or running.
 */
function jobByName(w: World, name: string): JobRecord {
  const c = w.catalog;
  for (const status of ['R', 'C']) {
    for (const id of c.jobsByStatus.get(status)?.ids ?? []) {
      const j = c.job(id)!;
      if (j.name === name || w.uniqueName(j) === name) return j;
    }
  }
  // A finished job, by its unique name: look among the jobs of that Job resource's client.
  const m = /^(.+)\.\d{4}-\d{2}-\d{2}_\d{2}\.\d{2}\.\d{2}_\d{2}$/.exec(name);
  const res = m ? w.jobResources.get(m[1]) : undefined;
  const ids = res ? c.jobsByClient.get(res.clientId)?.ids ?? [] : [];
  for (let i = ids.length - 1; i >= 0; i--) {
    const j = c.job(ids[i])!;
    if (w.uniqueName(j) === name) return j;
  }
  throw new ApiError('not_found', `Job "${name}" not found (give a JobId, a unique Job name or the name of a queued or running job)`);
}

/** `/cmd/...`: the bconsole commands a dashboard or script sends. */
export function cmdRoutes({ director }: RouteDeps): Router {
  const r = new Router({ prefix: '/cmd' });
  const apply = <T>(cmd: Command): T => director.command(cmd) as T;
  const reply = (ctx: Context, data: unknown): void => {
    ctx.body = { data, error: 0 };
  };

  r.post('/run', (ctx) => {
    const b = body(ctx, ['job', 'level', 'client', 'fileset', 'pool', 'storage', 'priority', 'when', 'comment']);
    const w = director.sync();
    const cmd: Command = {
      op: 'run',
      job: required(b, 'job', text()),
      level: optional(b, 'level', level),
      client: optional(b, 'client', text()),
      fileset: optional(b, 'fileset', text()),
      pool: optional(b, 'pool', text()),
      storage: optional(b, 'storage', text()),
      priority: optional(b, 'priority', integer(1, 100)),
      when: b.when === undefined ? undefined : parseTime(String(text(40)(b.when, 'when')), 'when', w.zone),
      comment: optional(b, 'comment', text(1000)),
    };
    reply(ctx, jobRef(director.world, apply<JobRecord>(cmd)));
  });

  r.post('/cancel', (ctx) => {
    const b = body(ctx, ['jobid', 'job']);
    const w = director.sync();
    let jobId = optional(b, 'jobid', integer(1, INT32));
    const name = optional(b, 'job', text());
    if (jobId === undefined && name === undefined) throw new ApiError('bad_request', 'Missing field "jobid" (or "job")');
    if (jobId === undefined) jobId = jobByName(w, name!).jobId;
    const j = apply<JobRecord>({ op: 'cancel', jobid: jobId });
    reply(ctx, { ...jobRef(w, j), jobstatus: j.jobStatus, message: `JobId ${j.jobId}, Job ${w.uniqueName(j)} marked to be canceled.` });
  });

  /**
   * `restore jobid=N` or `restore client=X`, with `files` either a number
   * (that many of the backups' files) or the paths to restore as BVFS shows
   * them (`/etc/hosts`, `/var/vmail/`), looked up in the tree of the backups
   * the restore reads: N's chain (as `.bvfs_get_jobids jobid=N`) or the
   * client's latest.
   */
  r.post('/restore', (ctx) => {
    const b = body(ctx, ['jobid', 'client', 'where', 'files']);
    const jobid = optional(b, 'jobid', integer(1, INT32));
    const client = optional(b, 'client', text());
    if (jobid === undefined && client === undefined) throw new ApiError('bad_request', 'Missing field "jobid" (or "client")');
    const where = optional(b, 'where', text(1024));
    if (!Array.isArray(b.files)) {
      reply(ctx, jobRef(director.world, apply<JobRecord>({ op: 'restore', jobid, client, where, files: optional(b, 'files', integer(1, INT32)) })));
      return;
    }
    if (!b.files.length || b.files.length > MAX_RESTORE_PATHS) throw new ApiError('bad_request', `"files" must be a number or a list of 1 to ${MAX_RESTORE_PATHS} paths`);
    const paths = b.files.map((p, i) => text(4096)(p, `files[${i}]`));
    const w = director.sync();
    let chain: number[];
    if (jobid !== undefined) {
      chain = restoreChain(w, jobid);
      if (!chain.length) throw new ApiError('conflict', `JobId ${jobid} is not a successful backup`);
    } else {
      const c = w.catalog.clientByName(client!);
      if (!c || c.removed) throw new ApiError('not_found', `Client "${client}" not found`);
      chain = latestChain(w, c.clientId, w.backupResource(c.clientId)?.filesetId);
      if (!chain.length) throw new ApiError('conflict', `No Full backup for client "${client}" to restore from`);
    }
    const trees = treesOf(w);
    const sel = trees.selectPaths(trees.view(w, chain), paths);
    reply(ctx, jobRef(director.world, apply<JobRecord>({ op: 'restore', jobids: chain, client, where, files: sel.files, bytes: sel.bytes })));
  });

  r.post('/estimate', (ctx) => {
    const b = body(ctx, ['client', 'level', 'job', 'fileset']);
    const w = director.sync();
    const jobName = optional(b, 'job', text());
    const res = jobName === undefined ? undefined : w.jobResources.get(jobName);
    if (jobName !== undefined && !res) throw new ApiError('not_found', `Job "${jobName}" not found`);
    let client = optional(b, 'client', text());
    if (client === undefined && res) client = w.catalog.client(res.clientId)?.name;
    if (client === undefined) throw new ApiError('bad_request', 'Missing field "client" (or "job")');
    // The FileSet asked for, else the Job's, else the client's own.
    const fileset = optional(b, 'fileset', text()) ?? (res && res.filesetId ? w.catalog.fileset(res.filesetId)?.fileset : undefined);
    // Estimating changes nothing: it is answered, not journaled.
    const e = w.estimate({ client, level: optional(b, 'level', level) ?? 'F', fileset });
    reply(ctx, { client: e.client, level: e.level, files: e.files, bytes: e.bytes, job: res?.name ?? null, fileset: e.fileset });
  });

  r.post('/label', (ctx) => {
    const b = body(ctx, ['volume', 'pool', 'storage']);
    const m = apply<MediaRecord>({ op: 'label', volume: required(b, 'volume', text(127)), pool: required(b, 'pool', text()), storage: optional(b, 'storage', text()) });
    reply(ctx, mediaRow(director.world, m));
  });

  r.post('/update', (ctx) => {
    const b = body(ctx, ['pool', 'maxvols', 'maxvoljobs', 'maxvolbytes', 'volretention', 'voluseduration', 'recycle', 'autoprune', 'enabled']);
    const flag = (name: string): number | undefined => {
      const v = b[name];
      return v === undefined ? undefined : typeof v === 'boolean' ? Number(boolean()(v, name)) : integer(0, 1)(v, name);
    };
    const changes: Partial<PoolRecord> = {
      maxVols: optional(b, 'maxvols', integer(0, INT32)),
      maxVolJobs: optional(b, 'maxvoljobs', integer(0, INT32)),
      maxVolBytes: optional(b, 'maxvolbytes', integer(0, Number.MAX_SAFE_INTEGER)),
      volRetention: optional(b, 'volretention', integer(0, 100 * 365 * DAY_S)),
      volUseDuration: optional(b, 'voluseduration', integer(0, 100 * 365 * DAY_S)),
      recycle: flag('recycle'),
      autoPrune: flag('autoprune'),
      enabled: flag('enabled'),
    };
    for (const k of Object.keys(changes) as Array<keyof PoolRecord>) if (changes[k] === undefined) delete changes[k];
    const pool = required(b, 'pool', text());
    if (!Object.keys(changes).length) throw new ApiError('bad_request', 'Nothing to update: give at least one of maxvols, maxvoljobs, maxvolbytes, volretention, voluseduration, recycle, autoprune, enabled');
    reply(ctx, poolRow(apply<PoolRecord>({ op: 'update_pool', pool, changes })));
  });

  r.post('/purge', (ctx) => {
    const b = body(ctx, ['volume']);
    const res = apply<{ volume: MediaRecord; jobIds: number[] }>({ op: 'purge', volume: required(b, 'volume', text(127)) });
    reply(ctx, { volume: res.volume.volumeName, volstatus: res.volume.volStatus, jobids: res.jobIds });
  });

  r.post('/prune', (ctx) => {
    const b = body(ctx, ['client', 'volume']);
    const client = optional(b, 'client', text());
    const volume = optional(b, 'volume', text(127));
    if ((client === undefined) === (volume === undefined)) throw new ApiError('bad_request', 'Give exactly one of "client" or "volume"');
    if (client !== undefined) {
      const res = apply<{ client: ClientRecord; jobIds: number[] }>({ op: 'prune_client', client });
      reply(ctx, { client: res.client.name, jobids: res.jobIds });
    } else {
      const res = apply<{ volume: MediaRecord; jobIds: number[] }>({ op: 'prune_volume', volume: volume! });
      reply(ctx, { volume: res.volume.volumeName, volstatus: res.volume.volStatus, jobids: res.jobIds });
    }
  });

  r.get('/list', (ctx) => {
    const p = new Params(ctx, ['what', 'limit', 'offset', 'clientid', 'jobstatus']);
    const what = p.choice('what', LISTS) ?? 'jobs';
    const pg = page(p);
    const w = director.sync();
    ctx.body = { data: listRows(w, what, p, pg), error: 0, limit: pg.limit, offset: pg.offset };
  });

  return r;
}

function listRows(w: World, what: (typeof LISTS)[number], p: Params, pg: { limit: number; offset: number }): unknown[] {
  const c = w.catalog;
  const cut = <T>(rows: readonly T[]): T[] => rows.slice(pg.offset, pg.offset + pg.limit);
  if (what !== 'jobs' && (p.has('clientid') || p.has('jobstatus'))) {
    throw new ApiError('bad_request', `"clientid" and "jobstatus" apply to what=jobs only`);
  }
  switch (what) {
    case 'jobs': {
      const q = { clientIds: p.ids('clientid'), statuses: p.letters('jobstatus', STATUS_LETTERS, 'JobStatus') };
      return findJobIds(c, Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)), pg).map((id) => jobRow(w, c.job(id)!));
    }
    case 'clients':
      return cut(c.clients).map(clientRow);
    case 'pools':
      return cut(c.pools).map(poolRow);
    case 'volumes':
      return cut(c.media).map((m) => mediaRow(w, m));
    case 'storages':
      return cut(c.storages).map(storageRow);
    case 'filesets':
      return cut(c.filesets).map((f) => filesetRow(w, f));
  }
}
