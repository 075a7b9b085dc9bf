import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RotatingFile } from '../src/log-file.js';
import { loadConfig } from '../src/config.js';
import { createLogger, prettyLine } from '../src/log.js';
import { api, MAIN, startServer, tempConfig } from './helpers/server.js';

const PASSWORD = 'Pw-9f3c1e77-never-logged';
const WORLD = ['simulation:', '  default_clients: 3', '  history_days: 0', 'authentication:', `  password: ${PASSWORD}`].join('\n');
const basic = (user: string, pw: string): string => 'Basic ' + Buffer.from(`${user}:${pw}`).toString('base64');
const wait = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** The log files of `dir`, live file first, then .1, .2, ... */
function logFiles(dir: string, name: string): string[] {
  const rotated = readdirSync(dir).filter((f) => f.startsWith(name + '.')).sort((a, b) => Number(a.slice(name.length + 1)) - Number(b.slice(name.length + 1)));
  return [name, ...rotated].filter((f) => existsSync(join(dir, f))).map((f) => join(dir, f));
}
const records = (file: string): Record<string, any>[] => readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

t.test('the server writes one JSON line per request (method, path, status, duration) and rotates at max_bytes keeping backup_count files', async (t) => {
  const { dir, file } = tempConfig([WORLD, 'logging:', '  file: logs/api.log', '  max_bytes: 2048', '  backup_count: 2', ''].join('\n'));
  const s = await startServer(file);
  for (let i = 0; i < 120; i++) await api(s.url, `/mock/health?n=${i}`);
  await api(s.url, '/no/such/thing', { headers: { Authorization: basic('admin', PASSWORD) } });
  await wait(1500); // the housekeeping tick writes out what waits, every second
  const files = logFiles(join(dir, 'logs'), 'api.log');
  t.same(files.map((f) => f.split('/').pop()), ['api.log', 'api.log.1', 'api.log.2'], 'the live file keeps its name; two rotated files, no third');
  for (const f of files) t.ok(statSync(f).size <= 2048, `${f.split('/').pop()} is ${statSync(f).size} bytes (<= max_bytes)`);
  const all = files.slice().reverse().flatMap(records);
  const requests = all.filter((r) => r.msg === 'request');
  t.ok(requests.length > 10, `whole JSON lines across the files (${requests.length} request lines kept)`);
  const last = requests.at(-1)!;
  t.match(last, { method: 'GET', path: '/no/such/thing', status: 404, ms: Number, level: 30 }, 'the newest request is the last line of the live file');
  t.notOk('n' in last || /\?/.test(last.path), 'the path is logged without its query string');
  const ns = requests.filter((r) => r.path === '/mock/health').length;
  t.ok(ns < 120, `the oldest lines were dropped with the files past backup_count (${ns} of 120 health lines kept)`);
  await s.stop();
});

