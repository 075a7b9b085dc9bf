import t, { type Test } from 'tap';
import { SLOW_WORLD } from './fixtures/slow-world.js';
import { api, startServer, tempConfig } from './helpers/server.js';

type Shape = Record<string, 'number' | 'string'>;
const n = 'number' as const;
const s = 'string' as const;

/** Key names, in Bacula's order, and JSON types of each status object (reference §4.3-4.5). */
const SHAPES = {
  dirHeader: {
    name: s, version: s, uname: s, started_epoch: n, started: s, reloaded_epoch: n, reloaded: s, pid: n, jobs_run: n,
    jobs_running: n, nclients: n, nstores: n, npools: n, ncats: n, nfset: n, nscheds: n, plugins: s, fips: n, crypto: s,
    debug: n, trace: n, tags: s,
  },
  scheduled: { name: s, level: s, type: s, priority: n, schedtime_epoch: n, schedtime: s, volume: s, pool: s, storage: s },
  dirRunning: {
    jobid: n, level: s, type: s, status: s, status_desc: s, comment: s, jobbytes: n, jobfiles: n, job: s, name: s,
    clientname: s, fileset: s, storage: s, rstorage: s, schedtime_epoch: n, schedtime: s, starttime_epoch: n, starttime: s,
    priority: n, errors: n,
  },
  dirTerminated: {
    jobid: n, level: s, type: s, status: s, status_desc: s, jobbytes: n, jobfiles: n, job: s, starttime_epoch: n,
    starttime: s, endtime_epoch: n, endtime: s, errors: n,
  },
  fdHeader: {
    name: s, version: s, uname: s, started_epoch: n, started: s, pid: n, jobs_run: n, jobs_running: n, winver: s, debug: n,
    trace: n, tags: s, bwlimit: n, plugins: s, pkiencryption: n, pkisignature: n, pkicipher: s, pkidigest: s, fips: n,
    crypto: s, gpfs: n,
  },
  fdRunning: {
    jobid: n, job: s, vss: n, level: s, type: s, status: s, starttime_epoch: n, starttime: s, jobfiles: n, jobbytes: n,
    bytes_sec: n, errors: n, bwlimit: n, readbytes: n, readbytes_sec: n, files_examined: n, processing_file: s,
    sdreadseqno: n, fd: n, sdtls: n, dirtls: n,
  },
  terminated: {
    jobid: n, level: s, type: s, status: s, status_desc: s, jobbytes: n, jobfiles: n, job: s, name: s, starttime_epoch: n,
    starttime: s, endtime_epoch: n, endtime: s, errors: n,
  },
  sdHeader: {
    name: s, version: s, uname: s, started_epoch: n, started: s, pid: n, jobs_run: n, jobs_running: n, ndevices: n,
    nautochgr: n, plugins: s, drivers: s, fips: n, openssl: s, debug: n, trace: n, tags: s,
  },
  sdRunning: {
    jobid: n, job: s, level: s, type: s, status: s, jobbytes: n, jobfiles: n, starttime_epoch: n, starttime: s, errors: n,
    newbsr: n, read_volume: s, read_pool: s, read_device: s, write_volume: s, write_pool: s, write_device: s, spooling: n,
    despooling: n, despool_wait: n, avebytes_sec: n, lastbytes_sec: n,
  },
  device: {
    name: s, archive_device: s, type: s, media_type: s, open: n, writers: n, maximum_concurrent_jobs: n,
    maximum_volume_size: n, read_only: n, autoselect: n, enabled: n, free_space: n, total_space: n, devno: n, mounted: n,
    waiting: n, volume: s, pool: s, blocked_desc: s, blocked: n, append: n, bytes: n, blocks: n, file: n, block: n,
  },
  volume: {
    volume: s, pool: s, media_type: s, device: s, archive_device: s, reader: n, writers: n, reserves: n, volinuse: n,
    worm: n, volbytes: n,
  },
} satisfies Record<string, Shape>;

