import { DIRECTOR, sdBytes } from '../../engine/joblog.js';
import { LEVEL_FACTOR } from '../../engine/planner.js';
import { fdUname, type Profile } from '../../engine/profiles.js';
import type { BackupLevel, ClientRecord, JobRecord, MediaRecord, StorageRecord, VolumeUse } from '../../engine/types.js';
import type { UpcomingRun, World } from '../../engine/world.js';
import { jobRow, logRow } from './catalog.js';

/**
 * Daemon status as `status director|client|storage` prints it under
 * `.api 2 api_opts=o` (reference/bacula-wire.md §4.3-4.5, real-bacula/20, 40,
 * 44), as JSON objects: the same lower-case keys in the same order, numbers as
 * JSON numbers (this is the Bacula Enterprise REST API; Bacularis would quote
 * them), Type/Level/Status as one-letter strings, and every time X twice:
 * `X_epoch` (Unix seconds) then `X` (`YYYY-MM-DD HH:MM:SS` in the Director's
 * zone). The engine events of `/mock/events` are at the end.
 */

/** The build every daemon of this installation reports (one Bacula version throughout). */
const CRYPTO = 'OpenSSL 3.0.11 19 Sep 2023';
const FULL_MONTHS: Record<string, string> = {
  Jan: 'January', Feb: 'February', Mar: 'March', Apr: 'April', May: 'May', Jun: 'June',
  Jul: 'July', Aug: 'August', Sep: 'September', Oct: 'October', Nov: 'November', Dec: 'December',
};
/** The bytes a File device writes per block (the engine counts VolBlocks with it too). */
const BLOCK = 64_512;
const FOUR_GB = 2 ** 32;
const TB = 1e12;
/** Terminated jobs a daemon keeps in memory for `status`. */
export const TERMINATED_KEPT = 10;

const epoch = (ms: number): number => Math.floor(ms / 1000);
const versionText = (): string => `${DIRECTOR.version} (${DIRECTOR.longDate})`;

/** A deterministic process id per daemon, so two reads agree. */
function pid(w: World, salt: number): number {
  return 1000 + ((w.seed * 7919 + salt * 104_729) % 60_000);
}

/** Level letter as the daemons print it: a Restore or Admin job has none (a space), whatever the catalog says. */
function statusLevel(j: JobRecord): string {
  return j.type === 'R' || j.type === 'D' ? ' ' : j.level;
}

/** A job that never started (canceled while waiting) shows its end as its start, as in the catalog. */
function startOf(j: JobRecord): number {
  return j.startTime ?? j.endTime ?? j.createdAt;
}

// ------------------------------------------------------------------ status words

/** `status_desc` of a terminated job: the short words of the Terminated Jobs tables (lib/status.h). */
const TERM_WORDS: Record<string, string> = {
  T: 'OK', W: 'OK -- with warnings', E: 'Error', f: 'Error', A: 'Cancel', D: 'Diffs', I: 'Incomplete', C: 'Created',
};

/** `status_desc` of a job the Director holds, by the letter it reports (dird/ua_status.c list_running_jobs). */
const LIVE_WORDS: Record<string, string | ((w: World, j: JobRecord) => string)> = {
  C: 'is waiting execution',
  R: 'is running',
  B: 'is blocked',
  T: 'has terminated',
  W: 'has terminated with warnings',
  I: 'has terminated in incomplete state',
  E: 'has erred',
  e: 'has errors',
  f: 'has a fatal error',
  D: 'has verify differences',
  A: 'has been canceled',
  F: (w, j) => `is waiting on Client ${w.catalog.client(j.clientId)?.name ?? ''}`.trimEnd(),
  S: (w, j) => `is waiting on Storage "${w.catalog.storage(j.storageId)?.name ?? ''}"`,
  s: 'is waiting on max Storage jobs',
  c: 'is waiting on max Client jobs',
  j: 'is waiting on max Job jobs',
  d: 'is waiting on max total jobs',
  t: (w, j) => `is waiting for its start time (${w.zone.dayMonth(j.schedTime)})`,
  p: 'is waiting for higher priority jobs to finish',
  // The Storage daemon's status overrides the Director's text (and letter) for these.
  m: 'is waiting for an appendable Volume',
  M: 'is waiting for a mount request',
};

