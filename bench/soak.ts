/**
 * Soak benchmark (not CI): a world of 1,000 clients at speed 600, and 1,000
 * API users reading catalog pages, status and logs, running and cancelling
 * jobs at a sustained rate, while SSE subscribers follow /mock/events.
 *   node dist/bench/soak.js [seconds=600] [requests/s=100] [users=1000] [sse=20] [world clients=1000]
 * The rate is open-loop (requests are due on time whatever the answers
 * take). 100/s is what the server holds on a shared 2-core machine with
 * other work on it: each /status/director answer of a 1,000-client world is
 * ~190 KB rebuilt at every call, and at 200/s the server needs ~40% of a core,
 * more than it gets when the machine's load is 8-10 (see docs/performance.md).
 * The server runs with bench/soak-preload (event-loop delay and memory,
 * measured inside it). Warm-up: the first tenth of the run (30 s at least);
 * RSS growth and the event-loop delay are taken after it. One progress line
 * every 30 s on stderr, a JSON summary on stdout (with the seconds in which a
 * request took over 250 ms, so stalls show); exit 1 on any error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { processCpuMs, quantile } from './measure.js';
import { Api, BASIC, seeded, ServerProcess, sleep, tempConfig, tempDir, weighted } from './server-process.js';

const DIST = resolve(import.meta.dirname, '..');
const [seconds = 600, rate = 100, users = 1000, sseCount = 20, worldClients = 1000] = process.argv.slice(2).map(Number);
const warmupS = Math.max(30, Math.round(seconds / 10));
const rand = seeded(600);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
/** The p-quantile of sorted `xs`, to 0.1. */
const q = (xs: number[], p: number): number => +quantile(xs, p).toFixed(1);

/**
 * Real seconds between snapshots (the default is 300): a dozen in 10 minutes instead of
 * two, the first inside the warm-up, so memory is measured across snapshots, each of
 * which captures the world in the event loop and keeps its buffers for the next one.
 */
const SNAPSHOT_INTERVAL_S = 45;

const { dir, file: configFile } = tempConfig([
  'simulation:', `  default_clients: ${worldClients}`, '  speed: 600', '  start_time: "2026-11-22T00:00:00"', `  snapshot_interval: ${SNAPSHOT_INTERVAL_S}`,
  // DEBUG adds a line per snapshot written (requests are logged at INFO anyway)
  'logging:', '  file: logs/soak.log', '  level: DEBUG', '',
].join('\n'), tempDir('bacula-mock-soak-'));

// ---------------------------------------------------------------------------
// The server, and what its preload reports.

interface Report {
  soak: 'interval' | 'window';
  t: number;
  rssMB: number;
  heapUsedMB: number;
  heapTotalMB: number;
  arrayBuffersMB: number;
  loopDelayMs: { p50: number; p99: number; max: number };
}
/** A process running the preload: its reports, a window closed on demand, the CPU it used. */
class Measured {
  readonly reports: Report[] = [];
  /** synchronous file calls of its main thread that took 20 ms or more */
  readonly slowFs: Array<{ op: string; ms: number; t: number }> = [];
  private onWindow: ((r: Report) => void) | null = null;
  private partial = '';

  constructor(readonly child: ChildProcess) {
    child.stderr!.on('data', (d) => {
      const lines = (this.partial + d).split('\n');
      this.partial = lines.pop()!;
      for (const l of lines) {
        if (!l.startsWith('{"soak"')) continue;
        if (l.startsWith('{"soak":"fs"')) {
          this.slowFs.push(JSON.parse(l) as { op: string; ms: number; t: number });
          continue;
        }
        const r = JSON.parse(l) as Report;
        this.reports.push(r);
        if (r.soak === 'window') this.onWindow?.(r);
      }
    });
  }

  /** The preload's window line: the delay since the last one; the next window starts. */
  closeWindow(): Promise<Report> {
    return new Promise((ok) => {
      this.onWindow = ok;
      this.child.kill('SIGUSR2');
    });
  }

  /** CPU ms used so far (Linux only). */
  cpuMs(): number {
    return processCpuMs(this.child.pid) ?? NaN;
  }
}

