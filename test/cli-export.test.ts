import t from 'tap';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Api } from '../cli/lib/http.js';
import { jobPages } from '../cli/lib/job-pages.js';
import { cli, emptyCwd, shell, smallWorld, startWorld } from './helpers/cli.js';
import { api, type Running } from './helpers/server.js';

const CONFIG = smallWorld({ clients: 4, days: 2, errorRate: 0.4, seed: 3 });

/** RFC 4180, read back: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  return rows;
}

let s: Running;
let env: Record<string, string>;

t.before(async () => {
  ({ s, env } = await startWorld(CONFIG));
  // A job whose comment needs CSV quoting (the API refuses line breaks in it), then a still world.
  await api(s.url, '/cmd/run', { method: 'POST', json: { job: `backup-${(await api(s.url, '/cat/Client')).body.data[0].name}`, comment: 'said "hi", then left' } });
  await api(s.url, '/mock/clock', { method: 'POST', json: { paused: true } });
});
t.teardown(() => s.stop());

t.test('export-csv: a header and every job, quoted as RFC 4180, read back equal to the API', async (t) => {
  const jobs = (await api(s.url, '/cat/Job?limit=100000')).body.data as Array<Record<string, unknown>>;
  const r = await shell('bacula-mock export-csv > jobs.csv && bacula-mock export-csv --page-size 3 > small-pages.csv', { env });
  t.equal(r.code, 0, r.stderr);
  const text = readFileSync(join(emptyCwd(), 'jobs.csv'), 'utf8');
  t.equal(readFileSync(join(emptyCwd(), 'small-pages.csv'), 'utf8'), text, 'pages of 3 make the same file');
  const [header, ...rows] = parseCsv(text);
  t.same(header, Object.keys(jobs[0]), 'the header is the Job row\'s columns');
  t.equal(rows.length, jobs.length, `${jobs.length} jobs, one row each`);
  const asCsv = (v: unknown): string => (v === null ? '' : String(v));
  t.same(rows, jobs.map((j) => header.map((k) => asCsv(j[k]))), 'every value, in JobId order');
  t.ok(rows.some((row) => row[header.indexOf('comment')] === 'said "hi", then left'), 'a comment with quotes and a comma survives');
  t.match(text, ',"said ""hi"", then left",', 'quoted, its quotes doubled');

  // The same file through Python's csv module, as a spreadsheet script would read it.
  const py = await shell(`python3 -c "
import csv, sys
rows = list(csv.DictReader(open('jobs.csv', newline='')))
print(len(rows), rows[-1]['jobid'], sum(1 for r in rows if r['comment'] == 'said \\"hi\\", then left'))
"`, { env });
  t.equal(py.stdout, `${jobs.length} ${jobs[jobs.length - 1].jobid} 1\n`);
});

t.test('export-csv filters and writes to --output; export-errors is a JSON array of the failed jobs', async (t) => {
  const failed = (await api(s.url, '/cat/Job?jobstatus=Ef&limit=100000')).body.data;
  t.ok(failed.length > 0, 'the world has failed jobs');
  const [csv, errors, out] = await Promise.all([
    cli(['export-csv', '--status', 'Ef'], { env }),
    shell('bacula-mock export-errors > failed.json', { env }),
    cli(['export-errors', '-o', 'errors-out.json', '--page-size', '2'], { env }),
  ]);
  t.equal(parseCsv(csv.stdout).length - 1, failed.length, '--status Ef: the failed jobs only');
  t.equal(errors.code, 0, errors.stderr);
  t.same(JSON.parse(readFileSync(join(emptyCwd(), 'failed.json'), 'utf8')), failed, 'export-errors > failed.json: the rows of /cat/Job?jobstatus=Ef');
  t.equal(out.code, 0);
  t.equal(out.stderr, `Exported ${failed.length} failed jobs to errors-out.json.\n`);
  t.same(JSON.parse(readFileSync(join(emptyCwd(), 'errors-out.json'), 'utf8')), failed);
});

t.test('jobPages reads every job once even when jobs before its position are pruned meanwhile', async (t) => {
  // A fake /cat/Job over an array, paged by offset like the real one; after
  // each page the test deletes rows the reader has already passed.
  let table = Array.from({ length: 40 }, (_, i) => ({ jobid: i + 1 }));
  let calls = 0;
  const fake = {
    get: async (_path: string, q: { offset: number; limit: number }) => {
      calls++;
      const data = table.slice(q.offset, q.offset + q.limit);
      // Prune 5 old jobs, and a job arrives, between two pages.
      if (calls % 2 === 0) table = [...table.filter((r) => r.jobid > calls * 2 + 5 || r.jobid % 3 !== 0), { jobid: 100 + calls }];
      return { status: 200, text: '', json: { data } };
    },
  } as unknown as Api;
  const seen: number[] = [];
  for await (const page of jobPages(fake, {}, 4)) seen.push(...page.map((r) => r.jobid));
  t.same(seen, [...seen].sort((a, b) => a - b), 'ascending');
  t.equal(new Set(seen).size, seen.length, 'no job twice');
  const survivors = table.map((r) => r.jobid);
  t.same(survivors.filter((id) => !seen.includes(id)), [], 'every job still there at the end was read');
});

t.test('smoke-test: one line per check, "N passed, 0 failed", exit 0; --read-only skips the writes', async (t) => {
  await api(s.url, '/mock/clock', { method: 'POST', json: { paused: false, speed: 60 } });
  const [r, ro, json] = await Promise.all([
    cli(['smoke-test'], { env }),
    cli(['smoke-test', '--read-only'], { env }),
    cli(['smoke-test', '--json', '--read-only'], { env }),
  ]);
  t.equal(r.code, 0, r.stdout + r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  const checks = lines.slice(0, -1);
  t.ok(checks.length >= 24, `${checks.length} checks, at least the manual's 24`);
  t.ok(checks.every((l) => /^ok {4}(GET|POST) \/\S* .* \(\d+ ms\)$/.test(l)), 'each line: ok, the endpoint, what was seen, the time');
  t.equal(lines[lines.length - 1], `${checks.length} passed, 0 failed`);
  for (const endpoint of ['/mock/health', '/mock/initialize', '/mock/reset', '/oauth/token', '/cat/Client', '/cat/Job', '/cat/JobTotals', '/cat/JobLog', '/cat/Pool',
    '/cat/Storage', '/cmd/run', '/cmd/cancel', '/cmd/restore', '/cmd/estimate', '/cmd/label', '/cmd/update', '/cmd/purge', '/cmd/prune', '/cmd/list',
    '/status/director', '/status/client/', '/res/director', '/res/filedaemon', '/res/storagedaemon']) {
    t.ok(checks.some((l) => l.split(/\s+/)[2] === endpoint || l.split(/\s+/)[2].startsWith(`${endpoint}?`)), `the manual's ${endpoint} is checked`);
  }
  t.equal(ro.code, 0);
  t.match(ro.stdout, /\n\d+ passed, 0 failed, 7 skipped\n$/);
  t.match(ro.stdout, /\nskip  POST \/cmd\/label +--read-only/);
  t.match(JSON.parse(json.stdout), { failed: 0, skipped: 7, checks: [{ check: 'GET /mock/health', result: 'ok' }] });
});

t.test('smoke-test passes on a world of Windows clients, whose trees begin at drives (C:/), not at /', async (t) => {
  const windows = await startWorld(`${smallWorld({ clients: 2, days: 2, errorRate: 0, seed: 5 })}client_profiles:\n  mssql_server:\n    count: 100000\n`);
  t.teardown(() => windows.s.stop());
  const r = await cli(['smoke-test', '--read-only'], { env: windows.env });
  t.equal(r.code, 0, r.stdout + r.stderr);
  t.match(r.stdout, /^ok {4}GET \/bvfs\/lsdirs +roots C:\/\S*( [A-Z]:\/)*; C:\/ holds \d+ director(y|ies)/m);
});

t.test('smoke-test fails, line by line, against a server that answers wrongly; exit 1', async (t) => {
  // Not bacula-mock: every route answers 200 with an empty list.
  const liar = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"data":[],"error":0}');
  });
  await new Promise<void>((ok) => liar.listen(0, '127.0.0.1', ok));
  t.teardown(() => liar.close());
  const r = await cli(['smoke-test'], { env: { ...env, BACULA_MOCK_PORT: String((liar.address() as { port: number }).port) } });
  t.equal(r.code, 1);
  const last = r.stdout.trimEnd().split('\n').pop()!;
  const [, passed, failed] = /^(\d+) passed, (\d+) failed/.exec(last)!.map(Number);
  t.ok(failed >= 10, `${failed} checks failed`);
  t.ok(passed < 10, `${passed} passed`);
  t.match(r.stdout, /^FAIL  GET \/mock\/health +status is undefined/m);
  t.match(r.stdout, /^FAIL  GET \/no\/such\/endpoint +was accepted; expected a not_found refusal/m);
  t.match(r.stderr, /^bacula-mock: smoke test: \d+ of \d+ checks failed at http:\/\/127\.0\.0\.1:\d+\n$/);
  const down = await cli(['smoke-test'], { env: { ...env, BACULA_MOCK_PORT: '1' } });
  t.equal(down.code, 7, 'no server at all: the connection error, exit 7');
  t.equal(down.stdout, '');
});