/** The letter `status director` shows for a job: why it waits, else its JobStatus. */
export function liveStatus(w: World, j: JobRecord): string {
  return w.waitReason(j) ?? j.jobStatus;
}

/** The text `status director` shows next to that letter. */
export function liveStatusDesc(w: World, j: JobRecord, status = liveStatus(w, j)): string {
  const word = LIVE_WORDS[status];
  if (word === undefined) return `is in unknown state ${status}`;
  return typeof word === 'string' ? word : word(w, j);
}

// ------------------------------------------------------------------ Director

/** Jobs in the catalog that have ended: what a daemon's `jobs_run` counts. */
export function endedCount(w: World): number {
  const by = w.catalog.totals.byStatus;
  return (by.T ?? 0) + (by.E ?? 0) + (by.f ?? 0) + (by.A ?? 0);
}

/** `.status dir header`. */
export function directorHeader(w: World) {
  const c = w.catalog;
  const by = c.totals.byStatus;
  return {
    name: DIRECTOR.name,
    version: versionText(),
    uname: DIRECTOR.buildOs,
    started_epoch: epoch(w.startedAt),
    started: w.zone.sql(w.startedAt),
    reloaded_epoch: epoch(w.startedAt),
    reloaded: w.zone.sql(w.startedAt),
    pid: pid(w, 0),
    jobs_run: endedCount(w),
    jobs_running: (by.C ?? 0) + (by.R ?? 0),
    nclients: c.clients.filter((cl) => !cl.removed).length,
    nstores: c.storages.length,
    npools: c.pools.length,
    ncats: 1,
    nfset: c.filesets.length,
    nscheds: w.schedules.size,
    plugins: '',
    fips: 0,
    crypto: CRYPTO,
    debug: 0,
    trace: 0,
    tags: '',
  };
}

/** One entry of `.status dir scheduled`: a Schedule run or a client's next job, due within the days asked. */
export function scheduledRow(w: World, run: UpcomingRun) {
  const backup = run.job.type === 'B';
  return {
    name: run.job.name,
    level: run.level,
    type: run.job.type,
    priority: run.priority,
    schedtime_epoch: epoch(run.at),
    schedtime: w.zone.sql(run.at),
    // Only a backup looks for its next Volume; `*unknown*` when none is appendable.
    volume: backup ? run.volume ?? '*unknown*' : '',
    pool: run.pool,
    storage: run.job.storage,
  };
}

/** One entry of `.status dir running`: a job the Director holds, with live counts. */
export function directorRunningRow(w: World, j: JobRecord) {
  const c = w.catalog;
  const status = liveStatus(w, j);
  const p = w.progress(j);
  const storage = c.storage(j.storageId)?.name ?? '';
  const reads = j.type === 'R' || j.type === 'V';
  return {
    jobid: j.jobId,
    level: statusLevel(j),
    type: j.type,
    status,
    status_desc: liveStatusDesc(w, j, status),
    comment: j.comment ?? '',
    jobbytes: p.bytes,
    jobfiles: p.files,
    job: w.uniqueName(j),
    name: j.name,
    clientname: c.client(j.clientId)?.name ?? '',
    fileset: c.fileset(j.filesetId)?.fileset ?? '',
    storage: reads ? '' : storage,
    rstorage: reads ? storage : '',
    schedtime_epoch: epoch(j.schedTime),
    schedtime: w.zone.sql(j.schedTime),
    // A job not started yet shows when it was created (capture 14: a `when=` job).
    starttime_epoch: epoch(j.startTime ?? j.createdAt),
    starttime: w.zone.sql(j.startTime ?? j.createdAt),
    priority: j.priority,
    errors: j.jobErrors,
  };
}

