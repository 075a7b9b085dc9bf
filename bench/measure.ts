/** Figures the benchmarks take of their samples and of the processes they run. */
import { existsSync, readFileSync } from 'node:fs';

/** The p-quantile (p in 0..1) of `sorted`, ascending samples: the one at rank ⌊p·n⌋; NaN when there are none. */
export function quantile(sorted: readonly number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN;
}

/** CPU time (user + system) process `pid` has used so far, in ms; undefined where /proc is not there (not Linux) or the process has gone. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  // Fields 14 and 15 (utime, stime), in clock ticks of 10 ms, after the command name in parentheses.
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}
