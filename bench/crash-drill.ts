/**
 * The crash drill behind bench/crash.ts and test/crash.test.ts: a real server
 * on a data dir of its own, a busy small world and clients sending commands,
 * SIGKILL at a chosen kind of moment, a restart, and checks over HTTP that
 * every acknowledged command is still there and the catalog still holds
 * together.
 */
import { existsSync, readdirSync, rmSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { Api, seeded, ServerProcess, sleep, tempConfig, tempDir, type Reply } from './server-process.js';

const ENDED = 'TEfA';
/** Real ms the world is watched running after the checks (at speed 3600, a virtual half hour: some jobs are created). */
const RUNNING_CHECK_MS = 500;

/** Kinds of moment for SIGKILL: any, a command just sent, a snapshot being written, the journal being swapped, just after listening, before listening. */
export type KillMode = 'random' | 'request' | 'snapshot' | 'journal' | 'early' | 'startup';
export const KILL_MODES: readonly KillMode[] = ['random', 'request', 'snapshot', 'journal', 'early', 'startup'];
/** How a cycle's server ends: SIGKILL at a kind of moment, or `term`: SIGTERM at any moment of the load, a graceful stop that must exit 0. */
export type EndMode = KillMode | 'term';

export interface DrillOptions {
  /** dist/src/main.js */
  main: string;
  seed: number;
  clients?: number;
  historyDays?: number;
  /** virtual seconds per real second */
  speed?: number;
  /** real seconds between snapshots (5 is the least the config takes) */
  snapshotInterval?: number;
  /** longest real ms of load before a `random` kill */
  maxLoadMs?: number;
  /** check every row of /cat/Log at each restart, not only sampled jobs' logs (slow: the server renders each row's text) */
  fullLog?: boolean;
  log?: (line: string) => void;
}

/** What one kill cycle did and found. */
export interface CycleReport {
  cycle: number;
  mode: EndMode;
  /** real ms from the restart's spawn to listening */
  restartMs: number;
  /** real ms the checks after the restart took */
  verifyMs: number;
  /** real ms of load before the kill */
  killedAfterMs: number;
  /** requests without an answer when the kill came */
  inflightAtKill: number;
  /** real ms from the signal to the exit (for `term`, the graceful stop: draining, a snapshot) */
  stopMs: number;
  /** the kill left a snapshot / journal being written (its temporary file, written in this cycle) */
  midSnapshot: boolean;
  midJournalSwap: boolean;
  /** snapshots begun during the load */
  snapshotsSeen: number;
  acked: Record<string, number>;
  refusedAsExpected: number;
  /** commands sent whose answer never came (may or may not have been applied) */
  uncertain: number;
  /** jobs in the catalog at the check after the restart */
  jobs: number;
  /** warnings the server logged (at its start, a dropped half-written journal line) */
  warnings: string[];
  checks: Check[];
}

/**
 * Warnings a cycle's server should not have logged: any but a half-written
 * last journal line dropped at the start. (A background snapshot a stop
 * cancels to write its own is not a warning.)
 */
export function oddWarnings(r: CycleReport): string[] {
  return r.warnings.filter((w) => !/dropped a half-written last record/.test(w));
}

export interface Check {
  name: string;
  problems: string[];
}

type ResClass = 'pool' | 'schedule' | 'fileset' | 'client' | 'job';

/** A Director resource the drill writes: what the last acknowledged write left, and a write whose answer never came. */
interface Slot {
  cls: ResClass;
  name: string;
  /** the resource as the last acknowledged write answered it; null = deleted (or never created) */
  body: Record<string, unknown> | null;
  pending?: { op: 'create' | 'patch' | 'delete'; sent: Record<string, unknown> };
}

/** What /cmd/update last set on a pool, and an update whose answer never came. */
interface PoolState {
  acked: { volretention: number; autoprune: number } | null;
  pending?: { volretention: number; autoprune: number };
}

/** Fields of the Pool row /cmd/update sets, as the row shows them. */
const updateFields = (u: { volretention: number; autoprune: boolean }) => ({ volretention: u.volretention, autoprune: Number(u.autoprune) });

export class Drill {
  readonly dir: string;
  readonly dataDir: string;
  readonly configFile: string;
  private readonly rand: () => number;
  private readonly o: Required<Omit<DrillOptions, 'log'>> & { log: (line: string) => void };
  private cycleNo = 0;
  private counter = 0;
  /** acknowledged runs: JobId → unique Job name */
  private readonly runs = new Map<number, string>();
  private readonly canceled = new Set<number>();
  /** acknowledged labels: volume → pool */
  private readonly labels = new Map<string, string>();
  private readonly pools = new Map<string, PoolState>();
  private readonly slots: Slot[] = [];
  /** rows of ended jobs as some reader saw them (JobId → JSON) */
  private readonly seenEnded = new Map<number, string>();
  /** every job a reader saw, in any state (JobId → unique name) */
  private readonly seen = new Map<number, string>();
  /** the world's own clients and the FileSet of each one's backup Job */
  private clients: Array<{ name: string; fileset: string }> = [];
  private lastStartMs = 1000;
  private virtualEpoch = 0;

  constructor(opts: DrillOptions) {
    this.o = {
      clients: 12, historyDays: 1, speed: 3600, snapshotInterval: 5, maxLoadMs: 4000, fullLog: false, log: () => {}, ...opts,
    };
    this.rand = seeded(opts.seed);
    ({ dir: this.dir, file: this.configFile } = tempConfig([
      'simulation:', `  default_clients: ${this.o.clients}`, `  history_days: ${this.o.historyDays}`, `  seed: ${opts.seed % 1_000_000}`,
      `  speed: ${this.o.speed}`, `  snapshot_interval: ${this.o.snapshotInterval}`, '  job_interval_min: 10', '  job_interval_max: 60',
      '  timezone: UTC', '  start_time: "2026-11-22T00:00:00"', 'logging:', '  file: logs/drill.log', '',
    ].join('\n'), tempDir('bacula-mock-crash-')));
    this.dataDir = join(this.dir, 'data');
    for (const pool of ['Default', 'Full', 'Incremental', 'Differential']) this.pools.set(pool, { acked: null });
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1));
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rand() * xs.length)];
  }

  /**
   * One cycle: (for `startup`, a start killed before it listens), a start,
   * the checks of everything acknowledged so far, load, and SIGKILL at a
   * moment of the kind `mode` names (or SIGTERM, for `term`).
   */
  async cycle(mode: EndMode): Promise<CycleReport> {
    const cycle = ++this.cycleNo;
    const began = Date.now();
    if (mode === 'startup') {
      const doomed = new ServerProcess(this.o.main, this.configFile);
      await sleep(this.int(0, this.lastStartMs));
      await doomed.kill();
    }
    const server = new ServerProcess(this.o.main, this.configFile);
    const port = await server.ready;
    const restartMs = Math.round(server.listeningAt - server.spawnedAt);
    this.lastStartMs = restartMs;
    const api = new Api(`http://127.0.0.1:${port}`);
    const report: CycleReport = {
      cycle, mode, restartMs, verifyMs: 0, killedAfterMs: 0, inflightAtKill: 0, stopMs: 0, midSnapshot: false, midJournalSwap: false, snapshotsSeen: 0,
      acked: { run: 0, cancel: 0, label: 0, update: 0, resource: 0 }, refusedAsExpected: 0, uncertain: 0, jobs: 0, warnings: [], checks: [],
    };
    const crashed = server.exited.then(({ code, signal }) => `the server exited by itself (${code ?? signal}): ${server.stderr.trim().slice(-2000)}`);
    try {
      const verifyBegan = performance.now();
      if (mode !== 'early') report.checks.push(...await this.verify(api, report));
      report.verifyMs = Math.round(performance.now() - verifyBegan);
      if (!this.clients.length) await this.readClients(api);
      await this.load(server, api, mode, report, crashed, began);
    } finally {
      api.close();
      await server.kill();
    }
    report.warnings = server.warnings;
    this.o.log(`cycle ${cycle} ${mode}: restart ${restartMs} ms, checks ${report.verifyMs} ms, ${mode === 'term' ? `stopped in ${report.stopMs} ms by SIGTERM sent` : 'killed'} after ${report.killedAfterMs} ms with ${report.inflightAtKill} requests in flight`
      + `${report.midSnapshot ? ', mid-snapshot' : ''}${report.midJournalSwap ? ', mid-journal-swap' : ''}; acked ${JSON.stringify(report.acked)}, uncertain ${report.uncertain}; `
      + `${report.checks.filter((c) => c.problems.length).length} failed checks`);
    return report;
  }

  /** Removes the drill's directory (data, config, logs); kept when something failed, to look into. */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The last start, after the last cycle: the checks of everything acknowledged. */
  async finish(): Promise<Check[]> {
    const server = new ServerProcess(this.o.main, this.configFile);
    const api = new Api(`http://127.0.0.1:${await server.ready}`);
    try {
      return await this.verify(api, { jobs: 0 } as CycleReport);
    } finally {
      api.close();
      await server.kill();
    }
  }

  // -------------------------------------------------------------------------
  // Load, and the kill.

  private async load(server: ServerProcess, api: Api, mode: EndMode, report: CycleReport, crashed: Promise<string>, cycleBegan: number): Promise<void> {
    const loadBegan = performance.now();
    let stopped = false;
    let signaledAt = 0;
    const unexpected: string[] = [];
    const kill = (): void => {
      if (stopped) return;
      stopped = true;
      signaledAt = performance.now();
      report.killedAfterMs = Math.round(performance.now() - loadBegan);
      report.inflightAtKill = api.inflight;
      server.child.kill(mode === 'term' ? 'SIGTERM' : 'SIGKILL');
    };
    // Events come in order but may be read late (a small world's snapshot is written and renamed away in a few ms):
    // the first event of a temporary snapshot file is its creation, world.snapshot's the rename into place.
    let writing = false;
    const watcher = watch(this.dataDir, (event, file) => {
      const name = String(file ?? '');
      if (name.startsWith('world.snapshot.tmp') && !writing) {
        writing = true;
        report.snapshotsSeen++;
        // Then the journal is swapped: before, during or just after.
        if (mode === 'snapshot') setTimeout(kill, this.int(0, 250));
      } else if (name === 'world.snapshot' && event === 'rename') {
        writing = false;
      } else if (name === 'world.journal.tmp' && event === 'rename' && mode === 'journal') {
        // The fresh journal being written, or just put in place.
        setTimeout(kill, this.int(0, 15));
      }
    });
    let sent = 0;
    const target = this.int(3, 40);
    const onSent = (): void => {
      // The request has just been handed to the socket: the server may not have read it yet, or be applying it, or be answering.
      if (++sent === target && mode === 'request') kill();
    };
    const ctx: LoadContext = { api, stopped: () => stopped, onSent, unexpected, report };
    const workers = [this.runner(ctx), this.runner(ctx), this.canceller(ctx), this.labeller(ctx), this.pooler(ctx), this.resourcer(ctx), this.reader(ctx)]
      .map((w) => w.catch((e: Error) => {
        if (!stopped) unexpected.push(`before the kill: ${e.message}`);
      }));
    const deadline = mode === 'random' || mode === 'startup' || mode === 'term' ? this.int(200, this.o.maxLoadMs)
      : mode === 'early' ? this.int(0, 300)
        : mode === 'request' ? 20_000
          : (this.o.snapshotInterval + 4) * 1000;
    const timer = setTimeout(kill, deadline);
    const exitedEarly = crashed.then((why) => {
      if (!stopped) {
        unexpected.push(why);
        stopped = true;
      }
    });
    await Promise.race([Promise.all(workers), exitedEarly]);
    clearTimeout(timer);
    kill();
    const exit = await server.exited;
    report.stopMs = signaledAt ? Math.round(performance.now() - signaledAt) : 0;
    await Promise.all(workers);
    watcher.close();
    const written = (f: string): boolean => existsSync(f) && statSync(f).mtimeMs >= cycleBegan;
    report.midSnapshot = readdirSync(this.dataDir).some((f) => f.startsWith('world.snapshot.tmp') && written(join(this.dataDir, f)));
    report.midJournalSwap = written(join(this.dataDir, 'world.journal.tmp'));
    report.checks.push({ name: `cycle ${report.cycle}: every answer before the kill was the one expected`, problems: unexpected });
    if (mode === 'term') {
      report.checks.push({ name: `cycle ${report.cycle}: a graceful stop under load exits 0`, problems: exit.code === 0 ? [] : [`exit ${exit.code ?? exit.signal}: ${server.stderr.trim().slice(-2000)}`] });
    }
  }

  /** Loops `step` until the kill; a failed request after the kill ends the loop quietly. */
  private async loop(ctx: LoadContext, step: () => Promise<void>, pauseMs: number): Promise<void> {
    while (!ctx.stopped()) {
      await step();
      await sleep(this.int(0, pauseMs));
    }
  }

  /** Sends a command. No answer counts as uncertain (it may or may not have been applied); before the kill it is an error. */
  private async command(ctx: LoadContext, method: string, path: string, json: unknown): Promise<Reply | null> {
    try {
      return await ctx.api.call(method, path, json, ctx.onSent);
    } catch (e) {
      ctx.report.uncertain++;
      if (ctx.stopped()) return null;
      throw e;
    }
  }

  private wrong(ctx: LoadContext, what: string, r: Reply): void {
    ctx.unexpected.push(`${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  }

  /** Runs of the clients' backup jobs, some with a level, a priority or a start time hours ahead. */
  private runner(ctx: LoadContext): Promise<void> {
    return this.loop(ctx, async () => {
      const body: Record<string, unknown> = { job: `backup-${this.pick(this.clients).name}`, comment: `drill ${this.cycleNo}.${++this.counter}` };
      if (this.rand() < 0.3) body.level = this.pick(['F', 'I', 'D']);
      if (this.rand() < 0.2) body.priority = this.int(5, 20);
      if (this.rand() < 0.1) body.when = String(this.virtualEpoch + this.int(1, 6) * 3600);
      const r = await this.command(ctx, 'POST', '/cmd/run', body);
      if (!r) return;
      if (r.status !== 200) return this.wrong(ctx, `run ${JSON.stringify(body)}`, r);
      this.runs.set(r.body.data.jobid, r.body.data.job);
      ctx.report.acked.run++;
    }, 60);
  }

  /** Cancels of recently acknowledged runs (by JobId or unique name); now and then one already canceled, which must be refused. */
  private canceller(ctx: LoadContext): Promise<void> {
    const mine: Array<[number, string]> = [];
    return this.loop(ctx, async () => {
      const fresh = [...this.runs].slice(-20).filter(([id]) => !this.canceled.has(id) && !mine.some(([m]) => m === id));
      if (!fresh.length) return;
      const [jobid, job] = this.pick(fresh);
      mine.push([jobid, job]);
      const byName = this.rand() < 0.3;
      const r = await this.command(ctx, 'POST', '/cmd/cancel', byName ? { job } : { jobid });
      if (!r) return;
      if (r.status === 200 && r.body.data.jobid === jobid && r.body.data.jobstatus === 'A') {
        this.canceled.add(jobid);
        ctx.report.acked.cancel++;
      } else if (r.status === 409) {
        // It ended before the cancel came.
      } else return this.wrong(ctx, `cancel ${jobid}`, r);
      if (this.canceled.size && this.rand() < 0.2) {
        const again = await this.command(ctx, 'POST', '/cmd/cancel', { jobid: this.pick([...this.canceled]) });
        if (again && again.status === 409) ctx.report.refusedAsExpected++;
        else if (again) this.wrong(ctx, 'a second cancel', again);
      }
    }, 150);
  }

  /** New volumes in the four pools; now and then a name that exists, which must be refused. */
  private labeller(ctx: LoadContext): Promise<void> {
    return this.loop(ctx, async () => {
      if (this.labels.size && this.rand() < 0.15) {
        const r = await this.command(ctx, 'POST', '/cmd/label', { volume: this.pick([...this.labels.keys()]), pool: 'Default' });
        if (r && r.status === 409) ctx.report.refusedAsExpected++;
        else if (r) this.wrong(ctx, 'label of an existing volume', r);
        return;
      }
      const volume = `Drill-${this.o.seed}-${++this.counter}`;
      const pool = this.pick(['Default', 'Full', 'Incremental', 'Differential']);
      const r = await this.command(ctx, 'POST', '/cmd/label', { volume, pool });
      if (!r) return;
      if (r.status !== 200 || r.body.data.volumename !== volume) return this.wrong(ctx, `label ${volume}`, r);
      this.labels.set(volume, pool);
      ctx.report.acked.label++;
    }, 150);
  }

  /** `update pool`: retention (kept long, so no volume is recycled under the checks) and AutoPrune. */
  private pooler(ctx: LoadContext): Promise<void> {
    return this.loop(ctx, async () => {
      const pool = this.pick(['Default', 'Full', 'Incremental', 'Differential']);
      const update = { volretention: this.int(60, 400) * 86_400, autoprune: this.rand() < 0.5 };
      const state = this.pools.get(pool)!;
      state.pending = updateFields(update);
      const r = await this.command(ctx, 'POST', '/cmd/update', { pool, ...update });
      if (!r) return;
      delete state.pending;
      if (r.status !== 200 || r.body.data.volretention !== update.volretention) return this.wrong(ctx, `update pool ${pool}`, r);
      state.acked = updateFields(update);
      ctx.report.acked.update++;
    }, 150);
  }

  /** Creates, changes and deletes Pools, Schedules, FileSets, Clients and Jobs under /res/director, one write at a time. */
  private resourcer(ctx: LoadContext): Promise<void> {
    return this.loop(ctx, async () => {
      const live = this.slots.filter((s) => s.body && !s.pending);
      const cls = this.pick<ResClass>(['pool', 'schedule', 'fileset', 'client', 'job']);
      const existing = live.filter((s) => s.cls === cls);
      if (existing.length && this.rand() < 0.12) {
        // A create of a name that exists: refused, and nothing changes.
        const s = this.pick(existing);
        const r = await this.command(ctx, 'POST', `/res/director/${cls}`, { ...this.directives(cls, s.name), Name: s.name });
        if (r && r.status === 409) ctx.report.refusedAsExpected++;
        else if (r) this.wrong(ctx, `create of existing ${cls} ${s.name}`, r);
        return;
      }
      let slot: Slot;
      let op: 'create' | 'patch' | 'delete';
      let sent: Record<string, unknown>;
      if (existing.length < 2 && (this.rand() < 0.5 || !existing.length)) {
        slot = { cls, name: `drill-${cls}-${this.o.seed}-${++this.counter}`, body: null };
        this.slots.push(slot);
        op = 'create';
        sent = { Name: slot.name, ...this.directives(cls, slot.name) };
      } else {
        slot = this.pick(existing);
        op = this.rand() < 0.75 ? 'patch' : 'delete';
        sent = op === 'patch' ? this.changes(cls) : {};
      }
      if (op === 'delete' && this.slots.some((s) => s.body && s.cls === 'job' && [s.body.Pool, s.body.Fileset, s.body.Schedule].includes(slot.name))) return;
      slot.pending = { op, sent };
      const path = op === 'create' ? `/res/director/${cls}` : `/res/director/${cls}/${slot.name}`;
      const r = await this.command(ctx, op === 'create' ? 'POST' : op === 'patch' ? 'PATCH' : 'DELETE', path, op === 'delete' ? undefined : sent);
      if (!r) return;
      delete slot.pending;
      // A Pool that holds volumes, or anything a Job of an earlier cycle still names, cannot go.
      if (op === 'delete' && r.status === 409) return void ctx.report.refusedAsExpected++;
      if (r.status !== 200) return this.wrong(ctx, `${op} ${cls} ${slot.name} ${JSON.stringify(sent)}`, r);
      slot.body = op === 'delete' ? null : r.body.data;
      ctx.report.acked.resource++;
    }, 100);
  }

  /** What a new resource of a class is created with (references only to resources that exist). */
  private directives(cls: ResClass, name: string): Record<string, unknown> {
    switch (cls) {
      case 'pool':
        return { PoolType: 'Backup', LabelFormat: 'Drill-', MaximumVolumes: this.int(1, 50) };
      case 'schedule':
        return { Run: [`daily at ${String(this.int(0, 23)).padStart(2, '0')}:${String(this.int(0, 59)).padStart(2, '0')}`] };
      case 'fileset':
        return { Include: [{ File: [`/srv/${name}`] }] };
      case 'client':
        return { Address: `10.99.${this.int(0, 255)}.${this.int(1, 254)}`, MaximumConcurrentJobs: this.int(1, 3) };
      case 'job': {
        const client = this.pick(this.clients);
        const mine = (c: ResClass): string | undefined => this.slots.find((s) => s.cls === c && s.body && !s.pending)?.name;
        const d: Record<string, unknown> = { Client: client.name, Fileset: mine('fileset') ?? client.fileset, Priority: this.int(5, 20) };
        const pool = mine('pool');
        const schedule = mine('schedule');
        if (pool) d.Pool = pool;
        if (schedule) d.Schedule = schedule;
        return d;
      }
    }
  }

  private changes(cls: ResClass): Record<string, unknown> {
    switch (cls) {
      case 'pool':
        return { MaximumVolumes: this.int(1, 50), VolumeRetention: this.int(60, 400) * 86_400 };
      case 'schedule':
        return this.directives('schedule', '');
      case 'fileset':
        return { Include: [{ File: [`/srv/drill-${++this.counter}`] }] };
      case 'client':
        return { Enabled: this.rand() < 0.7, MaximumConcurrentJobs: this.int(1, 3) };
      case 'job':
        return { Priority: this.int(5, 20), Enabled: this.rand() < 0.8 };
    }
  }

  /** What a dashboard reads: newest jobs (ended rows are remembered), status, a job's log, health. */
  private reader(ctx: LoadContext): Promise<void> {
    let i = 0;
    return this.loop(ctx, async () => {
      const path = ['/cat/Job?order=desc&limit=50', '/status/director', '/mock/health', '/cat/JobTotals'][i++ % 4];
      let r: Reply;
      try {
        r = await ctx.api.call('GET', path);
      } catch (e) {
        if (ctx.stopped()) return;
        throw e;
      }
      if (r.status !== 200) return this.wrong(ctx, `GET ${path}`, r);
      if (path.startsWith('/cat/Job?')) {
        for (const row of r.body.data) {
          this.seen.set(row.jobid, row.job);
          if (ENDED.includes(row.jobstatus)) this.seenEnded.set(row.jobid, JSON.stringify(row));
        }
      }
      if (path === '/mock/health') this.virtualEpoch = r.body.data.virtual_epoch;
    }, 40);
  }

  // -------------------------------------------------------------------------
  // The checks, on a paused world right after a restart.

  private async verify(api: Api, report: CycleReport): Promise<Check[]> {
    const checks: Check[] = [];
    const check = (name: string, problems: string[]): void => {
      checks.push({ name: `cycle ${this.cycleNo}: ${name}`, problems: problems.slice(0, 20).concat(problems.length > 20 ? [`... and ${problems.length - 20} more`] : []) });
    };
    const paused = await api.call('POST', '/mock/clock', { paused: true });
    if (paused.status !== 200) throw new Error(`pause: ${paused.status} ${JSON.stringify(paused.body)}`);
    this.virtualEpoch = paused.body.data.virtual_epoch;
    const jobs: any[] = await api.data('/cat/Job?limit=100000&order=asc');
    report.jobs = jobs.length;
    const byId = new Map(jobs.map((j) => [j.jobid as number, j]));

    check(`${this.runs.size} acknowledged runs are there under their unique names`,
      [...this.runs].filter(([id, name]) => byId.get(id)?.job !== name).map(([id, name]) => `JobId ${id} (${name}): ${byId.has(id) ? `named ${byId.get(id).job}` : 'missing'}`));
    check(`${this.canceled.size} acknowledged cancels stay A`,
      [...this.canceled].filter((id) => byId.get(id)?.jobstatus !== 'A').map((id) => `JobId ${id}: ${byId.get(id)?.jobstatus ?? 'missing'}`));
    const changed: string[] = [];
    for (const [id, row] of this.seenEnded) {
      const now = byId.get(id);
      if (JSON.stringify(now) !== row) changed.push(`JobId ${id}: seen ${row}, now ${JSON.stringify(now) ?? 'missing'}`);
    }
    check(`${this.seenEnded.size} jobs seen ended read back unchanged`, changed);
    check(`${this.seen.size} jobs some reader saw are still there (the world resumes at least where anyone saw it)`,
      [...this.seen].filter(([id, name]) => byId.get(id)?.job !== name).map(([id, name]) => `JobId ${id} (${name}): ${byId.has(id) ? `named ${byId.get(id).job}` : 'missing'}`));

    const ids = jobs.map((j) => j.jobid as number);
    const names = new Set(jobs.map((j) => j.job as string));
    const maxAcked = Math.max(0, ...this.runs.keys());
    check('JobIds are unique and increasing, unique Job names are unique, none went backwards', [
      ...ids.flatMap((id, i) => (i > 0 && id <= ids[i - 1] ? [`JobId ${id} after ${ids[i - 1]}`] : [])),
      ...(names.size !== jobs.length ? [`${jobs.length - names.size} repeated unique names`] : []),
      ...(ids.length && ids[ids.length - 1] < maxAcked ? [`highest JobId ${ids[ids.length - 1]} < acknowledged ${maxAcked}`] : []),
    ]);

    const totals = (await api.data('/cat/JobTotals'))[0];
    const sum = { jobs: jobs.length, files: 0, bytes: 0, joberrors: 0, bystatus: {} as Record<string, number> };
    for (const j of jobs) {
      sum.files += j.jobfiles;
      sum.bytes += j.jobbytes;
      sum.joberrors += j.joberrors;
      sum.bystatus[j.jobstatus] = (sum.bystatus[j.jobstatus] ?? 0) + 1;
    }
    check('JobTotals equal the sums over /cat/Job', (['jobs', 'files', 'bytes', 'joberrors'] as const)
      .filter((k) => totals[k] !== sum[k]).map((k) => `${k}: totals ${totals[k]}, rows ${sum[k]}`)
      .concat(sortedJson(totals.bystatus) !== sortedJson(sum.bystatus) ? [`bystatus: totals ${sortedJson(totals.bystatus)}, rows ${sortedJson(sum.bystatus)}`] : []));

    const status = await api.data('/status/director');
    const held = new Set<number>(status.running.map((r: { jobid: number }) => r.jobid));
    const live = jobs.filter((j) => j.jobstatus === 'R' || j.jobstatus === 'C');
    check(`the ${live.length} created or running jobs are the ones /status/director holds`, [
      ...live.filter((j) => !held.has(j.jobid)).map((j) => `JobId ${j.jobid} is ${j.jobstatus} but not in /status/director running`),
      ...[...held].filter((id) => !live.some((j) => j.jobid === id)).map((id) => `JobId ${id} is held as running but is ${byId.get(id)?.jobstatus ?? 'missing'}`),
    ]);

    check(`log rows are in time order per job, with increasing LogIds${this.o.fullLog ? ', /cat/Log agreeing with /cat/JobLog' : ''}`, await this.logProblems(api, jobs, byId));

    const media: any[] = await api.data('/cat/Media?limit=100000');
    const mediaById = new Map(media.map((m) => [m.mediaid as number, m]));
    const volumes = new Map(media.map((m) => [m.volumename as string, m]));
    check(`${this.labels.size} acknowledged labels are volumes of their pools`,
      [...this.labels].filter(([v, pool]) => volumes.get(v)?.pool !== pool).map(([v, pool]) => `${v} (${pool}): ${volumes.has(v) ? `in ${volumes.get(v).pool}` : 'missing'}`));
    const jobMedia: any[] = await api.data('/cat/JobMedia?limit=100000');
    check(`${jobMedia.length} JobMedia rows point at existing media and jobs`, jobMedia
      .filter((jm) => !mediaById.has(jm.mediaid) || !byId.has(jm.jobid))
      .map((jm) => `JobMediaId ${jm.jobmediaid}: MediaId ${jm.mediaid}${mediaById.has(jm.mediaid) ? '' : ' missing'}, JobId ${jm.jobid}${byId.has(jm.jobid) ? '' : ' missing'}`));

    check('acknowledged pool updates show in /cat/Pool', await this.poolProblems(api));
    check(`${this.slots.length} resources written read back as last acknowledged`, await this.resourceProblems(api));

    // A running job whose plan was lost would stay R for ever: 6 virtual hours end every one (the longest jobs take ~1.5 h).
    const running = jobs.filter((j) => j.jobstatus === 'R').map((j) => j.jobid as number);
    const adv = await api.call('POST', '/mock/clock', { advance: '6h' });
    const stuck: string[] = adv.status === 200 ? [] : [`advance: ${adv.status} ${JSON.stringify(adv.body)}`];
    if (running.length) {
      const later: any[] = await api.data(`/cat/Job?jobid=${running.join(',')}&limit=100000`);
      stuck.push(...later.filter((j) => !ENDED.includes(j.jobstatus)).map((j) => `JobId ${j.jobid} still ${j.jobstatus} 6 virtual hours later`));
    }
    check(`the ${running.length} jobs running at the restart end`, stuck);

    // The world goes on: the clock runs and jobs are created.
    const h0 = (await api.call('POST', '/mock/clock', { paused: false })).body.data;
    const jobs0 = (await api.data('/mock/health')).jobs;
    await sleep(RUNNING_CHECK_MS);
    const h1 = await api.data('/mock/health');
    this.virtualEpoch = h1.virtual_epoch;
    check('the world keeps running after the restart', [
      ...(h1.virtual_epoch - h0.virtual_epoch < (this.o.speed * RUNNING_CHECK_MS) / 1000 / 2
        ? [`virtual time moved ${h1.virtual_epoch - h0.virtual_epoch} s in ${RUNNING_CHECK_MS} real ms at speed ${this.o.speed}`] : []),
      ...(h1.jobs <= jobs0 ? [`no job created in that time (${jobs0} → ${h1.jobs})`] : []),
    ]);

    await this.readClients(api);
    // Every job ended now is part of the past the next restart must keep.
    for (const j of jobs) {
      this.seen.set(j.jobid, j.job);
      if (ENDED.includes(j.jobstatus)) this.seenEnded.set(j.jobid, JSON.stringify(j));
    }
    return checks;
  }

  /** The clients the world was built with (not those the drill creates), and their backup Jobs' FileSets. */
  private async readClients(api: Api): Promise<void> {
    const jobs: Array<{ Name: string; Client: string; Fileset?: string }> = await api.data('/res/director/job');
    this.clients = jobs.filter((j) => j.Name === `backup-${j.Client}` && j.Fileset && !j.Client.startsWith('drill-')).map((j) => ({ name: j.Client, fileset: j.Fileset! }));
  }

  /**
   * Each sampled job's /cat/JobLog: its own rows, LogIds increasing, times in
   * order. With `fullLog`, every row of /cat/Log too (per job the same), and
   * the sampled JobLogs must be exactly their jobs' rows there. (/cat/Log
   * renders every row's text: ~1 s for 10,000 rows, so not in CI.)
   */
  private async logProblems(api: Api, jobs: any[], byId: Map<number, any>): Promise<string[]> {
    const problems: string[] = [];
    const ordered = (id: number, rows: any[], where: string): void => {
      rows.forEach((r, i) => {
        const last = rows[i - 1];
        if (r.jobid !== id) problems.push(`${where}: LogId ${r.logid} belongs to JobId ${r.jobid}`);
        if (last && r.logid <= last.logid) problems.push(`${where}: LogId ${r.logid} after ${last.logid}`);
        if (last && r.time < last.time) problems.push(`${where}: LogId ${r.logid} at ${r.time} after LogId ${last.logid} at ${last.time}`);
      });
    };
    let perJob: Map<number, any[]> | null = null;
    if (this.o.fullLog) {
      perJob = new Map();
      let prev = 0;
      for (let offset = 0; ; offset += 100_000) {
        const page: any[] = await api.data(`/cat/Log?limit=100000&offset=${offset}`);
        for (const r of page) {
          if (r.logid <= prev) problems.push(`/cat/Log: LogId ${r.logid} after ${prev}`);
          prev = r.logid;
          if (!byId.has(r.jobid)) problems.push(`/cat/Log: LogId ${r.logid} of JobId ${r.jobid}, which is not in /cat/Job`);
          let list = perJob.get(r.jobid);
          if (!list) perJob.set(r.jobid, (list = []));
          list.push(r);
        }
        if (page.length < 100_000) break;
      }
      for (const [id, rows] of perJob) ordered(id, rows, `/cat/Log, JobId ${id}`);
    }
    const live = jobs.filter((j) => !ENDED.includes(j.jobstatus)).map((j) => j.jobid as number);
    const sample = [...new Set([...live, ...[...this.runs.keys()].slice(-15), ...jobs.slice(-15).map((j) => j.jobid), ...Array.from({ length: 15 }, () => this.pick(jobs)?.jobid)])]
      .filter((id) => byId.has(id));
    const logs = await Promise.all(sample.map((id) => api.data(`/cat/JobLog?jobid=${id}&limit=100000`) as Promise<any[]>));
    for (const [i, id] of sample.entries()) {
      const log = logs[i];
      ordered(id, log, `/cat/JobLog?jobid=${id}`);
      if (!log.length && byId.get(id).jobstatus !== 'C') problems.push(`/cat/JobLog?jobid=${id}: no rows for a job that is ${byId.get(id).jobstatus}`);
      if (perJob && JSON.stringify(log) !== JSON.stringify(perJob.get(id) ?? [])) {
        problems.push(`JobId ${id}: /cat/JobLog (${log.length} rows) differs from its /cat/Log rows (${perJob.get(id)?.length ?? 0})`);
      }
    }
    return problems;
  }

  private async poolProblems(api: Api): Promise<string[]> {
    const problems: string[] = [];
    const rows: any[] = await api.data('/cat/Pool?limit=1000');
    for (const [name, state] of this.pools) {
      const row = rows.find((p) => p.name === name);
      const seen = row && { volretention: row.volretention, autoprune: row.autoprune };
      const ok = (want: object | undefined): boolean => want !== undefined && JSON.stringify(want) === JSON.stringify(seen);
      if (state.acked && !ok(state.acked) && !ok(state.pending)) {
        problems.push(`Pool ${name}: ${JSON.stringify(seen)}, acknowledged ${JSON.stringify(state.acked)}${state.pending ? ` (or ${JSON.stringify(state.pending)} unanswered)` : ''}`);
      }
      if (seen) state.acked = seen;
      delete state.pending;
    }
    for (const s of this.slots.filter((x) => x.cls === 'pool')) {
      const row = rows.find((p) => p.name === s.name);
      if (s.body && !s.pending && row?.maxvols !== s.body.MaximumVolumes) problems.push(`Pool ${s.name}: /cat/Pool maxvols ${row?.maxvols ?? 'missing'}, resource ${s.body.MaximumVolumes}`);
      if (!s.body && !s.pending && row) problems.push(`Pool ${s.name}: deleted, but still in /cat/Pool`);
    }
    return problems;
  }

  private async resourceProblems(api: Api): Promise<string[]> {
    const problems: string[] = [];
    const answers = await Promise.all(this.slots.map((s) => api.call('GET', `/res/director/${s.cls}/${s.name}`)));
    for (const [i, s] of this.slots.entries()) {
      const r = answers[i];
      const now = r.status === 200 ? (r.body.data as Record<string, unknown>) : r.status === 404 ? null : undefined;
      if (now === undefined) {
        problems.push(`${s.cls} ${s.name}: ${r.status} ${JSON.stringify(r.body)}`);
        continue;
      }
      const same = JSON.stringify(now) === JSON.stringify(s.body);
      const p = s.pending;
      // A write without an answer may or may not have been applied. (A Schedule's Run reads back as objects, not the line sent.)
      const asPending = p && (p.op === 'delete' ? now === null
        : now !== null && Object.entries(p.sent).every(([k, v]) => k === 'Run' || JSON.stringify(now[k]) === JSON.stringify(v)));
      if (!same && !asPending) {
        problems.push(`${s.cls} ${s.name}: reads ${JSON.stringify(now)}, last acknowledged ${JSON.stringify(s.body)}${p ? ` (${p.op} ${JSON.stringify(p.sent)} unanswered)` : ''}`);
      }
      s.body = now;
      delete s.pending;
    }
    return problems;
  }
}

interface LoadContext {
  api: Api;
  stopped: () => boolean;
  onSent: () => void;
  unexpected: string[];
  report: CycleReport;
}

const sortedJson = (o: Record<string, number>): string => JSON.stringify(Object.fromEntries(Object.entries(o).sort()));
