import { bytesReport, hms, kbRate, reportLine, utime, withCommas, withSuffix, type ZoneClock } from './format.js';
import { VOLUME_LABEL_BYTES } from './catalog.js';
import type { Step } from './timeline.js';
import type {
  ClientRecord, DaemonMessage, FileSetRecord, JobRecord, PoolRecord, StorageRecord,
} from './types.js';

/** The Director this world pretends to be. */
export const DIRECTOR = {
  name: 'bacula-dir',
  version: '13.0.3',
  date: '02May23',
  longDate: '02 May 2023',
  buildOs: 'x86_64-pc-linux-gnu debian 11',
  catalog: 'MyCatalog',
  sdName: 'bacula-sd',
} as const;

/** What rendering a log line needs to know about the rest of the world. */
export interface LogContext {
  zone: ZoneClock;
  client(clientId: number): ClientRecord | undefined;
  storage(storageId: number): StorageRecord | undefined;
  pool(poolId: number): PoolRecord | undefined;
  fileset(filesetId: number): FileSetRecord | undefined;
  job(jobId: number): JobRecord | undefined;
}

/** `BackupClient1.2026-11-21_23.05.00_07`: the unique Job name. */
export function uniqueJobName(job: Pick<JobRecord, 'name' | 'schedTime' | 'createdAt' | 'seq'>, zone: ZoneClock): string {
  return `${job.name.replace(/ /g, '_')}.${zone.jobStamp(job.createdAt)}_${String(job.seq).padStart(2, '0')}`;
}

export const LEVEL_NAMES: Record<string, string> = {
  F: 'Full', I: 'Incremental', D: 'Differential', O: 'VolumeToCatalog', ' ': '',
};

const TYPE_WORD: Record<string, string> = { B: 'Backup', R: 'Restore', V: 'Verify', D: 'Admin' };

/** Daemon name and message of one log row: `bacula-dir JobId 12: <text>\n`. */
export function renderLogText(ctx: LogContext, job: JobRecord, step: Step): string {
  const [daemon, text] = renderLine(ctx, job, step);
  return `${daemon} JobId ${job.jobId}: ${text}\n`;
}

function fdName(client: ClientRecord | undefined): string {
  return `${client?.name ?? 'unknown'}-fd`;
}

function device(st: StorageRecord | undefined): string {
  return `"${st?.device ?? 'FileStorage'}" (${st?.archiveDevice ?? '/opt/bacula/archive'})`;
}

function fromDaemon(ctx: LogContext, job: JobRecord, m: DaemonMessage): [string, string] {
  const who = m.daemon === 'dir' ? DIRECTOR.name : m.daemon === 'sd' ? DIRECTOR.sdName : fdName(ctx.client(job.clientId));
  return [who, m.message];
}

