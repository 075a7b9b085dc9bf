/**
 * Catalog records, shaped like Bacula's tables (bacula/src/cats/make_postgresql_tables.in).
 * Times are virtual ms since the Unix epoch; `null` where Bacula stores NULL or 0.
 */

/** Job.Type letters (jcr.h). */
export type JobType = 'B' | 'R' | 'V' | 'D';
/** Job.Level letters: Full, Incremental, Differential, VolumeToCatalog, none (restore/admin). */
export type JobLevel = 'F' | 'I' | 'D' | 'O' | ' ';
export type BackupLevel = 'F' | 'I' | 'D';

/** Final JobStatus letters the engine writes. `T` with jobErrors > 0 is "OK -- with warnings". */
export const TERMINAL_STATUSES = ['T', 'E', 'f', 'A'] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
/** Letters a live job shows while it waits (status director): start time, client, media, limits. */
export type WaitStatus = 't' | 'F' | 'm' | 'c' | 'd' | 's' | 'p';
export type JobStatus = 'C' | 'R' | TerminalStatus;

export type Daemon = 'dir' | 'sd' | 'fd';

/** A message that a daemon logs (profile error and warning types). */
export interface DaemonMessage {
  daemon: Daemon;
  message: string;
}

export interface ClientRecord {
  clientId: number;
  name: string;
  /** FD hello string, `13.0.2 (21Feb23) x86_64-pc-linux-gnu,debian,12`; empty until first contact */
  uname: string;
  autoPrune: number;
  /** seconds */
  fileRetention: number;
  /** seconds */
  jobRetention: number;
  /** profile key the client was built from */
  profile: string;
  address: string;
  enabled: boolean;
  maxConcurrentJobs: number;
  /** spawns counted so far: the key of the next spawn's random stream */
  spawns: number;
  // Client resource directives with no catalog column, set through /res (absent: the default).
  /** FDPort, when not 9102 */
  fdPort?: number;
  /** Password, when not the one derived from the seed */
  password?: string;
  /** the Client resource was deleted: the catalog row stays, nothing new runs on it */
  removed?: boolean;
}

export interface PoolRecord {
  poolId: number;
  name: string;
  numVols: number;
  maxVols: number;
  useOnce: number;
  useCatalog: number;
  acceptAnyVolume: number;
  volRetention: number;
  volUseDuration: number;
  maxVolJobs: number;
  maxVolFiles: number;
  maxVolBytes: number;
  autoPrune: number;
  recycle: number;
  actionOnPurge: number;
  poolType: string;
  labelType: number;
  labelFormat: string;
  enabled: number;
  scratchPoolId: number;
  recyclePoolId: number;
  nextPoolId: number;
  migrationHighBytes: number;
  migrationLowBytes: number;
  migrationTime: number;
  cacheRetention: number;
}

export type VolStatus = 'Append' | 'Full' | 'Used' | 'Recycle' | 'Purged' | 'Error' | 'Read-Only' | 'Disabled' | 'Archive';

export interface MediaRecord {
  mediaId: number;
  volumeName: string;
  poolId: number;
  mediaType: string;
  storageId: number;
  firstWritten: number | null;
  lastWritten: number | null;
  labelDate: number | null;
  volJobs: number;
  volFiles: number;
  volBlocks: number;
  volMounts: number;
  volBytes: number;
  volErrors: number;
  volWrites: number;
  volStatus: VolStatus;
  enabled: number;
  recycle: number;
  volRetention: number;
  volUseDuration: number;
  maxVolJobs: number;
  maxVolFiles: number;
  maxVolBytes: number;
  recycleCount: number;
  initialWrite: number | null;
  /** bytes promised to running jobs, not yet written (engine bookkeeping) */
  reserved: number;
}

export interface StorageRecord {
  storageId: number;
  name: string;
  autoChanger: number;
  device: string;
  archiveDevice: string;
  mediaType: string;
  address: string;
  port: number;
  maxConcurrentJobs: number;
}

