import t from 'tap';
import { api, startServer, tempConfig, type Running } from './helpers/server.js';

const CONFIG = [
  'simulation:', '  default_clients: 6', '  history_days: 1', '  seed: 5', '  speed: 0',
  '  job_interval_min: 30', '  job_interval_max: 120', '  start_time: "2026-11-22T00:00:00"',
  'logging:', '  file: logs/test.log', '',
].join('\n');

type Json = any;

const send = (s: Running, method: string, path: string, json?: unknown) => api(s.url, path, { method, json });
const advance = (s: Running, by: string) => send(s, 'POST', '/mock/clock', { advance: by });
const jobIds = async (s: Running, client: string): Promise<number[]> =>
  (await api(s.url, `/cat/Job?client=${encodeURIComponent(client)}&limit=100000`)).body.data.map((j: Json) => j.jobid);

t.test('reads: bdirjson names and types, classes in any case, path and query forms', async (t) => {
  const s = await startServer(tempConfig(CONFIG).file);
  t.teardown(() => s.stop());
  t.equal((await api(s.url, '/res/director?resource=Client', { headers: { Authorization: '' } })).status, 401, '401 without credentials');

  const list = await api(s.url, '/res/director?resource=Client');
  t.equal(list.status, 200);
  t.equal(list.body.error, 0);
  t.equal(list.body.data.length, 6);
  const c = list.body.data[0];
  t.match(c, {
    Name: String, Address: String, FdPort: 9102, Password: /^[A-Za-z0-9]{32}$/, Catalog: 'MyCatalog',
    FileRetention: 5184000, JobRetention: 15552000, AutoPrune: true, MaximumConcurrentJobs: 1, Enabled: true,
  });
  t.same((await api(s.url, '/res/director/CLIENT')).body, list.body, '/res/director/client is the same list');
  t.same((await api(s.url, `/res/director?resource=client&name=${c.Name}`)).body.data, c, 'name= gives one resource');
  t.same((await api(s.url, `/res/director/client/${c.Name}`)).body.data, c);

  const job = (await api(s.url, `/res/director/job/backup-${c.Name}`)).body.data;
  t.match(job, {
    Name: `backup-${c.Name}`, Type: 'Backup', Level: 'Incremental', Messages: 'Standard', Storage: ['File'], Pool: 'Default',
    FullBackupPool: 'Full', IncrementalBackupPool: 'Incremental', Client: c.Name, Fileset: /Set$/, JobDefs: 'DefaultJob', Priority: 10,
  });
  const pool = (await api(s.url, '/res/director/pool/Incremental')).body.data;
  t.match(pool, { Name: 'Incremental', PoolType: 'Backup', MaximumVolumeBytes: Number, VolumeRetention: 2592000, AutoPrune: true, Recycle: true });
  const sched = (await api(s.url, '/res/director/schedule/WeeklyCycle')).body.data;
  t.same(sched.Run[0].DayOfWeek, [0]);
  t.same(sched.Run[0].WeekOfMonth, [0], 'Full 1st sun: as the real bdirjson prints it');
  t.same(sched.Run[1].WeekOfMonth, [1, 2, 3, 4]);
  t.same(sched.Run[2].DayOfWeek, [1, 2, 3, 4, 5, 6]);
  t.same(sched.Run[0].Hour, [23]);
  t.equal(sched.Run[0].Minute, 5);

  const all = (await api(s.url, '/res/director')).body.data.map((r: Json) => Object.keys(r)[0]);
  for (const cls of ['Director', 'Client', 'Job', 'Storage', 'Catalog', 'Schedule', 'Fileset', 'Pool', 'Messages', 'JobDefs']) {
    t.ok(all.includes(cls), `the full listing has ${cls}`);
  }
  t.equal((await api(s.url, '/res/director/counter')).body.data.length, 0, 'a class with no resource is an empty list');

  const fd = (await api(s.url, `/res/filedaemon?client=${c.Name}`)).body.data;
  t.same(fd.map((r: Json) => Object.keys(r)[0]), ['Director', 'FileDaemon', 'Messages']);
  t.equal(fd[0].Director.Password, c.Password, 'the FD knows the Director by the Client password');
  t.equal(fd[1].FileDaemon.Name, `${c.Name}-fd`);
  const sd = (await api(s.url, '/res/storagedaemon')).body.data;
  t.same(sd.map((r: Json) => Object.keys(r)[0]), ['Director', 'Storage', 'Device', 'Messages']);
  t.match((await api(s.url, '/res/storagedaemon/device/FileStorage')).body.data, { Name: 'FileStorage', MediaType: 'File', ArchiveDevice: String });

  for (const [path, status] of [
    ['/res/director/nosuchclass', 404], ['/res/director/client/nobody', 404], ['/res/director?name=x', 400],
    ['/res/director/client?resource=job', 400], ['/res/filedaemon?client=nobody', 404], ['/res/director?colour=red', 400],
  ] as const) {
    const r = await api(s.url, path);
    t.equal(r.status, status, `${path} → ${status}`);
    t.ok(r.body.error > 0 && typeof r.body.data === 'string', r.body.data);
  }
});

