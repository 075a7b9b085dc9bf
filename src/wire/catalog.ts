import type { World } from '../../engine/world.js';
import type {
  ClientRecord, FileSetRecord, JobRecord, MediaRecord, PoolRecord, StorageRecord, VolumeUse,
} from '../../engine/types.js';

/**
 * Catalog rows as a Bacula Enterprise Director serves them under `/cat/<Table>`:
 * the catalog's column names in lower case (PostgreSQL folds them), in table
 * order, numbers as JSON numbers, one-letter codes as strings, times as
 * `YYYY-MM-DD HH:MM:SS` in the Director's time zone or null.
 * See reference/bacula-wire.md §2 and real-bacula/catalog-rows.json.
 */

const FOUR_GB = 2 ** 32;

/** A Job row: the 29 Job columns of catalog 1024 (Bacula 13), then the joined client, pool and fileset names. */
export function jobRow(w: World, j: JobRecord) {
  const c = w.catalog;
  const sql = (ms: number | null) => (ms === null ? null : w.zone.sql(ms));
  // Formatted once for the three columns that may show it (a page of rows spent a third of its garbage on time strings).
  const end = sql(j.endTime);
  return {
    jobid: j.jobId,
    job: w.uniqueName(j),
    name: j.name,
    type: j.type,
    level: j.level,
    clientid: j.clientId,
    jobstatus: j.jobStatus,
    schedtime: sql(j.schedTime),
    // A job canceled before it started has no StartTime in the engine; Bacula
    // writes StartTime = EndTime for it (see real-bacula/14-job12-*).
    starttime: j.startTime !== null ? sql(j.startTime) : end,
    endtime: end,
    realendtime: end,
    jobtdate: j.jobTDate,
    volsessionid: j.volSessionId,
    volsessiontime: j.volSessionTime,
    jobfiles: j.jobFiles,
    jobbytes: j.jobBytes,
    readbytes: j.readBytes,
    joberrors: j.jobErrors,
    jobmissingfiles: j.jobMissingFiles,
    poolid: j.poolId,
    filesetid: j.filesetId,
    priorjobid: j.priorJobId,
    priorjob: j.priorJob,
    purgedfiles: j.purgedFiles,
    hasbase: j.hasBase,
    hascache: j.hasCache,
    reviewed: j.reviewed,
    // The catalog column is NOT NULL: no comment is an empty string.
    comment: j.comment ?? '',
    filetable: 'File',
    client: c.client(j.clientId)?.name ?? null,
    pool: c.pool(j.poolId)?.name ?? null,
    fileset: c.fileset(j.filesetId)?.fileset ?? null,
  };
}

export type JobRow = ReturnType<typeof jobRow>;

export function clientRow(c: ClientRecord) {
  return {
    clientid: c.clientId,
    name: c.name,
    uname: c.uname,
    autoprune: c.autoPrune,
    fileretention: c.fileRetention,
    jobretention: c.jobRetention,
  };
}

export function poolRow(p: PoolRecord) {
  return {
    poolid: p.poolId,
    name: p.name,
    numvols: p.numVols,
    maxvols: p.maxVols,
    useonce: p.useOnce,
    usecatalog: p.useCatalog,
    acceptanyvolume: p.acceptAnyVolume,
    cacheretention: p.cacheRetention,
    volretention: p.volRetention,
    voluseduration: p.volUseDuration,
    maxvoljobs: p.maxVolJobs,
    maxvolfiles: p.maxVolFiles,
    maxvolbytes: p.maxVolBytes,
    autoprune: p.autoPrune,
    recycle: p.recycle,
    actiononpurge: p.actionOnPurge,
    pooltype: p.poolType,
    labeltype: p.labelType,
    labelformat: p.labelFormat,
    enabled: p.enabled,
    scratchpoolid: p.scratchPoolId,
    recyclepoolid: p.recyclePoolId,
    nextpoolid: p.nextPoolId,
    migrationhighbytes: p.migrationHighBytes,
    migrationlowbytes: p.migrationLowBytes,
    migrationtime: p.migrationTime,
    maxpoolbytes: 0,
  };
}

