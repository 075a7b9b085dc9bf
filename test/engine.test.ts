import t from 'tap';
import { isTerminal } from '../engine/catalog.js';
import { FAILED_FACTOR, LEVEL_FACTOR } from '../engine/planner.js';
import { encodeChunk, restoreWorld, snapshotChunks } from '../engine/snapshot.js';
import type { World } from '../engine/world.js';
import type { JobRecord } from '../engine/types.js';
import { T0, testProfile, world } from './fixtures/world.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Everything a client can observe: job rows and every log line, as text. */
function fingerprint(w: World): string {
  const rows: string[] = [];
  for (const j of w.catalog.allJobs()) {
    if (!j) continue;
    rows.push(JSON.stringify([w.uniqueName(j), j.type, j.level, j.jobStatus, j.schedTime, j.startTime, j.endTime, j.jobFiles, j.jobBytes, j.jobErrors, j.poolId]));
    for (const l of w.jobLog(j.jobId)) rows.push(`${l.logId} ${l.time} ${l.text}`);
  }
  for (const m of w.catalog.media) rows.push(JSON.stringify(m));
  return rows.join('\n');
}

t.test('same seed, config and commands give the same catalog and logs', async (t) => {
  const a = world({}, { clients: 8, historyDays: 3 });
  const b = world({}, { clients: 8, historyDays: 3 });
  t.ok(a.catalog.totals.jobs > 20, `history has jobs (${a.catalog.totals.jobs})`);
  t.equal(fingerprint(a), fingerprint(b));
  const c = world({ seed: 43 }, { clients: 8, historyDays: 3 });
  t.not(fingerprint(a), fingerprint(c), 'another seed gives another world');
});

t.test('advance(24h) equals running through the same 24 hours in small steps', async (t) => {
  const a = world({}, { clients: 6, historyDays: 1 });
  const b = world({}, { clients: 6, historyDays: 1 });
  a.advanceTo(a.now + DAY);
  for (let i = 1; i <= 24 * 12; i++) b.advanceTo(T0 + i * 5 * 60_000);
  t.equal(a.now, b.now);
  t.equal(fingerprint(a), fingerprint(b));
});

t.test('a job goes C then R then a terminal letter, with its log growing line by line', async (t) => {
  const w = world({ jobIntervalMin: 100_000, jobIntervalMax: 100_000 }, { clients: 1, errorRate: 0 });
  const job = w.run({ job: 'backup-test-server-001', level: 'F', when: w.now + 10 * 60_000 });
  const seen: string[] = [];
  w.on('job.status', (j, s) => j.jobId === job.jobId && seen.push(s));
  t.equal(job.jobStatus, 'C');
  t.equal(w.waitReason(job), 't', 'waits for its start time');
  t.equal(w.jobLog(job.jobId).length, 1, 'the wait is logged');
  t.match(w.jobLog(job.jobId)[0].text, /waiting 600 seconds for scheduled start time/);
  w.advanceTo(w.now + 10 * 60_000);
  t.equal(job.jobStatus, 'R');
  const early = w.jobLog(job.jobId).length;
  const mid = w.progress(job);
  w.advanceTo(w.now + 60_000);
  const later = w.progress(job);
  t.ok(later.bytes >= mid.bytes, 'bytes grow while running');
  for (let i = 0; i < 500 && job.jobStatus === 'R'; i++) w.advanceTo(w.now + 60_000);
  t.equal(job.jobStatus, 'T');
  const log = w.jobLog(job.jobId);
  t.ok(log.length > early, 'more lines appeared while it ran');
  t.same(seen, ['R', 'T']);
  const times = log.map((l) => l.time);
  t.same(times, [...times].sort((x, y) => x - y), 'log rows are in time order');
  t.match(log[1].text, /^bacula-dir JobId \d+: (No prior|Start Backup JobId)/);
  const report = log.find((l) => l.text.includes('Termination:'))!.text;
  t.match(report, /^bacula-dir JobId \d+: Bacula bacula-dir 13\.0\.3 \(02May23\):\n {2}Build OS: {15}/);
  t.match(report, /\n {2}FD Bytes Written: {7}[\d,]+ \([\d.]+ [KMGT]?B\)\n/);
  t.match(report, /\n {2}Termination: {12}Backup OK\n\n$/);
  t.match(log[log.length - 1].text, /End auto prune\.\n$/);
  t.ok(job.jobBytes > 0 && job.jobFiles > 0 && job.endTime! > job.startTime!);
});

