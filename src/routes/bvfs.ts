import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { clientBackups, restoreChain, treesOf, type TreeView } from '../../engine/filetree.js';
import type { JobRecord } from '../../engine/types.js';
import type { World } from '../../engine/world.js';
import { ApiError, shown } from '../errors.js';
import { dirRow, fileRow, restoreListRow, versionRow } from '../wire/bvfs.js';
import type { RouteDeps } from './index.js';

/** Bacula's own page for BVFS listings (bvfs_parse_arg), and the most one request may ask for. */
const LIMIT = { default: 2000, max: 100_000 } as const;
/** Restore lists kept at once: they live in memory until cleaned up (or the world is reset). */
const MAX_LISTS = 1000;
const INT32 = 2_147_483_647;
const PATTERN_MAX = 256;

/**
 * The arguments of a BVFS call, from the query string and/or a JSON (or form)
 * body, the body winning. Unknown names are refused by name; list arguments
 * take `1,2,3`, a number or a JSON array; flags are present, `true`, `1` or
 * `yes` (as in `.bvfs_clear_cache yes`).
 */
class Args {
  private readonly values = new Map<string, unknown>();

  constructor(ctx: Context, known: readonly string[]) {
    const raw = (ctx.request as unknown as { body?: unknown }).body;
    if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) throw new ApiError('bad_request', 'Request body must be a JSON object');
    for (const [name, value] of [...Object.entries(ctx.query), ...Object.entries((raw ?? {}) as Record<string, unknown>)]) {
      if (!known.includes(name)) throw new ApiError('bad_request', `Unknown parameter "${name}" (known: ${known.join(', ')})`);
      this.values.set(name, Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number') ? value.join(',') : value);
    }
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  string(name: string): string | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' && typeof v !== 'number') throw new ApiError('bad_request', `"${name}" must be a string (got ${shown(v)})`);
    return String(v);
  }

  integer(name: string, min: number, max: number): number | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const n = /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) throw new ApiError('bad_request', `"${name}" must be an integer from ${min} to ${max} (got ${shown(v)})`);
    return n;
  }

  /** `1,3,11` → [1, 3, 11]; `min` 0 lets `jobid=0` through (all of a client's backups). */
  ids(name: string, min = 1, max = Number.MAX_SAFE_INTEGER): number[] | undefined {
    const v = this.string(name);
    if (v === undefined) return undefined;
    const parts = v.split(',').map((p) => p.trim());
    const ids = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
    if (!ids.every((n) => Number.isSafeInteger(n) && n >= min && n <= max)) {
      throw new ApiError('bad_request', `"${name}" must be an id or a comma-separated list of ids (got ${shown(v)})`);
    }
    return ids;
  }

  flag(name: string): boolean {
    if (!this.values.has(name)) return false;
    const v = this.values.get(name);
    if (v === true || v === '' || v === 1 || (typeof v === 'string' && /^(1|yes|true)$/i.test(v))) return true;
    if (v === false || v === 0 || (typeof v === 'string' && /^(0|no|false)$/i.test(v))) return false;
    throw new ApiError('bad_request', `"${name}" must be true or false (got ${shown(v)})`);
  }

  page(): { limit: number; offset: number } {
    return { limit: this.integer('limit', 1, LIMIT.max) ?? LIMIT.default, offset: this.integer('offset', 0, INT32) ?? 0 };
  }

  /** `pattern=`: a regular expression on names, as PostgreSQL's `~` in Bacula's query. */
  pattern(): RegExp | undefined {
    const v = this.string('pattern');
    if (v === undefined) return undefined;
    if (v.length > PATTERN_MAX) throw new ApiError('bad_request', `"pattern" is longer than ${PATTERN_MAX} characters`);
    try {
      return new RegExp(v);
    } catch (e) {
      throw new ApiError('bad_request', `"pattern" is not a regular expression: ${(e as Error).message}`);
    }
  }
}

/** A `.bvfs_restore` list: what `restore file=?b2...` reads. */
interface RestoreList {
  path: string;
  jobIds: number[];
  files: number;
  bytes: number;
}

/** What `.bvfs_lsdirs` and `.bvfs_lsfiles` take (bvfs_parse_arg, 13.x): the jobs by `jobid` or `ujobid`, the directory by `path` or `pathid`. */
const LISTING = ['jobid', 'ujobid', 'client', 'path', 'pathid', 'limit', 'offset', 'pattern'];

/**
 * `/bvfs/*`: browsing backups file by file and restoring a selection, as
 * the Director's `.bvfs_*` commands do (reference/bacula-wire.md §6).
 * Reads answer GET and POST alike (arguments in the query or a JSON body);
 * what changes something (update, clear_cache, restore, cleanup) is POST only,
 * so a crawler or a prefetching browser cannot queue a restore.
 */
