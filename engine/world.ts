import { EventEmitter } from 'eventemitter3';
import { Agenda } from './agenda.js';
import { DenseCounts, growTo } from './dense.js';
import { emptyFacts, type JobStore } from './jobstore.js';
import { Catalog, isTerminal, VOLUME_LABEL_BYTES } from './catalog.js';
import { JobQueue } from './queue.js';
import { ZoneClock } from './format.js';
import { DIRECTOR, renderLogText, uniqueJobName, type LogContext } from './joblog.js';
import { planJob, type PlanRequest } from './planner.js';
import { distribute, fdUname, ordered, type Profile } from './profiles.js';
import { stream } from './random.js';
import { nextRun, parseRun, type RunSpec } from './schedule.js';
import { timeline, type Timeline } from './timeline.js';
import type {
  BackupLevel, ClientRecord, JobLevel, JobRecord, JobType, MediaRecord, PoolRecord, VolumeUse,
} from './types.js';
import { WorldError } from './errors.js';

export interface WorldSettings {
  seed: number;
  errorRate: number;
  timezone: string;
  /** virtual minutes between the end of a client's job and its next one */
  jobIntervalMin: number;
  jobIntervalMax: number;
  maxConcurrentJobs: number;
  clientConcurrentJobs: number;
  storageConcurrentJobs: number;
  profiles: Profile[];
  jobDefaults: { pool: string; storage: string; type: JobType; priority: number };
}

/** A Job resource: what `run job=<name>` refers to. */
export interface JobResource {
  name: string;
  type: JobType;
  level: JobLevel;
  clientId: number;
  filesetId: number;
  pool: string;
  storage: string;
  priority: number;
  schedule: string | null;
  enabled: boolean;
}

/** A job due to start: a Schedule's run or a client's next job (`status director` scheduled). */
export interface UpcomingRun {
  job: JobResource;
  /** virtual ms */
  at: number;
  level: JobLevel;
  priority: number;
  pool: string;
  /** the Volume a backup would append to now; null when none is appendable */
  volume: string | null;
}

export interface ScheduleResource {
  name: string;
  runs: RunSpec[];
}

/** Typed engine events; listeners must not throw (the emitter isolates nothing). */
export interface WorldEvents {
  'job.created': (job: JobRecord) => void;
  'job.status': (job: JobRecord, status: string, previous: string) => void;
  'job.log': (job: JobRecord, logId: number) => void;
  'job.ended': (job: JobRecord) => void;
  'volume.labelled': (media: MediaRecord) => void;
  'world.reset': () => void;
}

export interface RunOptions {
  job: string;
  level?: BackupLevel;
  client?: string;
  fileset?: string;
  pool?: string;
  storage?: string;
  priority?: number;
  /** virtual ms; start no earlier than this */
  when?: number;
  comment?: string;
}

const MINUTE = 60_000;
/** What a client's own jobs are: mostly backups, now and then a verify or a restore. */
const SPAWN_TYPES: Readonly<Record<'B' | 'V' | 'R', number>> = { B: 0.96, V: 0.02, R: 0.02 };
/** A job spreads over at most this many volumes, whatever the pool's Maximum Volume Bytes. */
const MAX_VOLUMES_PER_JOB = 100;
const DAY = 86_400_000;
/** How much room a history fill reserves at most, and log rows it counts per job. */
const HISTORY_RESERVE = { maxJobs: 4_000_000, rowsPerJob: 16 } as const;
/** Bacula's stock Restore Job, and where the simulated restores put files. */
const RESTORE_JOB = 'RestoreFiles';
export const RESTORE_WHERE = '/tmp/bacula-restores';
const verifyJobName = (client: ClientRecord): string => `verify-${client.name}`;

/** The pools every Director here starts with (label format `Vol-`), PoolId 1 to 4 in this order. */
export const POOLS: ReadonlyArray<Pick<PoolRecord, 'name' | 'volRetention' | 'maxVolBytes'>> = [
  { name: 'Default', volRetention: 365 * 86400, maxVolBytes: 214_748_364_800 },
  { name: 'Full', volRetention: 365 * 86400, maxVolBytes: 536_870_912_000 },
  { name: 'Incremental', volRetention: 30 * 86400, maxVolBytes: 107_374_182_400 },
  { name: 'Differential', volRetention: 90 * 86400, maxVolBytes: 214_748_364_800 },
];
const LEVEL_POOL: Record<BackupLevel, string> = { F: 'Full', I: 'Incremental', D: 'Differential' };
const LEVEL_POOL_SOURCE: Record<BackupLevel, string> = {
  F: 'Job FullPool override', I: 'Job IncPool override', D: 'Job DiffPool override',
};

/**
 * The simulated backup world: a Director, its clients, storage, pools,
 * volumes and catalog, and the agenda that moves jobs through their lives.
 * It knows nothing of HTTP or the wall clock: time is whatever `advanceTo`
 * is told, and everything random is drawn from the seed.
 */
export class World extends EventEmitter<WorldEvents> {
  /** virtual ms up to which events have been played */
  now: number;
  /** events are not emitted while history is filled in */
  quiet = false;
  /**
   * Counts every change of the world (each event played, each command): two
   * reads that see the same count see the same catalog, so an answer built
   * from it may be reused until the count moves.
   */
  changes = 0;
  /** What rendering a log line needs; reads the current catalog and zone on each call. */
  readonly logContext: LogContext;
  // Everything below is set by `empty()`, the one place a world's state is built.
  settings!: WorldSettings;
  zone!: ZoneClock;
  catalog!: Catalog;
  agenda!: Agenda;
  jobResources!: Map<string, JobResource>;
  schedules!: Map<string, ScheduleResource>;
  /** scheduled runs: index = agenda id of 'schedule' entries */
  scheduledRuns!: Array<{ job: string; run: RunSpec } | null>;
  /** virtual ms the Director (re)started */
  startedAt!: number;
  seed!: number;
  errorRate!: number;
  nextJobId!: number;
  jobSeq!: number;
  volSessionId!: number;
  nextJobMediaId!: number;
  /** JobIds created but not started, in start order (priority, JobId) */
  queue!: JobQueue;
  /** No queued job can start until a slot frees or a limit changes (see `startQueued`). */
  private queueStuck = false;
  running!: Set<number>;
  mediaWaiters!: number[];
  /** The timelines of live jobs, by their JobStore slot (see `stepsOf`). */
  private timelines!: TimelineCache;
  private runningByClient!: DenseCounts;
  private runningByStorage!: Map<number, number>;
  private runningByPriority!: Map<number, number>;
  private appendable!: Map<number, Set<number>>;
  private profiles!: Map<string, Profile>;
  /** ClientId → its Backup Job resource (a lookup by name would build a string per spawn) */
  private backupJobs!: Map<number, JobResource>;
  /** The last successful backups of each client and FileSet, for level upgrades and since-times. */
  private lastSuccess!: PriorBackups;

  constructor(settings: WorldSettings, now: number) {
    super();
    this.now = now;
    this.empty(settings);
    const world = this;
    this.logContext = {
      get zone() {
        return world.zone;
      },
      client: (id) => this.catalog.client(id),
      storage: (id) => this.catalog.storage(id),
      pool: (id) => this.catalog.pool(id),
      fileset: (id) => this.catalog.fileset(id),
      job: (id) => this.catalog.job(id),
    };
  }

  // ---------------------------------------------------------------- set-up

