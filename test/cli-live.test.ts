import t from 'tap';
import { spawn } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, cleanEnv, cli, smallWorld, spawnCli, startWorld, until } from './helpers/cli.js';
import { api } from './helpers/server.js';

const CONFIG = smallWorld({ clients: 3, days: 1, errorRate: 0, seed: 5 });

t.test('watch', async (t) => {
  const { s, env } = await startWorld(CONFIG);
  t.teardown(() => s.stop());
  const names = ((await api(s.url, '/cat/Client')).body.data as Array<{ name: string }>).map((c) => c.name);

  t.test('--once: one frame with the running job, its progress bar, rate and log lines', async (t) => {
    const q = (await api(s.url, '/cmd/run', { method: 'POST', json: { job: `backup-${names[0]}`, level: 'F' } })).body.data;
    for (let i = 0; i < 100 && (await api(s.url, `/cat/Job?jobid=${q.jobid}`)).body.data[0].jobstatus !== 'R'; i++) await new Promise((r) => setTimeout(r, 100));
    // Let it move some bytes (virtual seconds pass at speed 1 here), then freeze the world.
    await api(s.url, '/mock/clock', { method: 'POST', json: { advance: '30s' } });
    await api(s.url, '/mock/clock', { method: 'POST', json: { paused: true } });
    const r = await cli(['watch', '--once'], { env });
    await api(s.url, '/mock/clock', { method: 'POST', json: { paused: false } });
    t.equal(r.code, 0, r.stderr);
    t.match(r.stdout, new RegExp(`^bacula-mock watch  http://127\\.0\\.0\\.1:${s.port}  \\d\\d:\\d\\d:\\d\\d  bacula-dir `));
    t.match(r.stdout, /\nVirtual time 2026-11-2\d \d\d:\d\d:\d\d UTC  speed 1x PAUSED  ·  3 clients  \d+ jobs  1 running  0 queued\n/);
    t.match(r.stdout, /\nRunning and waiting jobs \(1\)\nJOBID +CLIENT +KIND +STATUS +PROGRESS +FILES +BYTES +RATE\n/);
    t.match(r.stdout, new RegExp(`\\n +${q.jobid}  ${names[0]} +Full +Running +\\[#*-*\\] +\\d+% +[\\d,]+ +\\d+(\\.\\d)? [KMGT]?B +\\d+(\\.\\d)? [KMGT]?B/s\\n`), 'a bar, a percentage, files, bytes, rate');
    t.match(r.stdout, new RegExp(`\\nLatest log lines\\n(.*\\n)*2026-11-2\\d \\d\\d:\\d\\d:\\d\\d  bacula-dir JobId ${q.jobid}: Start Backup JobId ${q.jobid}, `));
    t.match(r.stdout, /\nRecently terminated\nJOBID +KIND +STATUS +ENDED/);
    t.notMatch(r.stdout, /\x1b\[/, 'no terminal codes in a pipe');
    await api(s.url, '/cmd/cancel', { method: 'POST', json: { jobid: q.jobid } });
  });

  t.test('not a terminal: a frame, then one line per event until Ctrl-C, which exits 0', async (t) => {
    await api(s.url, '/mock/clock', { method: 'POST', json: { speed: 600 } });
    const w = spawnCli(['watch', '--interval', '0.5'], { env });
    await until(w.stdout, /\nFollowing events \(Ctrl-C to stop\):\n/);
    const q = (await api(s.url, '/cmd/run', { method: 'POST', json: { job: `backup-${names[1]}`, level: 'I' } })).body.data;
    await until(w.stdout, new RegExp(`\\nJobId ${q.jobid} ended: OK \\(T\\), `), 20_000);
    w.child.kill('SIGINT');
    const r = await w.done;
    t.equal(r.code, 0, 'Ctrl-C: a clean exit');
    t.equal(r.signal, null);
    const events = r.stdout.split('\nFollowing events (Ctrl-C to stop):\n')[1];
    t.match(events, new RegExp(`^JobId ${q.jobid} created: backup-${names[1]}\\.\\S+ \\(Incremental\\)$`, 'm'));
    t.match(events, new RegExp(`^JobId ${q.jobid} is running$`, 'm'));
    t.match(events, new RegExp(`^2026-\\S+ \\S+  bacula-dir JobId ${q.jobid}: Start Backup JobId ${q.jobid}, `, 'm'));
    t.match(events, new RegExp(`^2026-\\S+ \\S+  bacula-dir JobId ${q.jobid}: Termination: Backup OK$`, 'm'), 'a termination report shows as its Termination line');
    t.ok(events.indexOf(`JobId ${q.jobid} created`) < events.indexOf(`JobId ${q.jobid} ended`), 'in the order they happened');
  });

  t.test('on a terminal: draws on the alternate screen and restores it on Ctrl-C, exit 0', async (t) => {
    // A pseudo-terminal from Python's pty module; Ctrl-C once a frame is on screen.
    const py = `
import os, pty, signal, sys, time, json, fcntl, termios, struct
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 120, 0, 0))
out = b''
deadline = time.time() + 20
sent = False
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    if not sent and b'Recently terminated' in out:
        time.sleep(0.3)
        os.kill(pid, signal.SIGINT)
        sent = True
    if time.time() > deadline:
        os.kill(pid, signal.SIGKILL)
_, status = os.waitpid(pid, 0)
print(json.dumps({'exit': os.waitstatus_to_exitcode(status), 'out': out.decode('utf8', 'replace')}))
`;
    const child = spawn('python3', ['-c', py, process.execPath, BIN, 'watch', '--interval', '0.5'], { env: cleanEnv({ ...env, TERM: 'xterm' }) });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    await new Promise((ok) => child.once('close', ok));
    const r = JSON.parse(text) as { exit: number; out: string };
    t.equal(r.exit, 0, 'Ctrl-C exits 0');
    t.ok(r.out.includes('\x1b[?1049h\x1b[?25l'), 'enters the alternate screen and hides the cursor');
    t.ok(r.out.endsWith('\x1b[?25h\x1b[?1049l'), 'and leaves the terminal as it found it');
    t.match(r.out, /\x1b\[H\x1b\[1mbacula-mock watch/, 'each frame redraws from the top');
    t.match(r.out, /\x1b\[32mOK\x1b\[0m/, 'colour on a terminal');
  });
});

t.test('start runs the server in the foreground: config from --config or BACULA_MOCK_CONFIG; SIGTERM stops it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bacula-mock-start-'));
  writeFileSync(join(dir, 'mock.yaml'), CONFIG.replace('default_clients: 3', 'default_clients: 2'));
  writeFileSync(join(dir, '.env'), 'BACULA_MOCK_CONFIG=mock.yaml\n');
  const server = spawnCli(['start', '--port', '0', '--host', '127.0.0.1'], { cwd: dir });
  const port = (await until(server.stdout, /^PORT=(\d+)$/m))[1];
  const health = await cli(['health', '--json', '--port', port]);
  t.equal(JSON.parse(health.stdout).clients, 2, 'the config named in .env');
  server.child.kill('SIGTERM');
  const r = await server.done;
  t.equal(r.code, 0, 'SIGTERM: a clean stop');

  writeFileSync(join(dir, 'bad.yaml'), 'server:\n  port: lots\n');
  const bad = await cli(['start', '--config', join(dir, 'bad.yaml')]);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /^config error: .*server\.port/m);
});

t.test('cert writes the certificate beside the config; the CLI then speaks HTTPS with --ca, --insecure or .env', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bacula-mock-tls-'));
  writeFileSync(join(dir, 'config.yaml'), CONFIG.replace('simulation:', 'server:\n  tls:\n    enabled: true\nsimulation:'));
  const made = await cli(['cert', '--bits', '2048', '--hostname', 'localhost'], { cwd: dir });
  t.equal(made.code, 0, made.stderr);
  t.match(made.stdout, /^Wrote certs\/server\.crt and certs\/server\.key \(key mode 0600\); SANs DNS:localhost, IP:127\.0\.0\.1\n/);
  t.equal(statSync(join(dir, 'certs/server.key')).mode & 0o777, 0o600);
  const again = await cli(['cert', '--bits', '2048'], { cwd: dir });
  t.equal(again.code, 5, 'existing files are kept without --force');
  t.match(again.stderr, /already exist .*--force/);

  const { s, env: plainEnv } = await startWorld('', { file: join(dir, 'config.yaml') });
  t.teardown(() => s.stop());
  const env = { ...plainEnv, BACULA_MOCK_TLS: 'true' };
  const [trusted, untrusted, insecure, plain] = await Promise.all([
    cli(['health', '--ca', 'certs/server.crt'], { cwd: dir, env }),
    cli(['health'], { cwd: dir, env }),
    cli(['clients', '1', '--insecure'], { cwd: dir, env }),
    cli(['health', '--no-tls'], { cwd: dir, env }),
  ]);
  t.equal(trusted.code, 0, trusted.stderr);
  t.match(trusted.stdout, new RegExp(`^OK  bacula-mock \\S+ at https://127\\.0\\.0\\.1:${s.port}\\n`));
  t.equal(untrusted.code, 7);
  t.match(untrusted.stderr, /^bacula-mock: TLS: the certificate of https:\/\/127\.0\.0\.1:\d+\/mock\/health is not trusted \(.*\); trust it with --ca <file> \(BACULA_MOCK_CA\) or skip the check with --insecure/);
  t.equal(insecure.code, 0);
  t.equal(plain.code, 7);
  t.match(plain.stderr, /closed the connection .*does the server want HTTPS\? \(tls from --tls flag\)/);

  // The installer's way: everything in .env, the CA path relative to it.
  writeFileSync(join(dir, '.env'), `BACULA_MOCK_PORT=${s.port}\nBACULA_MOCK_TLS=true\nBACULA_MOCK_CA=certs/server.crt\n`);
  const viaEnv = await cli(['jobs', '1'], { cwd: dir });
  t.equal(viaEnv.code, 0, viaEnv.stderr);
  t.match(viaEnv.stdout, /^JOBID +CLIENT/);
});