t.test('the first backup of a client is upgraded to Full with the real message', async (t) => {
  const w = world({ jobIntervalMin: 100_000, jobIntervalMax: 100_000 }, { clients: 1, errorRate: 0 });
  const job = w.run({ job: 'backup-test-server-001', level: 'I' });
  t.equal(job.level, 'F');
  t.equal(job.plan.upgradedFrom, 'I');
  const lines = w.jobLog(job.jobId).map((l) => l.text);
  t.match(lines[0], /No prior or suitable Full backup found in catalog\. Doing FULL backup\./);
  w.advanceTo(w.now + DAY);
  t.match(w.jobLog(job.jobId).map((l) => l.text).join(''), /Backup Level: {11}Full \(upgraded from Incremental\)/);
});

t.test('error rate is the share of terminal backup jobs that fail', async (t) => {
  const rate = (w: World) => {
    let done = 0;
    let failed = 0;
    for (const j of w.catalog.allJobs()) {
      if (!j || j.type !== 'B' || !isTerminal(j.jobStatus) || j.jobStatus === 'A') continue;
      done++;
      if (j.jobStatus === 'E' || j.jobStatus === 'f') failed++;
    }
    return { done, share: failed / done };
  };
  const fast = { jobIntervalMin: 5, jobIntervalMax: 30, maxConcurrentJobs: 1000, storageConcurrentJobs: 1000 };
  const none = rate(world(fast, { clients: 20, errorRate: 0, historyDays: 2 }));
  t.equal(none.share, 0, `0.0 → no failures over ${none.done} jobs`);
  const clean = world(fast, { clients: 20, errorRate: 0, historyDays: 2 });
  t.equal(clean.catalog.totals.joberrors, 0, '0.0 → no JobErrors at all');
  const all = rate(world(fast, { clients: 20, errorRate: 1, historyDays: 1 }));
  t.equal(all.share, 1, `1.0 → every job fails (${all.done})`);
  const high = rate(world(fast, { clients: 40, errorRate: 0.9, historyDays: 3 }));
  t.ok(high.done >= 2000, `enough jobs (${high.done})`);
  t.ok(Math.abs(high.share - 0.9) <= 0.05, `0.9 → ${high.share.toFixed(3)}`);
});

t.test('levels scale the profile ranges; failed jobs get 0.2-0.8 of that', async (t) => {
  const p = testProfile();
  const w = world({ jobIntervalMin: 5, jobIntervalMax: 30, maxConcurrentJobs: 1000, storageConcurrentJobs: 1000 }, { clients: 20, errorRate: 0.5, historyDays: 2 });
  const seen = new Set<string>();
  for (const j of w.catalog.allJobs()) {
    if (!j || j.type !== 'B' || !isTerminal(j.jobStatus)) continue;
    const f = LEVEL_FACTOR[j.level as 'F' | 'I' | 'D'];
    const failed = j.jobStatus === 'E' || j.jobStatus === 'f';
    const lo = failed ? FAILED_FACTOR.min : 1;
    const hi = failed ? FAILED_FACTOR.max : 1;
    seen.add(`${j.level}${failed ? '!' : ''}`);
    if (j.jobFiles < Math.floor(p.typical_files_min * f * lo) || j.jobFiles > Math.ceil(p.typical_files_max * f * hi)
      || j.jobBytes < Math.floor(p.typical_bytes_min * f * lo) || j.jobBytes > Math.ceil(p.typical_bytes_max * f * hi)) {
      t.fail(`job ${j.jobId} ${j.level}/${j.jobStatus}: ${j.jobFiles} files ${j.jobBytes} bytes out of range`);
    }
  }
  t.same([...seen].sort(), ['D', 'D!', 'F', 'F!', 'I', 'I!'], 'every level, ok and failed, was checked');
});