t.test('passwords and tokens never reach the log file or stdout', async (t) => {
  const { dir, file } = tempConfig([WORLD, 'logging:', '  level: DEBUG', '  file: logs/secret.log', ''].join('\n'));
  const s = await startServer(file);
  let stdout = '';
  s.child.stdout!.on('data', (d) => (stdout += d));
  const tokenReply = await api(s.url, '/oauth/token', { method: 'POST', json: { username: 'admin', password: PASSWORD } });
  const token = tokenReply.body.access_token as string;
  t.match(token, /^[0-9a-f]{40}$/, 'a token was issued');
  t.equal((await api(s.url, '/cat/Client', { headers: { Authorization: `Bearer ${token}` } })).status, 200, 'Bearer works');
  t.equal((await api(s.url, '/cat/Client', { headers: { Authorization: basic('admin', PASSWORD) } })).status, 200, 'Basic works');
  const wrong = 'Wrong-pw-4c1d-also-never-logged';
  t.equal((await api(s.url, '/cat/Client', { headers: { Authorization: basic('admin', wrong) } })).status, 401);
  t.equal((await api(s.url, '/oauth/token', { method: 'POST', json: { username: 'admin', password: wrong } })).status, 401);
  const form = new URLSearchParams({ username: 'admin', password: wrong, grant_type: 'password' });
  await api(s.url, '/oauth/token', { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  await api(s.url, `/cat/Client?password=${wrong}&access_token=${token}`, { headers: { Authorization: `Bearer ${token}` } });
  await api(s.url, '/cmd/label', { method: 'POST', json: { volume: 'V1', pool: 'Default', password: wrong }, headers: { Authorization: basic('admin', PASSWORD) } });
  await s.stop();
  const log = readFileSync(join(dir, 'logs', 'secret.log'), 'utf8');
  t.ok(records(join(dir, 'logs', 'secret.log')).filter((r) => r.msg === 'request').length >= 8, 'the requests were logged');
  t.match(stdout, /"msg":"request"/, 'stdout (not a terminal) has the same JSON lines');
  for (const [name, secret] of Object.entries({
    password: PASSWORD, 'wrong password': wrong, token, 'Basic credentials': Buffer.from(`admin:${PASSWORD}`).toString('base64'),
    'wrong Basic credentials': Buffer.from(`admin:${wrong}`).toString('base64'),
  })) {
    t.notOk(log.includes(secret), `the ${name} is not in the log file`);
    t.notOk(stdout.includes(secret), `the ${name} is not on stdout`);
  }
});

t.test('secrets inside a logged object are redacted', async (t) => {
  const { dir, file } = tempConfig('logging:\n  file: logs/r.log\n');
  const log = createLogger(loadConfig(file), { quiet: true });
  log.info({ password: PASSWORD, access_token: 'tok-1', req: { headers: { authorization: 'Basic c2VjcmV0', cookie: 'sid=2' }, body: { password: PASSWORD } } }, 'login');
  log.info({ headers: { authorization: 'Bearer tok-3' }, body: { password: PASSWORD, username: 'admin' } }, 'call');
  log.close();
  const text = readFileSync(join(dir, 'logs', 'r.log'), 'utf8');
  for (const secret of [PASSWORD, 'tok-1', 'c2VjcmV0', 'sid=2', 'tok-3']) t.notOk(text.includes(secret), `${secret} is not written`);
  t.match(records(join(dir, 'logs', 'r.log')), [{ msg: 'login', password: '[Redacted]' }, { msg: 'call', body: { username: 'admin', password: '[Redacted]' } }]);
});

t.test('the level comes from the config', async (t) => {
  const { dir, file } = tempConfig([WORLD, 'logging:', '  level: WARNING', '  file: logs/warn.log', ''].join('\n'));
  const s = await startServer(file);
  await api(s.url, '/mock/health');
  await s.stop();
  const lines = records(join(dir, 'logs', 'warn.log'));
  t.same(lines.filter((r) => r.level < 40), [], 'no INFO line (requests, start, stop) at WARNING');

  const debug = tempConfig([WORLD, 'server:', '  debug: true', 'logging:', '  level: ERROR', '  file: logs/d.log', ''].join('\n'));
  const d = await startServer(debug.file);
  await api(d.url, '/mock/health');
  await d.stop();
  t.ok(records(join(debug.dir, 'logs', 'd.log')).some((r) => r.msg === 'request'), 'server.debug: true logs everything, whatever the level');
});

t.test('rotation keeps whole lines, honours a lowered backup_count, and 0 backups starts the file afresh', async (t) => {
  const { dir } = tempConfig();
  const path = join(dir, 'r.log');
  const line = (i: number): string => JSON.stringify({ i, pad: 'x'.repeat(80) }) + '\n';
  let f = new RotatingFile(path, 1000, 4, 300);
  for (let i = 0; i < 100; i++) f.write(line(i));
  f.close();
  t.same(logFiles(dir, 'r.log').map((p) => p.split('/').pop()), ['r.log', 'r.log.1', 'r.log.2', 'r.log.3', 'r.log.4']);
  const kept = logFiles(dir, 'r.log').reverse().flatMap(records).map((r) => r.i);
  t.same(kept, Array.from({ length: kept.length }, (_, k) => 100 - kept.length + k), 'the newest lines, in order, none split');
  for (const p of logFiles(dir, 'r.log')) t.ok(statSync(p).size <= 1000);

  // Reopened with a larger file: appends to it; a lowered count removes the extra files at the next rotation.
  f = new RotatingFile(path, 100_000, 4);
  const before = statSync(path).size;
  f.write(line(100));
  t.equal(statSync(path).size, before + line(100).length, 'appends to the live file (minLength 0: written at once)');
  f.close();
  f = new RotatingFile(path, 1000, 2);
  for (let i = 101; i < 130; i++) f.write(line(i));
  f.close();
  t.same(logFiles(dir, 'r.log').map((p) => p.split('/').pop()), ['r.log', 'r.log.1', 'r.log.2'], 'files past the new count are gone');

  const long = JSON.stringify({ big: 'y'.repeat(3000) }) + '\n';
  f = new RotatingFile(path, 1000, 2);
  f.write(long);
  f.write(line(200));
  f.close();
  t.equal(readFileSync(`${path}.1`, 'utf8'), long, 'a line longer than max_bytes fills a file of its own, whole');
  t.same(records(path).map((r) => r.i), [200]);

  const solo = join(dir, 'solo.log');
  f = new RotatingFile(solo, 500, 0, 0);
  for (let i = 0; i < 20; i++) f.write(line(i));
  f.close();
  t.same(readdirSync(dir).filter((n) => n.startsWith('solo')), ['solo.log'], 'backup_count 0: no rotated files');
  t.ok(statSync(solo).size <= 500, 'and the file stays within max_bytes');
  t.same(records(solo).at(-1), { i: 19, pad: 'x'.repeat(80) });
});

t.test('lines waiting in the buffer are written when the process exits', async (t) => {
  const { dir } = tempConfig();
  const path = join(dir, 'exit.log');
  const script = join(dir, 'exit.mjs');
  writeFileSync(script, `import { RotatingFile } from ${JSON.stringify(new URL('../dist/src/log-file.js', import.meta.url).pathname)};
const f = new RotatingFile(${JSON.stringify(path)}, 100000, 1, 8192);
f.write('{"last":true}\\n');
process.exit(0);\n`);
  const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
  t.equal(r.status, 0, r.stderr);
  t.equal(readFileSync(path, 'utf8'), '{"last":true}\n');
});

t.test('on a terminal stdout is one readable line per record; the file stays JSON', { skip: spawnSync('script', ['--version']).status !== 0 ? 'no `script` command to give the server a terminal' : false }, async (t) => {
  const { dir, file } = tempConfig([WORLD, 'logging:', '  file: logs/tty.log', ''].join('\n'));
  // `script` runs the server on a pseudo-terminal; the port is read from the log file.
  const child = spawn('script', ['-qfec', `${process.execPath} ${MAIN} --config ${file} --port 0 --host 127.0.0.1`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  let port = 0;
  for (let i = 0; i < 200 && !port; i++) {
    await wait(100);
    port = Number(/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1] ?? 0);
  }
  t.ok(port, 'the server started on a terminal');
  await api(`http://127.0.0.1:${port}`, '/mock/health');
  await wait(1200); // the file gets its lines within a second
  const pid = records(join(dir, 'logs', 'tty.log'))[0].pid as number;
  const exited = new Promise((ok) => child.once('exit', ok));
  process.kill(pid, 'SIGTERM');
  await exited;
  t.match(out, /\d\d:\d\d:\d\d\.\d{3} INFO  bacula-mock listening on http:\/\/127\.0\.0\.1:\d+ {2}port=\d+ host=127\.0\.0\.1 tls=false/);
  t.match(out, /\d\d:\d\d:\d\d\.\d{3} INFO  GET \/mock\/health 200 [\d.]+ ms/, 'a request as a person reads it');
  t.notMatch(out, /"msg":/, 'no JSON on the terminal');
  t.ok(records(join(dir, 'logs', 'tty.log')).some((r) => r.msg === 'request' && r.path === '/mock/health'), 'the file has JSON');
});

t.test('the terminal format', async (t) => {
  const time = new Date(2026, 10, 22, 14, 3, 7, 215).getTime();
  t.equal(prettyLine(JSON.stringify({ level: 30, time, pid: 1, hostname: 'h', method: 'GET', path: '/cat/Job', status: 200, ms: 1.2, msg: 'request' }), false),
    '14:03:07.215 INFO  GET /cat/Job 200 1.2 ms\n');
  t.equal(prettyLine(JSON.stringify({ level: 40, time, msg: 'dropped a line', file: 'data/world.journal', n: 3 }), false),
    '14:03:07.215 WARN  dropped a line  file=data/world.journal n=3\n');
  t.equal(prettyLine(JSON.stringify({ level: 50, time, msg: 'request failed', err: { type: 'Error', message: 'boom', stack: 'Error: boom\n    at x' } }), false),
    '14:03:07.215 ERROR request failed\n    Error: boom\n        at x\n');
  t.equal(prettyLine(JSON.stringify({ level: 30, time, msg: 'hi' }), true), '14:03:07.215 \x1b[32mINFO \x1b[0m hi\n', 'coloured by level');
  t.equal(prettyLine('not json\n', false), 'not json\n', 'anything else passes through');
});
