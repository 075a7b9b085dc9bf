import t from 'tap';
import { api, startServer, tempConfig, type Running } from './helpers/server.js';

const CONFIG = [
  'simulation:', '  default_clients: 10', '  history_days: 3', '  seed: 5', '  start_time: "2026-11-22T00:00:00"',
  'logging:', '  file: logs/test.log', '',
].join('\n');

interface Row { pathid: number; filenameid: number; fileid: number; jobid: number; lstat: string; name: string }
interface Job { jobid: number; type: string; level: string; jobstatus: string; jobfiles: number; jobbytes: number; hascache: number; client: string; starttime: string }

let s: Running;
const get = async (path: string) => api(s.url, path);
const post = async (path: string, json: unknown) => api(s.url, path, { method: 'POST', json });
const ok = async (path: string) => {
  const r = await get(path);
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const job = async (id: number): Promise<Job> => (await ok(`/cat/Job?jobid=${id}`)).data[0];
const epoch = (sql: string): number => Date.parse(`${sql.replace(' ', 'T')}Z`) / 1000;

/** Bacula base64 digits of one LStat field. */
const b64 = (v: string): number => [...v].reduce((n, ch) => n * 64 + 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.indexOf(ch), 0);

/** An Incremental whose restore needs several jobs, and those jobs. */
let chain: number[];
let incr: Job;

t.before(async () => {
  s = await startServer(tempConfig(CONFIG).file);
  await post('/mock/clock', { paused: true });
  const incrs: Job[] = (await ok('/cat/Job?type=B&jobstatus=T&level=I&order=desc&limit=100')).data;
  for (const j of incrs) {
    const ids: number[] = (await ok(`/bvfs/get_jobids?jobid=${j.jobid}`)).data;
    if (ids.length >= 2 && j.jobfiles > 50) {
      chain = ids;
      incr = j;
      break;
    }
  }
});
t.teardown(() => s.stop());

t.test('get_jobids: the Full, Differential and Incrementals a restore needs', async (t) => {
  t.ok(chain, `found a chain: ${chain}`);
  t.equal(chain[chain.length - 1], incr.jobid, 'ending with the job asked for');
  t.equal((await job(chain[0])).level, 'F', 'starting with its Full');
  t.same(chain, [...chain].sort((a, b) => a - b), 'oldest first');
  const byClient: number[] = (await ok(`/bvfs/get_jobids?client=${incr.client}`)).data;
  t.ok(chain.every((id) => byClient.includes(id)), 'client= lists every successful backup of the client');
  t.equal((await ok(`/bvfs/get_jobids?client=${incr.client}&count=1`)).data, byClient.length, 'count=1 counts them');
});

t.test('BVFS browsing down several levels', async (t) => {
  const jobid = chain.join(',');
  let rows: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&path=`)).data;
  t.same(rows.map((r) => r.name), ['.', rows[1]?.name], "path= lists '.' and the top directory");
  t.match(rows[1].name, /^(\/|[A-Z]:\/)$/, 'the top directory is / or a drive');
  let path = '';
  let here = rows[0];
  let depth = 0;
  let withFiles: { path: string; pathid: number } | null = null;
  for (;;) {
    const dirs = rows.filter((r) => r.name !== '.' && r.name !== '..');
    t.ok(dirs.every((d) => d.name.endsWith('/') && d.filenameid === 0), `${path || "''"}: sub-directories end with / and have FilenameId 0`);
    t.same(dirs.map((d) => d.name), dirs.map((d) => d.name).sort(), 'sorted by name');
    if (!dirs.length) break;
    // Go down where there is more below (a look one level ahead), else into the first.
    let next = dirs[0];
    for (const d of dirs.slice(0, 12)) {
      const below: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&pathid=${d.pathid}`)).data;
      if (below.some((r) => r.name.endsWith('/'))) {
        next = d;
        break;
      }
    }
    path += next.name;
    depth++;
    rows = (await ok(`/bvfs/lsdirs?jobid=${jobid}&pathid=${next.pathid}`)).data;
    t.match(rows[0], { name: '.', pathid: next.pathid, fileid: next.fileid, jobid: next.jobid }, `${path}: '.' is the directory itself`);
    t.match(rows[1], { name: '..', pathid: here.pathid }, "'..' is its parent");
    t.same((await ok(`/bvfs/lsdirs?jobid=${jobid}&path=${encodeURIComponent(path)}`)).data, rows, 'path= and pathid= list the same');
    const files: Row[] = (await ok(`/bvfs/lsfiles?jobid=${jobid}&pathid=${next.pathid}&limit=1`)).data;
    if (files.length) withFiles = { path, pathid: next.pathid };
    here = rows[0];
  }
  t.ok(depth >= 4, `went ${depth} levels down to ${path}`);
  t.ok(withFiles, `found files on the way (${withFiles?.path})`);

  const all: Row[] = (await ok(`/bvfs/lsfiles?jobid=${jobid}&pathid=${withFiles!.pathid}`)).data;
  t.ok(all.length > 0);
  t.same(all.map((f) => f.name), all.map((f) => f.name).sort(), 'files sorted by name');
  t.equal(new Set(all.map((f) => f.name)).size, all.length, 'each name once (its newest version)');
  for (const f of all.slice(0, 30)) {
    t.equal(f.filenameid, f.fileid, 'FilenameId repeats the FileId');
    t.equal(f.pathid, withFiles!.pathid);
    t.ok(chain.includes(f.jobid), 'from one of the jobs');
    t.notOk(f.name.includes('/'), 'a file name has no slash');
    const fields = f.lstat.split(' ');
    t.equal(fields.length, 16, 'LStat has the 16 encode_stat fields');
    t.ok(b64(fields[11]) < epoch((await job(f.jobid)).starttime), 'modified before its backup started');
  }
  const page: Row[] = (await ok(`/bvfs/lsfiles?jobid=${jobid}&pathid=${withFiles!.pathid}&limit=2&offset=1`)).data;
  t.same(page, all.slice(1, 3), 'limit and offset page through the listing');
  const one: Row[] = (await ok(`/bvfs/lsfiles?jobid=${jobid}&pathid=${withFiles!.pathid}&filename=${encodeURIComponent(all[0].name)}`)).data;
  t.same(one, [all[0]], 'filename= picks one file');
  const posted = await post('/bvfs/lsfiles', { jobid: chain, pathid: withFiles!.pathid, limit: 3 });
  t.match(posted.body, { data: all.slice(0, 3), error: 0, limit: 3, offset: 0 }, 'POST with a JSON body answers the same');
});