t.test('concurrency limits queue jobs with the waiting letter', async (t) => {
  const w = world({ jobIntervalMin: 100_000, jobIntervalMax: 100_000, maxConcurrentJobs: 2 }, { clients: 3, errorRate: 0 });
  const a = w.run({ job: 'backup-test-server-001', level: 'F' });
  const b = w.run({ job: 'backup-test-server-001', level: 'F' });
  t.equal(a.jobStatus, 'R');
  t.equal(b.jobStatus, 'C');
  t.equal(w.waitReason(b), 'c', 'second job of the same client waits for the client');
  const c = w.run({ job: 'backup-test-server-002', level: 'F' });
  t.equal(c.jobStatus, 'R');
  const d = w.run({ job: 'backup-test-server-003', level: 'F' });
  t.equal(d.jobStatus, 'C');
  t.equal(w.waitReason(d), 'd', 'Director limit reached');
  for (let i = 0; i < 2000 && ![a, b, c, d].every((j) => isTerminal(j.jobStatus)); i++) w.advanceTo(w.now + 60_000);
  for (const j of [a, b, c, d]) t.equal(j.jobStatus, 'T', `job ${j.jobId} ran in the end`);
  t.ok(b.startTime! >= a.endTime!, 'the queued job started after the first ended');
});

t.test('cancel of a queued and of a running job ends them as A', async (t) => {
  const w = world({ jobIntervalMin: 100_000, jobIntervalMax: 100_000 }, { clients: 1, errorRate: 0 });
  const running = w.run({ job: 'backup-test-server-001', level: 'F' });
  const queued = w.run({ job: 'backup-test-server-001', level: 'F' });
  w.advanceTo(w.now + 5_000);
  t.equal(running.jobStatus, 'R');
  w.cancel(queued.jobId);
  t.equal(queued.jobStatus, 'A');
  t.match(w.jobLog(queued.jobId).map((l) => l.text).join(''), /Termination: {12}Backup Canceled/);
  w.cancel(running.jobId);
  t.equal(running.jobStatus, 'A');
  t.equal(w.running.size, 0, 'the client slot is free again');
  const text = w.jobLog(running.jobId).map((l) => l.text).join('');
  t.match(text, /FD termination status: {2}Canceled/);
  t.notMatch(text, /End auto prune/, 'a canceled job is not followed by pruning');
  t.throws(() => w.cancel(running.jobId), { kind: 'conflict' });
  t.throws(() => w.cancel(99999), { kind: 'not_found' });
  const again = w.run({ job: 'backup-test-server-001', level: 'F' });
  t.equal(again.jobStatus, 'R', 'a new job can run at once');
});

t.test('volumes fill and roll over to new Vol-NNNN volumes', async (t) => {
  const w = world({ jobIntervalMin: 100_000, jobIntervalMax: 100_000 }, { clients: 1, errorRate: 0 });
  w.updatePool('Full', { maxVolBytes: 2_000_000_000 });
  const job = w.run({ job: 'backup-test-server-001', level: 'F' });
  for (let i = 0; i < 2000 && job.jobStatus === 'R'; i++) w.advanceTo(w.now + 60_000);
  t.ok(job.volumes.length >= 1);
  for (const m of w.catalog.media) t.match(m.volumeName, /^Vol-\d{4}$/);
  if (job.jobBytes > 2_000_000_000) {
    t.ok(job.volumes.length >= 2, 'a job larger than a volume spans volumes');
    t.equal(w.catalog.mediaByName(job.volumes[0].volumeName)!.volStatus, 'Full');
    t.match(w.jobLog(job.jobId).map((l) => l.text).join(''), /End of medium on Volume "Vol-\d{4}"/);
  }
});

t.test('a pool at its volume limit makes a job wait for media until a volume is labelled', async (t) => {
  const w = world({ jobIntervalMin: 100_000, jobIntervalMax: 100_000 }, { clients: 1, errorRate: 0 });
  w.updatePool('Full', { maxVols: 1 });
  w.label({ volume: 'Vol-Full-1', pool: 'Full' });
  w.updatePool('Full', { maxVolBytes: 1 });
  w.purgeVolume('Vol-Full-1');
  const job = w.run({ job: 'backup-test-server-001', level: 'F' });
  t.equal(job.jobStatus, 'R');
  t.equal(job.waitStatus, 'm');
  t.match(w.jobLog(job.jobId).map((l) => l.text).join(''), /Cannot find any appendable volumes/);
  w.updatePool('Full', { maxVols: 0, maxVolBytes: 0 });
  t.equal(job.waitStatus, null, 'resumes once a volume can be had');
  for (let i = 0; i < 2000 && job.jobStatus === 'R'; i++) w.advanceTo(w.now + 60_000);
  t.equal(job.jobStatus, 'T');
});

