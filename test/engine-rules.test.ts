import t from 'tap';
import { isTerminal, VOLUME_LABEL_BYTES } from '../engine/catalog.js';
import { createResource } from '../engine/resources.js';
import type { JobRecord } from '../engine/types.js';
import type { World } from '../engine/world.js';
import { testProfile, world } from './fixtures/world.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** A world whose clients do nothing on their own: every job is one a test ran. */
const quiet = (clients = 2): World => world({ jobIntervalMin: 1e6, jobIntervalMax: 1e6 }, { clients, errorRate: 0 });

function finish(w: World, ...jobs: JobRecord[]): void {
  for (let i = 0; i < 100_000 && !jobs.every((j) => isTerminal(j.jobStatus)); i++) w.advanceTo(w.now + MINUTE);
}

t.test('jobs of different priorities never run at once (Allow Mixed Priority = no)', async (t) => {
  const w = quiet(3);
  const a = w.run({ job: 'backup-test-server-001', level: 'F' });
  const urgent = w.run({ job: 'backup-test-server-002', level: 'F', priority: 5 });
  const behind = w.run({ job: 'backup-test-server-003', level: 'F' });
  t.equal(a.jobStatus, 'R');
  t.equal(urgent.jobStatus, 'C');
  t.equal(w.waitReason(urgent), 'p', 'a more urgent job waits for the running ones to end');
  t.equal(behind.jobStatus, 'C', 'and holds back the queue behind it, even at the running priority');
  finish(w, a);
  t.equal(urgent.jobStatus, 'R', 'it starts once the running job ended');
  t.equal(behind.jobStatus, 'C');
  t.equal(w.waitReason(behind), 'p', 'now the others wait for it');
  finish(w, urgent);
  t.ok(behind.startTime! >= urgent.endTime!, 'the priority-10 job ran after the priority-5 one');
  finish(w, behind);
  t.equal(behind.jobStatus, 'T');
});

t.test('a backup canceled while running keeps only the volumes it reached', async (t) => {
  const w = quiet(2);
  w.updatePool('Full', { maxVolBytes: 300_000_000 });
  const job = w.run({ job: 'backup-test-server-001', level: 'F' });
  const planned = job.volumes.length;
  t.ok(planned >= 3, `the plan spans ${planned} volumes`);
  for (let i = 0; i < 1000 && w.progress(job).bytes < 400_000_000; i++) w.advanceTo(w.now + 5_000);
  const written = w.progress(job).bytes;
  t.ok(written >= 300_000_000 && written < job.plan.bytes, `canceled after ${written} of ${job.plan.bytes} bytes`);
  w.cancel(job.jobId);
  t.equal(job.jobStatus, 'A');
  t.ok(job.volumes.length >= 2 && job.volumes.length < planned, `${job.volumes.length} volumes kept of ${planned}`);
  t.equal(job.volumes.reduce((n, v) => n + v.bytes, 0), written, 'they hold exactly what was written');
  const report = w.jobLog(job.jobId).map((l) => l.text).join('');
  t.match(report, new RegExp(`Volume name\\(s\\): {9}${job.volumes.map((v) => v.volumeName).join('\\|')}\\n`));
  for (const m of w.catalog.media) t.equal(m.reserved, 0, `${m.volumeName} has nothing reserved any more`);
  const last = w.catalog.mediaByName(job.volumes[job.volumes.length - 1].volumeName)!;
  t.equal(last.volStatus, 'Append', 'the volume it stopped on takes more data');
  const unreached = w.catalog.media.filter((m) => m.poolId === last.poolId && m.mediaId > last.mediaId);
  t.ok(unreached.length > 0 && unreached.every((m) => m.volStatus === 'Append' && m.volJobs === 0 && m.volBytes === VOLUME_LABEL_BYTES), 'volumes it never reached hold just their label and stay appendable');
});

t.test('purge of a volume removes every job with data on it, even one that spans others', async (t) => {
  const w = quiet(2);
  w.updatePool('Full', { maxVolBytes: 2_000_000_000 });
  const a = w.run({ job: 'backup-test-server-001', level: 'F' });
  finish(w, a);
  const b = w.run({ job: 'backup-test-server-002', level: 'F' });
  finish(w, b);
  const shared = b.volumes[0].volumeName;
  t.ok(a.volumes.some((v) => v.volumeName === shared), 'the two jobs share a volume');
  const { jobIds, volume } = w.purgeVolume(shared);
  t.same(jobIds.sort(), [a.jobId, b.jobId].sort());
  t.equal(volume.volStatus, 'Purged');
  t.equal(w.catalog.job(a.jobId), undefined);
  t.equal(w.catalog.job(b.jobId), undefined);
});

