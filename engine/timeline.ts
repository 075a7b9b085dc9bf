import { stream } from './random.js';
import type { JobRecord } from './types.js';

/** A log line a job writes; joblog.ts renders its text. */
export type LineKind =
  | 'waitStartTime' | 'upgraded' | 'start' | 'connStorage' | 'createdVolume' | 'useDevice'
  | 'mediaWait' | 'connectRetry' | 'connClient' | 'fdConnStorage'
  | 'labeled' | 'wroteLabel' | 'previouslyWritten' | 'readyAppend'
  | 'warning' | 'endOfMedium' | 'newVolumeMounted' | 'failure'
  | 'sdElapsed' | 'despool' | 'report'
  | 'pruneBegin' | 'pruneNoJobs' | 'pruneFiles' | 'pruneNoFiles' | 'pruneEnd'
  | 'restoreStart' | 'restoringFrom' | 'useDeviceRead' | 'readyRead' | 'forwardSpacing' | 'endOfVolume'
  | 'restoreError' | 'verifyAgainst' | 'verifyStart' | 'adminStart';

/** A change of the job's state the agenda applies when the step's time comes. */
export type StateKind = 'waitClient' | 'connected' | 'volumeFull' | 'transfer' | 'end';

export interface Step {
  /** virtual ms */
  at: number;
  line?: LineKind;
  state?: StateKind;
  /** volume index, warning index, ... */
  arg: number;
}

/** Where the data phase of a job sits in time: progress is interpolated between these. */
export interface DataPhase {
  start: number;
  end: number;
}

const PRUNE: readonly LineKind[] = ['pruneBegin', 'pruneNoJobs', 'pruneFiles', 'pruneNoFiles', 'pruneEnd'];

/**
 * The whole life of a job as timed steps, derived only from the job record and
 * the world seed: the agenda plays it, and the log text of any past row is
 * rendered again from it. Steps are in time order; the order never changes
 * once a step has been played (a cancel only cuts the tail and appends).
 */
export function timeline(job: JobRecord, seed: number): Step[] {
  const steps: Step[] = [];
  // Every step has the same four fields (one hidden class): the agenda reads millions of them.
  const add = (at: number, line: LineKind, arg = 0): void => void steps.push({ at, line, state: undefined, arg });
  const state = (at: number, kind: StateKind, arg = 0): void => void steps.push({ at, line: undefined, state: kind, arg });

  if (job.createdAt < job.schedTime) add(job.createdAt, 'waitStartTime');
  if (job.startTime !== null) {
    const rng = stream(seed, 'timeline', job.jobId);
    const s = job.startTime;
    let end: number;
    switch (job.type) {
      case 'B':
        end = backupSteps(job, s, rng.int(1, 3) * 1000, add, state);
        break;
      case 'R':
      case 'V':
        end = readSteps(job, s, add, state);
        break;
      default:
        add(s, 'adminStart');
        end = s + rng.int(1, 5) * 1000;
        break;
    }
    if (end !== Infinity) {
      state(end, 'end');
      add(end, 'report');
      if (job.plan.outcome === 'T' || job.plan.outcome === 'W' || job.type === 'R') {
        for (const line of PRUNE) add(end, line);
      }
    }
  }
  sortByTime(steps);
  if (job.canceledAt !== null) return cutAtCancel(steps, job.canceledAt, job.startTime !== null);
  return steps;
}

/** Stable insertion sort: steps come nearly in order, and equal times must keep theirs. */
function sortByTime(steps: Step[]): void {
  for (let i = 1; i < steps.length; i++) {
    const s = steps[i];
    let j = i - 1;
    while (j >= 0 && steps[j].at > s.at) {
      steps[j + 1] = steps[j];
      j--;
    }
    steps[j + 1] = s;
  }
}

/** The data phase of a running job, or null before it is known. */
export function dataPhase(steps: readonly Step[]): DataPhase | null {
  const t = steps.find((s) => s.state === 'transfer');
  return t ? { start: t.at, end: t.at + t.arg } : null;
}

type Add = (at: number, line: LineKind, arg?: number) => void;
type State = (at: number, kind: StateKind, arg?: number) => void;

