import { CliError } from './errors.js';
import type { Api } from './http.js';
import type { ClientRow, Health, JobRow, LogRow, TotalsRow } from './rows.js';
import { plural } from './units.js';
import { FAILED } from './words.js';

/** A check that cannot run in this world (no clients, `--read-only`); counted apart from passes and failures. */
export class Skip extends Error {}

/** What the checks learn about the world as they go, for the checks after them. */
interface Found {
  health?: Health;
  client?: ClientRow;
  /** a backup that ended OK: restore, log and BVFS checks use it */
  backup?: JobRow;
  pool?: { name: string; maxvols: number };
  storage?: string;
  /** the smoke test's own volume, labelled then purged */
  volume?: string;
  /** the job the run check queued, for the cancel check */
  queued?: number;
  /** the restore chain of `backup` */
  chain?: number[];
}

export interface Check {
  /** `GET /cat/Client`: the endpoint, as the manual lists it */
  name: string;
  /** changes the world (skipped with `--read-only`) */
  writes?: boolean;
  /** resolves with a short detail; throws on failure, `Skip` when it cannot run */
  run(api: Api, found: Found): Promise<string>;
}

function expect(ok: unknown, what: string): asserts ok {
  if (!ok) throw new Error(what);
}

const SQL_TIME = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/;

/** The Job row columns every client relies on, with their types. */
function checkJobRow(j: Record<string, unknown>): void {
  for (const k of ['jobid', 'clientid', 'jobfiles', 'jobbytes', 'joberrors', 'poolid', 'filesetid']) expect(Number.isInteger(j[k]), `Job row: ${k} is not an integer (${JSON.stringify(j[k])})`);
  for (const k of ['job', 'name']) expect(typeof j[k] === 'string', `Job row: ${k} is not a string`);
  for (const k of ['type', 'level', 'jobstatus']) expect(typeof j[k] === 'string' && (j[k] as string).length === 1, `Job row: ${k} is not one letter (${JSON.stringify(j[k])})`);
  for (const k of ['schedtime', 'starttime', 'endtime']) expect(j[k] === null || SQL_TIME.test(String(j[k])), `Job row: ${k} is not YYYY-MM-DD HH:MM:SS (${JSON.stringify(j[k])})`);
}

function needClient(f: Found): ClientRow {
  if (!f.client) throw new Skip('no clients in this world (bacula-mock init)');
  return f.client;
}

function needBackup(f: Found): JobRow {
  if (!f.backup) throw new Skip('no backup job ended OK yet');
  return f.backup;
}

/** A virtual time a year after `now` (a job started then waits, and is canceled before it runs). */
function aYearAfter(now: string): string {
  const t = `${Number(now.slice(0, 4)) + 1}${now.slice(4)}`;
  return t.replace(/-02-29 /, '-02-28 ');
}

/** An expected refusal: the call must fail with this kind of error. */
async function refused(call: Promise<unknown>, kind: CliError['kind']): Promise<string> {
  try {
    await call;
  } catch (e) {
    if (e instanceof CliError && e.kind === kind) return `refused as expected: ${e.message}`;
    throw e;
  }
  throw new Error(`was accepted; expected a ${kind} refusal`);
}

/**
 * The smoke test: every endpoint of the manual (Appendix C, 24 of them) and
 * the rest of the API's areas, each called once as a client would and its
 * answer checked for shape. Checks that change the world are chosen to leave
 * little behind: the backup and the restore they queue are canceled before
 * they run, the volume they label is theirs, a pool is "updated" to the value
 * it has, and `initialize` and `reset` are only shown to validate their body
 * (running them would replace the world).
 */
