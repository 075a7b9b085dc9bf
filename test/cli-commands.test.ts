import t from 'tap';
import { cli, smallWorld, spawnCli, startWorld, until } from './helpers/cli.js';
import { api, type Running } from './helpers/server.js';

// Three clients, no failures unless a test asks for them.
const CONFIG = smallWorld({ clients: 3, days: 1, errorRate: 0, seed: 5 });

let s: Running;
let env: Record<string, string>;
/** the world's clients, by name (which profiles they come from is the server's business) */
let names: string[];

const clientNames = async (): Promise<string[]> => ((await api(s.url, '/cat/Client')).body.data as Array<{ name: string }>).map((c) => c.name);

t.before(async () => {
  ({ s, env } = await startWorld(CONFIG));
  names = await clientNames();
});
t.teardown(() => s.stop());

const run = (...args: string[]) => cli(args, { env });
const clock = (body: object) => api(s.url, '/mock/clock', { method: 'POST', json: body });
const job = async (jobid: number) => (await api(s.url, `/cat/Job?jobid=${jobid}`)).body.data[0];

/** Polls the catalog until the job's status is one of `letters`. */
async function waitStatus(jobid: number, letters: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!letters.includes((await job(jobid))?.jobstatus)) {
    if (Date.now() > end) throw new Error(`JobId ${jobid} never reached ${letters}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

t.test('clock: shows, pauses, advances, resumes at a speed', async (t) => {
  const shown = await run('clock');
  t.equal(shown.code, 0);
  t.match(shown.stdout, /^Virtual time 2026-11-2\d \d\d:\d\d:\d\d UTC, speed 1x, running\n$/);
  t.match((await run('clock', '--pause')).stdout, /, speed 1x, paused\n$/);
  const before = (await api(s.url, '/mock/clock')).body.data.virtual_epoch;
  const adv = await run('clock', '--advance', '1h');
  t.match(adv.stdout, /^Advanced 1h\. Virtual time /);
  t.equal((await api(s.url, '/mock/clock')).body.data.virtual_epoch - before, 3600, 'an hour later, exactly (paused)');
  const fast = await run('clock', '--resume', '--speed', '600', '--json');
  t.match(JSON.parse(fast.stdout), { speed: 600, paused: false });
  t.match((await api(s.url, '/mock/clock')).body.data, { speed: 600, paused: false });
  const bad = await run('clock', '--pause', '--resume');
  t.equal(bad.code, 2, '--pause and --resume exclude each other');
  const badAdvance = await run('clock', '--advance', 'soon');
  t.equal(badAdvance.code, 2, 'the server refuses a bad duration: 400, exit 2');
  t.match(badAdvance.stderr, /^bacula-mock: advance: expected a duration/);
});

t.test('run prints the new JobId; --wait follows the log as it is written and exits 0 on T', async (t) => {
  await clock({ speed: 600, paused: false });
  const queued = await run('run', `backup-${names[0]}`, '--level', 'I', '--comment', 'from the CLI');
  t.equal(queued.code, 0);
  const m = new RegExp(`^Job queued\\. JobId=(\\d+) Job=(backup-${names[0]}\\.\\S+)\\n$`).exec(queued.stdout);
  t.ok(m, queued.stdout);
  const row = await job(Number(m![1]));
  t.match(row, { name: `backup-${names[0]}`, level: 'I', comment: 'from the CLI', job: m![2] });

  const waited = await run('run', `backup-${names[1]}`, '--level', 'F', '--wait');
  t.equal(waited.code, 0, waited.stderr);
  const out = waited.stdout.split('\n');
  const id = Number(/^Job queued\. JobId=(\d+) /.exec(out[0])![1]);
  const final = await job(id);
  t.equal(final.jobstatus, 'T');
  const log = (await api(s.url, `/cat/JobLog?jobid=${id}&limit=1000`)).body.data as Array<{ time: string; logtext: string }>;
  const expected = log.map((l) => `${l.time}  ${l.logtext.replace(/\n+$/, '')}`).join('\n').split('\n');
  t.same(out.slice(1, 1 + expected.length), expected, 'every log row once, in order, as the catalog keeps it');
  t.match(out.slice(1 + expected.length).join('\n'),
    new RegExp(`^JobId ${id} ended: OK \\(T\\), ${final.jobfiles.toLocaleString('en-US')} files, \\d+\\.\\d [KMGT]B, ${final.joberrors} errors?\\n$`), 'then how it ended');

  const json = await run('run', `backup-${names[2]}`, '--level', 'D', '--wait', '--json');
  t.equal(json.code, 0);
  t.match(JSON.parse(json.stdout), { name: `backup-${names[2]}`, jobstatus: 'T' }, '--json --wait: the final Job row');

  const nope = await run('run', 'backup-no-such-client');
  t.equal(nope.code, 4);
  t.match(nope.stderr, /^bacula-mock: .*not found/);
  const badLevel = await run('run', `backup-${names[0]}`, '--level', 'X');
  t.equal(badLevel.code, 2);
});

t.test('cancel on a running job reports its final status; a second cancel is refused (exit 5)', async (t) => {
  await clock({ speed: 1 });
  const q = JSON.parse((await run('run', `backup-${names[0]}`, '--level', 'F', '--json')).stdout);
  await waitStatus(q.jobid, 'R');
  const c = await run('cancel', '--jobid', String(q.jobid));
  t.equal(c.code, 0, c.stderr);
  t.equal(c.stdout, `JobId ${q.jobid}, Job ${q.job} marked to be canceled.\nJobId ${q.jobid} final status: Canceled (A)\n`);
  t.equal((await job(q.jobid)).jobstatus, 'A');
  const again = await run('cancel', '--jobid', String(q.jobid));
  t.equal(again.code, 5);
  t.equal(again.stderr, `bacula-mock: JobId ${q.jobid} has already terminated (JobStatus=A)\n`);
});

t.test('run --wait on a job canceled meanwhile: the log up to the end, exit 1', async (t) => {
  await clock({ speed: 1 });
  const follower = spawnCli(['run', `backup-${names[2]}`, '--level', 'F', '--wait'], { env });
  const id = Number((await until(follower.stdout, /^Job queued\. JobId=(\d+) /))[1]);
  await until(follower.stdout, /Connected to Storage/);
  await waitStatus(id, 'R');
  await api(s.url, '/cmd/cancel', { method: 'POST', json: { jobid: id } });
  const r = await follower.done;
  t.equal(r.code, 1, 'a job that did not end OK exits 1');
  t.match(r.stdout, new RegExp(`\\nJobId ${id} ended: Canceled \\(A\\), `));
  t.equal(r.stderr, `bacula-mock: JobId ${id} did not end OK: Canceled (A)\n`);
  const log = (await api(s.url, `/cat/JobLog?jobid=${id}&limit=1000`)).body.data as Array<{ logtext: string }>;
  t.match(r.stdout, log[log.length - 1].logtext.replace(/\n+$/, '').split('\n')[0], 'the last log line was printed');
});

t.test('restore queues a Restore job; --wait follows it to OK', async (t) => {
  await clock({ speed: 600 });
  const backup = (await api(s.url, '/cat/Job?jobstatus=T&type=B&limit=1')).body.data[0];
  const r = await run('restore', '--jobid', String(backup.jobid), '--where', '/tmp/restore');
  t.equal(r.code, 0);
  const id = Number(/^Restore queued\. JobId=(\d+) Job=RestoreFiles\./.exec(r.stdout)![1]);
  t.match(await job(id), { type: 'R' });
  const w = await run('restore', '--jobid', String(backup.jobid), '--files', '10', '--wait');
  t.equal(w.code, 0, w.stderr);
  t.match(w.stdout, /Start Restore Job RestoreFiles/);
  t.match(w.stdout, /\nJobId \d+ ended: OK \(T\), 10 files, /);
  const picked = await run('restore', '--jobid', String(backup.jobid), '--file', '/no/such/file', '--file', '/etc/');
  t.equal(picked.code, 2, 'the paths go to the server, which names the one no backup saved');
  t.match(picked.stderr, /^bacula-mock: .*\/no\/such\/file/);
  t.equal((await run('restore', '--where', '/tmp')).code, 2, 'needs --jobid or --client');
});

t.test('estimate, label, update-pool, purge, prune: say what changed, and the API agrees', async (t) => {
  await clock({ paused: true });
  const est = (await api(s.url, '/cmd/estimate', { method: 'POST', json: { client: names[1], level: 'F' } })).body.data;
  // What does not depend on another change runs side by side.
  const [e, label, upd, nothing, badPeriod, prune, both, noVolume] = await Promise.all([
    run('estimate', '--client', names[1], '--level', 'F'),
    run('label', '--volume', 'Vol-CLI-1', '--pool', 'Default'),
    run('update-pool', '--pool', 'Default', '--maxvols', '77', '--volretention', '30d', '--maxvolbytes', '5G', '--no-recycle'),
    run('update-pool', '--pool', 'Default'),
    run('update-pool', '--pool', 'Default', '--volretention', '3 fortnights'),
    run('prune', '--client', names[0]),
    run('prune', '--client', names[0], '--volume', 'Vol-CLI-1'),
    run('purge', '--volume', 'Vol-None'),
  ]);
  t.equal(e.code, 0);
  t.match(e.stdout, `Estimate for ${names[1]}, Full: ${est.files.toLocaleString('en-US')} files, `);
  t.match(e.stdout, `(${est.bytes.toLocaleString('en-US')} bytes)`);

  t.equal(label.code, 0);
  t.match(label.stdout, /^Volume "Vol-CLI-1" labelled: MediaId \d+, pool Default, storage File, status Append/);
  t.match((await api(s.url, '/cat/Media?volumename=Vol-CLI-1')).body.data[0], { volstatus: 'Append', pool: 'Default' });

  t.equal(upd.code, 0, upd.stderr);
  t.match(upd.stdout, /Volumes: +\d+ of 77\n/);
  t.match(upd.stdout, /Max volume size: +5\.0 GB\n/);
  t.match(upd.stdout, /Volume retention: +30 days\n/);
  t.match((await api(s.url, '/cat/Pool?name=Default')).body.data[0], { maxvols: 77, volretention: 2_592_000, maxvolbytes: 5 * 1024 ** 3, recycle: 0 });
  t.equal(nothing.code, 2);
  t.match(nothing.stderr, /nothing to update/);
  t.equal(badPeriod.code, 2, 'a period it cannot read');

  t.equal(prune.code, 0);
  t.equal(prune.stdout, `Client "${names[0]}" pruned: no job had expired\n`);
  t.equal(both.code, 2, 'one of --client or --volume');
  t.equal(noVolume.code, 4);

  const [twice, purge] = await Promise.all([run('label', '--volume', 'Vol-CLI-1', '--pool', 'Default'), run('purge', '--volume', 'Vol-CLI-1')]);
  t.equal(twice.code, 5, 'a volume that exists: 409, exit 5');
  t.equal(purge.code, 0);
  t.equal(purge.stdout, 'Volume "Vol-CLI-1" purged, status Purged: no jobs removed from the catalog\n');
  t.equal((await api(s.url, '/cat/Media?volumename=Vol-CLI-1')).body.data[0].volstatus, 'Purged');
});

t.test('init and reset rebuild the world; a job of a failing world exits 1 under --wait', async (t) => {
  const reset = await run('reset');
  t.equal(reset.code, 0);
  t.match(reset.stdout, /^Reset: the world is empty \(0 clients, 0 jobs\)/);
  t.match((await api(s.url, '/mock/health')).body.data, { clients: 0, jobs: 0 });
  const init = await run('init', '2', '1.0', '--seed', '9', '--history-days', '0.5');
  t.equal(init.code, 0, init.stderr);
  t.match(init.stdout, /^Initialized 2 clients and \d+ jobs \(error rate 1, seed 9, 0\.5 days of history\)/);
  t.match((await api(s.url, '/mock/health')).body.data, { clients: 2, error_rate: 1 });
  await clock({ speed: 600, paused: false });
  const [doomedClient] = await clientNames();
  const doomed = await run('run', `backup-${doomedClient}`, '--level', 'F', '--wait');
  t.equal(doomed.code, 1, 'an error rate of 1.0: the job fails and the exit status says so');
  t.match(doomed.stdout, /\nJobId \d+ ended: (Error \(E\)|Fatal \(f\)), /);
  t.match(doomed.stderr, /^bacula-mock: JobId \d+ did not end OK: (Error \(E\)|Fatal \(f\))\n$/);
  t.equal((await run('init', '5', '1.5')).code, 2, 'a rate above 1 is refused before any request');
});
