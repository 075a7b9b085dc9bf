import t, { type Test } from 'tap';
import { readFileSync, statSync } from 'node:fs';
import { get, Agent } from 'node:http';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { LiveDirector, worldSettings } from '../src/director.js';
import { start } from '../src/main.js';
import { Snapshots } from '../src/shutdown.js';
import { Store } from '../src/store.js';
import { api, BASIC, startServer, tempConfig, type Running } from './helpers/server.js';

/** The default world (100 clients, 7 days of history); only the log file is moved. */
const DEFAULTS = 'logging:\n  file: logs/test.log\n';

/** SIGTERM; resolves with the exit code and the real ms until the process was gone. */
async function sigterm(s: Running): Promise<{ code: number | null; ms: number }> {
  const began = performance.now();
  const code = await s.stop('SIGTERM');
  return { code, ms: performance.now() - began };
}

const logLines = (dir: string): Record<string, any>[] =>
  readFileSync(join(dir, 'logs', 'test.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

t.test('SIGTERM under load: the server stops within 5 s and every acknowledged command is there after a restart', async (t) => {
  const { dir, file } = tempConfig(DEFAULTS);
  let s = await startServer(file);
  const jobName = (await api(s.url, '/cat/Job?limit=1')).body.data[0].name as string;
  t.ok(jobName, `a job resource to run (${jobName})`);

  const labelled: string[] = [];
  const ran: number[] = [];
  let refused = 0;
  let stopped = false;
  // Four clients sending commands back to back; SIGTERM lands while they do.
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; !stopped; i++) {
      try {
        if (i % 4 === 3) {
          const r = await api(s.url, '/cmd/run', { method: 'POST', json: { job: jobName } });
          if (r.status === 200) ran.push(r.body.data.jobid);
        } else {
          const volume = `Stop-${w}-${i}`;
          const r = await api(s.url, '/cmd/label', { method: 'POST', json: { volume, pool: 'Default' } });
          if (r.status === 200) labelled.push(volume);
        }
      } catch {
        refused++;
        stopped = true;
      }
    }
  };
  const workers = [0, 1, 2, 3].map(worker);
  await new Promise((ok) => setTimeout(ok, 800));
  const acknowledgedBefore = labelled.length + ran.length;
  const stop = await sigterm(s);
  stopped = true;
  await Promise.all(workers);
  t.ok(acknowledgedBefore > 10, `commands were being acknowledged when SIGTERM came (${acknowledgedBefore})`);
  t.equal(stop.code, 0, 'exit code 0');
  t.ok(stop.ms < 5000, `stopped in ${Math.round(stop.ms)} ms (< 5000)`);
  const last = logLines(dir).at(-1)!;
  t.match(last, { msg: 'bacula-mock stopped', snapshot: 'written' }, 'the last log line says the state was saved');
  t.comment(`stop: ${Math.round(stop.ms)} ms wall, drain ${last.drain_ms} ms, snapshot ${last.snapshot_ms} ms; ${labelled.length} labels and ${ran.length} runs acknowledged, ${refused} workers saw the door close`);

  s = await startServer(file);
  t.teardown(() => s.stop('SIGKILL'));
  const media = (await api(s.url, '/cat/Media?pool=Default&limit=100000')).body.data as { volumename: string }[];
  const names = new Set(media.map((m) => m.volumename));
  const lost = labelled.filter((v) => !names.has(v));
  t.same(lost, [], `all ${labelled.length} acknowledged labels are in the catalog`);
  for (const jobid of ran) {
    const rows = (await api(s.url, `/cat/Job?jobid=${jobid}`)).body.data;
    if (rows.length !== 1) t.fail(`acknowledged run ${jobid} is missing`);
  }
  t.pass(`all ${ran.length} acknowledged runs are in the catalog`);
});

t.test('an open event stream or an idle keep-alive connection does not hold a stop', async (t) => {
  const { file } = tempConfig(DEFAULTS);
  const s = await startServer(file);
  const agent = new Agent({ keepAlive: true });
  t.teardown(() => agent.destroy());
  await new Promise<void>((ok, fail) => get(`${s.url}/mock/health`, { agent }, (res) => res.resume().once('end', ok)).once('error', fail));
  const ended = new Promise<string>((ok, fail) => {
    get(`${s.url}/mock/events`, { headers: { Authorization: BASIC } }, (res) => {
      t.match(res.headers['content-type'], /^text\/event-stream/);
      res.resume();
      res.once('close', () => ok('closed'));
    }).once('error', fail);
  });
  await new Promise((ok) => setTimeout(ok, 200));
  const stop = await sigterm(s);
  t.equal(stop.code, 0);
  t.ok(stop.ms < 2000, `stopped in ${Math.round(stop.ms)} ms, not held for the 3 s drain deadline`);
  t.equal(await ended, 'closed', 'the event stream was ended for its reader');
});

