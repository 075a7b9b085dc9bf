import { growTo } from './dense.js';
import type { DaemonMessage, JobLevel, JobPlan, JobRecord, JobStatus, JobType, VolumeUse } from './types.js';

/**
 * The Job table. A job that still lives (created, waiting, running) is a plain
 * JobRecord object the engine mutates; once it has ended and written its last
 * log line it is frozen into typed-array columns, ~150 bytes a job instead of
 * ~1.2 KB of objects, and `get` builds a fresh record from the columns on
 * demand. A failure message is an index into the few messages failed jobs
 * share; fields that are rarely set (a comment, a cancel time, warnings,
 * extra volumes, a restore's sources) sit in a sparse side table.
 */
export class JobStore {
  /**
   * The live jobs, each in a slot that is reused once the job is frozen (a
   * Map keyed by JobId churned a new hash table every few hundred jobs while
   * a history filled). `slot` gives a live job's index here.
   */
  private live: Array<JobRecord | undefined> = [];
  private freeSlots: number[] = [];
  private slot = new Int32Array(0);
  private cap = 0;
  /** 0 = no such job, 1 = live object, 2 = frozen in the columns */
  private state = new Uint8Array(0);
  private nameIx = new Uint32Array(0);
  private seq = new Uint8Array(0);
  private type = new Uint8Array(0);
  private level = new Uint8Array(0);
  private status = new Uint8Array(0);
  private clientId = new Int32Array(0);
  private createdAt = new Float64Array(0);
  private schedTime = new Float64Array(0);
  private startTime = new Float64Array(0);
  private endTime = new Float64Array(0);
  private volSessionId = new Int32Array(0);
  private volSessionTime = new Uint32Array(0);
  private jobFiles = new Uint32Array(0);
  private jobBytes = new Float64Array(0);
  private jobErrors = new Int32Array(0);
  private poolId = new Uint16Array(0);
  private filesetId = new Uint16Array(0);
  private storageId = new Uint16Array(0);
  private priority = new Uint16Array(0);
  private poolSourceIx = new Uint8Array(0);
  private flags = new Uint8Array(0);
  private logHead = new Int32Array(0);
  private logTail = new Int32Array(0);
  private logCount = new Int32Array(0);
  // the plan
  private outcome = new Uint8Array(0);
  private planFiles = new Uint32Array(0);
  private planBytes = new Float64Array(0);
  private rate = new Float64Array(0);
  private since = new Float64Array(0);
  private connectRetry = new Uint16Array(0);
  private setup = new Uint8Array(0);
  private upgradedFrom = new Uint8Array(0);
  /** 1 + index in `messages` of the plan's failure, 0 for none (a quarter of all jobs fail in a typical world) */
  private failureIx = new Uint16Array(0);
  // the first (usually only) volume
  private volMedia = new Int32Array(0);
  private volSizeBefore = new Float64Array(0);
  private volBytes = new Float64Array(0);
  private volJobMediaId = new Int32Array(0);
  private volFirst = new Int32Array(0);
  private volLast = new Int32Array(0);
  /** everything else that is not the default, per JobId */
  private rare = new Map<number, Rare>();
  private strings: string[] = [];
  private stringIx = new Map<string, number>();
  /** ClientId → index in `strings` of the name of the client's last frozen job */
  private lastNameIx: number[] = [];
  /** The few strings of a column like poolSource, looked up without hashing into the table of every job name */
  private fewIx = new Map<string, number>();
  /** Failure messages of ended jobs: the profiles' few, each once (by text; `messageOf` caches by object) */
  private messages: DaemonMessage[] = [];
  private messageByText = new Map<string, number>();
  private messageOf = new Map<DaemonMessage, number>();
  private top = 0;

  /** Highest JobId ever stored (JobIds are never reused). */
  get maxId(): number {
    return this.top;
  }