/** One entry of `.status dir terminated`. */
export function directorTerminatedRow(w: World, j: JobRecord) {
  const { name: _name, ...row } = terminatedRow(w, j);
  return row;
}

/** A terminated job as the FD and SD list it (lib/status.h): the Director's keys plus the Job resource `name`. */
export function terminatedRow(w: World, j: JobRecord, bytes = j.jobBytes, files = j.jobFiles) {
  const start = startOf(j);
  const end = j.endTime ?? start;
  return {
    jobid: j.jobId,
    level: statusLevel(j),
    type: j.type,
    status: j.jobStatus,
    status_desc: TERM_WORDS[j.jobStatus] ?? 'Other',
    jobbytes: bytes,
    jobfiles: files,
    job: w.uniqueName(j),
    name: j.name,
    starttime_epoch: epoch(start),
    starttime: w.zone.sql(start),
    endtime_epoch: epoch(end),
    endtime: w.zone.sql(end),
    errors: j.jobErrors,
  };
}

// ------------------------------------------------------------------ File daemon

/** Version, OS and Windows version of an FD, from the hello string it gave (Client.Uname) or its profile. */
function fdIdentity(client: ClientRecord, profile: Profile): { version: string; uname: string; winver: string } {
  const hello = client.uname || fdUname(profile);
  const m = /^(\S+) \((\d\d)([A-Z][a-z]{2})(\d\d)\) (.*)$/.exec(hello) ?? /^(\S+)() ()()(.*)$/.exec(hello)!;
  const version = m[2] ? `${m[1]} (${m[2]} ${FULL_MONTHS[m[3]] ?? m[3]} 20${m[4]})` : m[1];
  // HOST_OS,DISTNAME,DISTVER; a Windows FD puts its Windows version where HOST_OS goes.
  const parts = m[5].split(',');
  const distver = parts.length >= 3 ? parts.pop()! : '';
  const distname = parts.length >= 2 ? parts.pop()! : '';
  const host = parts.join(',');
  if (profile.os === 'windows') return { version, uname: ['Linux', distname, distver].join(' ').trim(), winver: host };
  return { version, uname: [host, distname, distver].join(' ').trim(), winver: '' };
}

/** `.status client=<name> header`. */
export function clientHeader(w: World, client: ClientRecord, counts: { run: number; running: number }) {
  const id = fdIdentity(client, w.profileOf(client));
  return {
    name: `${client.name}-fd`,
    version: id.version,
    uname: id.uname,
    started_epoch: epoch(w.startedAt),
    started: w.zone.sql(w.startedAt),
    pid: pid(w, client.clientId),
    jobs_run: counts.run,
    jobs_running: counts.running,
    winver: id.winver,
    debug: 0,
    trace: 0,
    tags: '',
    bwlimit: 0,
    plugins: '',
    pkiencryption: 0,
    pkisignature: 0,
    pkicipher: '',
    pkidigest: '',
    fips: 0,
    crypto: CRYPTO,
    gpfs: 0,
  };
}

