import { JobStore } from './jobstore.js';
import type {
  ClientRecord, FileSetRecord, JobRecord, MediaRecord, PoolRecord, StorageRecord, TerminalStatus,
} from './types.js';

/** Aggregates kept incrementally as jobs end (JobTotals). */
export interface Totals {
  jobs: number;
  files: number;
  bytes: number;
  joberrors: number;
  /** count of jobs per JobStatus letter, for every job in the catalog */
  byStatus: Record<string, number>;
}

/**
 * The Log table as columns: LogId is the row index + 1. Text is not stored; it
 * is rendered from the job's timeline on demand (see joblog.ts), which keeps a
 * catalog of millions of log rows within a few bytes per row.
 */
export class LogTable {
  private cap = 1024;
  length = 0;
  jobId = new Int32Array(this.cap);
  /** index of the job timeline step the row renders */
  step = new Uint16Array(this.cap);
  /** Log.Time: virtual seconds since the Unix epoch (Bacula keeps whole seconds) */
  time = new Uint32Array(this.cap);
  /** next LogId of the same job, 0 at the end */
  next = new Int32Array(this.cap);

  /** Appends a row at virtual time `ms` and returns its LogId. */
  append(jobId: number, step: number, ms: number): number {
    if (this.length === this.cap) this.resize(Math.ceil(this.cap * 1.5));
    const i = this.length++;
    this.jobId[i] = jobId;
    this.step[i] = step;
    this.time[i] = Math.floor(ms / 1000);
    this.next[i] = 0;
    return i + 1;
  }

  /**
   * Makes room for `rows` rows at once (a history about to be filled), so the
   * columns are not copied over and over as they grow. Room never written
   * costs address space, not memory.
   */
  reserve(rows: number): void {
    if (rows > this.cap) this.resize(rows);
  }

  link(fromLogId: number, toLogId: number): void {
    this.next[fromLogId - 1] = toLogId;
  }

  /** Drops rows whose job no longer exists (after purge/prune); LogIds of kept rows do not change. */
  forget(jobIds: ReadonlySet<number>): void {
    for (let i = 0; i < this.length; i++) if (jobIds.has(this.jobId[i])) this.jobId[i] = 0;
  }

  /** Copies a restored table in. */
  load(cols: Pick<LogTable, 'jobId' | 'step' | 'time' | 'next'>): void {
    this.length = cols.jobId.length;
    this.jobId = cols.jobId;
    this.step = cols.step;
    this.time = cols.time;
    this.next = cols.next;
    this.cap = this.length;
    this.resize(Math.max(1024, this.length));
  }

  private resize(cap: number): void {
    const grow = <T extends Int32Array | Uint16Array | Uint32Array>(a: T, C: new (n: number) => T): T => {
      const b = new C(cap);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.jobId = grow(this.jobId, Int32Array);
    this.step = grow(this.step, Uint16Array);
    this.time = grow(this.time, Uint32Array);
    this.next = grow(this.next, Int32Array);
    this.cap = cap;
  }
}

/**
 * A list of ids kept in ascending order. Inserts near the end and deletes at
 * the front (the oldest queued or running job) are O(1): the front is an
 * offset, compacted away when it is read.
 */
export class SortedIds {
  private items: number[] = [];
  private start = 0;

  /** The ids, ascending (do not change the array). */
  get ids(): number[] {
    if (this.start > 0) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
    return this.items;
  }

  get size(): number {
    return this.items.length - this.start;
  }

  add(id: number): void {
    const a = this.items;
    if (a.length === this.start || a[a.length - 1] < id) {
      a.push(id);
      return;
    }
    const at = this.search(id);
    if (a[at] !== id) {
      if (at === this.start && this.start > 0) a[--this.start] = id;
      else a.splice(at, 0, id);
    }
  }