  has(jobId: number): boolean {
    return jobId > 0 && jobId <= this.top && this.state[jobId - 1] !== 0;
  }

  get(jobId: number): JobRecord | undefined {
    if (!Number.isInteger(jobId) || jobId <= 0 || jobId > this.top) return undefined;
    const s = this.state[jobId - 1];
    if (s === 1) return this.live[this.slot[jobId - 1]];
    return s === 2 ? this.thaw(jobId) : undefined;
  }

  /**
   * The few columns that searches test and sum (type, level, status, client,
   * name, start time, files, bytes, errors), read without building the whole record: a filtered page of a
   * million-job catalog must not thaw every job it looks at. Returns false when
   * there is no such job; `out` is filled otherwise (reuse one object).
   */
  facts(jobId: number, out: JobFacts): boolean {
    const s = this.has(jobId) ? this.state[jobId - 1] : 0;
    if (s === 1) {
      const j = this.live[this.slot[jobId - 1]]!;
      out.type = j.type;
      out.level = j.level;
      out.status = j.jobStatus;
      out.clientId = j.clientId;
      out.filesetId = j.filesetId;
      out.name = j.name;
      out.startTime = j.startTime;
      out.files = j.jobFiles;
      out.bytes = j.jobBytes;
      out.errors = j.jobErrors;
      return true;
    }
    if (s !== 2) return false;
    const i = jobId - 1;
    out.type = String.fromCharCode(this.type[i]);
    out.level = String.fromCharCode(this.level[i]);
    out.status = String.fromCharCode(this.status[i]);
    out.clientId = this.clientId[i];
    out.filesetId = this.filesetId[i];
    out.name = this.strings[this.nameIx[i]];
    out.startTime = Number.isNaN(this.startTime[i]) ? null : this.startTime[i];
    out.files = this.jobFiles[i];
    out.bytes = this.jobBytes[i];
    out.errors = this.jobErrors[i];
    return true;
  }

  /** Sets Job.HasCache (BVFS) on a live or frozen job; true when it changed. */
  setHasCache(jobId: number, cached: boolean): boolean {
    const s = this.has(jobId) ? this.state[jobId - 1] : 0;
    if (s === 1) {
      const job = this.live[this.slot[jobId - 1]]!;
      const was = job.hasCache;
      job.hasCache = cached ? 1 : 0;
      return was !== job.hasCache;
    }
    if (s !== 2) return false;
    const i = jobId - 1;
    const was = this.flags[i] & 2;
    this.flags[i] = cached ? this.flags[i] | 2 : this.flags[i] & ~2;
    return was !== (this.flags[i] & 2);
  }

  /** Stores a new (live) job. */
  add(job: JobRecord): void {
    this.ensure(job.jobId);
    this.takeSlot(job);
    this.state[job.jobId - 1] = 1;
    this.top = Math.max(this.top, job.jobId);
  }