export function bvfsRoutes({ director }: RouteDeps): Router {
  const r = new Router({ prefix: '/bvfs' });
  const trees = treesOf(director.world);
  const lists = new Map<string, RestoreList>();
  director.world.on('world.reset', () => lists.clear());
  const route = (path: string, handler: Middleware): void => {
    r.get(path, handler);
    r.post(path, handler);
  };
  const change = (path: string, handler: Middleware): void => {
    r.post(path, handler);
  };
  const list = (ctx: Context, rows: unknown[], p: { limit: number; offset: number }): void => {
    ctx.body = { data: rows, error: 0, limit: p.limit, offset: p.offset };
  };

  /** The jobs to browse: `jobid=1,3,11`, `ujobid=<unique Job name>` (that job alone), or `jobid=0 client=X` for all of X's backups. */
  const browse = (w: World, a: Args): TreeView | null => {
    if (a.has('jobid') && a.has('ujobid')) throw new ApiError('bad_request', 'Give "jobid" or "ujobid", not both');
    const unique = a.string('ujobid');
    const ids = unique !== undefined ? [jobByUniqueName(w, unique).jobId] : a.ids('jobid', 0);
    if (!ids || (!a.has('path') && !a.has('pathid'))) throw new ApiError('bad_request', "Can't find jobid, pathid or path argument");
    if (!(ids.length === 1 && ids[0] === 0)) return trees.view(w, ids);
    const all = clientBackups(w, clientNamed(w, a.string('client') ?? missing('client', 'with jobid=0')).clientId);
    return all.length ? trees.view(w, all) : null;
  };
  /** The directory `pathid=` or `path=` names, if the jobs' client has it. */
  const directory = (view: TreeView, a: Args): number | undefined => {
    const pathId = a.integer('pathid', 1, Number.MAX_SAFE_INTEGER);
    return pathId !== undefined ? view.sk.node(pathId) : view.sk.find(a.string('path')!);
  };

  change('/update', (ctx) => {
    const a = new Args(ctx, ['jobid']);
    const changed = director.command({ op: 'bvfs_cache', jobids: a.ids('jobid') ?? null, cached: true }) as number[];
    ctx.body = { data: { updated: changed.length }, error: 0 };
  });

  change('/clear_cache', (ctx) => {
    const a = new Args(ctx, ['yes']);
    if (!a.flag('yes')) throw new ApiError('bad_request', "Can't find 'yes' argument");
    const changed = director.command({ op: 'bvfs_cache', jobids: null, cached: false }) as number[];
    ctx.body = { data: { cleared: changed.length }, error: 0 };
  });

  route('/get_jobids', (ctx) => {
    const a = new Args(ctx, ['jobid', 'ujobid', 'client', 'all', 'count']);
    const all = a.flag('all');
    const w = director.sync();
    const jobId = a.integer('jobid', 1, INT32);
    const unique = a.string('ujobid');
    const client = a.string('client');
    let ids: number[];
    if (jobId !== undefined) ids = restoreChain(w, jobId, all);
    else if (unique !== undefined) ids = restoreChain(w, jobByUniqueName(w, unique).jobId, all);
    else if (client !== undefined) ids = clientBackups(w, clientNamed(w, client).clientId);
    else throw new ApiError('bad_request', "Can't find jobid, ujobid or client argument");
    ctx.body = { data: a.flag('count') ? ids.length : ids, error: 0 };
  });

  route('/lsdirs', (ctx) => {
    const a = new Args(ctx, [...LISTING, 'dironly']);
    const p = a.page();
    const pattern = a.pattern();
    // `dironly`: the Director lists `.` and `..` and stops (dot_bvfs_lsdirs skips ls_dirs()).
    const dirOnly = a.flag('dironly');
    const view = browse(director.sync(), a);
    const node = view ? directory(view, a) : undefined;
    if (!view || node === undefined) return list(ctx, [], p);
    const { special, dirs } = view.dirs(node);
    if (dirOnly) return list(ctx, special.map(dirRow), p);
    // The pattern is matched against the sub-directory's whole Path, as Bvfs::ls_dirs does (`Path2.Path ~ pattern`).
    const here = view.sk.path(node);
    const shown = pattern ? dirs.filter((d) => pattern.test(here + d.name)) : dirs;
    list(ctx, [...special, ...shown.slice(p.offset, p.offset + p.limit)].map(dirRow), p);
  });

  route('/lsfiles', (ctx) => {
    const a = new Args(ctx, [...LISTING, 'filename']);
    const p = a.page();
    const pattern = a.pattern();
    const filename = a.string('filename');
    const view = browse(director.sync(), a);
    const node = view ? directory(view, a) : undefined;
    if (!view || node === undefined) return list(ctx, [], p);
    const rows = trees.listing(view, node).filter((f) => (filename === undefined || f.name === filename) && (!pattern || pattern.test(f.name)));
    list(ctx, rows.slice(p.offset, p.offset + p.limit).map(fileRow), p);
  });

  route('/versions', (ctx) => {
    // jobid, versions and copies are accepted as the Director accepts them: every version of the client is listed, and there are no copy jobs here.
    const a = new Args(ctx, ['client', 'fnid', 'pathid', 'path', 'jobid', 'versions', 'copies', 'limit', 'offset']);
    const p = a.page();
    a.ids('jobid', 0);
    a.flag('versions');
    a.flag('copies');
    const clientName = a.string('client');
    const fnid = a.integer('fnid', 1, Number.MAX_SAFE_INTEGER);
    if (clientName === undefined || fnid === undefined) throw new ApiError('bad_request', "Can't find client or fnid argument");
    if (!a.has('pathid') && !a.has('path')) throw new ApiError('bad_request', "Can't find pathid or path argument");
    const w = director.sync();
    const client = clientNamed(w, clientName);
    const sk = trees.skeleton(w, client);
    const pathId = a.integer('pathid', 1, Number.MAX_SAFE_INTEGER);
    const node = pathId !== undefined ? sk.node(pathId) : sk.find(a.string('path')!);
    const rows = node === undefined ? [] : trees.versions(w, client, sk.pathId(node), fnid);
    list(ctx, rows.slice(p.offset, p.offset + p.limit).map(versionRow), p);
  });

  /**
   * `.bvfs_restore path=b2NNN jobid=... fileid=... dirid=...` builds a list;
   * `run: true` (with `client`, `where`) then queues the Restore job that
   * `restore file=?b2NNN client=... where=... yes` starts. Both in one call
   * build and run at once.
   */
  change('/restore', (ctx) => {
    const a = new Args(ctx, ['path', 'jobid', 'fileid', 'dirid', 'run', 'client', 'where']);
    const run = a.flag('run');
    let name = a.string('path');
    if (name !== undefined && !/^b2\d{1,18}$/.test(name)) throw new ApiError('bad_request', `"path" must name a restore list: b2 followed by digits (got ${shown(name)})`);
    if (!run && (a.has('client') || a.has('where'))) throw new ApiError('bad_request', '"client" and "where" go with "run": true');
    const w = director.sync();
    let restore: RestoreList | undefined;
    if (a.has('jobid')) {
      const jobIds = a.ids('jobid')!;
      const fileIds = a.ids('fileid') ?? [];
      const dirIds = a.ids('dirid') ?? [];
      if (!fileIds.length && !dirIds.length) throw new ApiError('bad_request', 'Nothing to restore: give "fileid" and/or "dirid"');
      const view = trees.view(w, jobIds);
      const sel = view.select(fileIds, dirIds);
      if (!sel.files) throw new ApiError('bad_request', `Can't create restore list: nothing selected in JobIds ${view.jobIds.join(',')}`);
      name ??= freeListName(w, lists);
      if (!lists.has(name) && lists.size >= MAX_LISTS) throw new ApiError('conflict', `Too many restore lists (${MAX_LISTS}); clean some up with /bvfs/cleanup`);
      restore = { path: name, jobIds: view.jobIds, files: sel.files, bytes: sel.bytes };
      lists.set(name, restore);
    } else if (!run) throw new ApiError('bad_request', "Can't find jobid, pathid or path argument");
    else {
      if (name === undefined) throw new ApiError('bad_request', 'Missing "path": the restore list to run');
      restore = lists.get(name);
      if (!restore) throw new ApiError('not_found', `No restore list "${name}" (build it with jobid and fileid/dirid first)`);
    }
    if (!run) {
      ctx.body = { data: restoreListRow(restore), error: 0 };
      return;
    }
    const job = director.command({
      op: 'restore', jobids: restore.jobIds, client: a.string('client'), where: a.string('where'), files: restore.files, bytes: restore.bytes,
    }) as JobRecord;
    ctx.body = { data: { ...restoreListRow(restore), jobid: job.jobId, job: director.world.uniqueName(job) }, error: 0 };
  });

  change('/cleanup', (ctx) => {
    const a = new Args(ctx, ['path']);
    const name = a.string('path') ?? missing('path', 'the restore list to drop');
    if (!lists.delete(name)) throw new ApiError('not_found', `No restore list "${name}"`);
    ctx.body = { data: { path: name }, error: 0 };
  });

  return r;
}