  /** A Director with its pools, storage and schedules, and nothing else. */
  private empty(settings: WorldSettings): void {
    this.settings = settings;
    this.zone = new ZoneClock(settings.timezone);
    this.seed = settings.seed;
    this.errorRate = settings.errorRate;
    this.startedAt = this.now;
    this.catalog = new Catalog();
    this.agenda = new Agenda();
    this.jobResources = new Map();
    this.schedules = new Map();
    this.scheduledRuns = [];
    this.nextJobId = 1;
    this.jobSeq = 0;
    this.volSessionId = 0;
    this.nextJobMediaId = 1;
    this.queue = new JobQueue();
    this.queueStuck = false;
    this.running = new Set();
    this.mediaWaiters = [];
    this.timelines = new TimelineCache(this.catalog.store);
    this.runningByClient = new DenseCounts();
    this.runningByStorage = new Map();
    this.runningByPriority = new Map();
    this.appendable = new Map();
    this.lastSuccess = new PriorBackups();
    this.profiles = new Map(settings.profiles.map((p) => [p.key, p]));
    this.backupJobs = new Map();
    const c = this.catalog;
    POOLS.forEach((p, i) => c.pools.push({
      poolId: i + 1, name: p.name, numVols: 0, maxVols: 0, useOnce: 0, useCatalog: 1, acceptAnyVolume: 0,
      volRetention: p.volRetention, volUseDuration: 0, maxVolJobs: 0, maxVolFiles: 0, maxVolBytes: p.maxVolBytes,
      autoPrune: 1, recycle: 1, actionOnPurge: 0, poolType: 'Backup', labelType: 0, labelFormat: 'Vol-', enabled: 1,
      scratchPoolId: 0, recyclePoolId: 0, nextPoolId: 0, migrationHighBytes: 0, migrationLowBytes: 0,
      migrationTime: 0, cacheRetention: 0,
    }));
    c.storages.push({
      storageId: 1, name: this.settings.jobDefaults.storage, autoChanger: 0, device: 'FileStorage',
      archiveDevice: '/opt/bacula/archive', mediaType: 'File', address: 'bacula-sd', port: 9103,
      maxConcurrentJobs: this.settings.storageConcurrentJobs,
    });
    for (const p of c.pools) this.appendable.set(p.poolId, new Set());
    this.addSchedule('WeeklyCycle', ['Full 1st sun at 23:05', 'Differential 2nd-5th sun at 23:05', 'Incremental mon-sat at 23:05']);
    this.addSchedule('DailyMaintenance', ['daily at 06:00']);
  }

  addSchedule(name: string, runs: string[]): void {
    this.schedules.set(name, { name, runs: runs.map(parseRun) });
  }

  /**
   * Builds `clients` clients from the profiles and fills `historyDays` of past
   * jobs by playing the same plans from `now - historyDays` up to `now`.
   */
  initialize(opts: { clients: number; errorRate: number; seed: number; historyDays: number }, settings = this.settings): void {
    const now = this.now;
    this.now = now - opts.historyDays * DAY;
    this.reset(settings);
    this.seed = opts.seed;
    this.errorRate = opts.errorRate;
    this.reserveHistory(opts.clients, opts.historyDays);
    const profiles = ordered(this.settings.profiles);
    const counts = distribute(profiles, opts.clients);
    for (const p of profiles) {
      for (let i = 1; i <= (counts.get(p.key) ?? 0); i++) this.addClient(p, `${p.name_prefix}-${String(i).padStart(3, '0')}`);
    }
    if (this.catalog.clients.length) {
      this.addJobResource({
        name: 'AdminMaintenance', type: 'D', level: ' ', clientId: this.catalog.clients[0].clientId, filesetId: 0,
        pool: this.settings.jobDefaults.pool, storage: this.settings.jobDefaults.storage, priority: 10,
        schedule: 'DailyMaintenance', enabled: true,
      });
    }
    this.quiet = true;
    try {
      this.advanceTo(now);
    } finally {
      this.quiet = false;
    }
  }

  /**
   * Reserves the Job and Log columns for the history about to be filled: each
   * client runs about one job per mean interval (the jobs' own durations make
   * it fewer), ~16 log rows each. Capped, so a tiny interval cannot ask for
   * absurd room; past the cap the columns grow as they go.
   */
  private reserveHistory(clients: number, days: number): void {
    const meanInterval = (this.settings.jobIntervalMin + this.settings.jobIntervalMax) / 2;
    const jobs = Math.min(HISTORY_RESERVE.maxJobs, Math.ceil(clients * days * (1440 / Math.max(1, meanInterval) + 1) * 1.1));
    this.catalog.store.reserve(jobs);
    this.catalog.log.reserve(Math.min(HISTORY_RESERVE.maxJobs * HISTORY_RESERVE.rowsPerJob, jobs * HISTORY_RESERVE.rowsPerJob));
  }

  /** Empties the catalog (with new settings, if given); the Director keeps its pools, storage and schedules. */
  reset(settings = this.settings): void {
    this.empty(settings);
    this.emitSafe('world.reset');
  }

  /** Adds a client of a profile and starts its spawning. */
  addClient(profile: Profile, name: string): ClientRecord {
    const c = this.catalog;
    const clientId = c.clients.length ? c.clients[c.clients.length - 1].clientId + 1 : 1;
    const client: ClientRecord = {
      clientId, name, uname: '', autoPrune: 1, fileRetention: 60 * 86400, jobRetention: 180 * 86400,
      profile: profile.key, address: clientAddress(clientId),
      enabled: true, maxConcurrentJobs: this.settings.clientConcurrentJobs, spawns: 0,
    };
    c.insertClient(client);
    this.addOwnJob(client, profile);
    const first = stream(this.seed, 'first-spawn', clientId).between(0, this.settings.jobIntervalMax * MINUTE);
    this.agenda.push(this.now + Math.floor(first), 'spawn', clientId);
    return client;
  }

  /** The client's own Backup Job `backup-<name>`, on the FileSet of its profile (made on first use). */
  addOwnJob(client: ClientRecord, profile: Profile): JobResource {
    const c = this.catalog;
    const fileset = filesetName(profile);
    let fs = c.filesets.find((f) => f.fileset === fileset);
    if (!fs) {
      fs = { filesetId: c.filesets.length + 1, fileset, md5: md5Like(this.seed, profile.key), createTime: this.now };
      c.filesets.push(fs);
    }
    // A FileSet resource deleted earlier comes back with the client that needs it.
    if (fs.removed) fs.removed = undefined;
    const res: JobResource = {
      name: `backup-${client.name}`, type: 'B', level: 'I', clientId: client.clientId, filesetId: fs.filesetId,
      pool: this.settings.jobDefaults.pool, storage: this.settings.jobDefaults.storage,
      priority: this.settings.jobDefaults.priority, schedule: null, enabled: true,
    };
    this.addJobResource(res);
    // Its Verify Job, and the Director's one Restore Job (made with the first client).
    if (!this.jobResources.has(verifyJobName(client))) this.addJobResource({ ...res, name: verifyJobName(client), type: 'V', level: 'O' });
    if (!this.jobResources.has(RESTORE_JOB)) this.addJobResource({ ...res, name: RESTORE_JOB, type: 'R', level: 'F' });
    return res;
  }

  addJobResource(res: JobResource): void {
    this.jobResources.set(res.name, res);
    if (res.type === 'B' && !this.backupJobs.has(res.clientId)) this.backupJobs.set(res.clientId, res);
    if (res.schedule) {
      const sched = this.schedules.get(res.schedule);
      for (const run of sched?.runs ?? []) {
        const at = nextRun(run, this.now, this.zone);
        if (at === null) continue;
        this.scheduledRuns.push({ job: res.name, run });
        this.agenda.push(at, 'schedule', this.scheduledRuns.length - 1);
      }
    }
  }

  /** Recomputes what is derived from the tables (after a snapshot is loaded). */
  rebuildIndexes(): void {
    const running = [...this.running];
    this.running.clear();
    this.runningByClient = new DenseCounts();
    this.runningByStorage.clear();
    this.runningByPriority.clear();
    for (const id of running) this.occupy(this.catalog.job(id)!, 1);
    this.appendable = new Map(this.catalog.pools.map((p) => [p.poolId, new Set<number>()]));
    for (const m of this.catalog.media) if (m && m.volStatus === 'Append') this.appendable.get(m.poolId)?.add(m.mediaId);
    this.lastSuccess = new PriorBackups();
    for (const job of this.catalog.allJobs()) if (job.type === 'B' && job.jobStatus === 'T') this.noteSuccess(job);
    this.timelines = new TimelineCache(this.catalog.store);
    this.reindexJobResources();
  }

