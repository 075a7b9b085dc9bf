/**
 * install.sh end to end, as an administrator runs it: a user install (as
 * `nobody` when the tests run as root) into a temporary directory with a
 * temporary HOME, no systemd; then --upgrade from a newer release keeping
 * config and data; then an upgrade whose new release cannot start (the old one
 * must come back); then a second instance with TLS on another port; both answer.
 *
 * Shortcut, for time: BACULA_MOCK_INSTALL_NODE_MODULES_FROM makes the installer
 * link node_modules to this checkout's instead of running `npm ci` (about two
 * minutes per install here) and skip `npm prune`. Everything else is the real
 * path: copying the release, compiling it, config, .env, link, background start,
 * health check, backup, swap and roll-back. `npm ci` itself is not exercised here.
 */
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers/server.js';

// About 2.5 minutes on an idle 2-core machine; the ceiling allows for a machine busy with other suites.
t.setTimeout(600_000);

const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;
const asRoot = process.getuid?.() === 0;
const runuser = asRoot && spawnSync('runuser', ['--help']).status === 0 && spawnSync('id', ['nobody']).status === 0;
// As root without runuser the installer runs as root; -d and BACULA_MOCK_BIN_DIR keep it inside the temp dir.
const who = runuser ? 'nobody' : asRoot ? 'root' : 'the current user';

const base = mkdtempSync(join(tmpdir(), 'bacula-mock-install-'));
const home = join(base, 'home');
mkdirSync(home);
const pids: number[] = [];

function giveAway(dir: string): void {
  if (!runuser) return;
  spawnSync('chown', ['-R', 'nobody:', dir]);
}
chmodSync(base, 0o755);
giveAway(base);

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** Runs an installer as the installing user; resolves with its exit code and output. */
function install(script: string, args: string[]): Promise<{ code: number | null; out: string }> {
  const env = [`HOME=${home}`, `PATH=${process.env.PATH}`, `BACULA_MOCK_INSTALL_NODE_MODULES_FROM=${join(ROOT, 'node_modules')}`, 'BACULA_MOCK_HEALTH_TIMEOUT=60'];
  if (asRoot && !runuser) env.push(`BACULA_MOCK_BIN_DIR=${join(home, '.local', 'bin')}`);
  const cmd = runuser ? ['runuser', '-u', 'nobody', '--', 'env', '-i', ...env, 'bash', script, ...args] : ['env', '-i', ...env, 'bash', script, ...args];
  return new Promise((ok) => {
    const child = spawn(cmd[0], cmd.slice(1), { cwd: base, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('exit', (code) => ok({ code, out }));
  });
}

/**
 * A copy of this checkout as a release would ship it (no node_modules, dist or
 * data), changed by `change`. Every release of the test derives from one copy,
 * taken once, so they agree with each other.
 */
function release(name: string, change: (dir: string) => void = () => {}): string {
  const dir = join(base, name);
  mkdirSync(dir);
  const from = name === 'release-1' ? ROOT : join(base, 'release-1');
  const tar = spawnSync('bash', ['-c', `tar -C "${from}" --exclude=./node_modules --exclude=./.git --exclude=./dist --exclude=./data --exclude=./logs --exclude=./.tap -cf - . | tar -C "${dir}" -xf -`]);
  if (tar.status !== 0) throw new Error(`cannot copy the release: ${tar.stderr}`);
  change(dir);
  giveAway(dir);
  return join(dir, 'install.sh');
}

/** The `data` of /mock/health, or null when nothing answers. */
function health(url: string, ca?: string): Promise<any> {
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  return new Promise((ok) => {
    get(url, { ca: ca ? readFileSync(ca) : undefined, timeout: 5000 }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d)).on('end', () => ok(res.statusCode === 200 ? JSON.parse(text).data : null));
    }).once('error', () => ok(null));
  });
}

async function api(url: string, path: string, init: RequestInit = {}): Promise<any> {
  const res = await fetch(url + path, { ...init, headers: { Authorization: 'Basic ' + Buffer.from('admin:bacula2026').toString('base64'), 'Content-Type': 'application/json' } });
  return res.json();
}

