import { DateTime } from 'luxon';
import { VirtualClock, type ClockState } from '../engine/clock.js';
import { World, type WorldSettings } from '../engine/world.js';
import { applyCommand, type Command, type JournalRecord } from './commands.js';
import type { Config } from './config.js';
import { DataError, Store } from './store.js';

export function worldSettings(cfg: Config): WorldSettings {
  const s = cfg.simulation;
  return {
    seed: s.seed, errorRate: s.error_rate, timezone: s.timezone, jobIntervalMin: s.job_interval_min,
    jobIntervalMax: s.job_interval_max, maxConcurrentJobs: s.max_concurrent_jobs,
    clientConcurrentJobs: s.client_concurrent_jobs, storageConcurrentJobs: s.storage_concurrent_jobs,
    profiles: cfg.profiles,
    jobDefaults: { pool: cfg.job_defaults.pool, storage: cfg.job_defaults.storage, type: cfg.job_defaults.type, priority: cfg.job_defaults.priority },
  };
}

/** Longest stretch of simulated events played in one go before the event loop gets a turn. */
const SLICE_MS = 20;

/**
 * The live Director: the world, its virtual clock and its journal. Every
 * command first brings the world up to the clock's now, applies, then is made
 * durable before it is acknowledged. One real timer sleeps until the next
 * simulated event.
 */
export class LiveDirector {
  readonly clock: VirtualClock;
  readonly world: World;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  /** `world.changes` when the journal last recorded how far the world got */
  private recorded = -1;

  private constructor(
    private readonly cfg: Config,
    readonly store: Store,
    world: World,
    clock: ClockState,
    private readonly realNow: () => number,
  ) {
    this.world = world;
    this.clock = new VirtualClock(realNow, clock);
  }

  /** Opens the saved world in `data_dir`, or builds a new one of `default_clients` clients. */
  static open(cfg: Config, store: Store, realNow: () => number = Date.now): { director: LiveDirector; warnings: string[] } {
    const loaded = store.load();
    const settings = worldSettings(cfg);
    const start = cfg.simulation.start_time
      ? DateTime.fromISO(cfg.simulation.start_time, { zone: cfg.simulation.timezone }).toMillis()
      : realNow();
    const world = loaded.world ?? new World(settings, start);
    let clock: ClockState = loaded.clock ?? { virtual: world.now, speed: cfg.simulation.speed, paused: false };
    for (const rec of loaded.records) {
      world.advanceTo(rec.t);
      replay(world, rec);
      if (rec.op === 'clock') clock = { ...clock, ...(rec.speed !== undefined ? { speed: rec.speed } : {}), ...(rec.paused !== undefined ? { paused: rec.paused } : {}) };
      clock = { ...clock, virtual: Math.max(rec.t, world.now) };
    }
    clock.virtual = Math.max(clock.virtual, world.now);
    const director = new LiveDirector(cfg, store, world, clock, realNow);
    if (!loaded.world && !loaded.records.length) {
      director.command({ op: 'world', settings });
      director.command({
        op: 'init', clients: cfg.simulation.default_clients, error_rate: cfg.simulation.error_rate,
        seed: cfg.simulation.seed, history_days: cfg.simulation.history_days, settings,
      });
    }
    director.arm();
    return { director, warnings: loaded.warnings };
  }

  /** Plays every event due at the clock's now (and records how far, if anything changed). */
  sync(): World {
    this.world.advanceTo(this.clock.now());
    this.record();
    return this.world;
  }

  /**
   * Records in the journal how far the world got, when something changed
   * since the last record (not fsynced: it survives the process being killed,
   * which is what it is for). A restart then resumes at least where anyone
   * has seen the world: a job a client saw end never runs again after kill -9.
   */
  private record(): void {
    if (this.closed || this.world.changes === this.recorded) return;
    this.recorded = this.world.changes;
    this.store.append({ op: 'tick' }, this.world.now, false);
  }

  /** Applies a change, journals it durably, and returns what the engine answered. */
  command(cmd: Command): unknown {
    this.sync();
    if (cmd.op === 'advance') this.clock.jump(cmd.ms);
    if (cmd.op === 'clock') {
      if (cmd.speed !== undefined) this.clock.setSpeed(cmd.speed);
      if (cmd.paused !== undefined) this.clock.setPaused(cmd.paused);
    }
    const t = this.world.now;
    this.world.changes++;
    const result = applyCommand(this.world, cmd);
    if (cmd.op === 'init') this.clock.set(this.world.now);
    this.store.append(cmd, t);
    this.recorded = this.world.changes;
    this.arm();
    return result;
  }

  /** Housekeeping: brings the world up to the clock and records how far it got. */
  tick(): void {
    if (this.closed) return;
    this.sync();
  }

  /** Writes the world's snapshot now, in this thread. */
  snapshot(): void {
    this.sync();
    this.store.snapshot(this.world, this.clock.state());
  }

  /** Writes the world's snapshot from a worker thread (see Store.snapshotInBackground); resolves with the real ms it took. */
  snapshotInBackground(): Promise<number> {
    this.sync();
    return this.store.snapshotInBackground(this.world, this.clock.state());
  }

  /** Sets the real timer for the next simulated event. */
  arm(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const next = this.world.nextEventTime();
    const delay = this.clock.realDelayUntil(next);
    if (!Number.isFinite(delay)) return;
    this.timer = setTimeout(() => this.onTimer(), Math.min(Math.max(0, Math.ceil(delay)), 2 ** 31 - 1));
    this.timer.unref?.();
  }

  private onTimer(): void {
    this.timer = null;
    // Play in slices so a burst of events never holds the event loop long.
    const until = this.clock.now();
    const began = performance.now();
    while (this.world.nextEventTime() <= until && performance.now() - began < SLICE_MS) {
      this.world.advanceTo(Math.min(until, this.world.nextEventTime()));
    }
    // What was just played may already be on its way to event subscribers.
    this.record();
    if (this.world.nextEventTime() <= until) {
      this.timer = setTimeout(() => this.onTimer(), 0);
      return;
    }
    this.world.advanceTo(until);
    this.arm();
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.store.close();
  }

  get config(): Config {
    return this.cfg;
  }
}

/** Replays a journalled command. Only commands that succeeded were journalled, so a refusal now means the saved world and the code disagree. */
function replay(world: World, rec: JournalRecord): void {
  world.quiet = true;
  try {
    applyCommand(world, rec);
  } catch (e) {
    throw new DataError(`journal record ${rec.seq} (${rec.op}) no longer applies: ${(e as Error).message}`);
  } finally {
    world.quiet = false;
  }
}