  private noteSuccess(job: JobRecord): void {
    const full = job.level === 'F';
    const prev = this.lastSuccess.get(job.clientId, job.filesetId);
    if (!prev) {
      this.lastSuccess.add(job.clientId, { filesetId: job.filesetId, full: full ? job.jobId : 0, fullStart: job.startTime!, any: job.jobId, anyStart: job.startTime! });
      return;
    }
    // Updated in place: a history fill notes hundreds of thousands of these.
    if (full) {
      prev.full = job.jobId;
      prev.fullStart = job.startTime!;
    }
    prev.any = job.jobId;
    prev.anyStart = job.startTime!;
  }

  /** The Backup Job resource a client's own jobs run as (its first). */
  backupResource(clientId: number): JobResource | undefined {
    return this.backupJobs.get(clientId);
  }

  profileOf(client: ClientRecord): Profile {
    const p = this.profiles.get(client.profile);
    if (!p) throw new WorldError('not_found', `profile "${client.profile}" of client "${client.name}" is not defined`);
    return p;
  }

  // ------------------------------------------------------------- the agenda

  /** Plays every event due up to virtual time `t` (inclusive), in order. */
  advanceTo(t: number): void {
    for (;;) {
      const next = this.agenda.peekTime();
      if (next > t) break;
      const e = this.agenda.pop()!;
      this.now = e.at;
      this.changes++;
      if (e.kind === 'spawn') this.spawn(e.id);
      else if (e.kind === 'step') this.playSteps(e.id);
      else this.fireSchedule(e.id);
    }
    if (t > this.now) this.now = t;
  }

  /** Time of the next event, for the live clock's timer. */
  nextEventTime(): number {
    return this.agenda.peekTime();
  }

  private spawn(clientId: number): void {
    const client = this.catalog.client(clientId);
    if (!client || !client.enabled) return;
    const next = this.nextSpawn(client);
    const n = client.spawns++;
    if (!next) return;
    const { res, type, level } = next;
    this.createJob({ res, type, level, client, key: ['spawn', clientId, n], spawned: true, where: type === 'R' ? RESTORE_WHERE : undefined });
  }

  /**
   * What a client's next own job will be: mostly a backup at a level drawn
   * from its profile, now and then a verify or a restore of its last backups
   * (never before it has a backup). Drawn from the client's own stream for
   * that spawn, so it can be foreseen (the scheduled list) without changing
   * anything. Null when its Backup Job is disabled or gone.
   */
  nextSpawn(client: ClientRecord): { res: JobResource; type: JobType; level: JobLevel } | null {
    const res = this.backupResource(client.clientId);
    if (!res?.enabled) return null;
    const rng = stream(this.seed, 'spawn', client.clientId, client.spawns);
    let type: JobType = rng.weighted(SPAWN_TYPES);
    if (type !== 'B' && !this.lastSuccess.get(client.clientId, res.filesetId)) type = 'B';
    if (type === 'B') return { res, type, level: rng.weighted(this.profileOf(client).job_levels) };
    if (type === 'R') return { res: this.restoreResource(res), type, level: 'F' };
    const verify = this.jobResources.get(verifyJobName(client));
    return { res: { ...(verify ?? res), name: verifyJobName(client), type: 'V', level: 'O' }, type, level: 'O' };
  }

  /** The Restore Job a client's restores run as: `RestoreFiles`, on the client and its own FileSet. */
  private restoreResource(res: JobResource): JobResource {
    const restore = this.jobResources.get(RESTORE_JOB);
    return { ...(restore ?? res), name: RESTORE_JOB, type: 'R', level: 'F', clientId: res.clientId, filesetId: res.filesetId };
  }

  private fireSchedule(index: number): void {
    const entry = this.scheduledRuns[index];
    if (!entry) return;
    const res = this.jobResources.get(entry.job);
    if (res?.enabled) {
      const client = this.catalog.client(res.clientId);
      if (client) {
        const level: JobLevel = res.type === 'B' ? entry.run.level ?? res.level : res.level;
        this.createJob({ res, type: res.type, level, client, key: ['sched', index, this.now], spawned: false, priority: entry.run.priority ?? undefined, pool: entry.run.pool ?? undefined });
      }
    }
    const at = nextRun(entry.run, this.now, this.zone);
    if (at !== null && res) this.agenda.push(at, 'schedule', index);
    else this.scheduledRuns[index] = null;
  }

  // ------------------------------------------------------------- jobs

  private createJob(req: {
    res: JobResource; type: JobType; level: JobLevel; client: ClientRecord; key: Array<string | number>;
    spawned: boolean; priority?: number; pool?: string; storage?: string; when?: number; where?: string;
    comment?: string; filesetId?: number; sourceJobIds?: number[];
    /** Restore: only this many of the source jobs' files (a selection) */
    files?: number;
    /** Restore: the selection's bytes, when the caller knows them (a BVFS selection) */
    bytes?: number;
  }): JobRecord {
    const c = this.catalog;
    const jobId = this.nextJobId++;
    const profile = this.profileOf(req.client);
    const rng = stream(this.seed, ...req.key);
    // Bacula looks for a prior Full of the same client and FileSet.
    const last = this.lastSuccess.get(req.client.clientId, req.filesetId ?? req.res.filesetId);
    const planReq: PlanRequest = {
      type: req.type, level: req.level, profile, errorRate: this.errorRate, rng,
      hasFull: !!last, lastFullStart: last?.fullStart ?? null, lastAnyStart: last?.anyStart ?? null,
      sourceJobs: [], where: req.where ?? '',
    };
    if (req.type === 'R' || req.type === 'V') {
      const filesetId = this.backupResource(req.client.clientId)?.filesetId ?? req.res.filesetId;
      planReq.sourceJobs = (req.sourceJobIds ?? this.restoreChain(req.client.clientId, req.type, filesetId))
        .map((id) => c.job(id)).filter((j): j is JobRecord => !!j);
    }
    const { plan, level } = planJob(planReq);
    if (req.files !== undefined && req.files < plan.files) {
      // A selection restores its share of the bytes too (a failed restore stays at 0).
      plan.bytes = req.bytes !== undefined && plan.bytes > 0 ? req.bytes : Math.round(plan.bytes * (req.files / Math.max(1, plan.files)));
      plan.files = req.files;
    }
    const storage = c.storageByName(req.storage ?? req.res.storage) ?? c.storages[0];
    let poolId = 0;
    let poolSource = 'Job resource';
    if (req.type === 'B') {
      const bl = level as BackupLevel;
      if (req.pool) {
        poolId = c.poolByName(req.pool)?.poolId ?? 0;
        poolSource = 'Run Pool override';
      } else {
        poolId = c.poolByName(LEVEL_POOL[bl])?.poolId ?? c.poolByName(req.res.pool)?.poolId ?? 0;
        poolSource = c.poolByName(LEVEL_POOL[bl]) ? LEVEL_POOL_SOURCE[bl] : 'Job resource';
      }
    }
    const schedTime = Math.max(this.now, req.when ?? this.now);
    if (req.type === 'R') planReq.where ||= RESTORE_WHERE;
    const job: JobRecord = {
      jobId, name: req.res.name, seq: this.jobSeq++ % 60, type: req.type, level, clientId: req.client.clientId,
      jobStatus: 'C', waitStatus: schedTime > this.now ? 't' : null, createdAt: this.now, schedTime,
      startTime: null, endTime: null, jobTDate: Math.floor(schedTime / 1000), volSessionId: 0, volSessionTime: 0,
      jobFiles: 0, jobBytes: 0, readBytes: 0, jobErrors: 0, jobMissingFiles: 0, poolId,
      filesetId: req.type === 'B' ? req.filesetId ?? req.res.filesetId : 0,
      priorJobId: 0, priorJob: '', purgedFiles: 0, hasBase: 0, hasCache: 0, reviewed: 0, comment: req.comment ?? null,
      priority: req.priority ?? req.res.priority, storageId: storage.storageId, poolSource, plan, volumes: [],
      mediaWait: null, canceledAt: null, logHead: 0, logTail: 0, logCount: 0, step: 0, spawned: req.spawned,
    };
    c.insertJob(job);
    this.emitSafe('job.created', job);
    if (job.waitStatus === 't') {
      this.playSteps(jobId);
      this.agenda.push(schedTime, 'step', jobId);
    } else {
      this.enqueue(job);
    }
    return job;
  }