t.test('versions of a file across the client\'s backups', async (t) => {
  const jobid = chain.join(',');
  // A file that the Incremental itself saved.
  let found: Row | null = null;
  const walk = async (pathid: number, depth: number): Promise<void> => {
    if (found || depth > 12) return;
    const files: Row[] = (await ok(`/bvfs/lsfiles?jobid=${jobid}&pathid=${pathid}`)).data;
    found = files.find((f) => f.jobid === incr.jobid) ?? null;
    const dirs: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&pathid=${pathid}`)).data;
    for (const d of dirs.filter((r) => r.name.endsWith('/'))) await walk(d.pathid, depth + 1);
  };
  await walk((await ok(`/bvfs/lsdirs?jobid=${jobid}&path=`)).data[0].pathid, 0);
  t.ok(found, 'a file saved by the Incremental');
  const f = found as unknown as Row;
  const v = await ok(`/bvfs/versions?client=${incr.client}&pathid=${f.pathid}&fnid=${f.fileid}`);
  t.ok(v.data.length >= 1, `${v.data.length} version(s)`);
  t.ok(v.data.some((r: Row) => r.fileid === f.fileid && r.jobid === incr.jobid), 'the version asked about is there');
  for (const r of v.data) {
    t.match(r, { pathid: f.pathid, name: f.name, md5: /^[A-Za-z0-9+/]{22}$/, volumename: /^Vol-\d+$/, inchanger: 0 });
  }
  t.same(v.data.map((r: Row) => r.jobid), [...v.data.map((r: Row) => r.jobid)].sort((a: number, b: number) => a - b), 'oldest first');
});

t.test('update marks HasCache; clear_cache needs yes and clears it', async (t) => {
  const before = await job(incr.jobid);
  t.equal(before.hascache, 0, 'no cache yet');
  const up = await post('/bvfs/update', { jobid: chain.join(',') });
  t.equal(up.status, 200);
  t.ok(up.body.data.updated >= 1, `updated ${up.body.data.updated}`);
  t.equal((await job(incr.jobid)).hascache, 1, 'HasCache=1 in the catalog');
  t.equal((await post('/bvfs/update?jobid=999999', {})).status, 404, 'an unknown JobId is 404');
  t.equal((await get('/bvfs/update')).status, 405, 'a change is POST only');
  const no = await post('/bvfs/clear_cache', {});
  t.equal(no.status, 400);
  t.match(no.body.data, /yes/);
  t.equal((await post('/bvfs/clear_cache?yes', {})).status, 200);
  t.equal((await job(incr.jobid)).hascache, 0, 'HasCache=0 again');
});

t.test('restoring a whole Full selects exactly its JobFiles and JobBytes', async (t) => {
  const full = await job(chain[0]);
  const top: Row[] = (await ok(`/bvfs/lsdirs?jobid=${full.jobid}&path=`)).data;
  const list = await post('/bvfs/restore', { jobid: full.jobid, dirid: top[0].pathid });
  t.equal(list.status, 200);
  t.match(list.body.data, { path: /^b2\d+$/, jobids: [full.jobid], files: full.jobfiles, bytes: full.jobbytes });
  t.equal((await post('/bvfs/cleanup', { path: list.body.data.path })).status, 200);
});

t.test('a BVFS selection restores as a Restore job of that many files', async (t) => {
  const jobid = chain.join(',');
  const root: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&path=`)).data;
  const top: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&pathid=${root[1].pathid}`)).data;
  const dir = top.find((r) => r.name.endsWith('/'))!;
  const dirs: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&pathid=${dir.pathid}`)).data;
  const sub = dirs.find((r) => r.name.endsWith('/')) ?? dir;
  const list = await post('/bvfs/restore', { path: 'b21795300000', jobid, dirid: String(sub.pathid) });
  t.equal(list.status, 200, JSON.stringify(list.body));
  t.match(list.body.data, { path: 'b21795300000', jobids: chain });
  const files = list.body.data.files;
  t.ok(files > 0, `${files} files selected`);

  const run = await post('/bvfs/restore', { path: 'b21795300000', run: true, where: '/tmp/bvfs-restore' });
  t.equal(run.status, 200, JSON.stringify(run.body));
  t.match(run.body.data, { path: 'b21795300000', files, jobid: Number, job: /^RestoreFiles\./ });
  const restore = await job(run.body.data.jobid);
  t.equal(restore.type, 'R', 'a Restore job in the catalog');
  await post('/mock/clock', { advance: '6h' });
  const done = await job(run.body.data.jobid);
  t.match(done, { type: 'R', jobstatus: /^[TE]$/, jobfiles: files }, 'it ran, restoring the selected files');
  const log = (await ok(`/cat/JobLog?jobid=${done.jobid}`)).data.map((r: { logtext: string }) => r.logtext).join('');
  t.match(log, `Restoring files from JobId(s) ${chain.join(',')}`);
  t.match(log, new RegExp(`Files Expected:\\s+${files.toLocaleString('en-US')}\\n`));

  t.equal((await post('/bvfs/cleanup', { path: 'b21795300000' })).status, 200, 'cleanup drops the list');
  t.equal((await post('/bvfs/cleanup', { path: 'b21795300000' })).status, 404, 'and then it is gone');
  t.equal((await post('/bvfs/restore', { path: 'b21795300000', run: true })).status, 404, 'nothing left to run');
});