/** Paths a job of each kind of file tree reads, Unix and Windows (a Windows FD writes `C:/...`). */
const TREE_PATHS: Record<string, { unix: string[]; windows: string[] }> = {
  generic: {
    unix: ['/etc/ssl/certs/ca-certificates.crt', '/var/log/syslog.1', '/usr/share/doc/openssl/changelog.gz', '/home/admin/.bash_history', '/opt/app/lib/runtime.jar'],
    windows: ['C:/Windows/System32/config/SOFTWARE', 'C:/ProgramData/Microsoft/Windows/Start Menu/desktop.ini', 'C:/Program Files/Common Files/system/ole db/oledb32.dll'],
  },
  database: {
    unix: ['/var/lib/postgresql/15/main/base/16384/2619', '/var/lib/mysql/ibdata1', '/var/lib/mongodb/collection-7-1846291.wt', '/var/backups/db/dump-nightly.sql.gz'],
    windows: ['D:/MSSQL/Data/Sales.mdf', 'D:/MSSQL/Log/Sales_log.ldf', 'C:/Program Files/Microsoft SQL Server/MSSQL15.MSSQLSERVER/MSSQL/DATA/msdbdata.mdf'],
  },
  fileserver: {
    unix: ['/srv/samba/shares/engineering/CAD/assembly_v14.SLDASM', '/srv/samba/shares/finance/Budget-2026-Q3.xlsx', '/export/home/mmueller/projects/thesis.pdf', '/srv/nfs/media/archive/IMG_4411.JPG'],
    windows: ['E:/Shares/Engineering/CAD/assembly_v14.SLDASM', 'E:/Shares/Finance/Budget-2026-Q3.xlsx', 'E:/Profiles/mmueller/Desktop/notes.txt'],
  },
  container: {
    unix: ['/var/lib/docker/overlay2/3f9c2e71a0b4/diff/usr/lib/x86_64-linux-gnu/libssl.so.3', '/var/lib/docker/volumes/pgdata/_data/base/1/1259', '/var/lib/kubelet/pods/7d1e/volumes/kubernetes.io~secret/token', '/etc/kubernetes/manifests/kube-apiserver.yaml'],
    windows: ['C:/ProgramData/docker/windowsfilter/5b2e/Files/Windows/System32/ntdll.dll'],
  },
  hypervisor: {
    unix: ['/var/lib/libvirt/images/web01.qcow2', '/vmfs/volumes/datastore1/db02/db02-flat.vmdk', '/var/lib/libvirt/images/mail01-disk1.qcow2'],
    windows: ['D:/Hyper-V/Virtual Hard Disks/web01.vhdx', 'D:/Hyper-V/Virtual Hard Disks/dc02.vhdx'],
  },
  iot: {
    unix: ['/data/sensors/2026/11/readings-0421.csv', '/opt/edge/config/device.json', '/var/lib/edge/queue/segment-000183.log'],
    windows: ['C:/EdgeData/sensors/readings-0421.csv'],
  },
  maildir: {
    unix: ['/var/vmail/example.com/jdoe/Maildir/cur/1795306485.M312P2201.mx1:2,S', '/var/vmail/example.com/sales/Maildir/new/1795306512.M87P2201.mx1', '/var/spool/postfix/deferred/4/4B2C1A3F09'],
    windows: ['D:/ExchangeDatabases/DB01/DB01.edb', 'D:/ExchangeDatabases/DB01/E00000012A4.log'],
  },
  sap: {
    unix: ['/hana/data/PRD/mnt00001/hdb00003/datavolume_0000.dat', '/usr/sap/PRD/D00/work/dev_w0', '/hana/log/PRD/mnt00001/hdb00002/logsegment_000_00000117.dat'],
    windows: ['D:/usr/sap/PRD/D00/work/dev_w0'],
  },
  web: {
    unix: ['/var/www/html/wp-content/uploads/2026/11/banner.jpg', '/var/www/nextcloud/data/jdoe/files/Documents/offer.odt', '/etc/nginx/sites-available/default'],
    windows: ['C:/inetpub/wwwroot/assets/site.css', 'C:/inetpub/logs/LogFiles/W3SVC1/u_ex261121.log'],
  },
  windows: {
    unix: ['/home/jdoe/Documents/report.odt'],
    windows: ['C:/Users/jdoe/Documents/Report Q3.docx', 'C:/Windows/NTDS/ntds.dit', 'C:/Windows/SYSVOL/domain/Policies/{31B2F340-016D-11D2-945F-00C04FB984F9}/GPT.INI', 'C:/Users/Public/Desktop/Portal.lnk'],
  },
  workstation: {
    unix: ['/home/jdoe/Documents/report.odt', '/home/jdoe/Pictures/2026/IMG_0042.jpg', '/Users/jdoe/Library/Mail/V10/MailData/Envelope Index', '/home/jdoe/.mozilla/firefox/x1y2.default/places.sqlite'],
    windows: ['C:/Users/jdoe/Documents/Report Q3.docx', 'C:/Users/jdoe/AppData/Roaming/Microsoft/Outlook/jdoe.pst', 'C:/Users/jdoe/Pictures/IMG_0042.jpg'],
  },
};

