import t from 'tap';
import { readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { api, BASIC, MAIN, startServer, tempConfig } from './helpers/server.js';

const CONFIG = [
  'simulation:', '  default_clients: 12', '  history_days: 1', '  seed: 7', '  start_time: "2026-11-22T00:00:00"',
  'authentication:', '  token_ttl: 1', 'logging:', '  file: logs/test.log', '',
].join('\n');

t.test('health is open and reports the world', async (t) => {
  const s = await startServer(tempConfig(CONFIG).file);
  t.teardown(() => s.stop());
  const h = await api(s.url, '/mock/health');
  t.equal(h.status, 200);
  t.equal(h.body.error, 0);
  t.equal(h.body.data.status, 'ok');
  t.equal(h.body.data.clients, 12);
  t.ok(h.body.data.jobs > 0);
  t.match(h.body.data.virtual_time, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
});

t.test('auth: 401 without or with wrong credentials; Basic and Bearer work; tokens expire', async (t) => {
  const s = await startServer(tempConfig(CONFIG).file);
  t.teardown(() => s.stop());
  for (const path of ['/mock/clock', '/mock/initialize', '/mock/reset', '/no/such/path']) {
    const method = path === '/mock/clock' ? 'GET' : 'POST';
    const none = await api(s.url, path, { method, headers: { Authorization: '' } });
    t.equal(none.status, 401, `${path} without credentials`);
    t.ok(none.body.error > 0 && typeof none.body.data === 'string');
    const wrong = await api(s.url, path, { method, headers: { Authorization: 'Basic ' + Buffer.from('admin:nope').toString('base64') } });
    t.equal(wrong.status, 401, `${path} with a wrong password`);
  }
  t.equal((await api(s.url, '/mock/clock', { headers: { Authorization: BASIC } })).status, 200);
  const bad = await api(s.url, '/oauth/token', { method: 'POST', json: { username: 'admin', password: 'x' }, headers: { Authorization: '' } });
  t.equal(bad.status, 401);
  const tok = await api(s.url, '/oauth/token', { method: 'POST', json: { username: 'admin', password: 'bacula2026' }, headers: { Authorization: '' } });
  t.equal(tok.status, 200);
  t.match(tok.body, { token_type: 'Bearer', expires_in: 1, access_token: /^[0-9a-f]{40}$/ });
  const bearer = { Authorization: `Bearer ${tok.body.access_token}` };
  t.equal((await api(s.url, '/mock/clock', { headers: bearer })).status, 200, 'the token works');
  await new Promise((r) => setTimeout(r, 1300)); // token TTL is real time
  t.equal((await api(s.url, '/mock/clock', { headers: bearer })).status, 401, 'and expires after its TTL');
});

/** A GET from a chosen loopback source address (127.0.0.x), to act as several callers. */
function getFrom(url: string, path: string, localAddress: string, authorization: string): Promise<{ status: number; retryAfter?: string; body: any }> {
  return new Promise((ok, fail) => {
    const req = httpRequest(url + path, { localAddress, headers: { Authorization: authorization } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => ok({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body: JSON.parse(text) }));
    });
    req.on('error', fail);
    req.end();
  });
}

t.test('20 failed authentications from one address within 5 minutes: 429 with Retry-After for it, others unaffected', async (t) => {
  const s = await startServer(tempConfig(CONFIG).file);
  t.teardown(() => s.stop());
  const wrong = 'Basic ' + Buffer.from('admin:guess').toString('base64');
  for (let i = 1; i <= 20; i++) {
    const r = await getFrom(s.url, '/cat/Client', '127.0.0.7', i % 2 ? wrong : 'Bearer 0123');
    t.equal(r.status, 401, `failure ${i} is a 401`);
  }
  const blocked = await getFrom(s.url, '/cat/Client', '127.0.0.7', BASIC);
  t.equal(blocked.status, 429, 'the 21st try gets 429, even with the right password');
  t.match(blocked.body, { error: 8, data: /Too many failed authentications/ });
  t.ok(Number(blocked.retryAfter) > 200 && Number(blocked.retryAfter) <= 300, `Retry-After: ${blocked.retryAfter}`);
  const token = await api(s.url, '/oauth/token', { method: 'POST', json: { username: 'admin', password: 'bacula2026' }, headers: { Authorization: '' } });
  t.equal(token.status, 200, 'another address logs in');
  t.equal((await getFrom(s.url, '/cat/Client', '127.0.0.8', BASIC)).status, 200, 'and another still reads');
  t.equal((await getFrom(s.url, '/mock/health', '127.0.0.7', '')).status, 200, 'health stays open to the blocked address');
});

t.test('a page polled again and again answers the same JSON, still asks for credentials, and shows a change at once', async (t) => {
  const s = await startServer(tempConfig(CONFIG).file);
  t.teardown(() => s.stop());
  await api(s.url, '/mock/clock', { method: 'POST', json: { paused: true } });
  // The first answer is built, the second kept, the third and later sent from what was kept.
  const polls = [];
  for (let i = 0; i < 4; i++) polls.push(await api(s.url, '/cat/JobTotals'));
  for (const [i, p] of polls.entries()) {
    t.equal(p.status, 200, `poll ${i + 1} is a 200`);
    t.equal(p.headers.get('content-type'), 'application/json; charset=utf-8', `poll ${i + 1} is JSON`);
    t.same(p.body, polls[0].body, `poll ${i + 1} answers as the first`);
  }
  t.equal((await api(s.url, '/cat/JobTotals', { headers: { Authorization: '' } })).status, 401, 'a kept page still needs credentials');
  const client = (await api(s.url, '/cat/Client')).body.data[0].name;
  t.equal((await api(s.url, '/cmd/run', { method: 'POST', json: { job: `backup-${client}`, level: 'F' } })).status, 200);
  const after = await api(s.url, '/cat/JobTotals');
  t.equal(after.body.data[0].jobs, polls[0].body.data[0].jobs + 1, 'the job just run is counted at once');
});

t.test('initialize, clock and reset drive the engine', async (t) => {
  const s = await startServer(tempConfig(CONFIG).file);
  t.teardown(() => s.stop());
  const init = await api(s.url, '/mock/initialize', { method: 'POST', json: { clients: 5, error_rate: 0.5, seed: 3, history_days: 2 } });
  t.equal(init.status, 200);
  t.equal(init.body.data.clients, 5);
  const before = (await api(s.url, '/mock/health')).body.data;
  t.equal(before.clients, 5);
  const paused = await api(s.url, '/mock/clock', { method: 'POST', json: { paused: true } });
  t.equal(paused.body.data.paused, true);
  const adv = await api(s.url, '/mock/clock', { method: 'POST', json: { advance: '24h' } });
  t.equal(adv.body.data.virtual_epoch - paused.body.data.virtual_epoch, 86400, 'advance moves virtual time by 24h');
  const after = (await api(s.url, '/mock/health')).body.data;
  t.ok(after.jobs > before.jobs, `jobs were created in those 24h (${before.jobs} → ${after.jobs})`);
  const speed = await api(s.url, '/mock/clock', { method: 'POST', json: { speed: 60, paused: false } });
  t.match(speed.body.data, { speed: 60, paused: false });
  for (const [bodyIn, why] of [[{ clients: -1 }, 'negative clients'], [{ error_rate: 2 }, 'rate above 1'], [{ clients: 'many' }, 'wrong type'], [{ wat: 1 }, 'unknown field']] as const) {
    const r = await api(s.url, '/mock/initialize', { method: 'POST', json: bodyIn });
    t.equal(r.status, 400, why);
    t.ok(r.body.error > 0 && typeof r.body.data === 'string', `${why}: ${r.body.data}`);
  }
  t.equal((await api(s.url, '/mock/clock', { method: 'POST', json: { advance: 'soon' } })).status, 400);
  const malformed = await api(s.url, '/mock/initialize', { method: 'POST', body: '{"clients": 5', headers: { 'Content-Type': 'application/json' } });
  t.equal(malformed.status, 400);
  t.equal((await api(s.url, '/mock/health')).body.data.clients, 5, 'rejected requests changed nothing');
  t.equal((await api(s.url, '/mock/health', { method: 'POST' })).status, 405);
  const reset = await api(s.url, '/mock/reset', { method: 'POST' });
  t.equal(reset.status, 200);
  t.match((await api(s.url, '/mock/health')).body.data, { clients: 0, jobs: 0 });
});

t.test('a restart resumes the same world; kill -9 loses no acknowledged command', async (t) => {
  const { file, dir } = tempConfig(CONFIG);
  let s = await startServer(file);
  await api(s.url, '/mock/clock', { method: 'POST', json: { paused: true } });
  await api(s.url, '/mock/initialize', { method: 'POST', json: { clients: 4, error_rate: 0.3, seed: 11, history_days: 1 } });
  await api(s.url, '/mock/clock', { method: 'POST', json: { advance: '6h' } });
  const h1 = (await api(s.url, '/mock/health')).body.data;
  await s.stop('SIGTERM');
  s = await startServer(file);
  const h2 = (await api(s.url, '/mock/health')).body.data;
  t.match(h2, { clients: h1.clients, jobs: h1.jobs, virtual_time: h1.virtual_time, paused: true }, 'graceful restart');
  await api(s.url, '/mock/clock', { method: 'POST', json: { advance: '3h' } });
  const h3 = (await api(s.url, '/mock/health')).body.data;
  await s.stop('SIGKILL');
  s = await startServer(file);
  const h4 = (await api(s.url, '/mock/health')).body.data;
  t.match(h4, { clients: h3.clients, jobs: h3.jobs, virtual_time: h3.virtual_time }, 'after kill -9');
  await s.stop('SIGKILL');
  // A half-written last line (killed mid-append) is dropped with a warning, never fatal.
  appendFileSync(join(dir, 'data', 'world.journal'), '0123456789ab {"op":"run"');
  s = await startServer(file);
  t.equal((await api(s.url, '/mock/health')).body.data.jobs, h3.jobs);
  await s.stop('SIGKILL');
  // A corrupt record in the middle stops the start with a clear message.
  const journal = join(dir, 'data', 'world.journal');
  const lines = readFileSync(journal, 'utf8').split('\n');
  lines[1] = lines[1].replace(/"t":\d/, '"t":9');
  writeFileSync(journal, lines.join('\n'));
  await t.rejects(startServer(file), /data error: .*world\.journal:2: corrupt record/);
  writeFileSync(journal, 'hello world\n');
  const refused = spawnSync(process.execPath, [MAIN, '--config', file, '--port', '0'], { encoding: 'utf8', timeout: 20_000 });
  t.equal(refused.status, 2);
  t.match(refused.stderr, /^data error: .*world\.journal:1: not a bacula-mock journal.*\n$/, 'one line on stderr, no stack trace');
  t.equal(readFileSync(journal, 'utf8'), 'hello world\n', 'the foreign file is left alone');
});

t.test('the server entry point: --help, and one line (exit 2) for an unknown option or a bad port, before anything starts', async (t) => {
  const run = (...args: string[]) => spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000 });
  const help = run('--help');
  t.equal(help.status, 0);
  t.match(help.stdout, /^Usage: node dist\/src\/main\.js \[--config FILE\] \[--port N\] \[--host ADDR\]/);
  for (const [args, said] of [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port', 'abc'], /--port must be an integer from 0 to 65535 \(got "abc"\)/],
    [['--port', '70000'], /--port must be an integer/],
    [['serve'], /Unexpected argument 'serve'/],
  ] as const) {
    const r = run(...args);
    t.equal(r.status, 2, args.join(' '));
    t.match(r.stderr, said);
    t.equal(r.stderr.trim().split('\n').length, 1, 'one line');
    t.equal(r.stdout, '', 'nothing started');
  }
});

t.test('a port in use is said before the world is loaded, and leaves no data directory behind', async (t) => {
  const { createServer } = await import('node:net');
  const { existsSync } = await import('node:fs');
  const taken = createServer();
  await new Promise<void>((ok) => taken.listen(0, '127.0.0.1', ok));
  const port = (taken.address() as { port: number }).port;
  const { dir, file } = tempConfig(CONFIG.replace('default_clients: 12', 'default_clients: 2000'));
  const began = Date.now();
  const r = spawnSync(process.execPath, [MAIN, '--config', file, '--port', String(port), '--host', '127.0.0.1'], { encoding: 'utf8', timeout: 60_000 });
  taken.close();
  t.equal(r.status, 2);
  t.match(r.stderr, new RegExp(`^bacula-mock: port ${port} on 127\\.0\\.0\\.1 is already in use.*\\n$`));
  t.notOk(existsSync(join(dir, 'data')), 'no data directory made');
  t.ok(Date.now() - began < 20_000, `refused in ${Date.now() - began} ms, without building 2,000 clients' history`);
});
