/**
 * Benchmark: `initialize N` with D days of history, in a fresh process.
 *   node dist/bench/init.js <clients> <days> [interval_min interval_max]
 * Prints one JSON line: wall ms, CPU ms (all threads: the collector's helpers
 * too), peak RSS, jobs and log rows created. On a busy machine compare the CPU
 * of two builds run alternately rather than their wall times.
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
const cpuBefore = process.cpuUsage();
w.initialize({ clients, errorRate: 0.25, seed: 2026, historyDays: days });
const ms = performance.now() - began;
const cpu = process.cpuUsage(cpuBefore);
peak = Math.max(peak, process.memoryUsage().rss);
clearInterval(sample);
console.log(JSON.stringify({
  clients, days, interval: [settings.jobIntervalMin, settings.jobIntervalMax], ms: Math.round(ms),
  cpuMs: Math.round((cpu.user + cpu.system) / 1000),
  peakRssMB: Math.round(peak / 1048576), jobs: w.catalog.totals.jobs, logRows: w.catalog.log.length,
  running: w.running.size, queued: w.queue.size,
}));