function missing(name: string, what: string): never {
  throw new ApiError('bad_request', `Missing "${name}" (${what})`);
}

function clientNamed(w: World, name: string) {
  const c = w.catalog.clientByName(name);
  if (!c) throw new ApiError('not_found', `Client "${name}" not found`);
  return c;
}

/** A job by its unique name `<Job>.<YYYY-MM-DD_HH.MM.SS>_<NN>`, among the jobs of that Job resource's client. */
function jobByUniqueName(w: World, name: string): JobRecord {
  const m = /^(.+)\.\d{4}-\d{2}-\d{2}_\d{2}\.\d{2}\.\d{2}_\d{2}$/.exec(name);
  const res = m ? w.jobResources.get(m[1]) : undefined;
  for (const id of res ? w.catalog.jobsByClient.get(res.clientId)?.ids ?? [] : []) {
    const j = w.catalog.job(id)!;
    if (w.uniqueName(j) === name) return j;
  }
  throw new ApiError('not_found', `Job "${name}" not found`);
}

/** `b2` and the virtual epoch seconds, as Bacularis names them; the next free number on a clash. */
function freeListName(w: World, lists: ReadonlyMap<string, unknown>): string {
  let n = Math.floor(w.now / 1000);
  while (lists.has(`b2${n}`)) n++;
  return `b2${n}`;
}
