/**
 * Benchmark: `initialize N` with D days of history, in a fresh process.
 *   node dist/bench/init.js <clients> <days> [interval_min interval_max]
 * Prints one JSON line: wall ms, peak RSS, jobs and log rows created.
 */
import { loadConfig } from '../src/config.js';
import { worldSettings } from '../src/director.js';
import { World } from '../engine/world.js';

const [clients = 500, days = 30, imin, imax] = process.argv.slice(2).map(Number);
const cfg = loadConfig();
const settings = worldSettings(cfg);
if (imin) Object.assign(settings, { jobIntervalMin: imin, jobIntervalMax: imax || imin });
let peak = 0;
const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
const w = new World(settings, Date.UTC(2026, 10, 22));
const began = performance.now();
w.initialize({ clients, errorRate: 0.25, seed: 2026, historyDays: days });
const ms = performance.now() - began;
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(sample);
console.log(JSON.stringify({
  clients, days, interval: [settings.jobIntervalMin, settings.jobIntervalMax], ms: Math.round(ms),
  peakRssMB: Math.round(peak / 1048576), jobs: w.catalog.totals.jobs, logRows: w.catalog.log.length,
  running: w.running.size, queued: w.queue.size,
}));
