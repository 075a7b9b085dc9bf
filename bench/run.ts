/**
 * Runs the standard benchmarks one after the other, each in its own process,
 * and prints their output (JSON lines); the figures go into docs/performance.md.
 *   npm run bench            (about 20 minutes on 2 cores, half of it the kill -9 drill)
 * The soak is left out and run by hand: bench/soak.js (10 minutes of load,
 * best on a machine nothing else is using).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const HERE = import.meta.dirname;
const RUNS: Array<{ what: string; file: string; args: string[]; node?: string[] }> = [
  { what: 'history fill, 500 clients x 30 days', file: 'init.js', args: ['500', '30'] },
  { what: 'history fill, 10,000 clients x 30 days', file: 'init.js', args: ['10000', '30'] },
  { what: 'a catalog of about a million jobs', file: 'catalog.js', args: ['20000', '30'], node: ['--expose-gc'] },
  { what: 'the live engine, 10,000 clients at speed 3600 for 60 s, a snapshot half-way', file: 'live.js', args: ['10000', '3600', '60', 'snapshot'] },
  { what: 'the API under load, beside a bare node:http server and Prism', file: 'api.js', args: [] },
  { what: 'CLI start-up', file: 'cli.js', args: [] },
  { what: 'kill -9 drill, 60 cycles (54 SIGKILL, 6 SIGTERM under load), and damaged data files', file: 'crash.js', args: ['60', '2026'] },
];

let failed = 0;
for (const run of RUNS) {
  process.stdout.write(`\n## ${run.what}\n`);
  const r = spawnSync(process.execPath, [...(run.node ?? []), join(HERE, run.file), ...run.args], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`(exited ${r.status ?? r.signal})\n`);
  }
}
process.exit(failed ? 1 : 0);