/** Same keys in the same order, each of its type; every `X_epoch` agrees with `X` (the zone is UTC). */
function checkShape(t: Test, obj: Record<string, unknown>, shape: Shape, what: string): void {
  t.same(Object.keys(obj), Object.keys(shape), `${what}: keys`);
  for (const [k, type] of Object.entries(shape)) {
    if (typeof obj[k] !== type) t.fail(`${what}.${k} is ${typeof obj[k]} (${JSON.stringify(obj[k])}), expected ${type}`);
    if (k.endsWith('_epoch')) {
      const text = new Date((obj[k] as number) * 1000).toISOString().slice(0, 19).replace('T', ' ');
      t.equal(obj[k.slice(0, -6)], text, `${what}.${k.slice(0, -6)} is ${k} in the Director's zone`);
    }
  }
  // Job objects: Level, Type and Status are letters.
  if ('jobid' in shape) for (const k of ['level', 'type', 'status']) if (k in shape) t.equal((obj[k] as string).length, 1, `${what}.${k} is one letter`);
}

const post = (json: unknown) => ({ method: 'POST', json });

t.test('status of the Director, a client and the storage, with a job running', async (t) => {
  const srv = await startServer(tempConfig(SLOW_WORLD).file);
  t.teardown(() => srv.stop());
  await api(srv.url, '/mock/clock', post({ paused: true }));

  const idle = await api(srv.url, '/status/director');
  t.equal(idle.status, 200);
  t.same(Object.keys(idle.body), ['data', 'error'], 'status envelope: data and error, no limit/offset');
  t.same(Object.keys(idle.body.data), ['header', 'scheduled', 'running', 'terminated']);
  const d0 = idle.body.data;
  checkShape(t, d0.header, SHAPES.dirHeader, 'header');
  t.match(d0.header, { name: 'bacula-dir', version: '13.0.3 (02 May 2023)', nclients: 20, nstores: 1, npools: 4, ncats: 1 });
  t.ok(d0.scheduled.some((r: { name: string }) => r.name === 'AdminMaintenance'), 'the daily admin run is scheduled within the day');
  for (const r of d0.scheduled) checkShape(t, r, SHAPES.scheduled, 'scheduled');
  t.ok(d0.terminated.length > 0 && d0.terminated.length <= 10, `the last jobs ended (${d0.terminated.length})`);
  for (const r of d0.terminated) checkShape(t, r, SHAPES.dirTerminated, 'terminated');
  const ends = d0.terminated.map((r: { endtime_epoch: number }) => r.endtime_epoch);
  t.same(ends, [...ends].sort((a, b) => a - b), 'terminated jobs in the order they ended');

  const run = await api(srv.url, '/cmd/run', post({ job: 'backup-slow-box-001', level: 'F' }));
  t.equal(run.status, 200, JSON.stringify(run.body));
  const jobid = run.body.data.jobid;
  await api(srv.url, '/mock/clock', post({ advance: '60s' }));
  const first = (await api(srv.url, '/status/director')).body.data;
  const mine = first.running.find((r: { jobid: number }) => r.jobid === jobid);
  t.ok(mine, 'the job is in the running list');
  checkShape(t, mine, SHAPES.dirRunning, 'running');
  t.match(mine, { status: 'R', status_desc: 'is running', name: 'backup-slow-box-001', clientname: 'slow-box-001', storage: 'File', level: 'F', type: 'B' });
  t.ok(mine.jobbytes > 0 && mine.jobfiles > 0, `bytes are moving (${mine.jobbytes})`);
  t.ok(first.header.jobs_running >= 1);

  await api(srv.url, '/mock/clock', post({ advance: '30s' }));
  const again = (await api(srv.url, '/status/director')).body.data.running.find((r: { jobid: number }) => r.jobid === jobid);
  t.ok(again.jobbytes > mine.jobbytes, `jobbytes grew: ${mine.jobbytes} -> ${again.jobbytes}`);
  t.ok(again.jobfiles > mine.jobfiles, `jobfiles grew: ${mine.jobfiles} -> ${again.jobfiles}`);
  // 30 virtual seconds at the profile's 10-20 MB/s
  t.ok(again.jobbytes - mine.jobbytes >= 30 * 10e6 * 0.99 && again.jobbytes - mine.jobbytes <= 30 * 20e6 * 1.01, 'at the client\'s throughput');

  const fd = await api(srv.url, '/status/client/?name=slow-box-001', { method: 'POST' });
  t.equal(fd.status, 200, 'POST /status/client/?name= as the manual says');
  t.same(Object.keys(fd.body), ['data', 'error']);
  t.same(Object.keys(fd.body.data), ['header', 'running', 'terminated']);
  checkShape(t, fd.body.data.header, SHAPES.fdHeader, 'client header');
  t.match(fd.body.data.header, { name: 'slow-box-001-fd', version: /^13\.0\.3 \(\d\d \w+ 20\d\d\)$/, uname: 'x86_64-pc-linux-gnu debian 12', winver: '' });
  const fdJob = fd.body.data.running.find((r: { jobid: number }) => r.jobid === jobid);
  checkShape(t, fdJob, SHAPES.fdRunning, 'client running');
  t.equal(fdJob.jobbytes, again.jobbytes, 'the FD and the Director agree at the same instant');
  t.ok(fdJob.bytes_sec > 0 && fdJob.files_examined >= fdJob.jobfiles);
  t.match(fdJob.processing_file, /^\/\S/, `processing a path (${fdJob.processing_file})`);
  for (const r of fd.body.data.terminated) {
    checkShape(t, r, SHAPES.terminated, 'client terminated');
    t.match(r.name, 'backup-slow-box-001');
  }
  const viaGet = await api(srv.url, '/status/client?name=slow-box-001');
  t.same(viaGet.body, fd.body, 'GET answers the same as POST');
  const viaBody = await api(srv.url, '/status/client', post({ name: 'slow-box-001' }));
  t.same(viaBody.body, fd.body, 'a JSON body {"name"} works too');

  const sd = await api(srv.url, '/status/storage?name=File');
  t.equal(sd.status, 200);
  t.same(Object.keys(sd.body.data), ['header', 'running', 'devices', 'volumes', 'terminated']);
  checkShape(t, sd.body.data.header, SHAPES.sdHeader, 'storage header');
  const sdJob = sd.body.data.running.find((r: { jobid: number }) => r.jobid === jobid);
  checkShape(t, sdJob, SHAPES.sdRunning, 'storage running');
  t.match(sdJob, { write_pool: 'Full', write_device: 'FileStorage', read_volume: '' });
  t.ok(sdJob.jobbytes >= again.jobbytes, 'the SD counts block headers on top');
  checkShape(t, sd.body.data.devices[0], SHAPES.device, 'device');
  t.match(sd.body.data.devices[0], { name: 'FileStorage', archive_device: '/opt/bacula/archive', open: 1, mounted: 1, append: 1 });
  t.ok(sd.body.data.devices[0].free_space < sd.body.data.devices[0].total_space);
  const vol = sd.body.data.volumes.find((v: { volume: string }) => v.volume === sdJob.write_volume);
  t.ok(vol, `the volume being written (${sdJob.write_volume}) is listed`);
  checkShape(t, vol, SHAPES.volume, 'volume');
  for (const r of sd.body.data.terminated) checkShape(t, r, SHAPES.terminated, 'storage terminated');

  // The documented Enterprise form: status has no class, the daemon is an option.
  t.same((await api(srv.url, '/status?client=slow-box-001')).body, fd.body, '/status?client=');
  t.same((await api(srv.url, '/status?storage=File')).body, sd.body, '/status?storage=');
  const dirNow = (await api(srv.url, '/status/director')).body;
  t.same((await api(srv.url, '/status?director=bacula-dir')).body, dirNow, '/status?director=');
  t.same((await api(srv.url, '/status')).body, dirNow, '/status defaults to the Director');

  // Once it ends it is among the client's terminated jobs, with its final counts.
  await api(srv.url, '/mock/clock', post({ advance: '3h' }));
  const done = (await api(srv.url, '/status/client?name=slow-box-001')).body.data;
  t.notOk(done.running.some((r: { jobid: number }) => r.jobid === jobid), 'no longer running');
  const ended = done.terminated.find((r: { jobid: number }) => r.jobid === jobid);
  t.match(ended, { status: 'T', status_desc: 'OK', level: 'F', type: 'B' });
  t.ok(ended.jobbytes >= again.jobbytes);
});