const PRELOAD = ['--import', join(DIST, 'bench', 'soak-preload.js')];
// SOAK_SERVER_ARGS: more node arguments for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where its time goes.
const server = new ServerProcess(join(DIST, 'src', 'main.js'), configFile, [...PRELOAD, ...(process.env.SOAK_SERVER_ARGS?.split(' ').filter(Boolean) ?? [])]);
const measured = new Measured(server.child);
/** the server's periodic snapshots: real ms writing took, and ms the event loop was held capturing the world */
const snapshots: Array<{ t: number; ms: number; heldMs: number }> = [];
server.onLine = (line) => {
  if (!line.includes('"msg":"snapshot written"')) return;
  const r = JSON.parse(line) as { time: number; ms: number; held_ms: number };
  snapshots.push({ t: r.time, ms: r.ms, heldMs: r.held_ms });
};
// The same preload in a Node process that does nothing: the event-loop delay the machine alone causes (other work on its cores).
const control = new Measured(spawn(process.execPath, [...PRELOAD, '-e', 'setInterval(() => {}, 60_000)'], { stdio: ['ignore', 'ignore', 'pipe'] }));
const base = `http://127.0.0.1:${await server.ready}`;
const startedAt = performance.now();

// ---------------------------------------------------------------------------
// Requests.

type Kind = 'cat.job.page' | 'cat.job.filter' | 'cat.joblog' | 'cat.small' | 'status.director' | 'status.client' | 'health' | 'run' | 'cancel';
/** Share of the requests of each kind: mostly what a dashboard reads, a few commands. */
const MIX: Record<Kind, number> = {
  'cat.job.page': 20, 'cat.job.filter': 15, 'cat.joblog': 12, 'cat.small': 10, 'status.director': 12, 'status.client': 11, health: 10, run: 6, cancel: 4,
};
const KINDS = Object.keys(MIX) as Kind[];
const drawKind = weighted(rand, MIX);

const latencies = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
/** ms each request went out after it was due (the generator's own lag: its loop wakes every 10 ms) */
const lateness: number[] = [];
const errors: string[] = [];
let errorCount = 0;
let refusedCancels = 0;
let sent = 0;
/** latencies since the last progress line */
let recent: number[] = [];
/** A request slower than this is counted in its second of the run (`slowSeconds`): stalls show as clusters. */
const SLOW_MS = 250;
const slowBySecond = new Map<number, { requests: number; maxMs: number }>();
const slow = (began: number, ms: number): void => {
  const s = Math.floor((began - loadBegan) / 1000);
  const b = slowBySecond.get(s) ?? { requests: 0, maxMs: 0 };
  slowBySecond.set(s, { requests: b.requests + 1, maxMs: Math.max(b.maxMs, Math.round(ms)) });
};
const error = (what: string): void => {
  errorCount++;
  if (errors.length < 20) errors.push(what);
};

/** What the load knows of the world (refreshed now and then). */
const world = { clients: [] as string[], jobs: 1, recent: [] as number[], ours: [] as number[] };

function requestFor(kind: Kind): { method: string; path: string; json?: unknown } {
  const client = pick(world.clients);
  switch (kind) {
    case 'cat.job.page':
      return { method: 'GET', path: `/cat/Job?limit=50&offset=${Math.floor(rand() * world.jobs)}&order=${pick(['asc', 'desc'])}` };
    case 'cat.job.filter':
      return { method: 'GET', path: pick([`/cat/Job?jobstatus=R&limit=50`, `/cat/Job?jobstatus=E&order=desc&limit=20`, `/cat/Job?client=${client}&limit=20&order=desc`, `/cat/JobTotals?jobstatus=T`]) };
    case 'cat.joblog':
      return { method: 'GET', path: `/cat/JobLog?jobid=${pick(world.recent)}` };
    case 'cat.small':
      return { method: 'GET', path: pick([`/cat/Client?limit=50&offset=${Math.floor(rand() * world.clients.length)}`, '/cat/Media?limit=50', '/cat/Pool', '/cat/JobTotals', '/cat/JobMedia?limit=50']) };
    case 'status.director':
      return { method: 'GET', path: '/status/director' };
    case 'status.client':
      return { method: 'GET', path: `/status/client?name=${client}` };
    case 'health':
      return { method: 'GET', path: '/mock/health' };
    case 'run':
      return { method: 'POST', path: '/cmd/run', json: { job: `backup-${client}`, comment: 'soak' } };
    case 'cancel':
      return { method: 'POST', path: '/cmd/cancel', json: { jobid: pick(world.ours.length ? world.ours.slice(-200) : world.recent) } };
  }
}

