import t from 'tap';
import { isTerminal } from '../engine/catalog.js';
import { distribute } from '../engine/profiles.js';
import type { JobRecord } from '../engine/types.js';
import type { World } from '../engine/world.js';
import { testProfile, world } from './fixtures/world.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Clients that do nothing on their own: every job is one a test ran. */
const IDLE = { jobIntervalMin: 1e6, jobIntervalMax: 1e6 };

function finish(w: World, ...jobs: JobRecord[]): void {
  for (let i = 0; i < 100_000 && !jobs.every((j) => isTerminal(j.jobStatus)); i++) w.advanceTo(w.now + MINUTE);
}
const logOf = (w: World, j: JobRecord): string => w.jobLog(j.jobId).map((l) => l.text).join('');

t.test('a full storage makes the next job wait with s', async (t) => {
  const w = world({ ...IDLE, storageConcurrentJobs: 1 }, { clients: 2, errorRate: 0 });
  const a = w.run({ job: 'backup-test-server-001', level: 'F' });
  const b = w.run({ job: 'backup-test-server-002', level: 'F' });
  t.equal(a.jobStatus, 'R');
  t.equal(b.jobStatus, 'C');
  t.equal(w.waitReason(b), 's', 'waits on max Storage jobs');
  finish(w, a);
  t.equal(b.jobStatus, 'R', 'and starts when the storage frees');
});

t.test('a client that does not answer at first shows F while the Director retries, then runs', async (t) => {
  const w = world({ jobIntervalMin: 30, jobIntervalMax: 90 }, { clients: 6, errorRate: 1 });
  const seen = new Map<number, string[]>();
  w.on('job.status', (j, s) => seen.set(j.jobId, [...(seen.get(j.jobId) ?? []), s]));
  const created: JobRecord[] = [];
  w.on('job.created', (j) => created.push(j));
  w.advanceTo(w.now + 2 * DAY);
  const retried = created.filter((j) => j.plan.connectRetry > 0 && isTerminal(j.jobStatus));
  t.ok(retried.length > 0, `${retried.length} jobs met an unreachable client`);
  for (const j of retried.slice(0, 5)) {
    t.same(seen.get(j.jobId)!.slice(0, 3), ['R', 'F', 'R'], `job ${j.jobId}: running, waiting on the client, running again`);
    t.match(logOf(w, j), /Warning: bsockcore\.c:\d+ Could not connect to Client/);
  }
});

t.test('each way a backup ends has the termination text of real Bacula', async (t) => {
  const warn = testProfile({ warning_types: [{ daemon: 'fd', message: '     Could not stat "/srv/x": ERR=No such file or directory' }] });
  const cases: Array<[string, JobRecord['jobStatus'], RegExp]> = [
    ['OK', 'T', /Termination: +Backup OK\n/],
    ['with warnings', 'T', /Termination: +Backup OK -- with warnings\n/],
    ['error', 'E', /Termination: +\*\*\* Backup Error \*\*\*\n/],
    ['fatal', 'f', /Termination: +\*\*\* Backup Error \*\*\*\n/],
  ];
  const w = world({ jobIntervalMin: 20, jobIntervalMax: 60, profiles: [warn] }, { clients: 8, errorRate: 0.5 });
  w.advanceTo(w.now + 3 * DAY);
  const ended = [...w.catalog.allJobs()].filter((j) => j.type === 'B' && isTerminal(j.jobStatus));
  for (const [what, status, text] of cases) {
    const j = ended.find((x) => x.jobStatus === status && (what === 'with warnings' ? x.jobErrors > 0 : what === 'OK' ? x.jobErrors === 0 : true)
      && (what === 'fatal' ? x.plan.outcome === 'f' : what === 'error' ? x.plan.outcome === 'E' : true));
    t.ok(j, `a backup ended ${what}`);
    if (!j) continue;
    const log = logOf(w, j);
    t.match(log, text, `${what}: ${status}`);
    if (what === 'with warnings') t.match(log, /Could not stat/, 'the warning is in the log');
    if (what === 'fatal') t.match(log, /Fatal error: /, 'the fatal error is in the log');
    if (what === 'error') t.match(log, /: Error: /, 'the error is in the log');
  }
});

t.test('a Verify job reads the last backup: VolumeToCatalog, files checked, no bytes, Verify OK', async (t) => {
  const w = world(IDLE, { clients: 1, errorRate: 0 });
  const full = w.run({ job: 'backup-test-server-001', level: 'F' });
  finish(w, full);
  const v = w.run({ job: 'verify-test-server-001' });
  finish(w, v);
  t.match(v, { type: 'V', level: 'O', jobStatus: 'T', jobFiles: full.jobFiles, jobBytes: 0 });
  const log = logOf(w, v);
  t.match(log, new RegExp(`Verify JobId: +${full.jobId}\\n`));
  t.match(log, /Verify Level: +VolumeToCatalog\n/);
  t.match(log, /Termination: +Verify OK\n/);
});

t.test('init N shares N clients among the profiles in proportion to their counts, named <prefix>-NNN', async (t) => {
  const profiles = [
    testProfile({ key: 'a', name_prefix: 'alpha', count: 20, order: 1 }),
    testProfile({ key: 'b', name_prefix: 'beta', count: 10, order: 2 }),
    testProfile({ key: 'c', name_prefix: 'gamma', count: 5, order: 3 }),
  ];
  t.same(Object.fromEntries(distribute(profiles, 35)), { a: 20, b: 10, c: 5 }, 'exact shares');
  t.same(Object.fromEntries(distribute(profiles, 7)), { a: 4, b: 2, c: 1 });
  t.same(Object.fromEntries(distribute(profiles, 2)), { a: 1, b: 1, c: 0 }, 'largest remainders first');
  t.same([...distribute(profiles, 1000).values()].reduce((n, x) => n + x, 0), 1000, 'always N in all');
  const w = world({ ...IDLE, profiles }, { clients: 7, errorRate: 0 });
  t.same(w.catalog.clients.map((c) => c.name), ['alpha-001', 'alpha-002', 'alpha-003', 'alpha-004', 'beta-001', 'beta-002', 'gamma-001']);
});

t.test('job_defaults give the Job resources their pool, storage and priority', async (t) => {
  const w = world({ ...IDLE, storageConcurrentJobs: 5, jobDefaults: { pool: 'Default', storage: 'Tape1', type: 'B', priority: 7 } }, { clients: 1, errorRate: 0 });
  const res = w.jobResources.get('backup-test-server-001')!;
  t.match(res, { pool: 'Default', storage: 'Tape1', priority: 7 });
  t.equal(w.catalog.storages[0].name, 'Tape1');
  const j = w.run({ job: 'backup-test-server-001', level: 'F' });
  t.equal(j.priority, 7);
  finish(w, j);
  t.match(logOf(w, j), /Storage: +"Tape1" \(From Job resource\)\n/);
  t.match(logOf(w, j), /Priority: +7\n/);
});