  /**
   * The backups a restore or verify of a client reads: its last Full and what
   * came after it that still counts (the last Differential since, and the
   * Incrementals after that), as Bacula's accurate job list picks them. A
   * verify reads the last backup only. Only the given FileSet's, when given.
   */
  private restoreChain(clientId: number, type: JobType, filesetId?: number): number[] {
    const ids = this.catalog.jobsByClient.get(clientId)?.ids ?? [];
    const chain: number[] = [];
    const j = emptyFacts();
    let diffSeen = false;
    for (let i = ids.length - 1; i >= 0; i--) {
      if (!this.catalog.store.facts(ids[i], j) || j.type !== 'B' || j.status !== 'T') continue;
      if (filesetId !== undefined && j.filesetId !== filesetId) continue;
      if (j.level === 'D') {
        if (diffSeen) continue;
        diffSeen = true;
      } else if (j.level === 'I' && diffSeen) continue;
      chain.unshift(ids[i]);
      if (type === 'V' || j.level === 'F') break;
    }
    return chain;
  }

  /** Every JobId the latest restore of each of the client's FileSets needs. */
  private restoreChains(clientId: number): number[] {
    const filesets = new Set<number>();
    const j = emptyFacts();
    for (const id of this.catalog.jobsByClient.get(clientId)?.ids ?? []) {
      if (this.catalog.store.facts(id, j) && j.type === 'B') filesets.add(j.filesetId);
    }
    return [...filesets].flatMap((fs) => this.restoreChain(clientId, 'R', fs));
  }

  private enqueue(job: JobRecord): void {
    job.waitStatus = null;
    // Nothing queued can start (the queue is empty, or stuck since the last start pass):
    // the new job starts now if it may (most jobs), or joins the queue without a pass that would start nothing.
    if (this.queue.size === 0 || this.queueStuck) {
      if (this.waitReason(job) !== null) {
        this.queue.insert(job.jobId, job.priority);
        this.queueStuck = true;
        return;
      }
      if (this.queue.size === 0) {
        this.startJob(job);
        return;
      }
    }
    this.queue.insert(job.jobId, job.priority);
    this.startQueued();
  }

  /**
   * Concurrency limits of the Director, a client or a storage were raised (or
   * anything else may let a waiting job start): queued jobs start now if they may.
   */
  limitsChanged(): void {
    this.queueStuck = false;
    this.startQueued();
  }

  /**
   * Starts every queued job the concurrency limits allow, in priority then JobId
   * order. Stops as soon as nothing more can start: the Director is full, every
   * storage is full, or the next job has another priority than the running
   * ones (Bacula's default, Allow Mixed Priority = no: jobs of different
   * priorities never run at once, so a more urgent job waits for the running
   * ones to end and holds back the queue behind it). Afterwards nothing left
   * in the queue can start until a slot frees or a limit changes: `queueStuck`.
   */
  private startQueued(): void {
    this.queueStuck = true;
    if (this.queue.size === 0) return;
    let runningPriority = this.runningPriority();
    const fullStorages: number[] = [];
    // A callback walk, not for-of: no iterator result per queued job, at every job's end.
    this.queue.walk((id) => {
      if (this.running.size >= this.settings.maxConcurrentJobs) return false;
      const job = this.catalog.job(id)!;
      if (runningPriority !== null && job.priority !== runningPriority) return false;
      const st = this.catalog.storage(job.storageId)!;
      if ((this.runningByStorage.get(job.storageId) ?? 0) >= st.maxConcurrentJobs) {
        if (!fullStorages.includes(st.storageId)) {
          fullStorages.push(st.storageId);
          if (fullStorages.length === this.catalog.storages.length) return false;
        }
        return true;
      }
      const client = this.catalog.client(job.clientId);
      if (this.runningByClient.get(job.clientId) >= (client?.maxConcurrentJobs ?? 1)) return true;
      this.queue.remove(id);
      runningPriority = job.priority;
      this.startJob(job);
      return true;
    });
  }

  /** Why a queued job waits, as `status director` would say now. */
  waitReason(job: JobRecord): string | null {
    if (job.jobStatus === 'R') return job.waitStatus;
    if (job.jobStatus !== 'C') return null;
    if (job.waitStatus === 't') return 't';
    if (this.running.size >= this.settings.maxConcurrentJobs) return 'd';
    const client = this.catalog.client(job.clientId);
    if (this.runningByClient.get(job.clientId) >= (client?.maxConcurrentJobs ?? 1)) return 'c';
    const st = this.catalog.storage(job.storageId);
    if (st && (this.runningByStorage.get(job.storageId) ?? 0) >= st.maxConcurrentJobs) return 's';
    const running = this.runningPriority();
    if (running !== null && running !== job.priority) return 'p';
    return null;
  }

  /** Takes (+1) or gives back (-1) a job's Director, client and storage slots. */
  private occupy(job: JobRecord, by: 1 | -1): void {
    if (by > 0) this.running.add(job.jobId);
    else {
      this.running.delete(job.jobId);
      this.queueStuck = false;
    }
    this.runningByClient.add(job.clientId, by);
    inc(this.runningByStorage, job.storageId, by);
    inc(this.runningByPriority, job.priority, by);
  }

  /** The priority of the running jobs (all share one), or null when none runs. */
  private runningPriority(): number | null {
    for (const [priority, n] of this.runningByPriority) if (n > 0) return priority;
    return null;
  }

  private startJob(job: JobRecord): void {
    const client = this.catalog.client(job.clientId)!;
    this.occupy(job, 1);
    job.startTime = this.now;
    job.jobTDate = Math.floor(this.now / 1000);
    if (job.type !== 'D') {
      job.volSessionId = ++this.volSessionId;
      job.volSessionTime = Math.floor(this.startedAt / 1000);
    }
    if (!client.uname) client.uname = fdUname(this.profileOf(client));
    if (job.type === 'B') {
      const vols = this.allocate(job);
      if (vols) job.volumes = vols;
      else {
        job.mediaWait = { at: this.now, until: null };
        this.mediaWaiters.push(job.jobId);
      }
    } else if (job.type === 'R' || job.type === 'V') {
      job.volumes = this.readVolumes(job);
    }
    this.setStatus(job, 'R');
    job.waitStatus = job.mediaWait ? 'm' : null;
    this.timelines.drop(job.jobId);
    this.playSteps(job.jobId);
  }

  /** Plays the steps of a job that are due, then books its next step. */
  private playSteps(jobId: number): void {
    const job = this.catalog.job(jobId);
    if (!job) return;
    const steps = this.stepsOf(job);
    while (job.step < steps.length && steps.at(job.step) <= this.now) {
      const index = job.step++;
      if (steps.isState(index)) this.applyState(job, steps, index);
      else this.appendLog(job, index, steps.at(index));
    }
    if (job.jobStatus === 'C' && job.waitStatus === 't' && this.now >= job.schedTime) {
      this.enqueue(job);
      return;
    }
    if (job.step < steps.length) this.agenda.push(steps.at(job.step), 'step', jobId);
    else if (isTerminal(job.jobStatus)) {
      // Ended and fully logged: the job leaves the live objects for the compact columns.
      this.timelines.drop(jobId);
      this.catalog.store.freeze(job);
    }
  }