/** The file an FD is reading now: moves through the client's kind of tree as files go by. */
function processingFile(profile: Profile, j: JobRecord, files: number): string {
  const tree = TREE_PATHS[profile.file_tree] ?? TREE_PATHS.generic;
  const paths = profile.os === 'windows' ? tree.windows : tree.unix;
  const path = paths[(j.jobId + files) % paths.length];
  return j.type === 'R' && j.plan.where ? `${j.plan.where.replace(/\/$/, '')}/${path.replace(/^\/|^[A-Z]:\//, '')}` : path;
}

/** One entry of `.status client=<name> running`: a job the FD is serving, with live counts. */
export function clientRunningRow(w: World, client: ClientRecord, j: JobRecord) {
  const profile = w.profileOf(client);
  const p = w.progress(j);
  const start = j.startTime ?? j.createdAt;
  const seconds = Math.max(1, Math.floor((w.now - start) / 1000));
  // An Incremental or Differential looks at the whole tree to back up its changed share.
  const examined = j.type === 'B' ? Math.floor(p.files / (LEVEL_FACTOR[j.level as BackupLevel] ?? 1)) : p.files;
  return {
    jobid: j.jobId,
    job: w.uniqueName(j),
    vss: profile.os === 'windows' ? 1 : 0,
    level: statusLevel(j),
    type: j.type,
    status: 'R',
    starttime_epoch: epoch(start),
    starttime: w.zone.sql(start),
    jobfiles: p.files,
    jobbytes: p.bytes,
    bytes_sec: Math.floor(p.bytes / seconds),
    errors: j.jobErrors,
    bwlimit: 0,
    // Compression is not simulated: the FD reads what it sends.
    readbytes: p.bytes,
    readbytes_sec: Math.floor(p.bytes / seconds),
    files_examined: examined,
    // The real FD computes 100*(examined/expected) in integers: 0 until the restore is complete.
    ...(j.type === 'R' && j.plan.files > 0
      ? { expected_files: j.plan.files, percent_complete: 100 * Math.floor(examined / j.plan.files) }
      : {}),
    ...(p.files > 0 ? { processing_file: processingFile(profile, j, p.files) } : {}),
    // Socket counters the simulation does not model; TLS is on, as the job logs say.
    sdreadseqno: 6,
    fd: 6,
    sdtls: 1,
    dirtls: 1,
  };
}

// ------------------------------------------------------------------ Storage daemon

/** The volume a job is on after `bytes`, and how much of it the job has written or read so far. */
function volumeAt(j: JobRecord, bytes: number): { use: VolumeUse; done: number } | null {
  let before = 0;
  for (const [i, use] of j.volumes.entries()) {
    if (bytes < before + use.bytes || i === j.volumes.length - 1) return { use, done: Math.max(0, Math.min(use.bytes, bytes - before)) };
    before += use.bytes;
  }
  return null;
}

/** `.status storage=<name> header`. */
export function storageHeader(w: World, st: StorageRecord, counts: { run: number; running: number }) {
  return {
    name: DIRECTOR.sdName,
    version: versionText(),
    uname: DIRECTOR.buildOs,
    started_epoch: epoch(w.startedAt),
    started: w.zone.sql(w.startedAt),
    pid: pid(w, 1_000_000 + st.storageId),
    jobs_run: counts.run,
    jobs_running: counts.running,
    ndevices: 1,
    nautochgr: st.autoChanger ? 1 : 0,
    plugins: '',
    drivers: '',
    fips: 0,
    openssl: CRYPTO,
    debug: 0,
    trace: 0,
    tags: '',
  };
}