/**
 * One request of `kind`. Its latency counts from when it was handed to its
 * user's connection (a user whose last request is still out waits: that is
 * part of it); how late that was against the schedule is kept apart.
 */
async function one(user: Api, kind: Kind, dueAt: number): Promise<void> {
  const { method, path, json } = requestFor(kind);
  const began = performance.now();
  lateness.push(began - dueAt);
  try {
    const r = await user.call(method, path, json);
    const ms = performance.now() - began;
    latencies.get(kind)!.push(ms);
    recent.push(ms);
    if (ms >= SLOW_MS) slow(began, ms);
    if (r.status === 409 && kind === 'cancel') refusedCancels++;
    else if (r.status !== 200 || r.body.error !== 0) error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    else if (kind === 'run') world.ours.push(r.body.data.jobid);
  } catch (e) {
    // It names the request.
    error((e as Error).message);
  }
}

async function refreshWorld(admin: Api): Promise<void> {
  world.jobs = (await admin.data('/mock/health')).jobs;
  world.recent = (await admin.data('/cat/Job?order=desc&limit=200')).map((j: { jobid: number }) => j.jobid);
}

// ---------------------------------------------------------------------------
// SSE subscribers: half follow everything, half one client each.

const sse = { events: 0, dropped: 0, disconnects: 0, open: 0 };
const streams: Array<{ req: ReturnType<typeof request> | null; stop: boolean }> = [];
function subscribe(i: number, slot = { req: null as ReturnType<typeof request> | null, stop: false }): void {
  if (!streams.includes(slot)) streams.push(slot);
  const path = i % 2 ? `/mock/events?client=${world.clients[i % world.clients.length]}` : '/mock/events';
  const req = request(base + path, { headers: { Authorization: BASIC, Accept: 'text/event-stream' }, agent: false }, (res) => {
    if (res.statusCode !== 200) error(`GET ${path}: ${res.statusCode}`);
    sse.open++;
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buf += d;
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, end);
        buf = buf.slice(end + 2);
        if (frame.includes('\nevent: stream.dropped')) sse.dropped += JSON.parse(frame.slice(frame.indexOf('data: ') + 6)).count;
        else if (frame.includes('event: ')) sse.events++;
      }
    });
    res.on('close', () => {
      sse.open--;
      if (slot.stop) return;
      sse.disconnects++;
      error(`GET ${path}: the stream ended`);
      setTimeout(() => subscribe(i, slot), 1000);
    });
  });
  req.on('error', (e) => {
    if (!slot.stop) error(`GET ${path}: ${e.message}`);
  });
  req.end();
  slot.req = req;
}

// ---------------------------------------------------------------------------
// The run.

const admin = new Api(base);
world.clients = (await admin.data(`/cat/Client?limit=${worldClients}`)).map((c: { name: string }) => c.name);
await refreshWorld(admin);
const jobsAtStart = world.jobs;
/** the catalog grows all along (speed 600): RSS growth is read against it */
let jobsAtWarm = 0;
for (let i = 0; i < sseCount; i++) subscribe(i);
// A user's connection is closed after 4 s idle, before the server's keep-alive timeout (5 s, Node's default):
// a request sent on a connection the server is closing at that moment is reset, the usual keep-alive race,
// which real clients retry. Resets counted here are then the server's doing.
const agents = Array.from({ length: users }, () => new Api(base, new Agent({ keepAlive: true, maxSockets: 1, timeout: 4000 })));
const clientLoop = monitorEventLoopDelay({ resolution: 5 });
clientLoop.enable();

