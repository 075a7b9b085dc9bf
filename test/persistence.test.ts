import t from 'tap';
import { api, startServer, tempConfig } from './helpers/server.js';

/** A small busy world that moves fast: a virtual hour per real second, a snapshot every 5 s. */
const CONFIG = [
  'simulation:', '  default_clients: 12', '  history_days: 1', '  seed: 5', '  speed: 3600', '  snapshot_interval: 5',
  '  job_interval_min: 10', '  job_interval_max: 60', '  start_time: "2026-11-22T00:00:00"',
  'logging:', '  file: logs/test.log', '',
].join('\n');

type Row = Record<string, unknown>;
const post = (json: unknown) => ({ method: 'POST', json });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function allJobs(url: string): Promise<Row[]> {
  const rows: Row[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = (await api(url, `/cat/Job?limit=1000&offset=${offset}`)).body.data as Row[];
    rows.push(...page);
    if (page.length < 1000) return rows;
  }
}

t.test('kill -9 while the engine runs fast loses no acknowledged command, and the ended past reads back the same', async (t) => {
  const { file } = tempConfig(CONFIG);
  let s = await startServer(file);
  const clients = ((await api(s.url, '/cat/Client?limit=2')).body.data as Row[]).map((c) => c.name as string);
  const acked: Array<{ jobid: number; job: string }> = [];
  const canceled: number[] = [];
  const labels: string[] = [];
  for (let cycle = 0; cycle < 3; cycle++) {
    // Acknowledged commands, while virtual time runs on.
    await api(s.url, '/mock/clock', post({ paused: false }));
    for (let i = 0; i < 4; i++) {
      const client = clients[i % 2];
      const run = await api(s.url, '/cmd/run', post({ job: `backup-${client}`, level: 'I', comment: `cycle ${cycle}` }));
      t.equal(run.status, 200, JSON.stringify(run.body));
      acked.push(run.body.data);
      if (i === 3) {
        const c = await api(s.url, '/cmd/cancel', post({ jobid: run.body.data.jobid }));
        if (c.status === 200) canceled.push(run.body.data.jobid);
      }
      await sleep(150 + Math.floor(Math.random() * 300));
    }
    const vol = `Drill-${cycle}`;
    t.equal((await api(s.url, '/cmd/label', post({ volume: vol, pool: 'Default' }))).status, 200);
    labels.push(vol);
    const before = await allJobs(s.url);
    const lastAck = Math.max(...acked.map((a) => a.jobid));
    await sleep(Math.floor(Math.random() * 1500));
    await s.stop('SIGKILL');
    s = await startServer(file);
    // Read a still world: the engine would otherwise add jobs between two reads.
    await api(s.url, '/mock/clock', post({ paused: true }));
    const after = await allJobs(s.url);
    const byId = new Map(after.map((r) => [r.jobid as number, r]));
    for (const a of acked) t.equal(byId.get(a.jobid)?.job, a.job, `cycle ${cycle}: acknowledged run ${a.jobid} is there`);
    for (const id of canceled) t.equal(byId.get(id)?.jobstatus, 'A', `cycle ${cycle}: canceled ${id} stays canceled`);
    const media = (await api(s.url, '/cat/Media?limit=10000')).body.data as Row[];
    for (const v of labels) t.ok(media.some((m) => m.volumename === v), `cycle ${cycle}: volume ${v} is there`);
    // What had ended before the kill is the same row after it, field for field.
    const ended = before.filter((r) => 'TEfA'.includes(r.jobstatus as string));
    const changed = ended.filter((r) => JSON.stringify(byId.get(r.jobid as number)) !== JSON.stringify(r));
    t.same(changed.map((r) => r.jobid), [], `cycle ${cycle}: ${ended.length} ended jobs read back unchanged`);
    const ids = after.map((r) => r.jobid as number);
    t.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]), 'JobIds are unique and increasing');
    t.ok(Math.max(...ids) >= lastAck, 'no JobId went backwards');
    const totals = (await api(s.url, '/cat/JobTotals')).body.data[0];
    t.equal(totals.jobs, after.length, 'JobTotals counts every job');
    t.equal(totals.bytes, after.reduce((n, r) => n + (r.jobbytes as number), 0), 'and sums their bytes');
  }
  await s.stop();
});