  /** Moves an ended job into the columns; later `get`s return copies. */
  freeze(job: JobRecord): void {
    const i = job.jobId - 1;
    const p = job.plan;
    // Most of a client's jobs share its Job's name: try the one its last job had before the table of every name.
    growTo(this.lastNameIx, job.clientId, -1);
    const hint = this.lastNameIx[job.clientId];
    this.nameIx[i] = hint >= 0 && this.strings[hint] === job.name ? hint : (this.lastNameIx[job.clientId] = this.intern(job.name));
    this.seq[i] = job.seq;
    this.type[i] = job.type.charCodeAt(0);
    this.level[i] = job.level.charCodeAt(0);
    this.status[i] = job.jobStatus.charCodeAt(0);
    this.clientId[i] = job.clientId;
    this.createdAt[i] = job.createdAt;
    this.schedTime[i] = job.schedTime;
    this.startTime[i] = job.startTime ?? NaN;
    this.endTime[i] = job.endTime ?? NaN;
    this.volSessionId[i] = job.volSessionId;
    this.volSessionTime[i] = job.volSessionTime;
    this.jobFiles[i] = job.jobFiles;
    this.jobBytes[i] = job.jobBytes;
    this.jobErrors[i] = job.jobErrors;
    this.poolId[i] = job.poolId;
    this.filesetId[i] = job.filesetId;
    this.storageId[i] = job.storageId;
    this.priority[i] = job.priority;
    this.poolSourceIx[i] = this.internFew(job.poolSource);
    this.flags[i] = (job.spawned ? 1 : 0) | (job.hasCache ? 2 : 0) | (job.volumes[0]?.created ? 4 : 0);
    this.logHead[i] = job.logHead;
    this.logTail[i] = job.logTail;
    this.logCount[i] = job.logCount;
    this.outcome[i] = p.outcome.charCodeAt(0);
    this.planFiles[i] = p.files;
    this.planBytes[i] = p.bytes;
    this.rate[i] = p.rate;
    this.since[i] = p.since ?? NaN;
    this.connectRetry[i] = p.connectRetry;
    this.setup[i] = p.setup;
    this.upgradedFrom[i] = p.upgradedFrom ? p.upgradedFrom.charCodeAt(0) : 0;
    const v = job.volumes[0];
    this.volMedia[i] = v ? v.mediaId : 0;
    if (v) {
      this.volSizeBefore[i] = v.sizeBefore;
      this.volBytes[i] = v.bytes;
      this.volJobMediaId[i] = v.jobMediaId;
      this.volFirst[i] = v.firstIndex;
      this.volLast[i] = v.lastIndex;
    }
    // Most jobs have nothing rare: the side entry is only made when needed.
    let rare: Rare | undefined;
    if (job.volumes.length > 1) (rare ??= {}).volumes = job.volumes;
    if (job.comment !== null) (rare ??= {}).comment = job.comment;
    if (job.canceledAt !== null) (rare ??= {}).canceledAt = job.canceledAt;
    if (job.mediaWait) (rare ??= {}).mediaWait = job.mediaWait;
    const failure = p.failure ? this.messageIx(p.failure) + 1 : 0;
    this.failureIx[i] = failure <= 0xffff ? failure : 0;
    if (failure > 0xffff) (rare ??= {}).failure = p.failure!;
    if (p.warnings.length) (rare ??= {}).warnings = p.warnings;
    if (p.sourceJobIds.length) (rare ??= {}).sourceJobIds = p.sourceJobIds;
    if (p.where) (rare ??= {}).where = p.where;
    if (job.readBytes !== job.jobBytes) (rare ??= {}).readBytes = job.readBytes;
    if (job.jobTDate !== tdate(job)) (rare ??= {}).jobTDate = job.jobTDate;
    if (job.jobMissingFiles !== 0 || job.priorJobId !== 0 || job.purgedFiles !== 0 || job.hasBase !== 0 || job.reviewed !== 0) {
      for (const k of ZERO_COLUMNS) if (job[k] !== 0) ((rare ??= {}).zero ??= {})[k] = job[k] as number;
    }
    if (job.priorJob) (rare ??= {}).priorJob = job.priorJob;
    // A live job has no side entry yet (only freezing makes one), so there is none to clear.
    if (rare) this.rare.set(job.jobId, rare);
    this.freeSlot(job.jobId);
    this.state[i] = 2;
  }

  delete(jobId: number): void {
    if (!this.has(jobId)) return;
    if (this.state[jobId - 1] === 1) this.freeSlot(jobId);
    this.rare.delete(jobId);
    this.state[jobId - 1] = 0;
  }