const loadBegan = performance.now();
/** the same moment in wall-clock ms, which the preload's reports carry */
const loadBeganWall = Date.now();
const endAt = loadBegan + seconds * 1000;
const warmEndsAt = loadBegan + warmupS * 1000;
let warm: Report | null = null;
let lastProgress = loadBegan;
let lastRefresh = loadBegan;
/** every 30 s: how the run goes, the server's memory and CPU, and the machine's load (2 shared cores) */
const timeline: Array<Record<string, number>> = [];
let cpuMark = { at: performance.now(), ms: measured.cpuMs() };
const cpuPct = (): number => {
  const now = { at: performance.now(), ms: measured.cpuMs() };
  const pct = (100 * (now.ms - cpuMark.ms)) / (now.at - cpuMark.at);
  cpuMark = now;
  return Math.round(pct);
};
let warmCpu = { at: 0, ms: 0 };
const inflight = new Set<Promise<void>>();
for (let now = performance.now(); now < endAt; now = performance.now()) {
  // Open loop: requests are due at a fixed rate whatever the answers take.
  const due = Math.floor(((now - loadBegan) / 1000) * rate);
  while (sent < due) {
    const dueAt = loadBegan + (sent / rate) * 1000;
    sent++;
    const p = one(pick(agents), drawKind(), dueAt);
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }
  if (!warm && now >= warmEndsAt) {
    [warm] = await Promise.all([measured.closeWindow(), control.closeWindow()]);
    warmCpu = { at: performance.now(), ms: measured.cpuMs() };
    jobsAtWarm = world.jobs;
    for (const l of latencies.values()) l.length = 0;
    lateness.length = 0;
    clientLoop.reset();
  }
  if (now - lastRefresh >= 5000) {
    lastRefresh = now;
    void refreshWorld(admin).catch((e: Error) => error(`refresh: ${e.message}`));
  }
  if (now - lastProgress >= 30_000) {
    lastProgress = now;
    const last = measured.reports.at(-1)!;
    recent.sort((a, b) => a - b);
    const point = {
      s: Math.round((now - loadBegan) / 1000), requests: sent, errors: errorCount, inflight: inflight.size, sseEvents: sse.events, jobs: world.jobs,
      p99Ms: recent.length ? q(recent, 0.99) : 0, maxMs: recent.length ? Math.round(recent[recent.length - 1]) : 0,
      rssMB: last.rssMB, heapUsedMB: last.heapUsedMB, arrayBuffersMB: last.arrayBuffersMB, loopP99Ms: last.loopDelayMs.p99,
      idleNodeLoopP99Ms: control.reports.at(-1)!.loopDelayMs.p99,
      serverCpuPct: cpuPct(), load1m: loadavg()[0],
    };
    recent = [];
    timeline.push(point);
    process.stderr.write(`${JSON.stringify(point)}\n`);
  }
  await sleep(10);
}
const [end, controlEnd] = await Promise.all([measured.closeWindow(), control.closeWindow()]);
control.child.kill();
const measuredCpuPct = Math.round((100 * (measured.cpuMs() - warmCpu.ms)) / (performance.now() - warmCpu.at));
const generatorCpu = process.cpuUsage();
await Promise.all(inflight);
clientLoop.disable();
for (const s of streams) s.stop = true;
for (const s of streams) s.req?.destroy();
const health = await admin.data('/mock/health');
admin.close();
for (const a of agents) a.close();
const stopBegan = performance.now();
const { code } = await server.kill('SIGTERM');
const stopMs = Math.round(performance.now() - stopBegan);
rmSync(dir, { recursive: true, force: true });

// ---------------------------------------------------------------------------
// Summary.

const latency: Record<string, { count: number; p50: number; p99: number; max: number }> = {};
const all: number[] = [];
for (const [k, xs] of latencies) {
  xs.sort((a, b) => a - b);
  all.push(...xs);
  if (xs.length) latency[k] = { count: xs.length, p50: q(xs, 0.5), p99: q(xs, 0.99), max: +xs[xs.length - 1].toFixed(1) };
}
all.sort((a, b) => a - b);
/**
 * RSS over a minute of interval reports: the mean, and the floor (the least,
 * what is left after a collection). One sample is at the mercy of the GC: RSS
 * swings by a few tens of MB between collections.
 */
