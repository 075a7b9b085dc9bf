import t from 'tap';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, smallWorld, startWorld } from './helpers/cli.js';
import type { Running } from './helpers/server.js';

const CONFIG = smallWorld({ clients: 2, days: 0.5, errorRate: 0, seed: 1 });

let s: Running;
let env: Record<string, string>;

t.before(async () => {
  ({ s, env } = await startWorld(CONFIG));
});
t.teardown(() => s.stop());

const run = (...args: string[]) => cli(args, { env });

t.test('errors: one line on stderr and the catalogue exit code', async (t) => {
  const nope = await run('client', 'no-such-client');
  t.equal(nope.code, 4, '404 exits 4');
  t.equal(nope.stderr, 'bacula-mock: Client "no-such-client" not found\n');
  t.equal(nope.stdout, '');
  const log = await run('joblog', '999999');
  t.equal(log.code, 4);
  t.match(log.stderr, /^bacula-mock: JobId 999999 not found\n$/);

  const badArg = await run('jobs', 'ten');
  t.equal(badArg.code, 2, 'a bad argument exits 2');
  t.match(badArg.stderr, /^bacula-mock: .*integer.*ten.*\(see bacula-mock jobs --help\)\n$/);
  const badFlag = await run('jobs', '--wat');
  t.equal(badFlag.code, 2);
  t.match(badFlag.stderr, /^bacula-mock: Nonexistent flag: --wat \(see bacula-mock jobs --help\)\n$/);
  const missing = await run('cancel');
  t.equal(missing.code, 2);
  t.match(missing.stderr, /^bacula-mock: Exactly one of the following must be provided: --job, --jobid \(see bacula-mock cancel --help\)\n$/);
  const unknown = await run('jobz');
  t.equal(unknown.code, 2);
  t.equal(unknown.stderr, 'bacula-mock: unknown command "jobz" (did you mean "jobs"?); see bacula-mock --help\n');
  const noClientId = await run('jobs-for', '99999');
  t.equal(noClientId.code, 4, 'jobs-for a ClientId nobody has exits 4, as jobs-for an unknown name');
  t.equal(noClientId.stderr, 'bacula-mock: ClientId 99999 not found\n');
  const badLetter = await run('jobs', '--status', 'Q');
  t.equal(badLetter.code, 2, "the server's 400 exits 2");
  t.match(badLetter.stderr, /^bacula-mock: Parameter "jobstatus": unknown JobStatus letter "Q"/);
});

t.test('a 401 says where the credentials came from: flag, environment, .env file or default', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bacula-mock-env-'));
  writeFileSync(join(dir, '.env'), `BACULA_MOCK_PORT=${s.port}\nBACULA_MOCK_PASSWORD=from-file\n`);
  const noEnv = { BACULA_MOCK_PASSWORD: undefined, BACULA_MOCK_PORT: undefined };
  const fromFile = await cli(['clients'], { cwd: dir, env: { ...env, ...noEnv } });
  t.equal(fromFile.code, 3, '401 exits 3');
  t.match(fromFile.stderr, `refused the credentials (HTTP 401: `);
  t.match(fromFile.stderr, `user "admin" from BACULA_MOCK_USER (environment), password from BACULA_MOCK_PASSWORD in ${join(dir, '.env')}\n`);
  const fromEnv = await cli(['clients'], { cwd: dir, env: { ...env, BACULA_MOCK_PORT: undefined, BACULA_MOCK_PASSWORD: 'from-env' } });
  t.match(fromEnv.stderr, 'password from BACULA_MOCK_PASSWORD (environment)');
  const fromFlag = await cli(['clients', '--password', 'from-flag'], { cwd: dir, env: { ...env, ...noEnv } });
  t.match(fromFlag.stderr, 'password from --password flag');
  const byDefault = await cli(['clients', '--user', 'operator'], { env: { ...env, BACULA_MOCK_PASSWORD: undefined } });
  t.match(byDefault.stderr, 'user "operator" from --user flag, password from default');
  // Order: flag > environment > .env: the file's wrong password loses to the right one in the environment.
  const envWins = await cli(['clients', '1'], { cwd: dir, env: { ...env, BACULA_MOCK_PORT: undefined } });
  t.equal(envWins.code, 0, `the port comes from the .env file, the password from the environment: ${envWins.stderr}`);
  const flagWins = await cli(['clients', '1', '--port', String(s.port)], { cwd: dir, env: { ...env, BACULA_MOCK_PORT: '1' } });
  t.equal(flagWins.code, 0, '--port beats BACULA_MOCK_PORT');
});