/** One entry of `.status storage=<name> running`: a job with a session on the SD, with live counts. */
export function storageRunningRow(w: World, st: StorageRecord, j: JobRecord) {
  const p = w.progress(j);
  const start = j.startTime ?? j.createdAt;
  const seconds = Math.max(1, Math.floor((w.now - start) / 1000));
  const bytes = sdBytes({ ...j, jobBytes: p.bytes, jobFiles: p.files });
  const at = volumeAt(j, p.bytes);
  const pool = at ? w.catalog.pool(w.catalog.mediaById(at.use.mediaId)?.poolId ?? 0)?.name ?? '' : '';
  const reads = j.type === 'R' || j.type === 'V';
  const side = (mine: boolean, value: string): string => (mine && at ? value : '');
  return {
    jobid: j.jobId,
    job: w.uniqueName(j),
    level: statusLevel(j),
    type: j.type,
    status: j.waitStatus ?? 'R',
    jobbytes: bytes,
    jobfiles: p.files,
    starttime_epoch: epoch(start),
    starttime: w.zone.sql(start),
    errors: j.jobErrors,
    newbsr: 0,
    read_volume: side(reads, at?.use.volumeName ?? ''),
    read_pool: side(reads, pool),
    read_device: side(reads, st.device),
    write_volume: side(!reads, at?.use.volumeName ?? ''),
    write_pool: side(!reads, pool),
    write_device: side(!reads, st.device),
    spooling: 0,
    despooling: 0,
    despool_wait: 0,
    avebytes_sec: Math.floor(bytes / seconds),
    lastbytes_sec: Math.floor(p.rate),
  };
}

/** What the running jobs of a storage do with its volumes: who writes, who reads, how far. */
interface VolumeActivity {
  media: MediaRecord;
  writers: number;
  readers: number;
  /** bytes the running writers have added so far */
  written: number;
}

export function volumeActivity(w: World, jobs: readonly JobRecord[]): VolumeActivity[] {
  const byId = new Map<number, VolumeActivity>();
  for (const j of jobs) {
    const at = volumeAt(j, w.progress(j).bytes);
    const media = at && w.catalog.mediaById(at.use.mediaId);
    if (!at || !media) continue;
    let a = byId.get(media.mediaId);
    if (!a) byId.set(media.mediaId, (a = { media, writers: 0, readers: 0, written: 0 }));
    if (j.type === 'B') {
      a.writers++;
      a.written += at.done;
    } else a.readers++;
  }
  return [...byId.values()];
}

/**
 * `.status storage=<name> devices`: the storage's File device. It shows the
 * volume of the first active job (one File device mounts one volume; every
 * volume in use is listed under `volumes`), and how full the disk is.
 */
export function deviceRow(w: World, st: StorageRecord, active: readonly VolumeActivity[], mediaWaits: number) {
  let used = 0;
  for (const m of w.catalog.media) if (m && m.storageId === st.storageId) used += m.volBytes;
  for (const a of active) used += a.written;
  // A disk with room to spare: the next whole TB above 125% of what the volumes hold, 16 TB at least.
  const total = Math.max(16 * TB, Math.ceil((used * 1.25) / TB) * TB);
  const a = active[0];
  const bytes = a ? a.media.volBytes + a.written : 0;
  const blocked = !a && mediaWaits > 0;
  return {
    name: st.device,
    archive_device: st.archiveDevice,
    type: 'File',
    media_type: st.mediaType,
    open: a || blocked ? 1 : 0,
    writers: active.reduce((n, v) => n + v.writers, 0),
    maximum_concurrent_jobs: st.maxConcurrentJobs,
    maximum_volume_size: 0,
    read_only: 0,
    autoselect: 1,
    enabled: 1,
    free_space: total - used,
    total_space: total,
    devno: 65_024,
    mounted: a ? 1 : 0,
    waiting: blocked ? 1 : 0,
    volume: a?.media.volumeName ?? '',
    pool: a ? w.catalog.pool(a.media.poolId)?.name ?? '' : '',
    blocked_desc: blocked ? 'Waiting for mount or create a volume' : '',
    blocked: blocked ? 1 : 0,
    append: a && a.writers > 0 ? 1 : 0,
    bytes,
    blocks: Math.floor(bytes / BLOCK),
    // A file volume is addressed as (file, block): the high and low 32 bits of the byte offset.
    file: Math.floor(bytes / FOUR_GB),
    block: bytes % FOUR_GB,
  };
}