t.test('a stop skips a snapshot that would take longer than its budget; the journal still has everything', async (t) => {
  const { dir, file } = tempConfig(['simulation:', '  default_clients: 5', '  history_days: 1', '  snapshot_interval: 5', DEFAULTS].join('\n'));
  const run = (budget?: number) => start({ config: file, port: 0, host: '127.0.0.1', quiet: true, stopSnapshotBudgetMs: budget });

  // A new world is always written: replaying its build would cost more.
  let srv = await run(0);
  let url = `http://127.0.0.1:${srv.port}`;
  await api(url, '/mock/clock', { method: 'POST', json: { paused: true } });
  t.match(await srv.close(), { snapshot: 'written' }, 'first stop of a new world');

  // Nothing changed since the last snapshot (the housekeeping one, after
  // snapshot_interval; a paused world records nothing after it): nothing to write.
  srv = await run(0);
  const snapshotFile = join(dir, 'data', 'world.snapshot');
  const before = statSync(snapshotFile).mtimeMs;
  for (let i = 0; i < 150 && statSync(snapshotFile).mtimeMs === before; i++) await new Promise((ok) => setTimeout(ok, 100));
  t.not(statSync(snapshotFile).mtimeMs, before, 'the housekeeping snapshot was written');
  t.match(await srv.close(), { snapshot: 'unchanged' });

  // A change, and a snapshot that would blow the budget: skipped, the command kept by the journal.
  srv = await run(0);
  url = `http://127.0.0.1:${srv.port}`;
  t.equal((await api(url, '/cmd/label', { method: 'POST', json: { volume: 'AfterSnap', pool: 'Default' } })).status, 200);
  const unchangedAt = statSync(snapshotFile).mtimeMs;
  t.match(await srv.close(), { snapshot: 'skipped' });
  t.equal(statSync(snapshotFile).mtimeMs, unchangedAt, 'the snapshot file was not written');

  srv = await run();
  url = `http://127.0.0.1:${srv.port}`;
  t.equal((await api(url, '/cat/Media?volumename=AfterSnap')).body.data.length, 1, 'the label is back, replayed from the journal');
  // With the default budget a small world is written.
  await api(url, '/cmd/label', { method: 'POST', json: { volume: 'AfterSnap2', pool: 'Default' } });
  t.match(await srv.close(), { snapshot: 'written' });
});

/** A small world opened in-process, as start() opens it, with its snapshot rule. */
function smallWorld(t: Test, fromSnapshot: boolean): { director: LiveDirector; snapshots: Snapshots; file: string } {
  const { dir, file } = tempConfig(['simulation:', '  default_clients: 5', '  history_days: 1', DEFAULTS].join('\n'));
  const config = loadConfig(file);
  const { director } = LiveDirector.open(config, new Store(join(dir, 'data')));
  t.teardown(() => director.close());
  return { director, snapshots: new Snapshots(director, { ms: 0, fromSnapshot }), file };
}

t.test('a stop that cancels a housekeeping snapshot is no failure of it: the housekeeping hears null, the stop writes its own', async (t) => {
  const { snapshots } = smallWorld(t, false);
  const housekeeping = snapshots.takeInBackground();
  const stop = await snapshots.atStop(60_000);
  t.equal(await housekeeping, null, 'the canceled snapshot resolves null (nothing to warn of)');
  t.match(stop, { snapshot: 'written' }, 'the world, new, is still written by the stop');
});

t.test('a world reset while a background snapshot is written is still a rebuilt world at the stop', async (t) => {
  const { director, snapshots, file } = smallWorld(t, true);
  const writing = snapshots.takeInBackground();
  director.command({ op: 'reset', settings: worldSettings(loadConfig(file)) });
  t.type(await writing, 'number', 'the snapshot of the world before the reset was written');
  t.match(await snapshots.atStop(0), { snapshot: 'written' }, 'written despite a budget of 0: replaying the reset would cost more');
});