function renderLine(ctx: LogContext, job: JobRecord, step: Step): [string, string] {
  const dir = DIRECTOR.name;
  const sd = DIRECTOR.sdName;
  const client = ctx.client(job.clientId);
  const st = ctx.storage(job.storageId);
  const vol = job.volumes[step.arg];
  const name = uniqueJobName(job, ctx.zone);
  const plan = job.plan;
  switch (step.line) {
    case 'waitStartTime':
      return [dir, `Job ${name} waiting ${Math.round((job.schedTime - job.createdAt) / 1000)} seconds for scheduled start time.`];
    case 'upgraded':
      return [dir, 'No prior or suitable Full backup found in catalog. Doing FULL backup.'];
    case 'start':
      return [dir, `Start Backup JobId ${job.jobId}, Job=${name}`];
    case 'connStorage':
      return [dir, `Connected to Storage "${st?.name ?? 'File'}" at ${st?.address ?? sd}:${st?.port ?? 9103} with TLS`];
    case 'createdVolume':
      return [dir, `Created new Volume="${vol.volumeName}", Pool="${ctx.pool(job.poolId)?.name ?? ''}", MediaType="${st?.mediaType ?? 'File'}" in catalog.`];
    case 'useDevice':
      return [dir, `Using Device "${st?.device ?? 'FileStorage'}" to write.`];
    case 'useDeviceRead':
      return [dir, `Using Device "${st?.device ?? 'FileStorage'}" to read.`];
    case 'mediaWait': {
      const pool = ctx.pool(job.poolId)?.name ?? '';
      return [sd, `Job ${name} is waiting. Cannot find any appendable volumes.\n`
        + 'Please use the "label" command to create a new Volume for:\n'
        + `    Storage:      ${device(st)}\n    Pool:         ${pool}\n    Media type:   ${st?.mediaType ?? 'File'}`];
    }
    case 'connectRetry':
      return [dir, `Warning: bsockcore.c:258 Could not connect to Client: ${client?.name} on ${client?.address}:9102. ERR=Connection refused\nRetrying ...`];
    case 'connClient':
      return [dir, `Connected to Client "${client?.name}" at ${client?.address}:9102 with TLS`];
    case 'fdConnStorage':
      return [fdName(client), `Connected to Storage at ${st?.address ?? sd}:${st?.port ?? 9103} with TLS`];
    case 'labeled':
      return [sd, `Labeled new Volume "${vol.volumeName}" on File device ${device(st)}.`];
    case 'wroteLabel':
      return [sd, `Wrote label to prelabeled Volume "${vol.volumeName}" on File device ${device(st)}`];
    case 'previouslyWritten':
      return [sd, `Volume "${vol.volumeName}" previously written, moving to end of data.`];
    case 'readyAppend':
      return [sd, `Ready to append to end of Volume "${vol.volumeName}" size=${withCommas(vol.sizeBefore)}`];
    case 'warning':
      return fromDaemon(ctx, job, plan.warnings[step.arg]);
    case 'endOfMedium': {
      const bytes = vol.sizeBefore + vol.bytes;
      return [sd, `End of medium on Volume "${vol.volumeName}" Bytes=${withCommas(bytes)} Blocks=${withCommas(Math.ceil(bytes / 64512))} at ${ctx.zone.report(step.at).slice(0, 17)}.`];
    }
    case 'newVolumeMounted':
      return [sd, `New volume "${vol.volumeName}" mounted on device ${device(st)} at ${ctx.zone.report(step.at).slice(0, 17)}.`];
    case 'failure':
      return fromDaemon(ctx, job, plan.failure ?? { daemon: 'dir', message: 'Fatal error: Network error with FD during Backup: ERR=Connection reset by peer' });
    case 'sdElapsed': {
      // What the SD measured when it was done, from what the job is known to move at that moment
      // (the line must read the same when written and when read again later).
      const secs = Math.max(1, Math.round((step.at - (job.startTime ?? step.at)) / 1000));
      const moved = job.type === 'B' ? job.volumes.reduce((n, v) => n + v.bytes, 0) : plan.bytes;
      return [sd, `Elapsed time=${hms(secs)}, Transfer rate=${withSuffix(moved / secs)} Bytes/second`];
    }
    case 'despool':
      return [sd, `Sending spooled attrs to the Director. Despooling ${withCommas(plan.files * 235)} bytes ...`];
    case 'report':
      return [dir, report(ctx, job, step)];
    case 'pruneBegin':
      return [dir, `Begin pruning Jobs older than ${utime(client?.jobRetention ?? 15552000)}.`];
    case 'pruneNoJobs':
      return [dir, 'No Jobs found to prune.'];
    case 'pruneFiles':
      return [dir, 'Begin pruning Files.'];
    case 'pruneNoFiles':
      return [dir, 'No Files found to prune.'];
    case 'pruneEnd':
      return [dir, 'End auto prune.'];
    case 'restoreStart':
      return [dir, `Start Restore Job ${name}`];
    case 'restoringFrom':
      return [dir, `Restoring files from JobId(s) ${plan.sourceJobIds.join(',')}`];
    case 'readyRead':
      return [sd, `Ready to read from volume "${vol.volumeName}" on File device ${device(st)}.`];
    case 'forwardSpacing':
      return [sd, `Forward spacing Volume "${vol.volumeName}" to addr=${vol.sizeBefore}`];
    case 'endOfVolume':
      return [sd, `End of Volume "${vol.volumeName}" at addr=${vol.sizeBefore + vol.bytes} on device ${device(st)}.`];
    case 'restoreError':
      return fromDaemon(ctx, job, plan.warnings[step.arg]);
    case 'verifyAgainst': {
      const src = ctx.job(plan.sourceJobIds[0]);
      return [dir, `Verifying against JobId=${plan.sourceJobIds[0]} Job=${src ? uniqueJobName(src, ctx.zone) : ''}`];
    }
    case 'verifyStart':
      return [dir, `Start Verify JobId=${job.jobId} Level=${LEVEL_NAMES[job.level]} Job=${name}`];
    case 'adminStart':
      return [dir, `Start Admin JobId ${job.jobId}, Job=${name}`];
    default:
      return [dir, ''];
  }
}