t.test('errors: missing arguments are 400, unknown jobs 404', async (t) => {
  const jobid = chain.join(',');
  const cases: Array<[string, number, RegExp]> = [
    ['/bvfs/lsdirs?path=/', 400, /Can't find jobid, pathid or path argument/],
    [`/bvfs/lsdirs?jobid=${jobid}`, 400, /Can't find jobid, pathid or path argument/],
    ['/bvfs/lsfiles?jobid=999999&path=/', 404, /JobId 999999 not found/],
    ['/bvfs/lsdirs?jobid=abc&path=/', 400, /jobid/],
    [`/bvfs/lsfiles?jobid=${jobid}&path=/&pattern=(`, 400, /pattern/],
    [`/bvfs/lsfiles?jobid=${jobid}&path=/&colour=red`, 400, /Unknown parameter "colour"/],
    [`/bvfs/versions?pathid=1&fnid=1`, 400, /Can't find client or fnid argument/],
    [`/bvfs/versions?client=nobody&pathid=1&fnid=1`, 404, /Client "nobody" not found/],
    ['/bvfs/get_jobids', 400, /Can't find jobid/],
    ['/bvfs/get_jobids?jobid=999999', 404, /not found/],
  ];
  // What changes something is POST only.
  const changes: Array<[string, number, RegExp]> = [
    ['/bvfs/cleanup', 400, /path/],
    ['/bvfs/cleanup?path=b2123', 404, /No restore list/],
  ];
  for (const [path, status, message] of [...cases, ...changes]) {
    const r = cases.some((c) => c[0] === path) ? await get(path) : await post(path, {});
    t.equal(r.status, status, path);
    t.match(r.body, { data: message, error: Number }, `${path}: ${r.body.data}`);
  }
  const bad = await post('/bvfs/restore', { path: 'tmp1', jobid, dirid: 1 });
  t.equal(bad.status, 400, 'a list must be named b2<digits>');
  t.equal((await post('/bvfs/restore', { jobid })).status, 400, 'nothing selected');
  t.equal((await post('/bvfs/restore', { jobid: 999999, fileid: 1 })).status, 404, 'unknown job');
  t.equal((await post('/bvfs/restore', { jobid, fileid: 12345 })).status, 404, 'a FileId of no job listed');
  const none: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&path=/no/such/dir/`)).data;
  t.same(none, [], 'an unknown path lists nothing, as the Director does');
  t.equal((await api(s.url, '/bvfs/lsdirs', { method: 'DELETE' })).status, 405);
});

/** Walks down from the top of `jobid`'s tree to the first directory with files: its Path, PathId and files. */
async function firstFiles(jobid: string): Promise<{ path: string; pathid: number; files: Row[] }> {
  const queue: Array<{ path: string; pathid: number }> = [];
  const root: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&path=`)).data;
  queue.push({ path: root[1].name, pathid: root[1].pathid });
  while (queue.length) {
    const here = queue.shift()!;
    const files: Row[] = (await ok(`/bvfs/lsfiles?jobid=${jobid}&pathid=${here.pathid}`)).data;
    if (files.length) return { ...here, files };
    const dirs: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&pathid=${here.pathid}`)).data;
    queue.push(...dirs.filter((d) => d.name.endsWith('/')).map((d) => ({ path: here.path + d.name, pathid: d.pathid })));
  }
  throw new Error(`no files in JobIds ${jobid}`);
}

t.test('lsdirs takes the arguments of the 13.x Director: dironly, ujobid, pattern on the whole path', async (t) => {
  const jobid = chain.join(',');
  const root: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&path=`)).data;
  const top = root[1].name;
  const all: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&path=${encodeURIComponent(top)}`)).data;
  t.ok(all.length > 2, `${top} has sub-directories (${all.slice(2).map((r) => r.name).join(' ')})`);
  const only: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&path=${encodeURIComponent(top)}&dironly`)).data;
  t.same(only, all.slice(0, 2), 'dironly: only . and .. (the Director skips the sub-directories)');
  t.same((await post('/bvfs/lsdirs', { jobid, path: top, dironly: true })).body.data, only, 'also as a JSON flag');

  const sub = all[2].name;
  const anchored: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&path=${encodeURIComponent(top)}&pattern=${encodeURIComponent(`^${(top + sub).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)}`)).data;
  t.same(anchored.map((r) => r.name), ['.', '..', sub], 'pattern matches the sub-directory\'s whole Path, as Path2.Path ~ pattern');
  const bare: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&path=${encodeURIComponent(top)}&pattern=${encodeURIComponent(`^${sub.slice(0, -1)}$`)}`)).data;
  t.same(bare.map((r) => r.name), ['.', '..'], 'not its bare name');

  const unique = (await ok(`/cat/Job?jobid=${incr.jobid}`)).data[0].job;
  const byName: Row[] = (await ok(`/bvfs/lsdirs?ujobid=${encodeURIComponent(unique)}&path=${encodeURIComponent(top)}`)).data;
  t.same(byName, (await ok(`/bvfs/lsdirs?jobid=${incr.jobid}&path=${encodeURIComponent(top)}`)).data, 'ujobid= browses that one job, as jobid= does');
  const files = await firstFiles(String(incr.jobid));
  t.same((await ok(`/bvfs/lsfiles?ujobid=${encodeURIComponent(unique)}&pathid=${files.pathid}`)).data, files.files, 'lsfiles takes ujobid= too');
  t.equal((await get(`/bvfs/lsdirs?jobid=${incr.jobid}&ujobid=${encodeURIComponent(unique)}&path=/`)).status, 400, 'jobid and ujobid together are refused');
  t.equal((await get(`/bvfs/lsdirs?ujobid=nosuch.2026-01-01_00.00.00_01&path=/`)).status, 404, 'an unknown ujobid is 404');
});

t.test("a client's FileSet names the directories its trees begin with", async (t) => {
  const fileset = (await ok(`/cat/Job?jobid=${chain[0]}`)).data[0].fileset;
  const res = (await ok(`/res/director/fileset/${fileset}`)).data;
  const lines: string[] = res.Include.flatMap((b: { File: string[] }) => b.File);
  t.ok(lines.length >= 1, `${fileset}: ${lines.join(' ')}`);
  const jobid = chain.join(',');
  const root: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&path=`)).data;
  const top = root[1].name;
  for (const line of lines) {
    const dir = line.endsWith('/') ? line : `${line}/`;
    const rows: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&path=${encodeURIComponent(dir)}`)).data;
    t.ok(rows.length > 0, `${dir} is in the tree`);
    // The top directories (`/`, `C:/`) are never saved themselves; an Include directory below them is.
    if (dir !== top && !/^[A-Z]:\/$/.test(dir)) t.ok(rows[0]?.fileid > 0, `${dir} is saved as an entry`);
  }
  const firsts = new Set(lines.map((l) => l.slice(top.length).split('/')[0]).filter(Boolean).map((n) => `${n}/`));
  const shown: Row[] = (await ok(`/bvfs/lsdirs?jobid=${jobid}&path=${encodeURIComponent(top)}`)).data;
  if (top === '/') t.same(shown.slice(2).map((r) => r.name).sort(), [...firsts].sort(), `${top} holds exactly what the Include lines lead to`);
});

t.test('/cmd/restore takes the paths to restore, as BVFS shows them', async (t) => {
  const jobid = chain.join(',');
  const found = await firstFiles(jobid);
  const file = found.files[0];
  const one = await post('/cmd/restore', { jobid: incr.jobid, files: [found.path + file.name], where: '/tmp/by-path' });
  t.equal(one.status, 200, JSON.stringify(one.body));
  const dirList = await post('/bvfs/restore', { jobid, dirid: found.pathid });
  const byDir = await post('/cmd/restore', { jobid: incr.jobid, files: [found.path] });
  t.equal(byDir.status, 200, JSON.stringify(byDir.body));
  const noSlash = await post('/cmd/restore', { jobid: incr.jobid, files: [found.path.slice(0, -1)] });
  t.equal(noSlash.status, 200, 'a directory without its trailing / is the directory');
  const unknown = await post('/cmd/restore', { jobid: incr.jobid, files: [found.path, `${found.path}no-such-file.txt`] });
  t.equal(unknown.status, 400);
  t.match(unknown.body, { data: new RegExp(`"${found.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}no-such-file\\.txt" is not a file or directory of JobIds ${jobid}`), error: Number }, 'an unknown path is refused by name');
  for (const bad of [['etc/hosts'], [], [42], 'x']) {
    const r = await post('/cmd/restore', { jobid: incr.jobid, files: bad });
    t.equal(r.status, 400, `files: ${JSON.stringify(bad)} is refused (${r.body.data})`);
  }
  t.equal((await post('/cmd/restore', { jobid: incr.jobid, files: 5 })).status, 200, 'a number of files still works');

  await post('/mock/clock', { advance: '6h' });
  const restored = await job(one.body.data.jobid);
  t.match(restored, { type: 'R', jobfiles: 1, jobbytes: restored.jobstatus === 'T' ? b64(file.lstat.split(' ')[7]) : Number }, 'one file: JobFiles 1 and its size');
  const dir = await job(byDir.body.data.jobid);
  t.match(dir, { type: 'R', jobfiles: dirList.body.data.files }, 'a directory: everything below it, as the BVFS selection of it');
  if (dir.jobstatus === 'T') t.equal(dir.jobbytes, dirList.body.data.bytes, 'and its bytes');
  t.equal((await job(noSlash.body.data.jobid)).jobfiles, dirList.body.data.files);
  const log = (await ok(`/cat/JobLog?jobid=${dir.jobid}`)).data.map((r: { logtext: string }) => r.logtext).join('');
  t.match(log, `Restoring files from JobId(s) ${jobid}`, "it reads the job's whole chain");
});

t.test('/cmd/restore by path from a client: its latest backups', async (t) => {
  const backups: number[] = (await ok(`/bvfs/get_jobids?client=${incr.client}`)).data;
  const latest: number[] = (await ok(`/bvfs/get_jobids?jobid=${backups[backups.length - 1]}`)).data;
  const root: Row[] = (await ok(`/bvfs/lsdirs?jobid=${latest.join(',')}&path=`)).data;
  const whole = await post('/bvfs/restore', { jobid: latest.join(','), dirid: root[1].pathid });
  const r = await post('/cmd/restore', { client: incr.client, files: [root[1].name] });
  t.equal(r.status, 200, JSON.stringify(r.body));
  await post('/mock/clock', { advance: '6h' });
  const done = await job(r.body.data.jobid);
  t.equal(done.jobfiles, whole.body.data.files, `${root[1].name} of the latest chain (${latest.join(',')}): all of it`);
  t.equal((await post('/cmd/restore', { client: 'nobody', files: ['/etc/'] })).status, 404, 'an unknown client is 404');
});

t.test('a FileSet written over HTTP shapes the next backup of a Job using it', async (t) => {
  const jobid = chain.join(',');
  const earlier = await firstFiles(jobid);
  const make = await post('/res/director/fileset', { Name: 'ApiDataSet', Include: [{ File: ['/srv/api-data'] }], Exclude: { File: ['/srv/api-data/logs'] } });
  t.equal(make.status, 200, JSON.stringify(make.body));
  const relative = await post('/res/director/fileset', { Name: 'BadSet', Include: [{ File: ['srv/data'] }] });
  t.equal(relative.status, 400, 'a relative File line is refused');
  t.match(relative.body.data, /absolute path/);
  const client = incr.client;
  t.equal((await post('/res/director/job', { Name: 'backup-api-data', Type: 'Backup', Client: client, Fileset: 'ApiDataSet', Pool: 'Default', Storage: 'File' })).status, 200);
  const run = await post('/cmd/run', { job: 'backup-api-data', level: 'F' });
  t.equal(run.status, 200, JSON.stringify(run.body));
  await post('/mock/clock', { advance: '12h' });
  const done = await job(run.body.data.jobid);
  t.match(done, { jobstatus: /^[TEf]$/, jobfiles: Number }, 'the backup ran');
  t.ok(done.jobfiles > 0, `and saved files (${done.jobfiles}, JobStatus ${done.jobstatus})`);
  const root: Row[] = (await ok(`/bvfs/lsdirs?jobid=${done.jobid}&path=`)).data;
  const top = root[1].name;
  const srv: Row[] = (await ok(`/bvfs/lsdirs?jobid=${done.jobid}&path=${encodeURIComponent(`${top}srv/`)}`)).data;
  t.same(srv.slice(2).map((r) => r.name), ['api-data/'], `${top}srv/ holds only the FileSet's directory`);
  const data: Row[] = (await ok(`/bvfs/lsdirs?jobid=${done.jobid}&path=${encodeURIComponent(`${top}srv/api-data/`)}`)).data;
  t.ok(data[0].fileid > 0, 'which is saved');
  t.notOk(data.some((r) => r.name === 'logs/'), 'less what the FileSet excludes');
  const whole = await post('/bvfs/restore', { jobid: done.jobid, dirid: root[1].pathid });
  t.match(whole.body.data, { files: done.jobfiles, bytes: done.jobbytes }, 'and it holds the whole job');
  t.same(await firstFiles(jobid), earlier, 'the jobs before keep their trees');
});