t.test('writes: read back, obeyed by the engine, refused with the directive named', async (t) => {
  const s = await startServer(tempConfig(CONFIG).file);
  t.teardown(() => s.stop());

  const made = await send(s, 'POST', '/res/director/client', { Name: 'web-new', Address: 'web-new.example.com', FDPort: 9202, JobRetention: '1 year' });
  t.equal(made.status, 200, 'created');
  t.match(made.body.data, { Name: 'web-new', Address: 'web-new.example.com', FdPort: 9202, JobRetention: 31536000, FileRetention: 5184000 });
  t.same((await api(s.url, '/res/director/client/web-new')).body.data, made.body.data, 'reads back as written');
  t.ok((await api(s.url, '/res/director/job/backup-web-new')).status === 200, 'with its own Backup Job');
  t.same(await jobIds(s, 'web-new'), [], 'no job yet');
  await advance(s, '1d');
  const ran = await jobIds(s, 'web-new');
  t.ok(ran.length >= 3, `the new Client ran ${ran.length} jobs in a virtual day`);

  const patched = await send(s, 'PATCH', '/res/director/client/web-new', { Address: '10.9.9.9' });
  t.match(patched.body.data, { Address: '10.9.9.9', FdPort: 9202, JobRetention: 31536000 }, 'PATCH changes what it names');
  const put = await send(s, 'PUT', '/res/director?resource=Client&name=web-new', { Address: '10.9.9.10' });
  t.match(put.body.data, { Address: '10.9.9.10', FdPort: 9102, JobRetention: 15552000 }, 'PUT replaces: the rest takes the defaults');

  // A Pool change shows in the catalog.
  const p = await send(s, 'PATCH', '/res/director/pool/Default', { MaximumVolumeBytes: '2G', MaximumVolumeJobs: 10 });
  t.match(p.body.data, { MaximumVolumeBytes: 2147483648, MaximumVolumeJobs: 10 });
  const row = (await api(s.url, '/cat/Pool')).body.data.find((r: Json) => r.name === 'Default');
  t.match(row, { maxvolbytes: 2147483648, maxvoljobs: 10 }, '/cat/Pool shows the new limits');

  // Delete a Client with a job running: documented to succeed; the job finishes, nothing new starts.
  const run = await send(s, 'POST', '/cmd/run', { job: 'backup-web-new', level: 'Full' });
  t.equal(run.status, 200);
  const gone = await send(s, 'DELETE', '/res/director/client/web-new');
  t.equal(gone.status, 200, 'a Client with a job running is deleted');
  t.same(gone.body.data.map((r: Json) => Object.keys(r)[0]), ['Job', 'Job', 'Client'], 'with its Backup and Verify Jobs');
  t.equal((await api(s.url, '/res/director/client/web-new')).status, 404);
  t.equal((await api(s.url, '/res/director/job/backup-web-new')).status, 404);
  const atDelete = await jobIds(s, 'web-new');
  await advance(s, '2d');
  t.same(await jobIds(s, 'web-new'), atDelete, 'no new job after the delete');
  const last = (await api(s.url, `/cat/Job?jobid=${run.body.data.jobid}`)).body.data[0];
  t.match(last.jobstatus, /^[TEfA]$/, `the job that was running finished (${last.jobstatus})`);
  t.ok((await api(s.url, '/cat/Client')).body.data.some((r: Json) => r.name === 'web-new'), 'the catalog keeps the Client row');
  t.equal((await send(s, 'POST', '/cmd/run', { job: 'backup-web-new' })).status, 404, 'its Job cannot be run');

  // Refusals.
  const client = (await api(s.url, '/res/director/client')).body.data[0].Name;
  for (const [method, path, body, status, message] of [
    ['POST', '/res/director/client', { Name: 'x1', Colour: 'blue' }, 400, /unknown directive "Colour"/],
    ['POST', '/res/director/client/x1', { FdPort: 'ninety' }, 400, /"FdPort" must be an integer/],
    ['POST', '/res/director/client/x1', { AutoPrune: 1 }, 400, /"AutoPrune" must be true or false/],
    ['POST', '/res/director/job/j1', { Client: client, Fileset: 'NoSuchSet' }, 400, /"Fileset" refers to FileSet "NoSuchSet"/],
    ['POST', '/res/director/job/j1', { Client: client, Schedule: 'Never', Type: 'Admin' }, 400, /"Schedule" refers to Schedule "Never"/],
    ['POST', '/res/director/client', { Address: 'x' }, 400, /"Name" is required/],
    ['POST', `/res/director/client/${client}`, {}, 409, /already exists/],
    ['PATCH', '/res/director/pool/NoSuchPool', { Recycle: false }, 404, /Pool resource "NoSuchPool" not found/],
    ['DELETE', '/res/director/fileset/NoSuchSet', undefined, 404, /not found/],
    ['DELETE', `/res/director/schedule/DailyMaintenance`, undefined, 409, /used by Job "AdminMaintenance"/],
    ['PUT', '/res/director/storage/File', {}, 405, /read-only/],
    ['PATCH', '/res/director/client', {}, 400, /Which Client\?/],
    ['POST', '/res/director/schedule/s1', ['at 01:00'], 400, /JSON object/],
    ['POST', '/res/director/schedule/s1', { Run: [{ Hour: [1, 13] }] }, 400, /"Run.Hour"/],
  ] as const) {
    const r = await send(s, method, path, body);
    t.equal(r.status, status, `${method} ${path} ${JSON.stringify(body)} → ${status}`);
    t.match(r.body.data, message);
  }
  t.equal((await send(s, 'PUT', '/res/director/storage/File', {})).headers.get('allow'), 'GET');
  t.equal((await send(s, 'POST', '/res/filedaemon/filedaemon', {})).status, 405, 'File daemon resources are read-only');
});

