import t from 'tap';
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { Config, Help, Plugin, settings } from '@oclif/core';
import { cli, rawText, smallWorld, startWorld } from './helpers/cli.js';
import { oclifStart } from '../cli/lib/oclif-options.js';
import { api, ROOT, type Running } from './helpers/server.js';

// A small world with failures in it; the clock is paused so the CLI and the
// test read the same catalog.
const CONFIG = smallWorld({ clients: 5, days: 1.5, errorRate: 0.5, seed: 2 });

let s: Running;
let env: Record<string, string>;

t.before(async () => {
  ({ s, env } = await startWorld(CONFIG, { paused: true }));
});
t.teardown(() => s.stop());

const run = (...args: string[]) => cli(args, { env });
const lines = (text: string): string[] => text.trimEnd().split('\n');

t.test('health: a summary line, --raw the answer itself, --json its data; exit 0', async (t) => {
  const human = await run('health');
  t.equal(human.code, 0);
  t.match(human.stdout, new RegExp(`^OK  bacula-mock \\S+ at http://127\\.0\\.0\\.1:${s.port}\\n`));
  t.match(human.stdout, /Virtual time: +2026-11-22 00:00:\d\d UTC \(speed 1x, paused\)/);
  t.match(human.stdout, /World: +5 clients, \d+ jobs/);
  const raw = await run('health', '--raw');
  const direct = (await api(s.url, '/mock/health')).body;
  const parsed = JSON.parse(raw.stdout);
  // uptime is real seconds and may have ticked between the two reads
  t.same({ ...parsed, data: { ...parsed.data, uptime: 0 } }, { ...direct, data: { ...direct.data, uptime: 0 } });
  t.notOk(raw.stdout.endsWith('\n'), 'nothing is added to the bytes when stdout is not a terminal');
  const json = JSON.parse((await run('health', '--json')).stdout);
  t.equal(json.clients, 5);
  t.equal(json.status, 'ok');
});

t.test('--raw prints exactly the bytes the API sends, for every query command', async (t) => {
  const jobs = (await api(s.url, '/cat/Job?limit=100')).body.data as Array<{ jobid: number; clientid: number }>;
  const cases: Array<[string[], string, RequestInit?]> = [
    [['clients', '3'], '/cat/Client?limit=3'],
    [['clients', '2', '--offset', '1'], '/cat/Client?limit=2&offset=1'],
    [['client', 'db-server-001'], '/cat/Client?name=db-server-001'],
    [['client-status', 'db-server-001'], '/status/client/?name=db-server-001', { method: 'POST' }],
    [['jobs', '5'], '/cat/Job?limit=5&order=desc'],
    [['jobs', '--status', 'T', '--client', 'db-server-001'], '/cat/Job?order=desc&jobstatus=T&client=db-server-001'],
    [['jobs-failed', '5'], '/cat/Job?limit=5&order=desc&jobstatus=Ef'],
    [['jobs-for', '2', '3'], '/cat/Job?limit=3&order=desc&clientid=2'],
    [['jobs-for', 'db-server-001'], '/cat/Job?order=desc&client=db-server-001'],
    [['jobtotals'], '/cat/JobTotals'],
    [['joblog', String(jobs[1].jobid)], `/cat/JobLog?jobid=${jobs[1].jobid}&limit=100000`],
    [['dir-status'], '/status/director'],
    [['config-clients'], '/res/director?resource=Client'],
    [['clock'], '/mock/clock'],
  ];
  const got = await Promise.all(cases.map(([args]) => run(...args, '--raw')));
  for (const [i, [args, path, init]] of cases.entries()) {
    t.equal(got[i].code, 0, `${args.join(' ')}: exit 0`);
    t.equal(got[i].stdout, await rawText(s.url, path, init), `${args.join(' ')} --raw = ${path}`);
  }
});