t.test('waiting jobs show why they wait', async (t) => {
  const srv = await startServer(tempConfig(SLOW_WORLD).file);
  t.teardown(() => srv.stop());
  await api(srv.url, '/mock/clock', post({ paused: true }));
  const run = await api(srv.url, '/cmd/run', post({ job: 'backup-slow-box-002', when: '2026-11-22 22:00:00' }));
  t.equal(run.status, 200, JSON.stringify(run.body));
  const held = (await api(srv.url, '/status/director')).body.data.running.find((r: { jobid: number }) => r.jobid === run.body.data.jobid);
  t.match(held, { status: 't', status_desc: 'is waiting for its start time (22-Nov 22:00)', schedtime: '2026-11-22 22:00:00', jobbytes: 0 });
  const fd = (await api(srv.url, '/status/client?name=slow-box-002')).body.data;
  t.notOk(fd.running.some((r: { jobid: number }) => r.jobid === run.body.data.jobid), 'the FD knows nothing of a job not started');
});

t.test('bad status requests: 400 for a missing name, 404 for an unknown daemon', async (t) => {
  const srv = await startServer(tempConfig(SLOW_WORLD).file);
  t.teardown(() => srv.stop());
  const cases: Array<[string, RequestInit & { json?: unknown }, number]> = [
    ['/status/client', {}, 400],
    ['/status/client?name=', {}, 400],
    ['/status/client/', { method: 'POST' }, 400],
    ['/status/storage', {}, 400],
    ['/status/client?name=no-such-fd', {}, 404],
    ['/status/client', post({ name: 'no-such-fd' }), 404],
    ['/status/storage?name=Tape', {}, 404],
    ['/status?client=no-such-fd', {}, 404],
    ['/status?storage=Tape', {}, 404],
    ['/status?director=other-dir', {}, 404],
    ['/status/director?name=other-dir', {}, 404],
    ['/status?client=a&storage=b', {}, 400],
    ['/status?client=', {}, 400],
    ['/status/director?verbose=1', {}, 400],
    ['/status/client?name=slow-box-001&name=slow-box-002', {}, 400],
    ['/status/client?name=slow-box-001', post({ name: 'slow-box-002' }), 400],
    ['/status/client', post({ name: 'slow-box-001', extra: 1 }), 400],
    ['/status/director', { method: 'POST' }, 405],
  ];
  for (const [path, init, status] of cases) {
    const r = await api(srv.url, path, init);
    t.equal(r.status, status, `${init.method ?? 'GET'} ${path} ${init.json ? JSON.stringify(init.json) : ''} -> ${status}`);
    t.ok(typeof r.body.data === 'string' && r.body.error > 0, `with a message: ${r.body.data}`);
  }
  t.equal((await api(srv.url, '/status/director', { headers: { Authorization: '' } })).status, 401, 'status needs credentials');
});