  /** Calls `fn` for every job with the fields the catalog indexes need, without building records. */
  forEachBrief(fn: (jobId: number, clientId: number, status: string, files: number, bytes: number, errors: number) => void): void {
    for (let id = 1; id <= this.top; id++) {
      const s = this.state[id - 1];
      if (s === 1) {
        const j = this.live[this.slot[id - 1]]!;
        fn(id, j.clientId, j.jobStatus, j.jobFiles, j.jobBytes, j.jobErrors);
      } else if (s === 2) {
        const i = id - 1;
        fn(id, this.clientId[i], String.fromCharCode(this.status[i]), this.jobFiles[i], this.jobBytes[i], this.jobErrors[i]);
      }
    }
  }

  /** The table as data for a snapshot: each column, the side table and the live jobs. */
  *dump(): Generator<JobStoreDump> {
    yield { part: 'head', top: this.top, strings: this.strings, messages: this.messages };
    for (const name of COLUMNS) {
      const a = (this as unknown as Record<string, Uint8Array>)[name].subarray(0, this.top);
      yield { part: 'column', name, data: new Uint8Array(a.buffer, a.byteOffset, a.byteLength) };
    }
    yield { part: 'rare', entries: [...this.rare] };
    yield { part: 'live', jobs: this.liveJobs() };
  }

  /** Loads what `dump` produced (into an empty store). */
  load(part: JobStoreDump): void {
    switch (part.part) {
      case 'head':
        this.strings = part.strings;
        this.stringIx = new Map(part.strings.map((s, i) => [s, i]));
        this.fewIx.clear();
        this.lastNameIx = [];
        // Snapshots before the failure column kept failures in the side table, which thaw still reads.
        this.messages = part.messages ?? [];
        this.messageByText = new Map(this.messages.map((m, i) => [messageKey(m), i]));
        this.messageOf.clear();
        this.top = part.top;
        this.ensure(part.top);
        break;
      case 'column': {
        if (!(COLUMNS as readonly string[]).includes(part.name)) throw new Error(`unknown Job column "${part.name}"`);
        const col = (this as unknown as Record<string, Uint8Array>)[part.name];
        const bytes = part.data;
        new Uint8Array(col.buffer, col.byteOffset, col.byteLength).set(bytes.subarray(0, Math.min(bytes.length, col.byteLength)));
        break;
      }
      case 'rare':
        this.rare = new Map(part.entries);
        break;
      case 'live':
        for (const job of part.jobs) this.takeSlot(job);
        break;
    }
  }

  /** JobIds of the jobs that wrote or read a volume. */
  jobsOnMedia(mediaId: number): number[] {
    const ids: number[] = [];
    for (let id = 1; id <= this.top; id++) {
      const s = this.state[id - 1];
      if (s === 0) continue;
      const vols = s === 1 ? this.live[this.slot[id - 1]]!.volumes : this.rare.get(id)?.volumes;
      if (vols ? vols.some((v) => v.mediaId === mediaId) : this.volMedia[id - 1] === mediaId) ids.push(id);
    }
    return ids;
  }

  /** Every job, in JobId order (frozen ones as fresh copies). */
  *values(): IterableIterator<JobRecord> {
    for (let id = 1; id <= this.top; id++) {
      const job = this.get(id);
      if (job) yield job;
    }
  }