  /** The job's timeline, cached while the job lives. */
  stepsOf(job: JobRecord): Timeline {
    let steps = this.timelines.get(job.jobId);
    if (!steps) {
      steps = timeline(job, this.seed);
      if (!isTerminal(job.jobStatus)) this.timelines.set(job.jobId, steps);
    }
    return steps;
  }

  private applyState(job: JobRecord, steps: Timeline, i: number): void {
    switch (steps.state(i)) {
      case 'waitClient':
        this.setWait(job, 'F');
        break;
      case 'connected':
        this.setWait(job, null);
        break;
      case 'volumeFull': {
        const m = this.catalog.mediaById(job.volumes[steps.arg(i)].mediaId);
        if (m && m.volStatus === 'Append') this.markVolume(m, 'Full');
        break;
      }
      case 'end':
        if (!isTerminal(job.jobStatus)) this.finish(job);
        break;
      default:
        break;
    }
  }

  private setWait(job: JobRecord, wait: JobRecord['waitStatus']): void {
    const previous = job.waitStatus ?? job.jobStatus;
    job.waitStatus = wait;
    this.emitSafe('job.status', job, wait ?? job.jobStatus, previous);
  }

  private setStatus(job: JobRecord, status: JobRecord['jobStatus']): void {
    const previous = job.waitStatus ?? job.jobStatus;
    this.catalog.setStatus(job, status);
    this.emitSafe('job.status', job, status, previous);
  }

  private appendLog(job: JobRecord, step: number, at: number): void {
    const logId = this.catalog.log.append(job.jobId, step, at);
    if (job.logTail) this.catalog.log.link(job.logTail, logId);
    else job.logHead = logId;
    job.logTail = logId;
    job.logCount++;
    this.emitSafe('job.log', job, logId);
  }

  private finish(job: JobRecord): void {
    const plan = job.plan;
    job.endTime = this.now;
    job.jobTDate = Math.floor(this.now / 1000);
    job.waitStatus = null;
    // A job the Director canceled (by command, or past its Max Wait Time) counts nothing written.
    if (job.canceledAt === null && plan.outcome !== 'A') {
      job.jobFiles = plan.files;
      job.jobBytes = job.type === 'V' ? 0 : plan.bytes;
      job.readBytes = job.jobBytes;
      job.jobErrors = plan.outcome === 'W' ? plan.warnings.length
        : plan.outcome === 'E' || plan.outcome === 'f' ? (job.type === 'R' ? plan.warnings.length : 1) : 0;
    } else if (job.canceledAt === null) {
      job.jobErrors = 1;
    }
    const status = job.canceledAt !== null ? 'A' : plan.outcome === 'W' ? 'T' : plan.outcome;
    this.releaseVolumes(job);
    this.catalog.addTotals(job);
    this.setStatus(job, status);
    if (job.startTime !== null) this.occupy(job, -1);
    if (job.type === 'B' && status === 'T') this.noteSuccess(job);
    this.emitSafe('job.ended', job);
    if (job.spawned) {
      const client = this.catalog.client(job.clientId);
      if (client?.enabled) {
        const r = stream(this.seed, 'interval', job.clientId, client.spawns);
        const gap = r.between(this.settings.jobIntervalMin, this.settings.jobIntervalMax) * MINUTE;
        this.agenda.push(this.now + Math.floor(gap), 'spawn', job.clientId);
      }
    }
    this.startQueued();
  }

  // ------------------------------------------------------------- volumes

  /** Finds room for a backup's bytes, creating and rolling volumes; null when none can be had. */
  private allocate(job: JobRecord): VolumeUse[] | null {
    const pool = this.catalog.pool(job.poolId);
    if (!pool) return null;
    const uses: VolumeUse[] = [];
    let remaining = Math.max(1, job.plan.bytes);
    while (remaining > 0) {
      const atLimit = uses.length >= MAX_VOLUMES_PER_JOB;
      let m = atLimit ? undefined : this.appendVolume(pool);
      let created = false;
      if (!m) {
        // No room to be had (or a pool of absurdly small volumes): the last volume takes the rest.
        if (atLimit || (pool.maxVols > 0 && pool.numVols >= pool.maxVols)) {
          if (!uses.length) return null;
          uses[uses.length - 1].bytes += remaining;
          this.catalog.mediaById(uses[uses.length - 1].mediaId)!.reserved += remaining;
          break;
        }
        m = this.createVolume(pool, this.now);
        created = true;
      }
      // A volume labelled but never written: this job opens it as a new one.
      const fresh = created || (m.volJobs === 0 && m.reserved === 0 && m.volBytes === VOLUME_LABEL_BYTES);
      const free = m.maxVolBytes > 0 ? Math.max(0, m.maxVolBytes - m.volBytes - m.reserved) : Infinity;
      const take = Math.min(free, remaining);
      uses.push({
        mediaId: m.mediaId, volumeName: m.volumeName, created: fresh,
        sizeBefore: m.volBytes + m.reserved, bytes: take, jobMediaId: 0, firstIndex: 0, lastIndex: 0,
      });
      m.reserved += take;
      remaining -= take;
      if (remaining > 0) this.appendable.get(pool.poolId)!.delete(m.mediaId);
    }
    return uses.length === 1 ? [uses[0]] : uses; // an exact-size array: most jobs write one volume
  }

  private appendVolume(pool: PoolRecord): MediaRecord | undefined {
    const set = this.appendable.get(pool.poolId)!;
    for (const id of set) {
      const m = this.catalog.mediaById(id)!;
      const free = m.maxVolBytes > 0 ? m.maxVolBytes - m.volBytes - m.reserved : Infinity;
      if (m.volStatus === 'Append' && m.enabled && free > 0) return m;
      set.delete(id);
    }
    return undefined;
  }

  /** Creates (and labels) a volume `Vol-NNNN` in a pool. */
  createVolume(pool: PoolRecord, at: number, name?: string): MediaRecord {
    const mediaId = this.catalog.media.length + 1;
    const m: MediaRecord = {
      mediaId, volumeName: name ?? `${pool.labelFormat.replace(/[*]$/, '') || 'Vol-'}${String(mediaId).padStart(4, '0')}`,
      poolId: pool.poolId, mediaType: 'File', storageId: 1, firstWritten: null, lastWritten: null, labelDate: at,
      volJobs: 0, volFiles: 0, volBlocks: 0, volMounts: 0, volBytes: VOLUME_LABEL_BYTES, volErrors: 0, volWrites: 0, volStatus: 'Append',
      enabled: 1, recycle: pool.recycle, volRetention: pool.volRetention, volUseDuration: pool.volUseDuration,
      maxVolJobs: pool.maxVolJobs, maxVolFiles: pool.maxVolFiles, maxVolBytes: pool.maxVolBytes, recycleCount: 0,
      initialWrite: null, reserved: 0,
    };
    this.catalog.insertMedia(m);
    pool.numVols++;
    this.appendable.get(pool.poolId)!.add(mediaId);
    this.emitSafe('volume.labelled', m);
    return m;
  }

  private markVolume(m: MediaRecord, status: MediaRecord['volStatus']): void {
    m.volStatus = status;
    if (status !== 'Append') this.appendable.get(m.poolId)?.delete(m.mediaId);
    else this.appendable.get(m.poolId)?.add(m.mediaId);
  }

  private releaseVolumes(job: JobRecord): void {
    if (job.type !== 'B') return;
    const written = job.canceledAt === null && job.plan.outcome !== 'A';
    let index = 1;
    for (const v of job.volumes) {
      const m = this.catalog.mediaById(v.mediaId);
      if (!m) continue;
      m.reserved = Math.max(0, m.reserved - v.bytes);
      v.jobMediaId = this.nextJobMediaId++;
      v.firstIndex = index;
      const share = job.plan.bytes ? v.bytes / job.plan.bytes : 1;
      v.lastIndex = Math.max(index, Math.round(index - 1 + share * job.jobFiles));
      index = v.lastIndex;
      if (!written) continue;
      m.volBytes += v.bytes;
      m.volJobs++;
      m.volFiles += 1;
      m.volBlocks += Math.ceil(v.bytes / 64512);
      m.volWrites += Math.ceil(v.bytes / 64512);
      m.volMounts += 1;
      m.firstWritten ??= job.startTime;
      m.initialWrite ??= job.startTime;
      m.lastWritten = this.now;
      if (m.maxVolJobs > 0 && m.volJobs >= m.maxVolJobs && m.volStatus === 'Append') this.markVolume(m, 'Used');
      if (m.maxVolBytes > 0 && m.volBytes >= m.maxVolBytes && m.volStatus === 'Append') this.markVolume(m, 'Full');
    }
  }