t.test('prune of a client never removes the backups its latest restore needs', async (t) => {
  const w = quiet(1);
  const ids: number[] = [];
  for (const level of ['F', 'I', 'D', 'I', 'I'] as const) {
    const j = w.run({ job: 'backup-test-server-001', level });
    finish(w, j);
    ids.push(j.jobId);
    w.advanceTo(w.now + DAY);
  }
  const [full, inc1, diff, inc2, inc3] = ids;
  const client = w.catalog.clientByName('test-server-001')!;
  client.jobRetention = 60;
  const { jobIds } = w.pruneClient('test-server-001');
  const backups = jobIds.filter((id) => ids.includes(id));
  t.same(backups, [inc1], 'of the backups, only the Incremental the Differential made useless goes');
  t.ok(jobIds.length > backups.length, 'old Admin jobs of the client go too');
  for (const id of [full, diff, inc2, inc3]) t.ok(w.catalog.job(id), `job ${id} is kept`);
  const r = w.restore({ client: 'test-server-001' });
  t.same(r.plan.sourceJobIds, [full, diff, inc2, inc3], 'and a restore reads exactly those');
});

t.test('the first backup of a new Job with another FileSet is upgraded to Full', async (t) => {
  const w = quiet(1);
  const first = w.run({ job: 'backup-test-server-001', level: 'F' });
  finish(w, first);
  createResource(w, 'FileSet', 'EtcOnly', { Include: [{ File: ['/etc'] }] });
  createResource(w, 'Job', 'backup-etc', { Type: 'Backup', Client: 'test-server-001', FileSet: 'EtcOnly', Pool: 'Default', Storage: 'File' });
  const other = w.run({ job: 'backup-etc', level: 'I' });
  t.equal(other.level, 'F', 'no Full of that FileSet yet');
  t.match(w.jobLog(other.jobId).map((l) => l.text).join(''), /No prior or suitable Full backup found in catalog\. Doing FULL backup\./);
  const same = w.run({ job: 'backup-test-server-001', level: 'I' });
  t.equal(same.level, 'I', 'the client\'s own FileSet has its Full');
});

t.test('the scheduled list foresees each client\'s next job: it is created at that time, with that Job and level', async (t) => {
  const w = world({ jobIntervalMin: 60, jobIntervalMax: 600 }, { clients: 6, historyDays: 2 });
  const from = w.now;
  const runs = w.upcomingRuns(from, from + DAY).filter((r) => r.job.name !== 'AdminMaintenance');
  t.ok(runs.length >= 6, `${runs.length} client jobs foreseen in a day`);
  const created: JobRecord[] = [];
  w.on('job.created', (j) => created.push(j));
  const firstOf = new Map<number, JobRecord>();
  w.advanceTo(from + DAY);
  for (const j of created) if (!firstOf.has(j.clientId) && j.spawned) firstOf.set(j.clientId, j);
  for (const run of runs.filter((r, i, all) => all.findIndex((o) => o.job.clientId === r.job.clientId) === i)) {
    const job = firstOf.get(run.job.clientId);
    t.ok(job, `client ${run.job.clientId} created its job`);
    if (!job) continue;
    t.equal(job.createdAt, run.at, `${job.name} created at the time foreseen`);
    t.equal(job.name, run.job.name);
    t.equal(job.plan.upgradedFrom ?? job.level, run.level, 'at the level foreseen');
  }
});

t.test('a job past its Max Wait Time is canceled by the Director: A, Backup Canceled, nothing counted', async (t) => {
  const w = world({ jobIntervalMin: 1e6, jobIntervalMax: 1e6, profiles: [testProfile({ error_types: [{ daemon: 'dir', message: 'Fatal error: Max wait time exceeded. Job canceled.' }] })] }, { clients: 1, errorRate: 1 });
  const job = w.run({ job: 'backup-test-server-001', level: 'F' });
  finish(w, job);
  t.equal(job.jobStatus, 'A');
  t.match(job, { jobFiles: 0, jobBytes: 0, jobErrors: 1 });
  const text = w.jobLog(job.jobId).map((l) => l.text).join('');
  t.match(text, /Max wait time exceeded\. Job canceled\./);
  t.match(text, /Termination: {12}Backup Canceled\n/);
});