const rssOver = (from: number, to: number): { mean: number; floor: number } => {
  const xs = measured.reports.filter((r) => r.soak === 'interval' && r.t >= from && r.t <= to).map((r) => r.rssMB);
  return { mean: +(xs.reduce((n, x) => n + x, 0) / Math.max(1, xs.length)).toFixed(1), floor: Math.min(...xs) };
};
const window = measured.reports.filter((r) => r.soak === 'interval' && warm && r.t > warm.t && r.t <= end.t);
const rssWarm = rssOver(warm!.t, warm!.t + 60_000);
const rssEnd = rssOver(end.t - 60_000, end.t);
const pct = (a: number, b: number): number => +((100 * (b - a)) / a).toFixed(1);
const slowFs = measured.slowFs.filter((f) => warm && f.t > warm.t && f.t <= end.t);
const spread = (xs: number[]): { p50: number; max: number } | null => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted.length ? { p50: q(sorted, 0.5), max: sorted[sorted.length - 1] } : null;
};
const summary = {
  soak: {
    seconds, warmupS, worldClients, speed: 600, snapshotIntervalS: SNAPSHOT_INTERVAL_S, users, ratePerS: rate, sseSubscribers: sseCount,
    machineLoad1m: { min: Math.min(...timeline.map((p) => p.load1m)), mean: +(timeline.reduce((a, p) => a + p.load1m, 0) / timeline.length).toFixed(1), max: Math.max(...timeline.map((p) => p.load1m)) },
    wallS: Math.round((performance.now() - startedAt) / 1000),
    requests: sent, requestsMeasured: all.length, achievedPerS: +(all.length / (seconds - warmupS)).toFixed(1),
    errors: errorCount, errorSamples: errors, cancelsOfEndedJobs409: refusedCancels,
    slowSeconds: { overMs: SLOW_MS, seconds: slowBySecond.size, worst: [...slowBySecond].sort((a, b) => b[1].maxMs - a[1].maxMs).slice(0, 12).map(([s, b]) => ({ s, ...b })) },
    latencyMs: { all: { count: all.length, p50: q(all, 0.5), p99: q(all, 0.99), max: +all[all.length - 1].toFixed(1) }, ...latency },
    sse: { events: sse.events, perS: +(sse.events / seconds).toFixed(0), droppedByServer: sse.dropped, disconnects: sse.disconnects },
    server: {
      // the first minute after warm-up against the last minute
      rssMB: {
        warm: rssWarm, end: rssEnd, growthPct: pct(rssWarm.mean, rssEnd.mean), floorGrowthPct: pct(rssWarm.floor, rssEnd.floor), max: Math.max(...window.map((r) => r.rssMB)),
      },
      // of the main thread; the snapshot writer thread's heap shows only in RSS
      heapUsedMB: { warm: warm!.heapUsedMB, end: end.heapUsedMB },
      heapTotalMB: { warm: warm!.heapTotalMB, end: end.heapTotalMB },
      arrayBuffersMB: { warm: warm!.arrayBuffersMB, end: end.arrayBuffersMB },
      cpuPctOfOneCore: measuredCpuPct,
      loopDelayMs: { ...end.loopDelayMs, worstIntervalP99: Math.max(...window.map((r) => r.loopDelayMs.p99)), resolutionMs: 5 },
      snapshots: {
        count: snapshots.length,
        heldMs: spread(snapshots.map((x) => x.heldMs)),
        writeMs: spread(snapshots.map((x) => x.ms)),
        at: snapshots.map((x) => Math.round((x.t - loadBeganWall) / 1000)),
      },
      // synchronous file calls of the main thread that took 20 ms or more, after warm-up
      slowSyncFileCalls: {
        count: slowFs.length,
        worst: [...slowFs].sort((a, b) => b.ms - a.ms).slice(0, 12).map((f) => ({ s: Math.round((f.t - loadBeganWall) / 1000), op: f.op, ms: f.ms })),
      },
      // the 5-s intervals after warm-up with the longest single delay: s = seconds into the load at the interval's end
      worstLoopIntervals: [...window].sort((a, b) => b.loopDelayMs.max - a.loopDelayMs.max).slice(0, 8)
        .map((r) => ({ s: Math.round((r.t - loadBeganWall) / 1000), maxMs: r.loopDelayMs.max, p99Ms: r.loopDelayMs.p99, rssMB: r.rssMB })),
      idleNodeOnTheSameMachineLoopDelayMs: controlEnd.loopDelayMs,
      jobs: { atStart: jobsAtStart, atWarm: jobsAtWarm, atEnd: health.jobs, growthPctAfterWarm: pct(jobsAtWarm, health.jobs), running: health.running, queued: health.queued },
      stop: { code, ms: stopMs },
    },
    loadGenerator: {
      loopDelayMs: { p99: +(clientLoop.percentile(99) / 1e6).toFixed(1), max: +(clientLoop.max / 1e6).toFixed(1) },
      cpuS: Math.round((generatorCpu.user + generatorCpu.system) / 1e6),
      sentLateMs: { p50: q(lateness.sort((a, b) => a - b), 0.5), p99: q(lateness, 0.99), max: +lateness[lateness.length - 1].toFixed(1) },
    },
  },
};
console.log(JSON.stringify({ ...summary, timeline }, null, 1));
process.exit(errorCount ? 1 : 0);
