/**
 * Benchmark: memory of a catalog of about a million jobs.
 *   node --expose-gc dist/bench/catalog.js [clients=20000] [days=30]
 * Concurrency limits are raised so storage is not the bottleneck; reports
 * jobs, log rows, heap and RSS after a full GC.
 */
import { loadConfig } from '../src/config.js';
import { worldSettings } from '../src/director.js';
import { World } from '../engine/world.js';

const [clients = 20_000, days = 30] = process.argv.slice(2).map(Number);
const settings = { ...worldSettings(loadConfig()), maxConcurrentJobs: 5000, storageConcurrentJobs: 5000 };
const w = new World(settings, Date.UTC(2026, 10, 22));
const began = performance.now();
w.initialize({ clients, errorRate: 0.25, seed: 2026, historyDays: days });
const ms = performance.now() - began;
(globalThis as { gc?: () => void }).gc?.();
const m = process.memoryUsage();
console.log(JSON.stringify({
  clients, days, ms: Math.round(ms), jobs: w.catalog.totals.jobs, logRows: w.catalog.log.length,
  heapUsedMB: Math.round(m.heapUsed / 1048576), arrayBuffersMB: Math.round(m.arrayBuffers / 1048576), rssMB: Math.round(m.rss / 1048576),
  bytesPerJob: Math.round(m.rss / w.catalog.totals.jobs),
}));