  /** Volumes a restore or verify reads: those its source backups wrote. */
  private readVolumes(job: JobRecord): VolumeUse[] {
    const uses: VolumeUse[] = [];
    for (const id of job.plan.sourceJobIds) {
      for (const v of this.catalog.job(id)?.volumes ?? []) {
        uses.push({ ...v, created: false, jobMediaId: 0 });
      }
    }
    return uses;
  }

  private retryMediaWaiters(): void {
    const waiting = this.mediaWaiters;
    this.mediaWaiters = [];
    for (const id of waiting) {
      const job = this.catalog.job(id);
      if (!job || job.jobStatus !== 'R' || !job.mediaWait) continue;
      const vols = this.allocate(job);
      if (!vols) {
        this.mediaWaiters.push(id);
        continue;
      }
      job.volumes = vols;
      job.mediaWait.until = this.now;
      this.setWait(job, null);
      this.timelines.drop(id);
      this.playSteps(id);
    }
  }

  // ------------------------------------------------------------- commands

  /** `run job=... level=... client=...`: creates a job that then lives in the engine. */
  run(opts: RunOptions): JobRecord {
    const res = this.jobResources.get(opts.job);
    if (!res) throw new WorldError('not_found', `Job "${opts.job}" not found`);
    const client = opts.client ? this.catalog.clientByName(opts.client) : this.catalog.client(res.clientId);
    if (!client || client.removed) throw new WorldError('not_found', `Client "${opts.client ?? res.clientId}" not found`);
    if (opts.pool && !this.catalog.poolByName(opts.pool)) throw new WorldError('not_found', `Pool "${opts.pool}" not found`);
    if (opts.storage && !this.catalog.storageByName(opts.storage)) throw new WorldError('not_found', `Storage "${opts.storage}" not found`);
    let filesetId: number | undefined;
    if (opts.fileset) {
      const fs = this.catalog.filesets.find((f) => f.fileset === opts.fileset && !f.removed);
      if (!fs) throw new WorldError('not_found', `FileSet "${opts.fileset}" not found`);
      filesetId = fs.filesetId;
    }
    const level: JobLevel = res.type === 'B' ? opts.level ?? (res.level as BackupLevel) : res.level;
    return this.createJob({
      res, type: res.type, level, client, key: ['job', this.nextJobId], spawned: false, priority: opts.priority,
      pool: opts.pool, storage: opts.storage, when: opts.when, comment: opts.comment, filesetId,
    });
  }

  /** `restore jobid=N where=...` or `restore client=X`: a Restore job reading the chosen backups. */
  restore(opts: { jobId?: number; jobIds?: number[]; client?: string; where?: string; files?: number; bytes?: number }): JobRecord {
    let client: ClientRecord | undefined;
    let sources: number[];
    const ids = opts.jobIds ?? (opts.jobId !== undefined ? [opts.jobId] : undefined);
    if (ids) {
      const srcs = ids.map((id) => {
        const src = this.catalog.job(id);
        if (!src) throw new WorldError('not_found', `JobId ${id} not found`);
        if (src.type !== 'B' || (src.jobStatus !== 'T')) throw new WorldError('conflict', `JobId ${id} is not a successful backup`);
        return src;
      });
      client = opts.client ? this.catalog.clientByName(opts.client) : this.catalog.client(srcs[0].clientId);
      sources = ids;
    } else {
      client = opts.client ? this.catalog.clientByName(opts.client) : undefined;
      if (!client || client.removed) throw new WorldError('not_found', `Client "${opts.client ?? ''}" not found`);
      sources = this.restoreChain(client.clientId, 'R', this.backupResource(client.clientId)?.filesetId);
      if (!sources.length) throw new WorldError('conflict', `No Full backup for client "${client.name}" to restore from`);
    }
    if (!client || client.removed) throw new WorldError('not_found', `Client "${opts.client}" not found`);
    const res = this.backupResource(client.clientId) ?? [...this.jobResources.values()][0];
    return this.createJob({
      res: this.restoreResource({ ...res, clientId: client.clientId }), type: 'R', level: 'F', client,
      key: ['job', this.nextJobId], spawned: false, where: opts.where ?? RESTORE_WHERE, sourceJobIds: sources,
      files: opts.files, bytes: opts.bytes,
    });
  }

  /** Cancels a queued, waiting or running job; it ends as `A`. */
  cancel(jobId: number): JobRecord {
    const job = this.catalog.job(jobId);
    if (!job) throw new WorldError('not_found', `JobId ${jobId} not found`);
    if (isTerminal(job.jobStatus)) throw new WorldError('conflict', `JobId ${jobId} has already terminated (JobStatus=${job.jobStatus})`);
    if (job.type === 'B' && job.jobStatus === 'R' && job.volumes.length) this.keepReachedVolumes(job);
    job.canceledAt = this.now;
    // A job leaving the queue may have held back the ones behind it (another priority).
    if (this.queue.remove(jobId)) this.queueStuck = false;
    this.mediaWaiters = this.mediaWaiters.filter((id) => id !== jobId);
    this.timelines.drop(jobId);
    this.agenda.remove((e) => e.kind === 'step' && e.id === jobId);
    this.playSteps(jobId);
    return job;
  }

  /**
   * A backup canceled while running wrote only part of its plan: it keeps the
   * volumes it had reached (the first one at least: it was mounted), the last
   * of them holding what was written so far, and gives back the room it had
   * reserved on the others. Its timeline up to now is unchanged, since a volume
   * only appears in it once reached.
   */
  private keepReachedVolumes(job: JobRecord): void {
    const steps = this.stepsOf(job);
    let reached = 1;
    for (let i = 0; i < steps.length; i++) if (steps.state(i) === 'volumeFull' && steps.at(i) <= this.now) reached++;
    const written = this.progress(job).bytes;
    const kept = job.volumes.slice(0, reached);
    const before = kept.slice(0, -1).reduce((n, v) => n + v.bytes, 0);
    const last = kept[kept.length - 1];
    const lastBytes = Math.max(0, Math.min(last.bytes, written - before));
    for (const v of [...job.volumes.slice(reached), { ...last, bytes: last.bytes - lastBytes }]) {
      const m = this.catalog.mediaById(v.mediaId);
      if (!m) continue;
      m.reserved = Math.max(0, m.reserved - v.bytes);
      if (m.volStatus === 'Append') this.markVolume(m, 'Append');
    }
    last.bytes = lastBytes;
    job.volumes = kept;
  }

  /**
   * Files and bytes a Full/Incremental/Differential of a client would write
   * now: the ranges of the profile whose systems the FileSet is made for (the
   * client's own FileSet and profile by default). The same day gives the same
   * answer.
   */
  estimate(opts: { client: string; level: BackupLevel; fileset?: string }): { client: string; level: BackupLevel; fileset: string; files: number; bytes: number } {
    const client = this.catalog.clientByName(opts.client);
    if (!client || client.removed) throw new WorldError('not_found', `Client "${opts.client}" not found`);
    const own = this.catalog.fileset(this.backupResource(client.clientId)?.filesetId ?? 0);
    const fileset = opts.fileset === undefined ? own : this.catalog.filesets.find((f) => f.fileset === opts.fileset && !f.removed);
    if (!fileset) throw new WorldError('not_found', `FileSet "${opts.fileset ?? ''}" not found`);
    const profile = this.settings.profiles.find((p) => filesetName(p) === fileset.fileset) ?? this.profileOf(client);
    const rng = stream(this.seed, 'estimate', client.clientId, fileset.filesetId, opts.level, Math.floor(this.now / DAY));
    const { plan } = planJob({
      type: 'B', level: opts.level, profile, errorRate: 0, rng, hasFull: true,
      lastFullStart: null, lastAnyStart: null, sourceJobs: [], where: '',
    });
    return { client: client.name, level: opts.level, fileset: fileset.fileset, files: plan.files, bytes: plan.bytes };
  }