export const CHECKS: Check[] = [
  {
    name: 'GET /mock/health',
    async run(api, f) {
      const h = (await api.get<{ data: Health }>('/mock/health', undefined, { auth: false })).json.data;
      expect(h.status === 'ok', `status is ${JSON.stringify(h.status)}`);
      f.health = h;
      return `${h.director}, ${h.clients} clients, ${h.jobs} jobs, virtual time ${h.virtual_time}`;
    },
  },
  {
    name: 'POST /oauth/token',
    async run(api) {
      const s = api.settings;
      const t = (await api.post<{ access_token: string; token_type: string; expires_in: number }>('/oauth/token', { username: s.user.value, password: s.password.value }, { auth: false })).json;
      expect(typeof t.access_token === 'string' && t.token_type === 'Bearer', 'no Bearer access_token in the answer');
      const rows = (await api.get<{ data: unknown[] }>('/cat/Client', { limit: 1 }, { auth: { bearer: t.access_token } })).json.data;
      expect(Array.isArray(rows), 'the token did not open /cat/Client');
      return `Bearer token valid ${t.expires_in} s, accepted by /cat/Client`;
    },
  },
  {
    name: 'GET /cat/Client without credentials',
    run: (api) => refused(api.get('/cat/Client', { limit: 1 }, { auth: false }), 'unauthorized'),
  },
  {
    name: 'GET /cat/Client',
    async run(api, f) {
      const rows = (await api.get<{ data: ClientRow[]; limit: number; offset: number }>('/cat/Client', { limit: 5 })).json.data;
      expect(Array.isArray(rows), 'data is not a list');
      for (const c of rows) expect(Number.isInteger(c.clientid) && typeof c.name === 'string', `bad Client row ${JSON.stringify(c)}`);
      f.client = rows[0];
      return `${plural(rows.length, 'row')}${rows[0] ? `, first ${rows[0].name}` : ''}`;
    },
  },
  {
    name: 'GET /cat/Job',
    async run(api, f) {
      const rows = (await api.get<{ data: JobRow[] }>('/cat/Job', { limit: 20, order: 'desc' })).json.data;
      for (const j of rows) checkJobRow(j as unknown as Record<string, unknown>);
      const ok = (await api.get<{ data: JobRow[] }>('/cat/Job', { jobstatus: 'T', type: 'B', limit: 1, order: 'desc' })).json.data;
      f.backup = ok[0];
      return `${rows.length} rows, ${Object.keys(rows[0] ?? {}).length} columns each`;
    },
  },
  {
    name: 'GET /cat/Job?jobstatus=',
    async run(api) {
      const rows = (await api.get<{ data: JobRow[] }>('/cat/Job', { jobstatus: FAILED, limit: 50 })).json.data;
      const other = rows.find((j) => !FAILED.includes(j.jobstatus));
      expect(!other, `JobId ${other?.jobid} has status ${other?.jobstatus}`);
      return `${plural(rows.length, 'failed job')}, all ${FAILED.split('').join(' or ')}`;
    },
  },
  {
    name: 'GET /cat/Job?limit=&offset=',
    async run(api) {
      const page = async (offset: number): Promise<number[]> => (await api.get<{ data: JobRow[] }>('/cat/Job', { limit: 3, offset })).json.data.map((j) => j.jobid);
      const [a, b] = [await page(0), await page(3)];
      expect(a.every((id) => !b.includes(id)), `pages overlap: ${a} and ${b}`);
      expect([...a, ...b].every((id, i, all) => i === 0 || id > all[i - 1]), `JobIds not ascending: ${[...a, ...b]}`);
      return `pages ${a.join(',') || '-'} | ${b.join(',') || '-'}: no overlap`;
    },
  },
  {
    name: 'GET /cat/JobTotals',
    async run(api) {
      const t = (await api.get<{ data: TotalsRow[] }>('/cat/JobTotals')).json.data[0];
      for (const k of ['jobs', 'files', 'bytes', 'joberrors'] as const) expect(Number.isInteger(t?.[k]), `${k} is not an integer`);
      const byStatus = Object.values(t.bystatus).reduce((a, b) => a + b, 0);
      expect(byStatus === t.jobs, `bystatus adds up to ${byStatus}, not ${t.jobs}`);
      return `${plural(t.jobs, 'job')}, ${plural(t.joberrors, 'error')}`;
    },
  },
  {
    name: 'GET /cat/JobLog',
    async run(api, f) {
      const j = needBackup(f);
      const rows = (await api.get<{ data: LogRow[] }>('/cat/JobLog', { jobid: j.jobid })).json.data;
      expect(rows.length > 0, `no log rows for JobId ${j.jobid}`);
      expect(rows.every((l) => l.jobid === j.jobid && l.logtext.includes(`JobId ${j.jobid}:`)), 'a row is not of the job');
      return `JobId ${j.jobid}: ${rows.length} rows`;
    },
  },
  {
    name: 'GET /cat/Pool',
    async run(api, f) {
      const rows = (await api.get<{ data: Array<{ poolid: number; name: string; maxvols: number }> }>('/cat/Pool')).json.data;
      expect(rows.length > 0, 'no pools');
      f.pool = rows.find((p) => p.name === 'Default') ?? rows[0];
      return rows.map((p) => p.name).join(', ');
    },
  },
  {
    name: 'GET /cat/Storage',
    async run(api, f) {
      const rows = (await api.get<{ data: Array<{ storageid: number; name: string }> }>('/cat/Storage')).json.data;
      expect(rows.length > 0, 'no storages');
      f.storage = rows[0].name;
      return rows.map((s) => s.name).join(', ');
    },
  },
  {
    name: 'GET /cat/Media',
    async run(api) {
      const rows = (await api.get<{ data: Array<{ volumename: string; volstatus: string }> }>('/cat/Media', { limit: 10 })).json.data;
      expect(rows.every((m) => typeof m.volumename === 'string' && typeof m.volstatus === 'string'), 'bad Media row');
      return `${plural(rows.length, 'volume')}`;
    },
  },
  {
    name: 'POST /cmd/estimate',
    async run(api, f) {
      const c = needClient(f);
      const e = (await api.post<{ data: { files: number; bytes: number } }>('/cmd/estimate', { client: c.name, level: 'F' })).json.data;
      expect(Number.isInteger(e.files) && Number.isInteger(e.bytes), 'files/bytes are not integers');
      return `${c.name} Full: ${plural(e.files, 'file')}, ${plural(e.bytes, 'byte')}`;
    },
  },
  {
    name: 'POST /cmd/run',
    writes: true,
    async run(api, f) {
      const c = needClient(f);
      const when = aYearAfter(f.health!.virtual_time);
      const q = (await api.post<{ data: { jobid: number; job: string } }>('/cmd/run', { job: `backup-${c.name}`, level: 'I', when, comment: 'bacula-mock smoke-test' })).json.data;
      expect(Number.isInteger(q.jobid), 'no jobid in the answer');
      f.queued = q.jobid;
      return `JobId ${q.jobid} queued to start at ${when}`;
    },
  },
  {
    name: 'POST /cmd/cancel',
    writes: true,
    async run(api, f) {
      const jobid = f.queued;
      if (jobid === undefined) throw new Skip('no job was queued by the run check');
      const c = (await api.post<{ data: { jobstatus: string } }>('/cmd/cancel', { jobid })).json.data;
      const row = (await api.get<{ data: JobRow[] }>('/cat/Job', { jobid })).json.data[0];
      expect(row?.jobstatus === 'A' || c.jobstatus === 'A', `JobId ${jobid} is ${row?.jobstatus}, not A`);
      return `JobId ${jobid} canceled (A)`;
    },
  },
  {
    name: 'POST /cmd/restore',
    writes: true,
    async run(api, f) {
      const j = needBackup(f);
      const q = (await api.post<{ data: { jobid: number } }>('/cmd/restore', { jobid: j.jobid, where: '/tmp/bacula-mock-smoke-test', files: 1 })).json.data;
      expect(Number.isInteger(q.jobid), 'no jobid in the answer');
      await api.post('/cmd/cancel', { jobid: q.jobid }).catch((e) => {
        // It may already have ended (a restore of one file is quick at high speed).
        if (!(e instanceof CliError && e.kind === 'conflict')) throw e;
      });
      return `restore of JobId ${j.jobid} queued as JobId ${q.jobid}, then canceled`;
    },
  },
  {
    name: 'POST /cmd/label',
    writes: true,
    async run(api, f) {
      if (!f.pool) throw new Skip('no pool');
      const volume = `Smoke-${f.health!.virtual_epoch}`;
      const m = (await api.post<{ data: { volumename: string; volstatus: string } }>('/cmd/label', { volume, pool: f.pool.name })).json.data;
      expect(m.volumename === volume && m.volstatus === 'Append', `got ${m.volumename} ${m.volstatus}`);
      f.volume = volume;
      return `${volume} in pool ${f.pool.name}: ${m.volstatus}`;
    },
  },
  {
    name: 'POST /cmd/update',
    writes: true,
    async run(api, f) {
      if (!f.pool) throw new Skip('no pool');
      const p = (await api.post<{ data: { name: string; maxvols: number } }>('/cmd/update', { pool: f.pool.name, maxvols: f.pool.maxvols })).json.data;
      expect(p.maxvols === f.pool.maxvols, `maxvols came back ${p.maxvols}`);
      return `pool ${p.name}: maxvols ${p.maxvols} (unchanged)`;
    },
  },
  {
    name: 'POST /cmd/purge',
    writes: true,
    async run(api, f) {
      if (!f.volume) throw new Skip('no volume was labelled by the label check');
      const r = (await api.post<{ data: { volstatus: string; jobids: number[] } }>('/cmd/purge', { volume: f.volume })).json.data;
      expect(r.volstatus === 'Purged' && r.jobids.length === 0, `got ${r.volstatus}, jobs ${r.jobids}`);
      return `${f.volume}: Purged, no jobs on it`;
    },
  },
  {
    name: 'POST /cmd/prune',
    writes: true,
    async run(api, f) {
      const c = needClient(f);
      // Only jobs past their retention go (the engine's auto-prune has taken them already, as a Director's does).
      const r = (await api.post<{ data: { jobids: number[] } }>('/cmd/prune', { client: c.name })).json.data;
      expect(Array.isArray(r.jobids), 'no jobids list');
      return `${c.name}: ${plural(r.jobids.length, 'expired job')} pruned`;
    },
  },
  {
    name: 'GET /cmd/list',
    async run(api) {
      const rows = (await api.get<{ data: unknown[] }>('/cmd/list', { what: 'jobs', limit: 5 })).json.data;
      expect(Array.isArray(rows), 'data is not a list');
      return `${rows.length} jobs`;
    },
  },
  {
    name: 'GET /status/director',
    async run(api) {
      const s = (await api.get<{ data: { header: { name: string }; running: unknown[]; terminated: unknown[]; scheduled: unknown[] } }>('/status/director')).json.data;
      expect(s.header?.name && Array.isArray(s.running) && Array.isArray(s.terminated) && Array.isArray(s.scheduled), 'missing header, scheduled, running or terminated');
      return `${s.header.name}: ${s.running.length} running, ${s.terminated.length} terminated`;
    },
  },
  {
    name: 'POST /status/client/',
    async run(api, f) {
      const c = needClient(f);
      const s = (await api.call<{ data: { header: { name: string } } }>('POST', '/status/client/', { query: { name: c.name } })).json.data;
      expect(s.header?.name === `${c.name}-fd`, `header name ${s.header?.name}`);
      return s.header.name;
    },
  },
  {
    name: 'GET /status/storage',
    async run(api, f) {
      if (!f.storage) throw new Skip('no storage');
      const s = (await api.get<{ data: { header: { name: string }; devices: unknown[] } }>('/status/storage', { name: f.storage })).json.data;
      expect(s.header?.name && Array.isArray(s.devices), 'missing header or devices');
      return `${s.header.name}: ${plural(s.devices.length, 'device')}`;
    },
  },
  {
    name: 'GET /res/director',
    async run(api, f) {
      const rows = (await api.get<{ data: Array<{ Name: string }> }>('/res/director', { resource: 'Client' })).json.data;
      expect(Array.isArray(rows) && rows.every((r) => typeof r.Name === 'string'), 'not a list of resources');
      if (f.client) expect(rows.some((r) => r.Name === f.client!.name), `no Client resource ${f.client.name}`);
      return `${rows.length} Client resources`;
    },
  },
  {
    name: 'GET /res/filedaemon',
    async run(api, f) {
      const c = needClient(f);
      const rows = (await api.get<{ data: Array<Record<string, unknown>> }>('/res/filedaemon', { client: c.name })).json.data;
      expect(rows.some((r) => 'FileDaemon' in r), 'no FileDaemon resource');
      return `${c.name}: ${rows.map((r) => Object.keys(r)[0]).join(', ')}`;
    },
  },
  {
    name: 'GET /res/storagedaemon',
    async run(api) {
      const rows = (await api.get<{ data: Array<Record<string, unknown>> }>('/res/storagedaemon')).json.data;
      expect(rows.some((r) => 'Storage' in r), 'no Storage resource');
      return rows.map((r) => Object.keys(r)[0]).join(', ');
    },
  },
  {
    name: 'POST /mock/initialize',
    run: async (api) => `${await refused(api.post('/mock/initialize', { clients: -1 }), 'bad_request')} (not run: it would replace the world)`,
  },
  {
    name: 'POST /mock/reset',
    run: async (api) => `${await refused(api.post('/mock/reset', { smoke: true }), 'bad_request')} (not run: it would empty the world)`,
  },
  {
    name: 'GET /mock/clock',
    async run(api) {
      const c = (await api.get<{ data: { virtual_time: string; speed: number; paused: boolean } }>('/mock/clock')).json.data;
      expect(SQL_TIME.test(c.virtual_time) && typeof c.speed === 'number', 'bad clock');
      return `${c.virtual_time}, speed ${c.speed}${c.paused ? ', paused' : ''}`;
    },
  },
  {
    name: 'GET /mock/events',
    async run(api) {
      const stream = await api.events({ events: 'job.status', keepalive: 60, progress: 0 }, () => undefined);
      stream.close();
      return 'event stream opened';
    },
  },
  {
    name: 'GET /bvfs/get_jobids',
    async run(api, f) {
      const j = needBackup(f);
      const ids = (await api.get<{ data: number[] }>('/bvfs/get_jobids', { jobid: j.jobid })).json.data;
      expect(ids.includes(j.jobid), `JobId ${j.jobid} not in its own chain ${ids}`);
      f.chain = ids;
      return `JobId ${j.jobid} restores from ${ids.join(',')}`;
    },
  },
  {
    name: 'GET /bvfs/lsdirs',
    async run(api, f) {
      const chain = f.chain;
      if (!chain) throw new Skip('no restore chain');
      const ls = async (path: string): Promise<Array<{ pathid: number; name: string }>> =>
        (await api.get<{ data: Array<{ pathid: number; name: string }> }>('/bvfs/lsdirs', { jobid: chain.join(','), path, limit: 50 })).json.data;
      // Start from the empty path, as a restore browser does: a Windows client's tree has no "/",
      // its roots are drives ("C:/"). Real Bacula answers `path=` with "." and the roots, and a
      // root with "." (itself) and ".." (the empty path) first (reference/real-bacula/50-bvfs-api2.txt).
      const top = await ls('');
      expect(top[0]?.name === '.', `path= (the top): first row is ${JSON.stringify(top[0]?.name)}, not "."`);
      const roots = top.filter((r) => r.name !== '.' && r.name !== '..');
      expect(roots.length > 0, 'path= (the top): no root directory ("/" or a drive)');
      const root = roots[0];
      const rows = await ls(root.name);
      expect(rows[0]?.name === '.' && rows[0].pathid === root.pathid, `path=${root.name}: first row is not "." of PathId ${root.pathid}`);
      expect(rows[1]?.name === '..' && rows[1].pathid === top[0].pathid, `path=${root.name}: second row is not ".." of PathId ${top[0].pathid}`);
      const subdirs = rows.length - 2;
      return `roots ${roots.map((r) => r.name).join(' ')}; ${root.name} holds ${subdirs} director${subdirs === 1 ? 'y' : 'ies'}${subdirs === 50 ? ' or more' : ''}`;
    },
  },
  {
    name: 'GET /openapi.json',
    async run(api) {
      const doc = (await api.get<{ openapi: string; paths: Record<string, unknown> }>('/openapi.json', undefined, { auth: false })).json;
      expect(typeof doc.openapi === 'string' && doc.paths, 'not an OpenAPI document');
      return `OpenAPI ${doc.openapi}, ${Object.keys(doc.paths).length} paths`;
    },
  },
  {
    name: 'GET /no/such/endpoint',
    run: (api) => refused(api.get('/no/such/endpoint'), 'not_found'),
  },
];