export interface FileSetRecord {
  filesetId: number;
  fileset: string;
  md5: string;
  createTime: number;
  // FileSet resource directives, set through /res (absent: derived from the profile of its clients).
  include?: FileSetInclude[];
  /** files of the Exclude block */
  exclude?: string[];
  ignoreChanges?: boolean;
  enableVss?: boolean;
  /** the FileSet resource was deleted: the catalog row stays for the jobs that used it */
  removed?: boolean;
  /**
   * What its Include and Exclude lines were since each change through /res,
   * oldest first; a job reads the version in force when it started. Before
   * the first (or with none) the lines are the profile's (filetree-shapes.ts).
   */
  versions?: FileSetVersion[];
}

/** The paths of one version of a FileSet: what the jobs that started from `since` on back up. */
export interface FileSetVersion {
  /** catalog-wide order of versions (the file trees lay out directories new to a client in this order) */
  seq: number;
  /** virtual ms from which jobs read this version */
  since: number;
  /** the File lines of every Include block */
  files: string[];
  /** the File lines of the Exclude block */
  exclude: string[];
}

/** One Include block of a FileSet: its File lines and Options blocks (directive → value). */
export interface FileSetInclude {
  files: string[];
  options: Array<Record<string, string>>;
}

/** One volume a job wrote or read: the JobMedia row, kept on the job. */
export interface VolumeUse {
  mediaId: number;
  volumeName: string;
  /** the job created and labelled the volume */
  created: boolean;
  /** volume size when the job began using it */
  sizeBefore: number;
  /** bytes the job planned to put on it */
  bytes: number;
  /** JobMediaId, assigned when the job ends */
  jobMediaId: number;
  firstIndex: number;
  lastIndex: number;
}

export interface JobRecord {
  jobId: number;
  /** Job resource name */
  name: string;
  /** two-digit sequence of the unique Job name */
  seq: number;
  type: JobType;
  level: JobLevel;
  clientId: number;
  jobStatus: JobStatus;
  /** why a created or running job waits, as status director shows it; null when not waiting */
  waitStatus: WaitStatus | null;
  /** when the job record was created (before schedTime for `when=` jobs) */
  createdAt: number;
  schedTime: number;
  startTime: number | null;
  endTime: number | null;
  jobTDate: number;
  volSessionId: number;
  volSessionTime: number;
  jobFiles: number;
  jobBytes: number;
  readBytes: number;
  jobErrors: number;
  jobMissingFiles: number;
  poolId: number;
  filesetId: number;
  priorJobId: number;
  priorJob: string;
  purgedFiles: number;
  hasBase: number;
  hasCache: number;
  reviewed: number;
  comment: string | null;
  priority: number;
  storageId: number;
  /** where Pool came from, for the report: `Job FullPool override`, `Run Pool override`, ... */
  poolSource: string;
  /** the plan (what the job will do), fixed when it is created */
  plan: JobPlan;
  /** volumes used, fixed when the job starts */
  volumes: VolumeUse[];
  /** the job waited for an appendable volume from `at` until `until` (null: still waiting) */
  mediaWait: { at: number; until: number | null } | null;
  /** virtual time of a cancel, if any */
  canceledAt: number | null;
  /** head, tail and count of this job's rows in the Log table (LogIds, 0 = none) */
  logHead: number;
  logTail: number;
  logCount: number;
  /** created by its client's own spawning (its end books the client's next job) */
  spawned: boolean;
  /** index of the next timeline step to play */
  step: number;
}

/** What a job will do, drawn once from its own random stream and its client's profile. */
export interface JobPlan {
  outcome: 'T' | 'W' | 'E' | 'f' | 'A';
  files: number;
  /** bytes written (read, for a restore or verify); software compression is not simulated, so ReadBytes = JobBytes */
  bytes: number;
  /** FD throughput, bytes per virtual second */
  rate: number;
  /** the failure's message (from the profile), for E and f */
  failure: DaemonMessage | null;
  /** non-fatal messages of a job with warnings */
  warnings: DaemonMessage[];
  /** seconds spent retrying an unreachable client before it answered */
  connectRetry: number;
  /** the level was upgraded to Full because no prior Full exists */
  upgradedFrom: BackupLevel | null;
  /** `since=` time of an Incremental or Differential: start time of the job it builds on */
  since: number | null;
  /** Restore / Verify: the backup jobs read */
  sourceJobIds: number[];
  /** Restore: destination */
  where: string;
  /** seconds of connection and set-up before data moves */
  setup: number;
}
