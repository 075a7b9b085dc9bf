import type { Profile } from './profiles.js';
import type { Rng } from './random.js';
import type { BackupLevel, DaemonMessage, JobLevel, JobPlan, JobRecord, JobType } from './types.js';

/** Share of a Full that a Differential and an Incremental write (manual §6.2). */
export const LEVEL_FACTOR: Record<BackupLevel, number> = { F: 1.0, D: 0.3, I: 0.1 };
/** A failed job gets this far: files and bytes × U(0.2, 0.8) (manual §6.2). */
export const FAILED_FACTOR = { min: 0.2, max: 0.8 } as const;
/** Shared by every plan with no warnings or sources: a million jobs need not hold a million empty arrays. */
const NONE: never[] = Object.freeze([]) as unknown as never[];
/** Of the jobs that do not fail, this share of the error rate ends OK with warnings. */
const WARNING_SHARE = 0.2;
/** Of the failing jobs, this share first spends time retrying an unreachable client. */
const CONNECT_RETRY_SHARE = 0.3;

export interface PlanRequest {
  type: JobType;
  level: JobLevel;
  profile: Profile;
  errorRate: number;
  rng: Rng;
  /** the client has a successful Full in the catalog */
  hasFull: boolean;
  lastFullStart: number | null;
  lastAnyStart: number | null;
  /** Restore / Verify: the backups read */
  sourceJobs: JobRecord[];
  where: string;
}

/**
 * Draws a job's whole plan once, from its own random stream and its client's
 * profile: level (upgraded to Full when no Full exists), outcome, size, speed.
 */
export function planJob(req: PlanRequest): { plan: JobPlan; level: JobLevel } {
  const { rng, profile } = req;
  const plan: JobPlan = {
    outcome: 'T', files: 0, bytes: 0, rate: rng.between(profile.throughput_min, profile.throughput_max),
    failure: null, warnings: NONE, connectRetry: 0, upgradedFrom: null, since: null,
    sourceJobIds: req.sourceJobs.length ? req.sourceJobs.map((j) => j.jobId) : NONE, where: req.where, setup: rng.int(2, 15),
  };
  let level = req.level;
  if (req.type === 'B') {
    if (!req.hasFull && level !== 'F') {
      plan.upgradedFrom = level as BackupLevel;
      level = 'F';
    }
    if (level === 'I') plan.since = req.lastAnyStart;
    if (level === 'D') plan.since = req.lastFullStart;
    const factor = LEVEL_FACTOR[level as BackupLevel];
    let files = rng.between(profile.typical_files_min, profile.typical_files_max) * factor;
    let bytes = rng.between(profile.typical_bytes_min, profile.typical_bytes_max) * factor;
    if (rng.chance(req.errorRate)) {
      plan.failure = rng.pick(profile.error_types);
      plan.outcome = outcomeOf(plan.failure.message);
      const got = rng.between(FAILED_FACTOR.min, FAILED_FACTOR.max);
      files *= got;
      bytes *= got;
      if (rng.chance(CONNECT_RETRY_SHARE)) plan.connectRetry = rng.int(20, 300);
    } else if (profile.warning_types.length && rng.chance(req.errorRate * WARNING_SHARE)) {
      plan.outcome = 'W';
      const n = rng.int(1, Math.min(3, profile.warning_types.length));
      plan.warnings = Array.from({ length: n }, () => rng.pick(profile.warning_types));
    }
    plan.files = Math.max(1, Math.round(files));
    plan.bytes = Math.max(1, Math.round(bytes));
  } else if (req.type === 'R' || req.type === 'V') {
    plan.files = req.sourceJobs.reduce((n, j) => n + j.jobFiles, 0);
    plan.bytes = req.sourceJobs.reduce((n, j) => n + j.jobBytes, 0);
    if (req.type === 'R' && rng.chance(req.errorRate * 0.5)) {
      plan.outcome = 'E';
      plan.warnings = Array.from({ length: rng.int(1, 12) }, (_, i) => restoreError(req.where, i));
      plan.bytes = 0;
    }
  }
  return { plan, level };
}

/**
 * How a failure message ends a job: the Director cancels a job that waited past
 * its Max Wait Time (`... Job canceled.`, status A), a `Fatal error:` is `f`,
 * any other error `E`.
 */
function outcomeOf(message: string): JobPlan['outcome'] {
  if (/Job canceled\.$/.test(message)) return 'A';
  return message.startsWith('Fatal error') ? 'f' : 'E';
}

function restoreError(where: string, i: number): DaemonMessage {
  return i % 3 === 2
    ? { daemon: 'fd', message: `Error: create_file.c:227 Could not create ${where}/restore-${i}: ERR=Not a directory` }
    : { daemon: 'fd', message: `Error: mkpath.c:144 ${where} exists but is not a directory.` };
}
