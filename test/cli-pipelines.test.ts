import t from 'tap';
import { shell, smallWorld, startWorld } from './helpers/cli.js';
import { api, type Running } from './helpers/server.js';

// A small world with failures in it; the clock is paused so the CLI and the
// test read the same catalog.
const CONFIG = smallWorld({ clients: 5, days: 1.5, errorRate: 0.5, seed: 2 });

let s: Running;
let env: Record<string, string>;

t.before(async () => {
  ({ s, env } = await startWorld(CONFIG, { paused: true }));
});
t.teardown(() => s.stop());

const lines = (text: string): string[] => text.trimEnd().split('\n');

t.test("the manual's pipelines (§11.5, §11.6, §12.1-§12.4) run as written", async (t) => {
  // Transcribed from the manual; only the PDF's page footers, the blank lines its
  // text extraction put between code lines and one line it wrapped are undone.
  const jobs = (await api(s.url, '/cat/Job?limit=10000')).body.data as Array<{ jobid: number; clientid: number; jobstatus: string; joberrors: number; jobbytes: number; jobfiles: number }>;
  const failed = (await api(s.url, '/cat/Job?jobstatus=Ef&order=desc&limit=100')).body.data as typeof jobs;

  const s115 = await shell(`bacula-mock jobs-failed 50 --raw | python3 -c "
import json, sys
jobs = json.load(sys.stdin)['data']
print(f'Failed: {len(jobs)}')
for j in jobs:
    print(f'  Job {j[\\"jobid\\"]:4d}  Errors: {j[\\"joberrors\\"]}')
"`, { env });
  t.equal(s115.code, 0, s115.stderr);
  t.equal(s115.stdout, `Failed: ${failed.length}\n` + failed.map((j) => `  Job ${String(j.jobid).padStart(4)}  Errors: ${j.joberrors}\n`).join(''), '§11.5');

  // §11.6 loops for ever: \`sleep\` ends it after one round, \`clear\` has no terminal to clear.
  const totals = (await api(s.url, '/cat/JobTotals')).body.data[0];
  const s116 = await shell(`sleep() { exit 0; }; clear() { :; }
while true; do
  clear; date
  bacula-mock jobtotals --raw | python3 -c "
import json, sys
t = json.load(sys.stdin)['data'][0]
print(f'Jobs: {t[\\"jobs\\"]}  Files: {t[\\"files\\"]:,}  Errors: {t[\\"joberrors\\"]}')
"
  bacula-mock jobs-failed 5
  sleep 30
done`, { env });
  t.equal(s116.code, 0, s116.stderr);
  t.match(s116.stdout, `\nJobs: ${totals.jobs}  Files: ${totals.files.toLocaleString('en-US')}  Errors: ${totals.joberrors}\nJOBID `, '§11.6');
  t.equal(lines(s116.stdout).length, 3 + Math.min(5, failed.length), 'the date, the totals, the table header and up to five failed jobs');

  const s121 = await shell(`bacula-mock jobs-failed 100 --raw | python3 -c "
import json, sys
from collections import defaultdict
jobs = json.load(sys.stdin)['data']
by_client = defaultdict(list)
for j in jobs: by_client[j['clientid']].append(j)
for cid, cjobs in sorted(by_client.items()):
    total_err = sum(j['joberrors'] for j in cjobs)
    print(f'Client {cid}: {len(cjobs)} jobs, {total_err} errors')
"`, { env });
  const byClient = new Map<number, typeof jobs>();
  for (const j of failed) byClient.set(j.clientid, [...(byClient.get(j.clientid) ?? []), j]);
  t.equal(s121.stdout, [...byClient].sort((a, b) => a[0] - b[0]).map(([cid, js]) => `Client ${cid}: ${js.length} jobs, ${js.reduce((n, j) => n + j.joberrors, 0)} errors\n`).join(''), '§12.1');

  const s122 = await shell(`bacula-mock jobs-failed 20 --raw \\
  | python3 -c "import json,sys; [print(j['jobid']) for j in
json.load(sys.stdin)['data']]" \\
  | while read JOBID; do
      bacula-mock joblog "$JOBID" --raw | python3 -c "
import json,sys
for l in json.load(sys.stdin)['data']:
    if 'ERROR' in l['logtext'] or 'Fatal' in l['logtext']:
        print(f'  Job $JOBID: {l[\\"logtext\\"]}')"
    done`, { env });
  t.equal(s122.code, 0, s122.stderr);
  let expected = '';
  for (const j of failed.slice(0, 20)) {
    const log = (await api(s.url, `/cat/JobLog?jobid=${j.jobid}&limit=1000`)).body.data as Array<{ logtext: string }>;
    for (const l of log) if (l.logtext.includes('ERROR') || l.logtext.includes('Fatal')) expected += `  Job ${j.jobid}: ${l.logtext}\n`;
  }
  t.ok(expected.length > 0, 'some failed job logged a Fatal line');
  t.equal(s122.stdout, expected, '§12.2');

  const s123 = await shell(`bacula-mock jobs 10000 --raw | python3 -c "
import json, sys
from collections import defaultdict
jobs = json.load(sys.stdin)['data']
stats = defaultdict(lambda: {'ok': 0, 'fail': 0})
for j in jobs:
    if j['jobstatus'] == 'T': stats[j['clientid']]['ok'] += 1
    else: stats[j['clientid']]['fail'] += 1
for cid, s in sorted(stats.items()):
    total = s['ok'] + s['fail']
    rate = s['ok'] / total * 100 if total else 0
    print(f'  Client {cid:3d}: {rate:5.1f}%  ({s[\\"ok\\"]}/{total})')
"`, { env });
  const stats = new Map<number, { ok: number; fail: number }>();
  for (const j of jobs) {
    const st = stats.get(j.clientid) ?? { ok: 0, fail: 0 };
    if (j.jobstatus === 'T') st.ok++;
    else st.fail++;
    stats.set(j.clientid, st);
  }
  t.equal(s123.stdout, [...stats].sort((a, b) => a[0] - b[0]).map(([cid, st]) => {
    const total = st.ok + st.fail;
    return `  Client ${String(cid).padStart(3)}: ${((st.ok / total) * 100).toFixed(1).padStart(5)}%  (${st.ok}/${total})\n`;
  }).join(''), '§12.3');

  const s124 = await shell(`bacula-mock jobs 10000 --raw | python3 -c "
import json, sys
jobs = sorted(json.load(sys.stdin)['data'], key=lambda j: j['jobbytes'],
reverse=True)
for j in jobs[:10]:
    print(f'  Job {j[\\"jobid\\"]:4d}  {j[\\"jobbytes\\"]/1024**3:>8.2f} GB  {j[\\"jobfiles\\"]:>8,} files')
"`, { env });
  const top = [...jobs].sort((a, b) => b.jobbytes - a.jobbytes).slice(0, 10);
  t.equal(lines(s124.stdout).length, 10, '§12.4: ten largest');
  t.equal(lines(s124.stdout)[0], `  Job ${String(top[0].jobid).padStart(4)}  ${(top[0].jobbytes / 1024 ** 3).toFixed(2).padStart(8)} GB  ${top[0].jobfiles.toLocaleString('en-US').padStart(8)} files`);
});