  delete(id: number): void {
    const a = this.items;
    const at = this.search(id);
    if (a[at] !== id || at >= a.length) return;
    if (at === this.start) {
      this.start++;
      if (this.start === a.length) {
        this.items = [];
        this.start = 0;
      } else if (this.start > 1024 && this.start > a.length / 2) void this.ids;
    } else a.splice(at, 1);
  }

  /** Index of the first item >= id. */
  private search(id: number): number {
    const a = this.items;
    let lo = this.start;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The in-memory catalog: tables named and shaped like Bacula's, with the
 * indexes the API needs so a page of results costs O(page), not O(catalog).
 */
export class Catalog {
  clients: ClientRecord[] = [];
  private clientIds = new Map<number, ClientRecord>();
  private clientNames = new Map<string, ClientRecord>();
  pools: PoolRecord[] = [];
  media: MediaRecord[] = [];
  private mediaNames = new Map<string, number>();
  storages: StorageRecord[] = [];
  filesets: FileSetRecord[] = [];
  /** the Job table: live jobs as objects, ended ones in columns */
  readonly store = new JobStore();
  log = new LogTable();
  /** ascending JobIds per ClientId */
  jobsByClient = new Map<number, SortedIds>();
  /** ascending JobIds per JobStatus letter */
  jobsByStatus = new Map<string, SortedIds>();
  totals: Totals = emptyTotals();
  /** JobIds up to the top that are not in the Job table (purged, pruned, never stored), ascending */
  private gaps: number[] = [];

  constructor() {
    this.store.volumeName = (mediaId) => this.mediaById(mediaId)?.volumeName ?? '';
  }

  job(jobId: number): JobRecord | undefined {
    return this.store.get(jobId);
  }

  /** Every job in JobId order (ended ones are copies: read, do not change). */
  allJobs(): IterableIterator<JobRecord> {
    return this.store.values();
  }

  client(clientId: number): ClientRecord | undefined {
    return this.clientIds.get(clientId);
  }

  clientByName(name: string): ClientRecord | undefined {
    return this.clientNames.get(name);
  }

  insertClient(c: ClientRecord): void {
    this.clients.push(c);
    this.clientIds.set(c.clientId, c);
    this.clientNames.set(c.name, c);
  }

  pool(poolId: number): PoolRecord | undefined {
    return this.pools.find((p) => p.poolId === poolId);
  }

  poolByName(name: string): PoolRecord | undefined {
    return this.pools.find((p) => p.name === name);
  }

  /** media[mediaId - 1]: volumes are purged and recycled, never removed */
  mediaById(mediaId: number): MediaRecord | undefined {
    return this.media[mediaId - 1];
  }

  mediaByName(name: string): MediaRecord | undefined {
    const id = this.mediaNames.get(name);
    return id === undefined ? undefined : this.media[id - 1];
  }

  insertMedia(m: MediaRecord): void {
    this.media[m.mediaId - 1] = m;
    this.mediaNames.set(m.volumeName, m.mediaId);
  }

  storage(storageId: number): StorageRecord | undefined {
    return this.storages.find((s) => s.storageId === storageId);
  }

  storageByName(name: string): StorageRecord | undefined {
    return this.storages.find((s) => s.name === name);
  }

  fileset(filesetId: number): FileSetRecord | undefined {
    return this.filesets.find((f) => f.filesetId === filesetId);
  }

  /** Rebuilds the job indexes and JobTotals from the Job table (after a snapshot is loaded). */
  reindex(): void {
    this.jobsByClient.clear();
    this.jobsByStatus.clear();
    this.totals = emptyTotals();
    const t = this.totals;
    this.store.forEachBrief((jobId, clientId, status, files, bytes, errors) => {
      let byClient = this.jobsByClient.get(clientId);
      if (!byClient) this.jobsByClient.set(clientId, (byClient = new SortedIds()));
      byClient.add(jobId);
      let byStatus = this.jobsByStatus.get(status);
      if (!byStatus) this.jobsByStatus.set(status, (byStatus = new SortedIds()));
      byStatus.add(jobId);
      t.jobs++;
      t.byStatus[status] = (t.byStatus[status] ?? 0) + 1;
      if (isTerminal(status)) {
        t.files += files;
        t.bytes += bytes;
        t.joberrors += errors;
      }
    });
    this.gaps = [];
    for (let id = 1; id <= this.store.maxId; id++) if (!this.store.has(id)) this.gaps.push(id);
  }

  /**
   * The JobId of rank `rank` among the jobs in the catalog (0 = the lowest),
   * for `rank` below `totals.jobs`: O(log gaps), so a deep page of the whole
   * table does not walk the jobs before it once a job has been purged.
   */
  jobIdAt(rank: number): number {
    // A gap at index i lies below the answer when fewer than rank + 1 jobs are under it: gaps[i] - 1 - i < rank + 1.
    const g = this.gaps;
    let lo = 0;
    let hi = g.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (g[mid] - mid <= rank + 1) lo = mid + 1;
      else hi = mid;
    }
    return rank + 1 + lo;
  }

  /** Adds a new job to the tables and the indexes. */
  insertJob(job: JobRecord): void {
    for (let id = this.store.maxId + 1; id < job.jobId; id++) this.gaps.push(id);
    this.store.add(job);
    let byClient = this.jobsByClient.get(job.clientId);
    if (!byClient) this.jobsByClient.set(job.clientId, (byClient = new SortedIds()));
    byClient.add(job.jobId);
    this.indexStatus(job, null);
    this.totals.jobs++;
  }

  /** Records a JobStatus change in the status index and the totals. */
  setStatus(job: JobRecord, status: JobRecord['jobStatus']): void {
    const old = job.jobStatus;
    if (old === status) return;
    job.jobStatus = status;
    this.indexStatus(job, old);
  }

  /** Counts a finished job's files, bytes and errors into JobTotals. */
  addTotals(job: JobRecord): void {
    this.totals.files += job.jobFiles;
    this.totals.bytes += job.jobBytes;
    this.totals.joberrors += job.jobErrors;
  }

  /** Removes jobs (purge, prune) from every table and index. */
  deleteJobs(jobIds: readonly number[]): void {
    const gone = new Set<number>();
    for (const id of jobIds) {
      const job = this.job(id);
      if (!job) continue;
      gone.add(id);
      this.store.delete(id);
      this.jobsByClient.get(job.clientId)?.delete(id);
      this.jobsByStatus.get(job.jobStatus)?.delete(id);
      const t = this.totals;
      t.jobs--;
      t.byStatus[job.jobStatus]--;
      if (isTerminal(job.jobStatus)) {
        t.files -= job.jobFiles;
        t.bytes -= job.jobBytes;
        t.joberrors -= job.jobErrors;
      }
    }
    if (!gone.size) return;
    this.log.forget(gone);
    for (const id of gone) this.gaps.push(id);
    this.gaps.sort((a, b) => a - b);
  }

  private indexStatus(job: JobRecord, old: string | null): void {
    if (old !== null) {
      this.jobsByStatus.get(old)?.delete(job.jobId);
      this.totals.byStatus[old]--;
    }
    let set = this.jobsByStatus.get(job.jobStatus);
    if (!set) this.jobsByStatus.set(job.jobStatus, (set = new SortedIds()));
    set.add(job.jobId);
    this.totals.byStatus[job.jobStatus] = (this.totals.byStatus[job.jobStatus] ?? 0) + 1;
  }
}

export function emptyTotals(): Totals {
  return { jobs: 0, files: 0, bytes: 0, joberrors: 0, byStatus: {} };
}

/** Bytes a volume label takes at the start of a new volume. */
export const VOLUME_LABEL_BYTES = 212;

export function isTerminal(status: string): status is TerminalStatus {
  return status === 'T' || status === 'E' || status === 'f' || status === 'A';
}