function backupSteps(job: JobRecord, s: number, connectDelay: number, add: Add, state: State): number {
  const plan = job.plan;
  const vols = job.volumes;
  if (plan.upgradedFrom) add(s, 'upgraded');
  add(s, 'start');
  add(s, 'connStorage');
  if (job.mediaWait) {
    // The volume lines come when a volume could be had, after the wait.
    add(s, 'useDevice');
    add(s, 'mediaWait');
    if (job.mediaWait.until === null) return Infinity;
    s = job.mediaWait.until;
    if (vols[0]?.created) add(s, 'createdVolume', 0);
  } else {
    if (vols[0]?.created) add(s, 'createdVolume', 0);
    add(s, 'useDevice');
  }
  let c = s + connectDelay;
  if (plan.connectRetry > 0) {
    state(s, 'waitClient');
    add(s + Math.min(plan.connectRetry * 1000, 10_000), 'connectRetry');
    c += plan.connectRetry * 1000;
    state(c, 'connected');
  }
  add(c, 'connClient');
  add(c, 'fdConnStorage');
  openVolume(job, 0, c, add);
  const d0 = c + plan.setup * 1000;
  const transfer = Math.max(1000, Math.round((plan.bytes / plan.rate) * 1000));
  const d1 = d0 + transfer;
  state(d0, 'transfer', transfer);
  plan.warnings.forEach((_, i) => add(d0 + Math.floor(((i + 1) / (plan.warnings.length + 1)) * transfer), 'warning', i));
  let written = 0;
  for (let i = 1; i < vols.length; i++) {
    written += vols[i - 1].bytes;
    const at = d0 + Math.floor((written / Math.max(1, plan.bytes)) * transfer);
    state(at, 'volumeFull', i - 1);
    add(at, 'endOfMedium', i - 1);
    if (vols[i].created) add(at, 'createdVolume', i);
    openVolume(job, i, at, add);
    add(at, 'newVolumeMounted', i);
  }
  const failing = plan.outcome === 'E' || plan.outcome === 'f' || plan.outcome === 'A';
  if (failing) add(d1, 'failure');
  add(d1 + 1000, 'sdElapsed');
  if (!failing) add(d1 + 1000, 'despool');
  // Despooling attributes takes about a second per 100,000 files.
  return d1 + 2000 + (failing ? 0 : Math.floor(plan.files / 100)) ;
}

function openVolume(job: JobRecord, i: number, at: number, add: Add): void {
  if (job.volumes[i].created) {
    add(at, 'labeled', i);
    add(at, 'wroteLabel', i);
  } else {
    add(at, 'previouslyWritten', i);
    add(at, 'readyAppend', i);
  }
}

function readSteps(job: JobRecord, s: number, add: Add, state: State): number {
  const plan = job.plan;
  if (job.type === 'R') {
    add(s, 'restoreStart');
    add(s, 'restoringFrom');
  } else {
    add(s, 'verifyAgainst');
    add(s, 'verifyStart');
  }
  add(s, 'connStorage');
  add(s, 'useDeviceRead');
  const c = s + 1000;
  if (job.type === 'R') {
    add(c, 'connClient');
    add(c, 'fdConnStorage');
  }
  const d0 = c + plan.setup * 1000;
  const volumeBytes = job.volumes.reduce((n, v) => n + v.bytes, 0) || 1;
  const transfer = Math.max(1000, Math.round((volumeBytes / plan.rate) * 1000));
  state(d0, 'transfer', transfer);
  let read = 0;
  job.volumes.forEach((v, i) => {
    const at = d0 + Math.floor((read / volumeBytes) * transfer);
    read += v.bytes;
    add(at, 'readyRead', i);
    add(at, 'forwardSpacing', i);
    if (i < job.volumes.length - 1) add(d0 + Math.floor((read / volumeBytes) * transfer), 'endOfVolume', i);
  });
  const d1 = d0 + transfer;
  if (plan.outcome === 'E' || plan.outcome === 'f') {
    plan.warnings.forEach((_, i) => add(d1, 'restoreError', i));
  }
  add(d1 + 1000, 'sdElapsed');
  return d1 + 1000;
}

function cutAtCancel(steps: Step[], at: number, started: boolean): Step[] {
  const kept = steps.filter((s) => s.at <= at && s.state !== 'end' && s.line !== 'report' && !PRUNE.includes(s.line!));
  if (started) kept.push({ at, line: 'sdElapsed', state: undefined, arg: 0 });
  kept.push({ at, line: undefined, state: 'end', arg: 0 }, { at, line: 'report', state: undefined, arg: 0 });
  return kept;
}