  private thaw(jobId: number): JobRecord {
    const i = jobId - 1;
    const rare = this.rare.get(jobId);
    const start = this.startTime[i];
    const end = this.endTime[i];
    const up = this.upgradedFrom[i];
    const plan: JobPlan = {
      outcome: String.fromCharCode(this.outcome[i]) as JobPlan['outcome'],
      files: this.planFiles[i],
      bytes: this.planBytes[i],
      rate: this.rate[i],
      failure: this.failureIx[i] ? this.messages[this.failureIx[i] - 1] : rare?.failure ?? null,
      warnings: rare?.warnings ?? NONE,
      connectRetry: this.connectRetry[i],
      upgradedFrom: up ? (String.fromCharCode(up) as JobPlan['upgradedFrom']) : null,
      since: Number.isNaN(this.since[i]) ? null : this.since[i],
      sourceJobIds: rare?.sourceJobIds ?? NONE,
      where: rare?.where ?? '',
      setup: this.setup[i],
    };
    const volumes: VolumeUse[] = rare?.volumes ?? (this.volMedia[i] ? [{
      mediaId: this.volMedia[i], volumeName: this.volumeName(this.volMedia[i]), created: (this.flags[i] & 4) === 4, sizeBefore: this.volSizeBefore[i],
      bytes: this.volBytes[i], jobMediaId: this.volJobMediaId[i], firstIndex: this.volFirst[i], lastIndex: this.volLast[i],
    }] : []);
    const job: JobRecord = {
      jobId,
      name: this.strings[this.nameIx[i]],
      seq: this.seq[i],
      type: String.fromCharCode(this.type[i]) as JobType,
      level: String.fromCharCode(this.level[i]) as JobLevel,
      clientId: this.clientId[i],
      jobStatus: String.fromCharCode(this.status[i]) as JobStatus,
      waitStatus: null,
      createdAt: this.createdAt[i],
      schedTime: this.schedTime[i],
      startTime: Number.isNaN(start) ? null : start,
      endTime: Number.isNaN(end) ? null : end,
      jobTDate: 0,
      volSessionId: this.volSessionId[i],
      volSessionTime: this.volSessionTime[i],
      jobFiles: this.jobFiles[i],
      jobBytes: this.jobBytes[i],
      readBytes: rare?.readBytes ?? this.jobBytes[i],
      jobErrors: this.jobErrors[i],
      jobMissingFiles: 0,
      poolId: this.poolId[i],
      filesetId: this.filesetId[i],
      priorJobId: 0,
      priorJob: rare?.priorJob ?? '',
      purgedFiles: 0,
      hasBase: 0,
      hasCache: this.flags[i] & 2 ? 1 : 0,
      reviewed: 0,
      comment: rare?.comment ?? null,
      priority: this.priority[i],
      storageId: this.storageId[i],
      poolSource: this.strings[this.poolSourceIx[i]],
      plan,
      volumes,
      mediaWait: rare?.mediaWait ?? null,
      canceledAt: rare?.canceledAt ?? null,
      logHead: this.logHead[i],
      logTail: this.logTail[i],
      logCount: this.logCount[i],
      spawned: (this.flags[i] & 1) === 1,
      step: 0,
    };
    job.jobTDate = rare?.jobTDate ?? tdate(job);
    if (rare?.zero) Object.assign(job, rare.zero);
    job.step = Number.MAX_SAFE_INTEGER; // a frozen job has played every step
    return job;
  }

  /**
   * A live job's slot: a small index, reused once the job is frozen, that
   * the engine may key its own per-live-job data by. -1 for any other job.
   */
  liveSlot(jobId: number): number {
    return this.has(jobId) && this.state[jobId - 1] === 1 ? this.slot[jobId - 1] : -1;
  }

  /** The live jobs, in JobId order. */
  private liveJobs(): JobRecord[] {
    return this.live.filter((j): j is JobRecord => j !== undefined).sort((a, b) => a.jobId - b.jobId);
  }

  private takeSlot(job: JobRecord): void {
    const at = this.freeSlots.pop() ?? this.live.length;
    this.live[at] = job;
    this.slot[job.jobId - 1] = at;
  }

  private freeSlot(jobId: number): void {
    const at = this.slot[jobId - 1];
    this.live[at] = undefined;
    this.freeSlots.push(at);
  }

  /** Volume names come from the Media table; the catalog sets this resolver. */
  volumeName: (mediaId: number) => string = () => '';

  /** Index of a failure message in `messages`: by object for the profiles' own, by text for the rest. */
  private messageIx(m: DaemonMessage): number {
    let ix = this.messageOf.get(m);
    if (ix !== undefined) return ix;
    const key = messageKey(m);
    ix = this.messageByText.get(key);
    if (ix === undefined) {
      ix = this.messages.length;
      this.messages.push({ daemon: m.daemon, message: m.message });
      this.messageByText.set(key, ix);
    }
    this.messageOf.set(m, ix);
    return ix;
  }