const serverPid = (dir: string): number => Number(readFileSync(join(dir, 'bacula-mock.pid'), 'utf8'));
const envFile = (dir: string): Record<string, string> => Object.fromEntries(readFileSync(join(dir, '.env'), 'utf8').split('\n').filter((l) => /^[A-Z]/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

t.teardown(async () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((ok) => setTimeout(ok, 100));
  // Kept when something failed, for its installation.log.
  if (t.passing()) rmSync(base, { recursive: true, force: true });
  else t.comment(`install test files kept in ${base}`);
});

t.test(`install, upgrade, failed upgrade and a second instance, as ${who}, without systemd`, async (t) => {
  const a = join(base, 'a');
  const b = join(base, 'bacula-mock-2');
  const [portA, portB] = [await freePort(), await freePort()];
  const urlA = `http://127.0.0.1:${portA}`;

  // 1. A user install of this checkout.
  const first = release('release-1');
  let r = await install(first, ['-y', '-s', '-d', a, '-p', String(portA)]);
  t.equal(r.code, 0, 'install exits 0');
  if (r.code !== 0) return t.comment(r.out);
  pids.push(serverPid(a));
  t.match(r.out, /systemd: skipped \(-s\)/, 'says systemd was skipped');
  t.match(r.out, /health: ok, bacula-mock \d+\.\d+\.\d+, .*100 clients/, 'ends with a health check');
  t.match(readFileSync(join(a, 'config.yaml'), 'utf8'), new RegExp(`port: ${portA}\\b`), 'config.yaml from config.yaml.dist with the port');
  t.match(readFileSync(join(a, 'config.yaml'), 'utf8'), /# bacula-mock configuration/, 'the comments of config.yaml.dist are kept');
  t.same(envFile(a), {
    BACULA_MOCK_HOST: '127.0.0.1', BACULA_MOCK_PORT: String(portA), BACULA_MOCK_USER: 'admin', BACULA_MOCK_PASSWORD: 'bacula2026',
    BACULA_MOCK_TLS: 'false', BACULA_MOCK_CA: '', BACULA_MOCK_CONFIG: join(a, 'config.yaml'),
  }, '.env has exactly the CLI variables');
  const log = readFileSync(join(a, 'installation.log'), 'utf8');
  for (const step of ['Checking the system', 'Building the release', 'Configuration', 'Installing into', 'Starting and checking', 'Done']) t.match(log, step, `installation.log: ${step}`);
  t.notOk(existsSync(join(a, '.git')) || readdirSync(a).some((f) => f.startsWith('.staging')), 'no .git, no staging left');
  const link = join(home, '.local', 'bin', 'bacula-mock-a');
  t.equal(readlinkSync(link), join(a, 'cli', 'bin', 'run.js'), 'the command is linked into ~/.local/bin, named after the directory');
  t.equal((await health(`${urlA}/mock/health`))?.status, 'ok', 'A answers');
  const cli = spawnSync(runuser ? 'runuser' : link, runuser ? ['-u', 'nobody', '--', 'env', `HOME=${home}`, link, 'health'] : ['health'], { cwd: base, encoding: 'utf8' });
  t.match(cli.stdout, new RegExp(`bacula-mock .* at http://127\\.0\\.0\\.1:${portA}`), 'the linked CLI finds the server through .env');

  // State an upgrade must keep: a command in the world, an edit in config.yaml.
  t.equal((await api(urlA, '/cmd/label', { method: 'POST', body: JSON.stringify({ volume: 'KeepMe', pool: 'Default' }) })).error, 0);
  writeFileSync(join(a, 'config.yaml'), readFileSync(join(a, 'config.yaml'), 'utf8') + '# edited by the administrator\n');
  const envBefore = readFileSync(join(a, '.env'), 'utf8');

  // 2. --upgrade from a newer release.
  const next = release('release-2', (dir) => writeFileSync(join(dir, 'RELEASE-MARK'), '2\n'));
  r = await install(next, ['-y', '-s', '-u', '-d', a, '-p', '1']);
  t.equal(r.code, 0, 'upgrade exits 0');
  if (r.code !== 0) return t.comment(r.out);
  pids.push(serverPid(a));
  t.match(r.out, /--upgrade keeps config\.yaml as it is: -p\/-t ignored/);
  t.ok(existsSync(join(a, 'RELEASE-MARK')), 'the new release is in place');
  t.match(readFileSync(join(a, 'config.yaml'), 'utf8'), /# edited by the administrator\n$/, 'config.yaml kept');
  t.equal(readFileSync(join(a, '.env'), 'utf8'), envBefore, '.env kept');
  const backups = readdirSync(join(a, 'backups'));
  t.equal(backups.length, 1, 'one timestamped backup');
  t.match(backups[0], /^\d{8}-\d{6}/);
  for (const f of ['config.yaml', '.env', 'data', 'release']) t.ok(existsSync(join(a, 'backups', backups[0], f)), `the backup has ${f}`);
  t.equal((await api(urlA, '/cat/Media?volumename=KeepMe')).data.length, 1, 'the world (data/) is kept');

  // 3 and 4, at the same time (each install has its own directory and lock):
  // an upgrade of A whose release cannot start, so the previous one must come back,
  // and a second instance B with TLS on another port.
  const broken = release('release-broken', (dir) => {
    const run = join(dir, 'cli', 'bin', 'run.js');
    writeFileSync(run, readFileSync(run, 'utf8').replace('\n', '\nprocess.stderr.write("this release is broken\\n"); process.exit(3);\n'));
  });
  const [failed, second] = await Promise.all([
    install(broken, ['-y', '-s', '-u', '-d', a]),
    install(first, ['-y', '-s', '-t', '-d', b, '-p', String(portB)]),
  ]);
  pids.push(serverPid(a));
  t.not(failed.code, 0, 'the failed upgrade exits non-zero');
  t.match(failed.out, /this release is broken/, 'and shows why');
  t.match(failed.out, /upgrade failed; the previous release is back and answering/);
  t.notMatch(readFileSync(join(a, 'cli', 'bin', 'run.js'), 'utf8'), /broken/, 'the previous release is in place');
  t.ok(existsSync(join(a, 'RELEASE-MARK')));
  t.equal((await health(`${urlA}/mock/health`))?.status, 'ok', 'A answers again');
  t.equal((await api(urlA, '/cat/Media?volumename=KeepMe')).data.length, 1, 'with its world');

  t.equal(second.code, 0, 'second install exits 0');
  if (second.code !== 0) return t.comment(second.out);
  pids.push(serverPid(b));
  t.match(envFile(b), { BACULA_MOCK_PORT: String(portB), BACULA_MOCK_TLS: 'true', BACULA_MOCK_CA: join(b, 'certs', 'server.crt') });
  t.ok(existsSync(join(home, '.local', 'bin', 'bacula-mock-2')) && existsSync(link), 'each instance has its own command');
  t.equal((await health(`https://127.0.0.1:${portB}/mock/health`, join(b, 'certs', 'server.crt')))?.status, 'ok', 'B answers over HTTPS, its certificate verified');
  t.equal((await health(`${urlA}/mock/health`))?.status, 'ok', 'A still answers beside it');
});

t.test('the systemd unit, as the installer fills it in, passes systemd-analyze verify', { skip: hasSystemdAnalyze ? false : 'systemd-analyze is not installed here' }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bacula-mock-unit-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const render = (user: string, port: number, scope: string, installDir = ROOT): string => spawnSync('bash', ['-c',
    `source "${join(ROOT, 'install.sh')}" && render_unit "${join(ROOT, 'systemd', 'bacula-mock.service')}" "${installDir}" "${user}" "${user}" ${port} "${process.execPath}" bacula-mock ${scope}`], { encoding: 'utf8' }).stdout;
  for (const [what, unit] of [['system unit', render('root', 9101, 'system')], ['system unit on port 80', render('root', 80, 'system')], ['user unit', render('root', 9101, 'user')]] as const) {
    const file = join(dir, 'bacula-mock.service');
    writeFileSync(file, unit);
    t.notMatch(unit, /@[A-Z_]+@/, `${what}: every field filled in`);
    const v = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    t.equal(v.status, 0, `${what}: verify exits 0`);
    t.equal(v.stderr.trim(), '', `${what}: no warnings${v.stderr ? `: ${v.stderr}` : ''}`);
  }
  const system = render('bacula-mock', 9101, 'system', '/opt/bacula-mock');
  t.match(system, /^User=bacula-mock$/m);
  t.match(system, /^ExecStart=\S+node \/opt\/bacula-mock\/cli\/bin\/run\.js start --config \/opt\/bacula-mock\/config\.yaml$/m, 'runs `bacula-mock start`');
  t.match(system, /^Restart=on-failure$/m);
  t.match(system, /^KillSignal=SIGTERM$/m);
  t.match(system, /^TimeoutStopSec=\d+$/m);
  t.match(system, /^NoNewPrivileges=true$/m);
  t.match(system, /^ProtectSystem=strict$/m);
  t.match(system, /^ProtectHome=true$/m);
  t.match(system, /^PrivateTmp=true$/m);
  t.match(system, /^ReadWritePaths=-\/opt\/bacula-mock\/data -\/opt\/bacula-mock\/logs -\/opt\/bacula-mock\/certs$/m);
  t.match(system, /^WorkingDirectory=\/opt\/bacula-mock$/m);
  t.match(system, /^CapabilityBoundingSet=$/m, 'no capabilities on a high port');
  t.match(render('bacula-mock', 80, 'system'), /^AmbientCapabilities=CAP_NET_BIND_SERVICE$/m, 'port 80 may be bound, and nothing more');
  t.match(render('bacula-mock', 9101, 'system', '/home/ops/bacula-mock'), /^ProtectHome=read-only$/m, 'an install under /home stays readable');
  const user = render('me', 9101, 'user');
  t.notMatch(user, /^(User|Group|ProtectSystem)=/m, 'a user unit has no User= or sandbox lines');
  t.match(user, /^WantedBy=default\.target$/m);
});