t.test('a Schedule read and written back is the same; resources survive a restart', async (t) => {
  const { file } = tempConfig(CONFIG);
  let s = await startServer(file);
  t.teardown(() => s.stop());
  const weekly = (await api(s.url, '/res/director/schedule/WeeklyCycle')).body.data;
  t.equal((await send(s, 'POST', '/res/director/schedule/Copy', { Run: weekly.Run })).status, 200, 'the Run objects of a read are accepted');
  t.same((await api(s.url, '/res/director/schedule/Copy')).body.data.Run, weekly.Run, 'and read back the same');

  const writes: Array<[string, unknown]> = [
    ['/res/director/fileset/KeptSet', { Include: [{ File: ['/kept'], Options: [{ Signature: 'SHA1' }] }], Exclude: { File: ['/kept/tmp'] } }],
    ['/res/director/pool/KeptPool', { LabelFormat: 'Kept-', MaximumVolumes: 9, VolumeRetention: '3 months' }],
    ['/res/director/schedule/KeptSchedule', { Run: ['Level=Full sun at 03:30', 'Level=Incremental mon-sat at 03:30'] }],
    ['/res/director/client/kept-fd', { FdPort: 9777, Password: 'pass-kept', Enabled: false }],
    ['/res/director/job/kept-job', { Client: 'kept-fd', Fileset: 'KeptSet', Pool: 'KeptPool', Schedule: 'KeptSchedule', Priority: 20 }],
  ];
  for (const [path, body] of writes) t.equal((await send(s, 'POST', path, body)).status, 200, `POST ${path}`);
  const victim = (await api(s.url, '/res/director/client')).body.data[0].Name;
  t.equal((await send(s, 'DELETE', `/res/director/client/${victim}`)).status, 200);
  const before = await Promise.all(writes.map(async ([path]) => (await api(s.url, path)).body.data));

  t.equal(await s.stop('SIGTERM'), 0, 'stopped cleanly');
  s = await startServer(file);
  const after = await Promise.all(writes.map(async ([path]) => (await api(s.url, path)).body.data));
  t.same(after, before, 'every resource reads back the same after a restart');
  t.match(after[3], { FdPort: 9777, Password: 'pass-kept', Enabled: false });
  t.equal((await api(s.url, `/res/director/client/${victim}`)).status, 404, 'the deleted Client stays deleted');

  // Killed without a snapshot, the journal replays the writes.
  t.equal((await send(s, 'PATCH', '/res/director/job/kept-job', { Priority: 7, Enabled: false })).status, 200);
  t.equal((await send(s, 'DELETE', '/res/director/schedule/Copy')).status, 200);
  await s.stop('SIGKILL');
  s = await startServer(file);
  t.match((await api(s.url, '/res/director/job/kept-job')).body.data, { Priority: 7, Enabled: false, Schedule: 'KeptSchedule' }, 'a change made before a kill is kept');
  t.equal((await api(s.url, '/res/director/schedule/Copy')).status, 404, 'and so is a delete');
  t.same((await api(s.url, '/res/director/fileset/KeptSet')).body.data, before[0]);
});