  /** `label volume=... pool=...`: a new empty Append volume. */
  label(opts: { volume: string; pool: string; storage?: string }): MediaRecord {
    if (!/^[A-Za-z0-9._:-]{1,127}$/.test(opts.volume)) throw new WorldError('bad_request', `Invalid Volume name "${opts.volume}"`);
    if (this.catalog.mediaByName(opts.volume)) throw new WorldError('conflict', `Media record for new Volume "${opts.volume}" already exists.`);
    const pool = this.catalog.poolByName(opts.pool);
    if (!pool) throw new WorldError('not_found', `Pool "${opts.pool}" not found`);
    if (opts.storage && !this.catalog.storageByName(opts.storage)) throw new WorldError('not_found', `Storage "${opts.storage}" not found`);
    const m = this.createVolume(pool, this.now, opts.volume);
    this.retryMediaWaiters();
    return m;
  }

  /** `update pool=...`: changes pool settings (seconds and bytes as Bacula stores them). */
  updatePool(name: string, changes: Partial<Pick<PoolRecord, 'maxVols' | 'maxVolJobs' | 'maxVolBytes' | 'volRetention' | 'recycle' | 'autoPrune' | 'volUseDuration' | 'enabled'>>): PoolRecord {
    const pool = this.catalog.poolByName(name);
    if (!pool) throw new WorldError('not_found', `Pool "${name}" not found`);
    Object.assign(pool, changes);
    this.retryMediaWaiters();
    return pool;
  }

  /** `purge volume=...`: drops the volume's jobs from the catalog and marks it Purged. */
  purgeVolume(name: string): { volume: MediaRecord; jobIds: number[] } {
    const m = this.catalog.mediaByName(name);
    if (!m) throw new WorldError('not_found', `Volume "${name}" not found`);
    if (m.reserved > 0) throw new WorldError('conflict', `Volume "${name}" is in use by a running job`);
    // Like Bacula, every job with data on the volume goes, even one that spans other volumes too.
    const jobIds = this.jobsOnVolume(m.mediaId).filter((id) => {
      const j = this.catalog.job(id)!;
      return j.type === 'B' && isTerminal(j.jobStatus);
    });
    this.catalog.deleteJobs(jobIds);
    m.volJobs = 0;
    m.volFiles = 0;
    this.markVolume(m, 'Purged');
    this.retryMediaWaiters();
    return { volume: m, jobIds };
  }

  /** `prune volume=...`: like purge, but only when every job on it is past its retention. */
  pruneVolume(name: string): { volume: MediaRecord; jobIds: number[] } {
    const m = this.catalog.mediaByName(name);
    if (!m) throw new WorldError('not_found', `Volume "${name}" not found`);
    if (m.volStatus !== 'Full' && m.volStatus !== 'Used') {
      throw new WorldError('conflict', `Cannot prune Volume "${name}" because the volume status is "${m.volStatus}" and should be Full or Used.`);
    }
    const expired = (m.lastWritten ?? 0) + m.volRetention * 1000 <= this.now;
    if (!expired) return { volume: m, jobIds: [] };
    return this.purgeVolume(name);
  }

  /** `prune client=...`: deletes the client's finished jobs older than its JobRetention. */
  pruneClient(name: string): { client: ClientRecord; jobIds: number[] } {
    const client = this.catalog.clientByName(name);
    if (!client || client.removed) throw new WorldError('not_found', `Client "${name}" not found`);
    const limit = this.now - client.jobRetention * 1000;
    // Bacula keeps what the latest restore of each FileSet needs (its Full, Differential, Incrementals) whatever their age.
    const needed = new Set(this.restoreChains(client.clientId));
    const jobIds = (this.catalog.jobsByClient.get(client.clientId)?.ids ?? []).filter((id) => {
      const j = this.catalog.job(id)!;
      return isTerminal(j.jobStatus) && (j.endTime ?? 0) < limit && !needed.has(id);
    });
    this.catalog.deleteJobs(jobIds);
    return { client, jobIds };
  }

  private jobsOnVolume(mediaId: number): number[] {
    return this.catalog.store.jobsOnMedia(mediaId);
  }

  // ------------------------------------------------------------- queries

  /** Files and bytes a job has written so far (interpolated at `now` while it runs). */
  progress(job: JobRecord): { files: number; bytes: number; rate: number } {
    if (job.jobStatus !== 'R') return { files: job.jobFiles, bytes: job.jobBytes, rate: 0 };
    const phase = this.stepsOf(job).dataPhase();
    if (!phase || this.now <= phase.start) return { files: 0, bytes: 0, rate: 0 };
    const f = Math.min(1, (this.now - phase.start) / Math.max(1, phase.end - phase.start));
    const bytes = job.type === 'V' ? 0 : Math.floor(job.plan.bytes * f);
    return { files: Math.floor(job.plan.files * f), bytes, rate: f < 1 ? job.plan.rate : 0 };
  }

  /** The text of a Log row. */
  logText(logId: number): string {
    const log = this.catalog.log;
    const job = this.catalog.job(log.jobId[logId - 1]);
    if (!job) return '';
    return renderLogText(this.logContext, job, this.stepsOf(job).step(log.step[logId - 1]));
  }

  /** Rows of one job's log: [logId, time, text], from `offset`, at most `limit`. */
  jobLog(jobId: number, offset = 0, limit = Infinity): Array<{ logId: number; time: number; text: string }> {
    const job = this.catalog.job(jobId);
    if (!job) return [];
    const log = this.catalog.log;
    const steps = this.stepsOf(job);
    const rows: Array<{ logId: number; time: number; text: string }> = [];
    let id = job.logHead;
    for (let i = 0; id && i < offset; i++) id = log.next[id - 1];
    while (id && rows.length < limit) {
      rows.push({ logId: id, time: log.time[id - 1] * 1000, text: renderLogText(this.logContext, job, steps.step(log.step[id - 1])) });
      id = log.next[id - 1];
    }
    return rows;
  }

  uniqueName(job: JobRecord): string {
    return uniqueJobName(job, this.zone);
  }

  get director(): typeof DIRECTOR {
    return DIRECTOR;
  }

  /** eventemitter3 lets a throwing listener abort the rest; the engine must not care. */
  private emitSafe<E extends keyof WorldEvents>(event: E, ...args: Parameters<WorldEvents[E]>): void {
    if (this.quiet || !this.listenerCount(event)) return;
    for (const fn of this.listeners(event)) {
      try {
        (fn as (...a: unknown[]) => void)(...args);
      } catch {
        // A broken subscriber (an SSE stream gone away) must not stop the Director.
      }
    }
  }

  // ------------------------------------------------------ daemon status queries

  /**
   * The last `limit` jobs that ended, oldest first: the "Terminated Jobs" a
   * daemon keeps for `status`. Log rows are appended in time order and an
   * ended job's last row is written at its end, so reading the Log table
   * backwards meets ended jobs in reverse end order, looking at last rows
   * only. A client's list walks that client's jobs instead (newest JobIds
   * first, which is end order while a client runs one job at a time).
   */
  recentlyEnded(limit: number, only: { clientId?: number; storageId?: number } = {}): JobRecord[] {
    const c = this.catalog;
    const facts = emptyFacts();
    const ended = (id: number): boolean => c.store.facts(id, facts) && isTerminal(facts.status);
    const out: JobRecord[] = [];
    if (only.clientId !== undefined) {
      const ids = c.jobsByClient.get(only.clientId)?.ids ?? [];
      for (let i = ids.length - 1; i >= 0 && out.length < limit; i--) if (this.endedOnClient(ids[i], facts)) out.push(c.job(ids[i])!);
      return out.sort((a, b) => a.endTime! - b.endTime! || a.jobId - b.jobId);
    }
    const log = c.log;
    for (let i = log.length - 1; i >= 0 && out.length < limit; i--) {
      const id = log.jobId[i];
      if (id === 0 || log.next[i] !== 0 || !ended(id)) continue;
      const job = c.job(id)!;
      // Admin jobs never reach a Storage daemon.
      if (only.storageId === undefined || (job.storageId === only.storageId && job.type !== 'D')) out.push(job);
    }
    return out.reverse();
  }