/** One entry of the SD's "Used Volume status" (stored/vol_mgr.c list_volumes), as an object. */
export function usedVolumeRow(w: World, st: StorageRecord, a: VolumeActivity) {
  return {
    volume: a.media.volumeName,
    pool: w.catalog.pool(a.media.poolId)?.name ?? '',
    media_type: a.media.mediaType,
    device: st.device,
    archive_device: st.archiveDevice,
    reader: a.readers > 0 ? 1 : 0,
    writers: a.writers,
    reserves: 0,
    volinuse: 1,
    worm: 0,
    volbytes: a.media.volBytes + a.written,
  };
}

/** A terminated job as the SD lists it: its byte count includes block and record headers. */
/**
 * A job the FD ended: its own counts of what it sent. A canceled backup sent
 * part of its plan, which the catalog does not count (JobBytes 0) but the FD
 * does (the bytes on its volumes, and the files in proportion).
 */
export function clientTerminatedRow(w: World, j: JobRecord) {
  if (j.jobStatus !== 'A' || j.type !== 'B' || !j.plan.bytes) return terminatedRow(w, j);
  const sent = j.volumes.reduce((n, v) => n + v.bytes, 0);
  return terminatedRow(w, j, sent, Math.round(j.plan.files * (sent / j.plan.bytes)));
}

export function storageTerminatedRow(w: World, j: JobRecord) {
  return terminatedRow(w, j, sdBytes(j));
}

// ------------------------------------------------------------------ engine events (/mock/events)

/** `job.status`: the Job row, the letter `status director` now shows, the one before and its text. */
export function jobStatusEvent(w: World, j: JobRecord, status: string, previous: string) {
  return { ...jobRow(w, j), status, previous, status_desc: liveStatusDesc(w, j, status) };
}

/** `job.log`: the Log row, with the job's unique name and client. */
export function jobLogEvent(w: World, j: JobRecord, logId: number) {
  const time = w.catalog.log.time[logId - 1] * 1000;
  return { ...logRow(w, logId, j.jobId, time, w.logText(logId)), job: w.uniqueName(j), client: w.catalog.client(j.clientId)?.name ?? null };
}

/** `job.progress`: a running job's live counts, as the Director's running list has them. */
export function jobProgressEvent(w: World, j: JobRecord) {
  const p = w.progress(j);
  const start = j.startTime ?? j.createdAt;
  return {
    jobid: j.jobId,
    job: w.uniqueName(j),
    name: j.name,
    client: w.catalog.client(j.clientId)?.name ?? null,
    type: j.type,
    level: j.level,
    jobstatus: j.jobStatus,
    status: liveStatus(w, j),
    starttime: w.zone.sql(start),
    jobfiles: p.files,
    jobbytes: p.bytes,
    bytes_sec: Math.floor(p.bytes / Math.max(1, Math.floor((w.now - start) / 1000))),
    // Share of the planned bytes (files for a Verify, which writes none) moved so far.
    percent: Math.min(100, Math.floor((100 * (j.type === 'V' ? p.files : p.bytes)) / Math.max(1, j.type === 'V' ? j.plan.files : j.plan.bytes))),
  };
}