t.test('a Windows client\'s backups say Snapshot/VSS: yes, a Linux client\'s no', async (t) => {
  const win = testProfile({ key: 'win_box', name_prefix: 'win-box', uname: 'Microsoft Windows Server 2019 Standard Edition (build 17763), 64-bit,Cross-compile,Win64', os: 'windows' });
  const w = world({ jobIntervalMin: 1e6, jobIntervalMax: 1e6, profiles: [testProfile({ count: 1 }), { ...win, count: 1 }] }, { clients: 2, errorRate: 0 });
  for (const [client, vss] of [['test-server-001', 'no'], ['win-box-001', 'yes']]) {
    const job = w.run({ job: `backup-${client}`, level: 'F' });
    finish(w, job);
    t.match(w.jobLog(job.jobId).map((l) => l.text).join(''), new RegExp(`  Snapshot/VSS: +${vss}\\n`), client);
  }
});

t.test('volumes never hold more than their Maximum Volume Bytes, label included', async (t) => {
  const w = world({ jobIntervalMin: 30, jobIntervalMax: 60 }, { clients: 4, errorRate: 0 });
  for (const pool of ['Full', 'Incremental', 'Differential']) w.updatePool(pool, { maxVolBytes: 700_000_000 });
  w.advanceTo(w.now + 2 * DAY);
  const filled = w.catalog.media.filter((m) => m.volStatus === 'Full');
  t.ok(filled.length > 3, `${filled.length} volumes filled up`);
  for (const m of w.catalog.media) t.ok(m.volBytes <= m.maxVolBytes, `${m.volumeName}: ${m.volBytes} <= ${m.maxVolBytes}`);
});

t.test('estimate follows the FileSet: another profile\'s FileSet estimates that profile\'s sizes', async (t) => {
  const big = testProfile({ key: 'big_box', name_prefix: 'big-box', typical_bytes_min: 500e9, typical_bytes_max: 600e9, count: 1 });
  const w = world({ jobIntervalMin: 1e6, jobIntervalMax: 1e6, profiles: [testProfile({ count: 1 }), big] }, { clients: 2, errorRate: 0 });
  const own = w.estimate({ client: 'test-server-001', level: 'F' });
  t.equal(own.fileset, 'TestServerSet');
  t.ok(own.bytes <= 10_737_418_240, 'its own FileSet: its profile\'s range');
  const other = w.estimate({ client: 'test-server-001', level: 'F', fileset: 'BigBoxSet' });
  t.equal(other.fileset, 'BigBoxSet');
  t.ok(other.bytes >= 500e9 && other.bytes <= 600e9, 'the big FileSet: the big range');
  t.same(w.estimate({ client: 'test-server-001', level: 'F' }), own, 'the same day, the same answer');
  t.throws(() => w.estimate({ client: 'test-server-001', level: 'F', fileset: 'NoSuchSet' }), { kind: 'not_found' });
});

t.test('a log row reads the same when it is written and ever after', async (t) => {
  const w = world({ jobIntervalMin: 20, jobIntervalMax: 60 }, { clients: 6, errorRate: 0.4 });
  const written = new Map<number, string>();
  w.on('job.log', (_j, logId) => written.set(logId, w.logText(logId)));
  const running = w.run({ job: 'backup-test-server-001', level: 'F' });
  w.updatePool('Full', { maxVolBytes: 500_000_000 });
  for (let i = 0; i < 600 && w.progress(running).bytes < 600_000_000; i++) w.advanceTo(w.now + 2_000);
  w.cancel(running.jobId);
  w.advanceTo(w.now + 2 * DAY);
  t.ok(written.size > 200, `${written.size} rows watched as they were written`);
  const changed = [...written].filter(([logId, text]) => w.logText(logId) !== text);
  t.same(changed.map(([id, text]) => `${id}: ${text.trim()} -> ${w.logText(id).trim()}`), [], 'no row changed');
});