  /**
   * An ended job the client's File daemon knows of: one that reached it (it
   * started) and needed it (not an Admin job). Its FD lists only these.
   */
  endedOnClient(jobId: number, facts = emptyFacts()): boolean {
    return this.catalog.store.facts(jobId, facts) && isTerminal(facts.status) && facts.type !== 'D' && facts.startTime !== null;
  }

  /**
   * What will start after `from` and up to `to`, in time order, with what each
   * would use: the "Scheduled Jobs" of `status director`. That is the runs of
   * the Schedule resources and the next job of each client (what its next
   * spawn will create, drawn ahead from the same stream). `volume` is the
   * Volume a backup would append to now, or null when none is appendable
   * (Bacula prints `*unknown*`).
   */
  upcomingRuns(from: number, to: number): UpcomingRun[] {
    const runs: UpcomingRun[] = [];
    const add = (res: JobResource, at: number, level: JobLevel, priority: number, poolName?: string): void => {
      const pool = res.type !== 'B' ? undefined
        : this.catalog.poolByName(poolName ?? LEVEL_POOL[level as BackupLevel]) ?? this.catalog.poolByName(res.pool);
      runs.push({ job: res, at, level, priority, pool: pool?.name ?? '', volume: pool ? this.appendableVolumeName(pool.poolId) : null });
    };
    for (const entry of this.scheduledRuns) {
      const res = entry && this.jobResources.get(entry.job);
      if (!entry || !res?.enabled) continue;
      const level: JobLevel = res.type === 'B' ? entry.run.level ?? res.level : res.level;
      for (let at = nextRun(entry.run, from, this.zone); at !== null && at <= to; at = nextRun(entry.run, at, this.zone)) {
        add(res, at, level, entry.run.priority ?? res.priority, entry.run.pool ?? undefined);
      }
    }
    this.agenda.forEachOf('spawn', (at, clientId) => {
      if (at <= from || at > to) return;
      const client = this.catalog.client(clientId);
      const next = client && client.enabled && !client.removed ? this.nextSpawn(client) : null;
      if (next) add(next.res, at, next.level, next.res.priority);
    });
    return runs.sort((a, b) => a.at - b.at || a.job.name.localeCompare(b.job.name));
  }

  /** The Volume a pool's next backup would append to, without reserving it. */
  private appendableVolumeName(poolId: number): string | null {
    for (const id of this.appendable.get(poolId) ?? []) {
      const m = this.catalog.mediaById(id)!;
      if (m.volStatus === 'Append' && m.enabled && (m.maxVolBytes === 0 || m.maxVolBytes > m.volBytes + m.reserved)) return m.volumeName;
    }
    return null;
  }

  // ------------------------------------------- configuration changes (engine/resources.ts)

  /** Works out again which Backup Job each client's own jobs run as (its first), after Job resources changed. */
  reindexJobResources(): void {
    this.backupJobs.clear();
    for (const res of this.jobResources.values()) if (res.type === 'B' && !this.backupJobs.has(res.clientId)) this.backupJobs.set(res.clientId, res);
  }

  /** A Pool resource was created: its catalog row, with an empty set of appendable volumes. */
  addPool(pool: PoolRecord): void {
    this.catalog.pools.push(pool);
    this.appendable.set(pool.poolId, new Set());
  }

  /** A Pool resource that nothing uses was deleted: its row goes (it holds no volumes). */
  removePool(pool: PoolRecord): void {
    this.catalog.pools = this.catalog.pools.filter((p) => p !== pool);
    this.appendable.delete(pool.poolId);
  }

  // ------------------------------------------- BVFS cache (engine/filetree.ts)

  /**
   * `.bvfs_update [jobid=...]` (cached) and `.bvfs_clear_cache yes` (not):
   * sets Job.HasCache. File trees are derived on demand, so the flag is all
   * the cache there is. Update marks terminated Backup jobs only; `jobIds`
   * null means every job. Returns the JobIds whose flag changed.
   */
  bvfsCache(jobIds: number[] | null, cached: boolean): number[] {
    const store = this.catalog.store;
    for (const id of jobIds ?? []) if (!store.has(id)) throw new WorldError('not_found', `JobId ${id} not found`);
    const facts = emptyFacts();
    const eligible = (id: number): boolean => store.facts(id, facts) && (!cached || (facts.type === 'B' && isTerminal(facts.status)));
    const ids = jobIds ?? Array.from({ length: store.maxId }, (_, i) => i + 1);
    return ids.filter((id) => eligible(id) && store.setHasCache(id, cached));
  }
}

/** A client's last successful backups of one FileSet. */
interface PriorBackup {
  filesetId: number;
  /** JobId and start of the last successful Full (0 before any) */
  full: number;
  fullStart: number;
  /** JobId and start of the last successful backup of any level */
  any: number;
  anyStart: number;
}

/**
 * The last successful backups of each client, one entry per FileSet it backs
 * up (nearly always one), by ClientId: a Map keyed by client and FileSet
 * together needed keys beyond small integers, which V8 boxes and hashes
 * slowly, on every job a history fill creates.
 */
class PriorBackups {
  private byClient: Array<PriorBackup[] | undefined> = [];

  get(clientId: number, filesetId: number): PriorBackup | undefined {
    const list = this.byClient[clientId];
    if (list) for (const p of list) if (p.filesetId === filesetId) return p;
    return undefined;
  }

  add(clientId: number, prior: PriorBackup): void {
    growTo(this.byClient, clientId, undefined);
    (this.byClient[clientId] ??= []).push(prior);
  }
}

/** The address a generated client answers on: 10.x.y.z from its ClientId. */
export function clientAddress(clientId: number): string {
  return `10.${20 + Math.floor(clientId / 65536) % 200}.${Math.floor(clientId / 256) % 256}.${clientId % 256}`;
}

/**
 * Live jobs' timelines, kept by the job's JobStore slot: slots are few and
 * reused, where a Map keyed by JobId churned a new hash table every few
 * hundred jobs. Each entry remembers its JobId, so a slot handed to another
 * job never answers with the old job's timeline.
 */
class TimelineCache {
  private steps: Array<Timeline | undefined> = [];
  private owner: number[] = [];

  constructor(private readonly store: JobStore) {}

  get(jobId: number): Timeline | undefined {
    const slot = this.store.liveSlot(jobId);
    return slot >= 0 && this.owner[slot] === jobId ? this.steps[slot] : undefined;
  }

  set(jobId: number, steps: Timeline): void {
    const slot = this.store.liveSlot(jobId);
    if (slot < 0) return;
    this.steps[slot] = steps;
    this.owner[slot] = jobId;
  }

  drop(jobId: number): void {
    const slot = this.store.liveSlot(jobId);
    if (slot >= 0 && this.owner[slot] === jobId) {
      this.steps[slot] = undefined;
      this.owner[slot] = 0;
    }
  }
}

function inc(map: Map<number, number>, key: number, by: number): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** The FileSet a profile's clients back up: `test_server` → `TestServerSet`. */
export function filesetName(p: Profile): string {
  return p.key.split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('') + 'Set';
}

function md5Like(seed: number, key: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const rng = stream(seed, 'md5', key);
  let s = '';
  for (let i = 0; i < 22; i++) s += alphabet[rng.int(0, 63)];
  return s;
}