t.test('a snapshot restores the same world, which then goes on identically', async (t) => {
  const a = world({}, { clients: 5, historyDays: 2 });
  a.run({ job: 'backup-test-server-002', level: 'F' });
  const b = restoreWorld(JSON.parse(JSON.stringify([...snapshotChunks(a)].map(encodeChunk))));
  t.equal(fingerprint(b), fingerprint(a));
  a.advanceTo(a.now + DAY);
  b.advanceTo(b.now + DAY);
  t.equal(fingerprint(b), fingerprint(a));
});

t.test('restore, verify and admin jobs', async (t) => {
  const w = world({ jobIntervalMin: 100_000, jobIntervalMax: 100_000 }, { clients: 1, errorRate: 0 });
  const full = w.run({ job: 'backup-test-server-001', level: 'F' });
  for (let i = 0; i < 2000 && full.jobStatus === 'R'; i++) w.advanceTo(w.now + 60_000);
  const r = w.restore({ jobId: full.jobId, where: '/tmp/restore' });
  for (let i = 0; i < 2000 && !isTerminal(r.jobStatus); i++) w.advanceTo(w.now + 60_000);
  t.equal(r.type, 'R');
  t.equal(r.jobStatus, 'T');
  t.equal(r.jobFiles, full.jobFiles);
  const text = w.jobLog(r.jobId).map((l) => l.text).join('');
  t.match(text, new RegExp(`Restoring files from JobId\\(s\\) ${full.jobId}`));
  t.match(text, /Termination: {12}Restore OK/);
  t.throws(() => w.restore({ jobId: 12345 }), { kind: 'not_found' });
  w.advanceTo(w.now + 2 * DAY);
  const admin = [...w.catalog.allJobs()].find((j) => j.type === 'D');
  t.ok(admin, 'the scheduled Admin job ran');
  t.equal(admin!.level, ' ');
  t.match(w.jobLog(admin!.jobId).map((l) => l.text).join(''), /Termination: {12}Admin OK/);
  t.equal(new Date(admin!.schedTime).getUTCHours(), 6, 'at 06:00 as its Schedule says');
});

t.test('an ended job read back from the compact Job table is the record it ended with', async (t) => {
  const w = world({ jobIntervalMin: 5, jobIntervalMax: 60 }, { clients: 6, errorRate: 0.5 });
  const created: JobRecord[] = [];
  w.on('job.created', (j) => created.push(j));
  w.updatePool('Full', { maxVolBytes: 3_000_000_000 });
  const queued = w.run({ job: 'backup-test-server-001', level: 'F', when: w.now + 3_600_000, comment: 'to be canceled' });
  w.cancel(queued.jobId);
  const running = w.run({ job: 'backup-test-server-002', level: 'F' });
  w.advanceTo(w.now + 60_000);
  w.cancel(running.jobId);
  w.advanceTo(w.now + 2 * DAY);
  const ended = [queued, running, ...created].filter((j) => isTerminal(j.jobStatus));
  t.ok(ended.length > 50, `${ended.length} ended jobs`);
  const kinds = new Set(ended.map((j) => `${j.type}${j.jobStatus}${j.volumes.length > 1 ? '+' : ''}`));
  t.ok(kinds.has('BA') && kinds.has('BT') && (kinds.has('BE') || kinds.has('Bf')), `kinds: ${[...kinds].join(' ')}`);
  for (const job of ended) {
    const back = w.catalog.job(job.jobId)!;
    const { step: _a, ...want } = job;
    const { step: _b, ...got } = back;
    t.same(got, want, `job ${job.jobId} (${job.type}/${job.jobStatus})`, { diagnostic: false });
  }
});