t.test('human output: aligned tables, sizes, status words, no colour off a terminal', async (t) => {
  const api5 = (await api(s.url, '/cat/Job?limit=5&order=desc')).body.data as Array<{ jobid: number; jobstatus: string; jobbytes: number }>;
  const totals = (await api(s.url, '/cat/JobTotals')).body.data[0];
  const failed = (await api(s.url, '/cat/Job?jobstatus=Ef&limit=1000')).body.data as Array<{ jobstatus: string }>;
  const [r, coloured, noColour, clients, jt, client, fd, dir, cfg, jf] = await Promise.all([
    run('jobs', '5'),
    cli(['jobs', '5'], { env: { ...env, FORCE_COLOR: '1' } }),
    cli(['jobs', '5'], { env: { ...env, NO_COLOR: '1' } }),
    run('clients'), run('jobtotals'), run('client', 'mail-server-001'), run('client-status', 'mail-server-001'),
    run('dir-status'), run('config-clients'), run('jobs-failed', '1000'),
  ]);

  t.equal(r.code, 0);
  const [head, ...rows] = lines(r.stdout);
  t.match(head, /^JOBID +CLIENT +KIND +STATUS +STARTED +DURATION +FILES +BYTES +ERRORS$/);
  t.equal(rows.length, 5);
  t.same(rows.map((l) => Number(l.trim().split(/\s+/)[0])), api5.map((j) => j.jobid), 'newest first, as the API ordered them');
  const words: Record<string, string> = { T: 'OK', E: 'Error', f: 'Fatal', A: 'Canceled', R: 'Running', C: 'Queued' };
  rows.forEach((l, i) => t.match(l, ` ${words[api5[i].jobstatus]} `, `JobId ${api5[i].jobid} says ${words[api5[i].jobstatus]}`));
  t.match(r.stdout, /\d+\.\d (KB|MB|GB|TB) /, 'sizes like 12.4 GB');
  t.notMatch(r.stdout, /\x1b\[/, 'no escape codes when stdout is a pipe');
  // Columns line up: the last column is right-aligned, so every line is as wide as the table.
  t.equal(new Set([head, ...rows].map((l) => l.length)).size, 1, 'every line has the same width');
  t.match(coloured.stdout, /\x1b\[32mOK\x1b\[0m|\x1b\[31m(Error|Fatal)\x1b\[0m/, 'FORCE_COLOR=1 paints status words');
  t.notMatch(noColour.stdout, /\x1b\[/, 'NO_COLOR=1: none');

  t.match(lines(clients.stdout)[0], /^CLIENTID +NAME +VERSION +OS +AUTOPRUNE +FILE RETENTION +JOB RETENTION$/);
  t.equal(lines(clients.stdout).length, 6, 'a header and five clients');
  t.match(clients.stdout, /mail-server-001 .* 60 days +180 days/);

  t.match(jt.stdout, new RegExp(`^Jobs: +${totals.jobs}$`, 'm'));
  t.match(jt.stdout, new RegExp(`^Files: +${totals.files.toLocaleString('en-US')}$`, 'm'));
  t.match(jt.stdout, new RegExp(`^Bytes: +\\d+\\.\\d [KMGT]B \\(${totals.bytes.toLocaleString('en-US')}\\)$`, 'm'));
  t.match(jt.stdout, /^By status: +OK \d+/m);

  t.match(client.stdout, /^ClientId: +1$/m);
  t.match(client.stdout, /^Jobs: +\d+ \(/m);
  t.match(client.stdout, /^Last job: +JobId \d+ backup-mail-server-001\./m);

  t.match(fd.stdout, /^mail-server-001-fd  13\.0\.2/);
  t.match(fd.stdout, /\nTerminated Jobs\nJOBID +KIND/);

  for (const section of ['Scheduled Jobs (next 24 hours)', 'Running Jobs', 'Terminated Jobs']) t.match(dir.stdout, `\n${section}\n`);
  t.match(dir.stdout, /^bacula-dir 13\.\d\.\d/);

  t.match(cfg.stdout, /^NAME +ADDRESS +FDPORT +ENABLED/);
  t.match(cfg.stdout, /db-server-001 +10\.20\.0\.\d+ +9102 +yes/);

  t.ok(failed.length > 0, 'the world has failed jobs');
  t.equal(lines(jf.stdout).length - 1, failed.length, 'jobs-failed lists every Error and Fatal job');
  t.notMatch(jf.stdout, / (OK|Canceled|Running) /);
});

t.test('joblog prints each Log row with its time; the termination report keeps its layout', async (t) => {
  const job = (await api(s.url, '/cat/Job?jobstatus=T&type=B&limit=1')).body.data[0];
  const rows = (await api(s.url, `/cat/JobLog?jobid=${job.jobid}&limit=1000`)).body.data as Array<{ time: string; logtext: string }>;
  const r = await run('joblog', String(job.jobid));
  t.equal(r.code, 0);
  t.equal(r.stdout, rows.map((l) => `${l.time}  ${l.logtext.replace(/\n+$/, '')}\n`).join(''));
  t.match(r.stdout, /\n  Termination: +Backup OK/);
});

t.test('--json prints the data as JSON; errors too, with the right exit code', async (t) => {
  const r = await run('clients', '2', '--json');
  t.equal(r.code, 0);
  t.same(JSON.parse(r.stdout), (await api(s.url, '/cat/Client?limit=2')).body.data);
  const bad = await cli(['clients', '--json'], { env: { ...env, BACULA_MOCK_PASSWORD: 'nope' } });
  t.equal(bad.code, 3, 'a 401 exits 3 in --json mode as well (not oclif\'s 1)');
  t.match(JSON.parse(bad.stdout), { error: { kind: 'unauthorized', exit: 3 } });
  const both = await run('clients', '--json', '--raw');
  t.equal(both.code, 2, '--raw and --json exclude each other');
});

t.test('token prints a token the API accepts as Bearer', async (t) => {
  const r = await run('token');
  t.equal(r.code, 0);
  t.match(r.stdout, /^[0-9a-f]{40}\n$/);
  const res = await api(s.url, '/cat/Client?limit=1', { headers: { Authorization: `Bearer ${r.stdout.trim()}` } });
  t.equal(res.status, 200);
  const raw = JSON.parse((await run('token', '--raw')).stdout);
  t.match(raw, { token_type: 'Bearer', expires_in: 12, access_token: /^[0-9a-f]{40}$/ });
});

/** oclif's help text of one command, as `bacula-mock <command> --help` prints it. */
class CommandHelpText extends Help {
  of(c: Parameters<Help['formatCommand']>[0]): string {
    return this.formatCommand(c);
  }
}

t.test('--help on every command shows usage, flags and examples; --version', async (t) => {
  // Every command's help, rendered in-process by oclif's Help from the same
  // Config the bin loads (spawning 30 processes would cost seconds); the bin's
  // own --help path is checked on the root and on one command.
  settings.enableAutoTranspile = false;
  const config = await Config.load(oclifStart().options);
  const ids = config.commands.map((c) => c.id).sort();
  t.ok(ids.length >= 29, `${ids.length} commands`);
  for (const c of config.commands) {
    const text = new CommandHelpText(config).of(c);
    t.match(text, `USAGE\n  $ bacula-mock ${c.id}`, `${c.id}: usage`);
    t.match(text, `EXAMPLES\n  $ bacula-mock ${c.id}`, `${c.id}: examples`);
    t.ok(c.summary, `${c.id}: summary`);
  }
  const [top, one, version, helpCmd] = await Promise.all([run('--help'), run('cancel', '--help'), run('--version'), run('help', 'cancel')]);
  for (const id of ids) t.match(top.stdout, new RegExp(`^  ${id} `, 'm'), `bacula-mock --help lists ${id}`);
  t.equal(one.code, 0);
  t.match(one.stdout, /^Cancel a queued or running job\n\nUSAGE\n  \$ bacula-mock cancel /);
  t.match(one.stdout, /CONNECTION FLAGS\n  --ca=<value> /);
  t.match(version.stdout, /^bacula-mock\/\d+\.\d+\.\d+ /);
  t.equal(helpCmd.stdout, one.stdout, '`help cancel` is `cancel --help`');
});

t.test('the command manifest is made again when a build changed the compiled commands, then used', async (t) => {
  const manifest = join(ROOT, 'dist', 'cli', 'oclif.manifest.json');
  const health = join(ROOT, 'dist', 'cli', 'commands', 'health.js');
  // As a rebuild does: the same file, written again.
  const now = new Date();
  utimesSync(health, now, now);
  t.equal(oclifStart().fresh, false, 'the manifest no longer matches what was built');
  const r = await run('health');
  t.equal(r.code, 0);
  t.match(r.stdout, /^OK  /);
  t.equal(oclifStart().fresh, true, 'the first run made it again');
  t.ok(statSync(manifest).mtimeMs >= now.getTime() - 1000);
  const saved = JSON.parse(readFileSync(manifest, 'utf8'));
  t.ok(Object.keys(saved.commands).length >= 29, `${Object.keys(saved.commands).length} commands in it`);
  // What it says is what oclif reads from the compiled commands themselves.
  settings.enableAutoTranspile = false;
  const plugin = new Plugin({ ...oclifStart().options, isRoot: true, ignoreManifest: true, errorOnManifestCreate: true });
  await plugin.load();
  t.same(saved.commands, JSON.parse(JSON.stringify(plugin.manifest.commands)), 'the manifest describes the compiled commands');
});