t.test('a File daemon lists the jobs that reached it: not Admin jobs, not jobs canceled before they started; a canceled backup with what it had sent', async (t) => {
  const srv = await startServer(tempConfig(SLOW_WORLD).file);
  t.teardown(() => srv.stop());
  await api(srv.url, '/mock/clock', { method: 'POST', json: { paused: true } });
  const client = 'slow-box-001';
  const queued = (await api(srv.url, '/cmd/run', { method: 'POST', json: { job: `backup-${client}`, level: 'F', when: '2030-01-01 00:00:00' } })).body.data.jobid;
  const running = (await api(srv.url, '/cmd/run', { method: 'POST', json: { job: `backup-${client}`, level: 'F' } })).body.data.jobid;
  await api(srv.url, '/mock/clock', { method: 'POST', json: { advance: '20m' } });
  for (const jobid of [queued, running]) t.equal((await api(srv.url, '/cmd/cancel', { method: 'POST', json: { jobid } })).status, 200);
  const fd = (await api(srv.url, `/status/client?name=${client}`)).body.data;
  const ids = fd.terminated.map((r: { jobid: number }) => r.jobid);
  t.ok(ids.includes(running), 'the backup canceled while running is there');
  t.notOk(ids.includes(queued), 'the one canceled before it started is not');
  t.notOk(fd.terminated.some((r: { type: string }) => r.type === 'D'), 'no Admin job');
  const row = fd.terminated.find((r: { jobid: number }) => r.jobid === running);
  t.match(row, { status: 'A', status_desc: 'Cancel' });
  t.ok(row.jobbytes > 0 && row.jobfiles > 0, `it had sent ${row.jobfiles} files, ${row.jobbytes} bytes`);
  const cat = (await api(srv.url, `/cat/Job?jobid=${running}`)).body.data[0];
  t.match(cat, { jobstatus: 'A', jobbytes: 0, jobfiles: 0 }, 'which the catalog does not count, as on a real Director');
  const all = (await api(srv.url, `/cat/Job?client=${client}&limit=1000`)).body.data;
  const reached = all.filter((j: { jobid: number; jobstatus: string; type: string }) => 'TEfA'.includes(j.jobstatus) && j.type !== 'D' && j.jobid !== queued);
  t.equal(fd.header.jobs_run, reached.length, 'jobs_run counts the same jobs');
});
