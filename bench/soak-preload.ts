/**
 * Loaded into the server by bench/soak.ts (`node --import dist/bench/soak-preload.js
 * dist/src/main.js ...`) so the event loop is measured where it runs, without
 * an endpoint in the product. Writes one JSON line to stderr every
 * `SOAK_REPORT_MS` (default 5000): memory, and the event-loop delay of that
 * interval. On SIGUSR2 it writes a line at once with the delay since the
 * previous SIGUSR2 (`window`), and starts a new window: the soak sends one
 * when its warm-up ends and one when its load ends. A synchronous file call
 * of the main thread that takes `SLOW_FS_MS` or more (an fsync behind a
 * snapshot's, say) is written as an `fs` line when it returns.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/** ms between two samples of the loop; every figure includes it (an idle loop reads ~5 ms). */
const RESOLUTION_MS = 5;
const every = Number(process.env.SOAK_REPORT_MS ?? 5000);
const interval = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
const window = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
interval.enable();
window.enable();

const ms = (ns: number): number => +(ns / 1e6).toFixed(2);
const stats = (h: IntervalHistogram) => ({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean), samples: h.count });

function line(kind: 'interval' | 'window'): void {
  const m = process.memoryUsage();
  const mb = (n: number): number => +(n / 1048576).toFixed(1);
  const h = kind === 'interval' ? interval : window;
  process.stderr.write(JSON.stringify({
    soak: kind, t: Date.now(), rssMB: mb(m.rss), heapUsedMB: mb(m.heapUsed), heapTotalMB: mb(m.heapTotal),
    externalMB: mb(m.external), arrayBuffersMB: mb(m.arrayBuffers), loopDelayMs: stats(h),
  }) + '\n');
  h.reset();
}

setInterval(() => line('interval'), every).unref();
process.on('SIGUSR2', () => line('window'));

/** A synchronous file call this long holds the event loop visibly. */
const SLOW_FS_MS = 20;
type SyncCall = (...args: unknown[]) => unknown;
const calls = fs as unknown as Record<string, SyncCall>;
for (const op of ['fsyncSync', 'renameSync', 'openSync', 'writeSync', 'closeSync', 'readSync', 'ftruncateSync']) {
  const call = calls[op];
  calls[op] = function timed(this: unknown, ...args: unknown[]) {
    const began = performance.now();
    try {
      return call.apply(this, args);
    } finally {
      const took = performance.now() - began;
      if (took >= SLOW_FS_MS) process.stderr.write(JSON.stringify({ soak: 'fs', op, ms: +took.toFixed(1), t: Date.now() }) + '\n');
    }
  };
}
// The server imports these by name (`import { fsyncSync } from 'node:fs'`): its bindings follow once synced.
syncBuiltinESMExports();