/** SD bytes include block and record headers: a little more than the FD sent. */
export function sdBytes(job: JobRecord): number {
  return job.jobBytes === 0 ? 0 : job.jobBytes + job.jobFiles * 131 + VOLUME_LABEL_BYTES;
}

function termination(job: JobRecord): { word: string; fd: string; sd: string; error: boolean } {
  const type = TYPE_WORD[job.type];
  switch (job.jobStatus) {
    case 'A':
      return { word: `${type} Canceled`, fd: job.startTime === null ? '' : 'Canceled', sd: job.startTime === null ? '' : 'Canceled', error: false };
    case 'E':
    case 'f':
      return { word: `*** ${type} Error ***`, fd: 'Error', sd: job.type === 'R' ? 'OK' : 'Error', error: true };
    default:
      return {
        word: job.jobErrors > 0 ? `${type} OK -- with warnings` : `${type} OK`,
        fd: 'OK', sd: 'OK', error: false,
      };
  }
}

/** The termination report, one multi-line Log row (dird/backup.c, restore.c, verify.c, admin.c). */
function report(ctx: LogContext, job: JobRecord, step: Step): string {
  const z = ctx.zone;
  const client = ctx.client(job.clientId);
  const term = termination(job);
  const start = job.startTime ?? step.at;
  const end = job.endTime ?? step.at;
  const elapsed = Math.max(1, Math.round((end - start) / 1000));
  const name = uniqueJobName(job, z);
  const head = `${term.error ? 'Error: ' : ''}Bacula ${DIRECTOR.name} ${DIRECTOR.version} (${DIRECTOR.date}):`;
  const L = reportLine;
  if (job.type === 'D') {
    return [
      `Bacula ${DIRECTOR.version} (${DIRECTOR.date}): ${z.report(end)}`,
      L('JobId', job.jobId), L('Job', name), L('Scheduled time', z.report(job.schedTime)),
      L('Start time', z.report(start)), L('End time', z.report(end)), L('Termination', term.word), '',
    ].join('\n');
  }
  if (job.type === 'R') {
    return [
      head, L('Build OS', DIRECTOR.buildOs), L('JobId', job.jobId), L('Job', name),
      L('Restore Client', `"${client?.name}" ${client?.uname ?? ''}`), L('Where', job.plan.where),
      L('Replace', 'Always'), L('Start time', z.report(start)), L('End time', z.report(end)),
      L('Elapsed time', utime(elapsed)), L('Files Expected', withCommas(job.plan.files)),
      L('Files Restored', withCommas(job.jobFiles)), L('Bytes Restored', bytesReport(job.jobBytes)),
      L('Rate', kbRate(job.jobBytes, elapsed)), L('FD Errors', job.jobErrors),
      L('FD termination status', term.fd), L('SD termination status', term.sd), L('Termination', term.word), '',
    ].join('\n');
  }
  if (job.type === 'V') {
    const src = ctx.job(job.plan.sourceJobIds[0]);
    return [
      head, L('Build OS', DIRECTOR.buildOs), L('JobId', job.jobId), L('Job', name),
      L('FileSet', ctx.fileset(src?.filesetId ?? 0)?.fileset ?? ''), L('Verify Level', LEVEL_NAMES[job.level]),
      L('Client', client?.name ?? ''), L('Verify JobId', job.plan.sourceJobIds[0] ?? 0), L('Verify Job', src?.name ?? ''),
      L('Start time', z.report(start)), L('End time', z.report(end)), L('Elapsed time', utime(elapsed)),
      L('Accurate', 'yes'), L('Files Expected', withCommas(job.plan.files)), L('Files Examined', withCommas(job.jobFiles)),
      L('Non-fatal FD errors', job.jobErrors), L('SD Errors', 0),
      L('FD termination status', term.fd), L('SD termination status', term.sd), L('Termination', term.word), '',
    ].join('\n');
  }
  const fs = ctx.fileset(job.filesetId);
  const pool = ctx.pool(job.poolId);
  const st = ctx.storage(job.storageId);
  const since = job.plan.since !== null ? `, since=${z.sql(job.plan.since)}` : '';
  const upgraded = job.plan.upgradedFrom ? ` (upgraded from ${LEVEL_NAMES[job.plan.upgradedFrom]})` : '';
  const started = job.startTime !== null;
  const lastVol = job.volumes[job.volumes.length - 1];
  const written = job.jobStatus === 'A' ? 0 : job.jobBytes;
  const sdb = sdBytes(job);
  return [
    head, L('Build OS', DIRECTOR.buildOs), L('JobId', job.jobId), L('Job', name),
    L('Backup Level', `${LEVEL_NAMES[job.level]}${since}${upgraded}`),
    L('Client', `"${client?.name}" ${client?.uname ?? ''}`),
    L('FileSet', `"${fs?.fileset ?? ''}" ${fs ? z.sql(fs.createTime) : ''}`),
    L('Pool', `"${pool?.name ?? ''}" (From ${job.poolSource})`),
    L('Catalog', `"${DIRECTOR.catalog}" (From Client resource)`),
    L('Storage', `"${st?.name ?? ''}" (From Job resource)`),
    L('Scheduled time', z.report(job.schedTime)), L('Start time', z.report(start)), L('End time', z.report(end)),
    L('Elapsed time', utime(elapsed)), L('Priority', job.priority),
    L('FD Files Written', withCommas(job.jobFiles)), L('SD Files Written', withCommas(job.jobFiles)),
    L('FD Bytes Written', bytesReport(written)), L('SD Bytes Written', bytesReport(sdb)),
    L('Rate', kbRate(written, elapsed)), L('Software Compression', 'None'),
    L('Comm Line Compression', written ? `${(1 + (job.jobId % 30) / 10).toFixed(1)}% 1.0:1` : 'None'),
    // A Windows File daemon snapshots with VSS.
    L('Snapshot/VSS', /Win(32|64)/.test(client?.uname ?? '') ? 'yes' : 'no'), L('Encryption', 'no'), L('Accurate', 'no'),
    L('Volume name(s)', started ? job.volumes.map((v) => v.volumeName).join('|') : ''),
    L('Volume Session Id', job.volSessionId), L('Volume Session Time', job.volSessionTime),
    L('Last Volume Bytes', bytesReport(started && lastVol ? lastVol.sizeBefore + (job.jobStatus === 'A' ? 0 : lastVol.bytes) : 0)),
    L('Non-fatal FD errors', job.jobErrors), L('SD Errors', 0),
    L('FD termination status', term.fd), L('SD termination status', term.sd), L('Termination', term.word), '',
  ].join('\n');
}
