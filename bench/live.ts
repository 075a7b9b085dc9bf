/**
 * Benchmark: the live engine with N clients at a clock speed for S real seconds.
 *   node dist/bench/live.js <clients> <speed> <seconds> [snapshot]
 * Reports event-loop delay (p50/p99/max); how far the world fell behind its
 * clock (sampled every 50 ms: real ms between an event falling due and now,
 * while it was not yet played); jobs per second. With `snapshot`, a
 * background snapshot is written half-way, as the server's housekeeping does.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { LiveDirector } from '../src/director.js';
import { Store } from '../src/store.js';
import { quantile } from './measure.js';

const [clients = 10_000, speed = 3600, seconds = 60] = process.argv.slice(2, 5).map(Number);
const withSnapshot = process.argv[5] === 'snapshot';
const cfg = loadConfig();
cfg.simulation.default_clients = clients;
cfg.simulation.history_days = 1;
cfg.simulation.speed = speed;
const store = new Store(mkdtempSync(join(tmpdir(), 'bench-live-')));
const t0 = performance.now();
const { director } = LiveDirector.open(cfg, store);
const initMs = performance.now() - t0;
const w = director.world;
const jobs0 = w.catalog.totals.jobs;
const v0 = director.clock.now();
const r0 = performance.now();
const h = monitorEventLoopDelay({ resolution: 5 });
h.enable();
const tick = setInterval(() => director.tick(), 1000);
// Backlog: an event due in virtual time but not played yet, in real ms.
const behind: number[] = [];
const sample = setInterval(() => behind.push(Math.max(0, director.clock.now() - w.nextEventTime()) / speed), 50);
let snapshot: { heldMs: number; totalMs: number } | null = null;
if (withSnapshot) {
  setTimeout(() => {
    const began = performance.now();
    const writing = director.snapshotInBackground();
    const heldMs = Math.round(performance.now() - began);
    void writing.then((ms) => (snapshot = { heldMs, totalMs: Math.round(ms) }));
  }, (seconds * 1000) / 2);
}
setTimeout(() => {
  h.disable();
  clearInterval(tick);
  clearInterval(sample);
  behind.sort((a, b) => a - b);
  const realS = (performance.now() - r0) / 1000;
  const played = w.now - v0;
  const jobs = w.catalog.totals.jobs - jobs0;
  console.log(JSON.stringify({
    clients, speed, seconds: +realS.toFixed(1), initMs: Math.round(initMs),
    loopDelayMs: { p50: +(h.percentile(50) / 1e6).toFixed(2), p99: +(h.percentile(99) / 1e6).toFixed(2), max: +(h.max / 1e6).toFixed(2) },
    behindMs: { p50: +quantile(behind, 0.5).toFixed(1), p99: +quantile(behind, 0.99).toFixed(1), max: +quantile(behind, 1).toFixed(1) },
    virtualHoursPlayed: +(played / 3.6e6).toFixed(2), expectedVirtualHours: +((realS * speed) / 3600).toFixed(2),
    jobsCreated: jobs, jobsPerSecond: +(jobs / realS).toFixed(1), rssMB: Math.round(process.memoryUsage().rss / 1048576),
    snapshot,
  }));
  director.close();
  process.exit(0);
}, seconds * 1000);
