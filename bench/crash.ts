/**
 * Benchmark: kill -9 at random moments, many times, and check after each
 * restart that nothing acknowledged was lost and the catalog holds together
 * (bench/crash-drill.ts); then damaged data files, which a start must refuse.
 *   node dist/bench/crash.js [cycles=60] [seed=<time>] [cycles per data dir=10]
 * Each data dir's last cycle ends with SIGTERM under load (a graceful stop),
 * the others with SIGKILL; a last start checks it. One line per cycle on
 * stderr, a JSON summary on stdout. Exit 1 if any check failed.
 */
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DAMAGES, pristineDataDir, probeDamage, truncatedTail } from './crash-damage.js';
import { Drill, KILL_MODES, oddWarnings, type Check, type CycleReport, type KillMode } from './crash-drill.js';
import { quantile } from './measure.js';
import { seeded, weighted } from './server-process.js';

const MAIN = join(resolve(import.meta.dirname, '..'), 'src', 'main.js');
const [cycles = 60, seed = Date.now() % 1_000_000_007, perDir = 10] = process.argv.slice(2).map(Number);

/** How often each kind of kill moment is drawn. */
const WEIGHTS: Record<KillMode, number> = { random: 3, request: 2, snapshot: 2, journal: 1, early: 1, startup: 1 };

const began = performance.now();
const rand = seeded(seed);
const drawMode = weighted(rand, WEIGHTS);

const reports: CycleReport[] = [];
const failed: Check[] = [];
for (let done = 0, dirNo = 0; done < cycles; dirNo++) {
  const failedBefore = failed.length;
  const drill = new Drill({ main: MAIN, seed: seed + dirNo, fullLog: true, log: (l) => process.stderr.write(`[dir ${dirNo}] ${l}\n`) });
  for (let i = 0; i < perDir && done < cycles; i++, done++) {
    const last = i === perDir - 1 || done === cycles - 1;
    const r = await drill.cycle(last ? 'term' : drawMode());
    reports.push(r);
    failed.push(...r.checks.filter((c) => c.problems.length));
    const odd = oddWarnings(r);
    if (odd.length) failed.push({ name: `cycle ${r.cycle}: warnings`, problems: odd });
  }
  failed.push(...(await drill.finish()).filter((c) => c.problems.length));
  if (failed.length === failedBefore) drill.remove();
  else process.stderr.write(`[dir ${dirNo}] kept for a look: ${drill.dir}\n`);
}
for (const c of failed) process.stderr.write(`FAILED ${c.name}:\n  ${c.problems.join('\n  ')}\n`);

const pristine = await pristineDataDir(MAIN);
const damage = [];
for (const d of DAMAGES) damage.push(await probeDamage(MAIN, pristine, d));
const tail = await truncatedTail(MAIN, pristine);
rmSync(dirname(pristine), { recursive: true, force: true });

const kills = reports.filter((r) => r.mode !== 'term');
const terms = reports.filter((r) => r.mode === 'term');
const sum = (f: (r: CycleReport) => number): number => kills.reduce((n, r) => n + f(r), 0);
const count = (f: (r: CycleReport) => boolean): number => kills.filter(f).length;
const restarts = reports.map((r) => r.restartMs).sort((a, b) => a - b);
const acked: Record<string, number> = {};
for (const r of reports) for (const [k, v] of Object.entries(r.acked)) acked[k] = (acked[k] ?? 0) + v;
const checks = reports.reduce((n, r) => n + r.checks.length, 0);

console.log(JSON.stringify({
  crash: {
    cycles: reports.length, killCycles: kills.length, seed, cyclesPerDataDir: perDir, wallS: Math.round((performance.now() - began) / 1000),
    kills: Object.fromEntries(KILL_MODES.map((m) => [m, count((r) => r.mode === m)])),
    killsMidSnapshot: count((r) => r.midSnapshot), killsMidJournalSwap: count((r) => r.midJournalSwap),
    killsWithRequestsInFlight: count((r) => r.inflightAtKill > 0), requestsInFlightAtKills: sum((r) => r.inflightAtKill),
    snapshotsDuringLoad: reports.reduce((n, r) => n + r.snapshotsSeen, 0),
    gracefulStopsUnderLoad: { count: terms.length, withRequestsInFlight: terms.filter((r) => r.inflightAtKill > 0).length, ms: terms.map((r) => r.stopMs) },
    acknowledged: acked, refusedAsExpected: reports.reduce((n, r) => n + r.refusedAsExpected, 0), unanswered: reports.reduce((n, r) => n + r.uncertain, 0),
    halfWrittenLinesDropped: reports.reduce((n, r) => n + r.warnings.filter((w) => /dropped a half-written last record/.test(w)).length, 0),
    jobsAtLastCheck: reports.at(-1)?.jobs,
    restartMs: { p50: quantile(restarts, 0.5), max: restarts.at(-1) },
    checks, failedChecks: failed.length,
  },
  damage: damage.map((d) => ({ damage: d.damage, exit: d.exitCode, started: d.started, reported: d.reported, untouched: d.untouched, stderr: d.stderr.trim() })),
  truncatedLastJournalLine: tail,
}, null, 1));
process.exit(failed.length || damage.some((d) => d.exitCode !== 2 || !d.reported || !d.untouched) || !tail.started || !tail.warning || !tail.keptWholeLines ? 1 : 0);
