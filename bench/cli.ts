/**
 * Benchmark: start-up cost of the CLI, for scripting loops.
 *   node dist/bench/cli.js [runs=25]
 *
 * Wall time of `bacula-mock health` (the real bin, a fresh process each time)
 * against a server on an ephemeral port, side by side with the floor: a bare
 * `node -e` that fetches /mock/health with the global fetch and prints it. Also
 * `node -e 0` (Node's own start-up), the same request with node:http (Node 20
 * loads undici for the first fetch, which costs more than the request), and
 * `bacula-mock health --raw`, and `health` with oclif's check of its own
 * `engines` left on (the bin skips it). The commands run interleaved, one at a time, so
 * load on the machine hits them alike. Prints one JSON line per command and a
 * Markdown table.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { quantile } from './measure.js';
import { ServerProcess, tempConfig, tempDir } from './server-process.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'cli', 'bin', 'run.js');
const runs = Number(process.argv[2] ?? 25);

/** Wall time of one run of `node args`, in ms; fails if it does not exit 0. */
function time(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((ok, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.once('exit', (code) => (code === 0 ? ok(performance.now() - t0) : fail(new Error(`${args.join(' ')} exited ${code}: ${err}`))));
  });
}

function stats(ms: number[]): { median: number; p90: number; min: number } {
  const s = [...ms].sort((a, b) => a - b);
  return { median: Math.round(quantile(s, 0.5)), p90: Math.round(quantile(s, 0.9)), min: Math.round(s[0]) };
}

const server = new ServerProcess(join(ROOT, 'dist/src/main.js'), tempConfig('simulation:\n  default_clients: 10\n  history_days: 1\nlogging:\n  file: logs/bench.log\n', tempDir('bench-cli-')).file);
const port = await server.ready;
const url = `http://127.0.0.1:${port}/mock/health`;
const env: NodeJS.ProcessEnv = { ...process.env, BACULA_MOCK_HOST: '127.0.0.1', BACULA_MOCK_PORT: String(port), BACULA_MOCK_TLS: 'false' };
delete env.NODE_OPTIONS;
const cases: Array<[string, string[]]> = [
  ['node -e 0 (Node start-up)', ['-e', '0']],
  ['node -e fetch /mock/health (floor)', ['-e', `fetch(${JSON.stringify(url)}).then((r) => r.text()).then((t) => process.stdout.write(t))`]],
  ['node -e node:http GET /mock/health', ['-e', `require('node:http').get(${JSON.stringify(url)}, (r) => r.pipe(process.stdout))`]],
  ['bacula-mock health', [BIN, 'health']],
  ['bacula-mock health --raw', [BIN, 'health', '--raw']],
  ['bacula-mock health, oclif engine check on', [BIN, 'health']],
];
/** Per case, what the environment changes (oclif's own engines check, which the bin skips). */
const caseEnv: Record<number, NodeJS.ProcessEnv> = { [cases.length - 1]: { OCLIF_DISABLE_ENGINE_WARNING: 'false' } };
const load = loadavg()[0];
try {
  const times = cases.map(() => [] as number[]);
  // One warm-up round fills the OS file cache for every case alike.
  const envOf = (i: number): NodeJS.ProcessEnv => ({ ...env, ...caseEnv[i] });
  for (const [i, [, args]] of cases.entries()) await time(args, envOf(i));
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < cases.length; i++) times[i].push(await time(cases[i][1], envOf(i)));
  }
  const rows = cases.map(([name], i) => ({ name, runs, ...stats(times[i]) }));
  for (const row of rows) console.log(JSON.stringify(row));
  const floor = rows[1].median;
  console.log(`\nload average at start ${load.toFixed(2)}, Node ${process.version}\n`);
  console.log('| command | median | p90 | min | median over the floor |');
  console.log('|---|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.name} | ${row.median} ms | ${row.p90} ms | ${row.min} ms | ${row.median - floor >= 0 ? '+' : ''}${row.median - floor} ms |`);
} finally {
  await server.kill('SIGTERM');
}