/** A Media row (a volume): the Media columns, then the pool and storage names. */
export function mediaRow(w: World, m: MediaRecord) {
  const sql = (ms: number | null) => (ms === null ? null : w.zone.sql(ms));
  const end = Math.max(0, m.volBytes - 1);
  return {
    mediaid: m.mediaId,
    volumename: m.volumeName,
    slot: 0,
    poolid: m.poolId,
    mediatype: m.mediaType,
    mediatypeid: 0,
    labeltype: 0,
    firstwritten: sql(m.firstWritten),
    lastwritten: sql(m.lastWritten),
    labeldate: sql(m.labelDate),
    voljobs: m.volJobs,
    volfiles: m.volFiles,
    volblocks: m.volBlocks,
    lastpartbytes: 0,
    volmounts: m.volMounts,
    volbytes: m.volBytes,
    volabytes: 0,
    volapadding: 0,
    volholebytes: 0,
    volholes: 0,
    // 1 = a disk file volume (the Storage of this Director are File devices)
    voltype: 1,
    volparts: 0,
    volcloudparts: 0,
    volerrors: m.volErrors,
    volwrites: m.volWrites,
    volcapacitybytes: 0,
    volstatus: m.volStatus,
    enabled: m.enabled,
    recycle: m.recycle,
    actiononpurge: 0,
    cacheretention: 0,
    volretention: m.volRetention,
    voluseduration: m.volUseDuration,
    maxvoljobs: m.maxVolJobs,
    maxvolfiles: m.maxVolFiles,
    maxvolbytes: m.maxVolBytes,
    inchanger: 0,
    storageid: m.storageId,
    deviceid: 0,
    mediaaddressing: 0,
    volreadtime: 0,
    volwritetime: 0,
    // A file volume is addressed as (file, block) = the high and low 32 bits of the byte offset.
    endfile: Math.floor(end / FOUR_GB),
    endblock: end % FOUR_GB,
    locationid: 0,
    recyclecount: m.recycleCount,
    initialwrite: sql(m.initialWrite),
    scratchpoolid: 0,
    recyclepoolid: 0,
    comment: null,
    pool: w.catalog.pool(m.poolId)?.name ?? null,
    storage: w.catalog.storage(m.storageId)?.name ?? null,
  };
}

export function storageRow(s: StorageRecord) {
  return { storageid: s.storageId, name: s.name, autochanger: s.autoChanger };
}

export function filesetRow(w: World, f: FileSetRecord) {
  return { filesetid: f.filesetId, fileset: f.fileset, md5: f.md5, createtime: w.zone.sql(f.createTime) };
}

/** A Log row; `logtext` carries the daemon prefix and the trailing newline, as Bacula stores it. */
export function logRow(w: World, logId: number, jobId: number, timeMs: number, text: string) {
  return { logid: logId, jobid: jobId, time: w.zone.sql(timeMs), logtext: text };
}

/**
 * The Status table: each JobStatus letter with its long name and severity, as
 * the catalog's creation script fills it (`m` has no severity there).
 */
export const STATUS_ROWS: ReadonlyArray<{ jobstatus: string; jobstatuslong: string; severity: number | null }> = [
  ['C', 'Created, not yet running', 15], ['R', 'Running', 15], ['B', 'Blocked', 15], ['T', 'Completed successfully', 10],
  ['E', 'Terminated with errors', 25], ['e', 'Non-fatal error', 20], ['f', 'Fatal error', 100], ['D', 'Verify found differences', 15],
  ['A', 'Canceled by user', 90], ['F', 'Waiting for Client', 15], ['S', 'Waiting for Storage daemon', 15], ['m', 'Waiting for new media', null],
  ['M', 'Waiting for media mount', 15], ['s', 'Waiting for storage resource', 15], ['j', 'Waiting for job resource', 15],
  ['c', 'Waiting for client resource', 15], ['d', 'Waiting on maximum jobs', 15], ['t', 'Waiting on start time', 15],
  ['p', 'Waiting on higher priority jobs', 15], ['a', 'SD despooling attributes', 15], ['i', 'Doing batch insert file records', 15],
  ['I', 'Incomplete Job', 25],
].map(([jobstatus, jobstatuslong, severity]) => ({ jobstatus: jobstatus as string, jobstatuslong: jobstatuslong as string, severity: severity as number | null }));

/** The Version table: the catalog schema version of Bacula 13. */
export const VERSION_ROW = { versionid: 1024 } as const;

/** A JobMedia row: where a job's data sits on one volume. */
export function jobMediaRow(j: JobRecord, v: VolumeUse, index: number) {
  const start = v.sizeBefore;
  const end = v.sizeBefore + Math.max(0, v.bytes - 1);
  return {
    jobmediaid: v.jobMediaId,
    jobid: j.jobId,
    mediaid: v.mediaId,
    firstindex: v.firstIndex,
    lastindex: v.lastIndex,
    startfile: Math.floor(start / FOUR_GB),
    endfile: Math.floor(end / FOUR_GB),
    startblock: start % FOUR_GB,
    endblock: end % FOUR_GB,
    volindex: index + 1,
  };
}

/** JobTotals: what `/cat/JobTotals` answers, with a count per JobStatus letter. */
export function totalsRow(t: { jobs: number; files: number; bytes: number; joberrors: number; byStatus: Record<string, number> }) {
  const bystatus: Record<string, number> = {};
  for (const [k, v] of Object.entries(t.byStatus)) if (v > 0) bystatus[k] = v;
  return { jobs: t.jobs, files: t.files, bytes: t.bytes, joberrors: t.joberrors, bystatus };
}
