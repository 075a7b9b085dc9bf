/**
 * Benchmark: the live engine with N clients at a clock speed for S real seconds.
 *   node dist/bench/live.js <clients> <speed> <seconds>
 * Reports event-loop delay (p50/p99/max), virtual-time drift and jobs per second.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { LiveDirector } from '../src/director.js';
import { Store } from '../src/store.js';

const [clients = 10_000, speed = 3600, seconds = 60] = process.argv.slice(2).map(Number);
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
setTimeout(() => {
  h.disable();
  clearInterval(tick);
  const realS = (performance.now() - r0) / 1000;
  director.sync();
  const lag = director.clock.now() - w.now;
  const jobs = w.catalog.totals.jobs - jobs0;
  console.log(JSON.stringify({
    clients, speed, seconds: +realS.toFixed(1), initMs: Math.round(initMs),
    loopDelayMs: { p50: +(h.percentile(50) / 1e6).toFixed(2), p99: +(h.percentile(99) / 1e6).toFixed(2), max: +(h.max / 1e6).toFixed(2) },
    virtualHours: +((w.now - v0) / 3.6e6).toFixed(2), expectedVirtualHours: +((realS * speed) / 3600).toFixed(2), driftMsAtEnd: lag,
    jobsCreated: jobs, jobsPerSecond: +(jobs / realS).toFixed(1), rssMB: Math.round(process.memoryUsage().rss / 1048576),
  }));
  director.close();
  process.exit(0);
}, seconds * 1000);