t.test('server down: says which URL it tried and where host and port came from; exit 7', async (t) => {
  const down = await cli(['jobs'], { env: { ...env, BACULA_MOCK_PORT: '1' } });
  t.equal(down.code, 7);
  t.equal(down.stderr, 'bacula-mock: cannot connect to http://127.0.0.1:1/cat/Job (host from BACULA_MOCK_HOST (environment), port from BACULA_MOCK_PORT (environment)): connection refused; is the server running? (bacula-mock start)\n');
  const badEnv = await cli(['health'], { env: { ...env, BACULA_MOCK_TLS: 'sometimes' } });
  t.equal(badEnv.code, 2);
  t.equal(badEnv.stderr, 'bacula-mock: BACULA_MOCK_TLS (environment) must be true or false (got "sometimes")\n');
});


t.test("oclif's usage messages come out as one line each: the flag, why, and no repetition", async (t) => {
  const cases: Array<[string[], string]> = [
    [['jobs', '--port', '0'], 'bacula-mock: --port: Expected an integer greater than or equal to 1 but received: 0 (see bacula-mock jobs --help)\n'],
    [['clock', '--speed', '-1'], 'bacula-mock: --speed must be a number from 0 to 1000000 (got "-1") (see bacula-mock clock --help)\n'],
    [['clock', '--pause', '--resume'], 'bacula-mock: --pause cannot also be provided when using --resume (see bacula-mock clock --help)\n'],
    [['joblog'], 'bacula-mock: Missing 1 required arg <jobid>: JobId (see bacula-mock joblog --help)\n'],
    [['--raw', 'jobs'], 'bacula-mock: unknown flag "--raw" (flags go after the command); see bacula-mock --help\n'],
  ];
  const results = await Promise.all(cases.map(([args]) => run(...args)));
  results.forEach((r, i) => {
    t.equal(r.stderr, cases[i][1], cases[i][0].join(' '));
    t.equal(r.code, 2);
  });
});

t.test('exports: a refused first request is one line and nothing else, no file; an unwritable --output exits 2', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bacula-mock-export-'));
  const [csvDown, errorsDown, csvNoClient, errorsNoClient, unwritable] = await Promise.all([
    cli(['export-csv'], { env: { ...env, BACULA_MOCK_PORT: '1' } }),
    cli(['export-errors'], { env: { ...env, BACULA_MOCK_PORT: '1' } }),
    cli(['export-csv', '--client', 'no-such-client', '-o', join(dir, 'jobs.csv')], { env }),
    cli(['export-errors', '--client', 'no-such-client'], { env }),
    cli(['export-csv', '-o', join(dir, 'no-such-dir', 'jobs.csv')], { env }),
  ]);
  for (const r of [csvDown, errorsDown]) {
    t.equal(r.code, 7, 'server down: exit 7');
    t.match(r.stderr, /^bacula-mock: cannot connect to http:\/\/127\.0\.0\.1:1\/cat\/Job \(.*\): connection refused; is the server running\? \(bacula-mock start\)\n$/);
    t.equal(r.stdout, '', 'not even the "[" of the array');
  }
  for (const r of [csvNoClient, errorsNoClient]) {
    t.equal(r.code, 4);
    t.equal(r.stderr, 'bacula-mock: Client "no-such-client" not found\n');
    t.equal(r.stdout, '');
  }
  t.notOk(existsSync(join(dir, 'jobs.csv')), 'no empty file left behind');
  t.equal(unwritable.code, 2);
  t.match(unwritable.stderr, /^bacula-mock: cannot write \S+no-such-dir\/jobs\.csv: ENOENT[^\n]*\n$/);
});

t.test('smoke-test with refused credentials stops at the first refusal: the 401 line, exit 3', async (t) => {
  const r = await cli(['smoke-test', '--password', 'wrong'], { env });
  t.equal(r.code, 3, r.stdout);
  t.match(r.stderr, /^bacula-mock: http:\/\/127\.0\.0\.1:\d+\/\S+ refused the credentials \(HTTP 401[^\n]*\); user "admin" from BACULA_MOCK_USER \(environment\), password from --password flag\n$/);
  t.notMatch(r.stdout, /passed/, 'no summary: nothing was checked');
});