  private internFew(s: string): number {
    let ix = this.fewIx.get(s);
    if (ix === undefined) this.fewIx.set(s, (ix = this.intern(s)));
    return ix;
  }

  private intern(s: string): number {
    let ix = this.stringIx.get(s);
    if (ix === undefined) {
      ix = this.strings.length;
      this.strings.push(s);
      this.stringIx.set(s, ix);
    }
    return ix;
  }

  /** Makes room for JobIds up to `jobs` at once (see LogTable.reserve). */
  reserve(jobs: number): void {
    if (jobs > this.cap) this.ensure(jobs, jobs);
  }

  private ensure(jobId: number, exact?: number): void {
    if (jobId <= this.cap) return;
    const cap = exact ?? Math.max(1024, Math.ceil(this.cap * 1.5), jobId);
    const grow = <T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    for (const key of [...COLUMNS, 'slot']) (this as unknown as Record<string, typeof this.state>)[key] = grow((this as unknown as Record<string, typeof this.state>)[key]);
    this.cap = cap;
  }
}

/** What `JobStore.facts` reads. */
export interface JobFacts {
  type: string;
  level: string;
  status: string;
  clientId: number;
  filesetId: number;
  name: string;
  startTime: number | null;
  files: number;
  bytes: number;
  errors: number;
}

export function emptyFacts(): JobFacts {
  return { type: '', level: '', status: '', clientId: 0, filesetId: 0, name: '', startTime: null, files: 0, bytes: 0, errors: 0 };
}

export type JobStoreDump =
  | { part: 'head'; top: number; strings: string[]; messages?: DaemonMessage[] }
  /** a column's bytes (a view of the live column when dumped) */
  | { part: 'column'; name: string; data: Uint8Array }
  | { part: 'rare'; entries: Array<[number, Rare]> }
  | { part: 'live'; jobs: JobRecord[] };

interface Rare {
  volumes?: VolumeUse[];
  comment?: string;
  canceledAt?: number;
  mediaWait?: JobRecord['mediaWait'];
  failure?: DaemonMessage;
  warnings?: DaemonMessage[];
  sourceJobIds?: number[];
  where?: string;
  readBytes?: number;
  jobTDate?: number;
  priorJob?: string;
  zero?: Partial<Record<(typeof ZERO_COLUMNS)[number], number>>;
}

/** Catalog columns that are 0 for nearly every job. */
const ZERO_COLUMNS = ['jobMissingFiles', 'priorJobId', 'purgedFiles', 'hasBase', 'reviewed'] as const;

const COLUMNS = [
  'state', 'nameIx', 'seq', 'type', 'level', 'status', 'clientId', 'createdAt', 'schedTime', 'startTime', 'endTime',
  'volSessionId', 'volSessionTime', 'jobFiles', 'jobBytes', 'jobErrors', 'poolId', 'filesetId', 'storageId', 'priority',
  'poolSourceIx', 'flags', 'logHead', 'logTail', 'logCount', 'outcome', 'planFiles', 'planBytes', 'rate', 'since',
  'connectRetry', 'setup', 'upgradedFrom', 'failureIx', 'volMedia', 'volSizeBefore', 'volBytes', 'volJobMediaId', 'volFirst', 'volLast',
] as const;

const NONE: never[] = Object.freeze([]) as unknown as never[];

function messageKey(m: DaemonMessage): string {
  return `${m.daemon}\u0000${m.message}`;
}

/** JobTDate of an ended job: its end (or start, or schedule) in epoch seconds. */
function tdate(job: JobRecord): number {
  return Math.floor((job.endTime ?? job.startTime ?? job.schedTime) / 1000);
}
