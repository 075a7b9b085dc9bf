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

/** One step, as a reader sees it (log rendering); the timeline itself stores numbers. */
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

const LINE_KINDS: readonly LineKind[] = [
  'waitStartTime', 'upgraded', 'start', 'connStorage', 'createdVolume', 'useDevice', 'mediaWait', 'connectRetry',
  'connClient', 'fdConnStorage', 'labeled', 'wroteLabel', 'previouslyWritten', 'readyAppend', 'warning', 'endOfMedium',
  'newVolumeMounted', 'failure', 'sdElapsed', 'despool', 'report', 'pruneBegin', 'pruneNoJobs', 'pruneFiles',
  'pruneNoFiles', 'pruneEnd', 'restoreStart', 'restoringFrom', 'useDeviceRead', 'readyRead', 'forwardSpacing',
  'endOfVolume', 'restoreError', 'verifyAgainst', 'verifyStart', 'adminStart',
];
const STATE_KINDS: readonly StateKind[] = ['waitClient', 'connected', 'volumeFull', 'transfer', 'end'];
/** Step codes: a line kind's index, or STATE_BASE + a state kind's index. */
const STATE_BASE = 64;
const LINE_CODE = Object.fromEntries(LINE_KINDS.map((k, i) => [k, i])) as Record<LineKind, number>;
const STATE_CODE = Object.fromEntries(STATE_KINDS.map((k, i) => [k, STATE_BASE + i])) as Record<StateKind, number>;
const END = STATE_CODE.end;
const TRANSFER = STATE_CODE.transfer;
const REPORT = LINE_CODE.report;

/**
 * Steps being drawn up, in one scratch buffer reused by every timeline (they
 * are built one at a time): the timeline then gets an array of exactly its
 * size, allocated once.
 */
class Draft {
  private buf = new Float64Array(3 * 128);
  private n = 0;

  add(at: number, line: LineKind, arg = 0): void {
    this.put(at, LINE_CODE[line], arg);
  }

  state(at: number, kind: StateKind, arg = 0): void {
    this.put(at, STATE_CODE[kind], arg);
  }

  /** The steps drawn up, sorted by time (stable: equal times keep their order); the draft is empty again. */
  done(): Timeline {
    const b = this.buf;
    const n = this.n;
    for (let i = 3; i < n; i += 3) {
      const at = b[i], code = b[i + 1], arg = b[i + 2];
      let j = i - 3;
      while (j >= 0 && b[j] > at) {
        b[j + 3] = b[j]; b[j + 4] = b[j + 1]; b[j + 5] = b[j + 2];
        j -= 3;
      }
      b[j + 3] = at; b[j + 4] = code; b[j + 5] = arg;
    }
    const d: number[] = new Array(n);
    for (let i = 0; i < n; i++) d[i] = b[i];
    this.n = 0;
    return new Timeline(d);
  }

  private put(at: number, code: number, arg: number): void {
    if (this.n + 3 > this.buf.length) {
      const bigger = new Float64Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.n++] = at;
    this.buf[this.n++] = code;
    this.buf[this.n++] = arg;
  }
}

const draft = new Draft();

/**
 * A job's steps packed in one array of numbers, three per step (time, code,
 * argument): the engine makes one timeline per job, millions while a history
 * fills, and one array is far less for the garbage collector than an object
 * per step.
 */
export class Timeline {
  /** at, code, arg of step 0, then of step 1, ... */
  private readonly d: number[];

  constructor(d: number[] = []) {
    this.d = d;
  }

  get length(): number {
    return this.d.length / 3;
  }

  /** virtual ms of step i */
  at(i: number): number {
    return this.d[i * 3];
  }

  line(i: number): LineKind | undefined {
    const c = this.d[i * 3 + 1];
    return c < STATE_BASE ? LINE_KINDS[c] : undefined;
  }

  state(i: number): StateKind | undefined {
    const c = this.d[i * 3 + 1];
    return c >= STATE_BASE ? STATE_KINDS[c - STATE_BASE] : undefined;
  }

  isState(i: number): boolean {
    return this.d[i * 3 + 1] >= STATE_BASE;
  }

  arg(i: number): number {
    return this.d[i * 3 + 2];
  }

  /** Step i as an object, for a reader. */
  step(i: number): Step {
    return { at: this.at(i), line: this.line(i), state: this.state(i), arg: this.arg(i) };
  }

  push(at: number, code: number, arg: number): void {
    this.d.push(at, code, arg);
  }

  /** The steps up to `at` that are not the ending (end, report, pruning), as a new timeline. */
  cutAt(at: number): Timeline {
    const d = this.d;
    const kept: number[] = [];
    for (let i = 0; i < d.length; i += 3) {
      const code = d[i + 1];
      if (d[i] <= at && code !== END && code !== REPORT && !PRUNE_CODES.includes(code)) kept.push(d[i], code, d[i + 2]);
    }
    return new Timeline(kept);
  }

  /** The data phase, or null before it is known. */
  dataPhase(): DataPhase | null {
    const d = this.d;
    for (let i = 0; i < d.length; i += 3) if (d[i + 1] === TRANSFER) return { start: d[i], end: d[i] + d[i + 2] };
    return null;
  }
}

const PRUNE: readonly LineKind[] = ['pruneBegin', 'pruneNoJobs', 'pruneFiles', 'pruneNoFiles', 'pruneEnd'];
const PRUNE_CODES: readonly number[] = PRUNE.map((k) => LINE_CODE[k]);

/**
 * The whole life of a job as timed steps, derived only from the job record and
 * the world seed: the agenda plays it, and the log text of any past row is
 * rendered again from it. Steps are in time order; the order never changes
 * once a step has been played (a cancel only cuts the tail and appends).
 */
export function timeline(job: JobRecord, seed: number): Timeline {

  if (job.createdAt < job.schedTime) draft.add(job.createdAt, 'waitStartTime');
  if (job.startTime !== null) {
    const rng = stream(seed, 'timeline', job.jobId);
    const s = job.startTime;
    let end: number;
    switch (job.type) {
      case 'B':
        end = backupSteps(job, s, rng.int(1, 3) * 1000);
        break;
      case 'R':
      case 'V':
        end = readSteps(job, s);
        break;
      default:
        draft.add(s, 'adminStart');
        end = s + rng.int(1, 5) * 1000;
        break;
    }
    if (end !== Infinity) {
      draft.state(end, 'end');
      draft.add(end, 'report');
      if (job.plan.outcome === 'T' || job.plan.outcome === 'W' || job.type === 'R') {
        for (const line of PRUNE) draft.add(end, line);
      }
    }
  }
  const steps = draft.done();
  if (job.canceledAt !== null) return cutAtCancel(steps, job.canceledAt, job.startTime !== null);
  return steps;
}


function backupSteps(job: JobRecord, s: number, connectDelay: number): number {
  const plan = job.plan;
  const vols = job.volumes;
  if (plan.upgradedFrom) draft.add(s, 'upgraded');
  draft.add(s, 'start');
  draft.add(s, 'connStorage');
  if (job.mediaWait) {
    // The volume lines come when a volume could be had, after the wait.
    draft.add(s, 'useDevice');
    draft.add(s, 'mediaWait');
    if (job.mediaWait.until === null) return Infinity;
    s = job.mediaWait.until;
    if (vols[0]?.created) draft.add(s, 'createdVolume', 0);
  } else {
    if (vols[0]?.created) draft.add(s, 'createdVolume', 0);
    draft.add(s, 'useDevice');
  }
  let c = s + connectDelay;
  if (plan.connectRetry > 0) {
    draft.state(s, 'waitClient');
    draft.add(s + Math.min(plan.connectRetry * 1000, 10_000), 'connectRetry');
    c += plan.connectRetry * 1000;
    draft.state(c, 'connected');
  }
  draft.add(c, 'connClient');
  draft.add(c, 'fdConnStorage');
  openVolume(job, 0, c);
  const d0 = c + plan.setup * 1000;
  const transfer = Math.max(1000, Math.round((plan.bytes / plan.rate) * 1000));
  const d1 = d0 + transfer;
  draft.state(d0, 'transfer', transfer);
  plan.warnings.forEach((_, i) => draft.add(d0 + Math.floor(((i + 1) / (plan.warnings.length + 1)) * transfer), 'warning', i));
  let written = 0;
  for (let i = 1; i < vols.length; i++) {
    written += vols[i - 1].bytes;
    const at = d0 + Math.floor((written / Math.max(1, plan.bytes)) * transfer);
    draft.state(at, 'volumeFull', i - 1);
    draft.add(at, 'endOfMedium', i - 1);
    if (vols[i].created) draft.add(at, 'createdVolume', i);
    openVolume(job, i, at);
    draft.add(at, 'newVolumeMounted', i);
  }
  const failing = plan.outcome === 'E' || plan.outcome === 'f' || plan.outcome === 'A';
  if (failing) draft.add(d1, 'failure');
  draft.add(d1 + 1000, 'sdElapsed');
  if (!failing) draft.add(d1 + 1000, 'despool');
  // Despooling attributes takes about a second per 100,000 files.
  return d1 + 2000 + (failing ? 0 : Math.floor(plan.files / 100)) ;
}

function openVolume(job: JobRecord, i: number, at: number): void {
  if (job.volumes[i].created) {
    draft.add(at, 'labeled', i);
    draft.add(at, 'wroteLabel', i);
  } else {
    draft.add(at, 'previouslyWritten', i);
    draft.add(at, 'readyAppend', i);
  }
}

function readSteps(job: JobRecord, s: number): number {
  const plan = job.plan;
  if (job.type === 'R') {
    draft.add(s, 'restoreStart');
    draft.add(s, 'restoringFrom');
  } else {
    draft.add(s, 'verifyAgainst');
    draft.add(s, 'verifyStart');
  }
  draft.add(s, 'connStorage');
  draft.add(s, 'useDeviceRead');
  const c = s + 1000;
  if (job.type === 'R') {
    draft.add(c, 'connClient');
    draft.add(c, 'fdConnStorage');
  }
  const d0 = c + plan.setup * 1000;
  const volumeBytes = job.volumes.reduce((n, v) => n + v.bytes, 0) || 1;
  const transfer = Math.max(1000, Math.round((volumeBytes / plan.rate) * 1000));
  draft.state(d0, 'transfer', transfer);
  let read = 0;
  job.volumes.forEach((v, i) => {
    const at = d0 + Math.floor((read / volumeBytes) * transfer);
    read += v.bytes;
    draft.add(at, 'readyRead', i);
    draft.add(at, 'forwardSpacing', i);
    if (i < job.volumes.length - 1) draft.add(d0 + Math.floor((read / volumeBytes) * transfer), 'endOfVolume', i);
  });
  const d1 = d0 + transfer;
  if (plan.outcome === 'E' || plan.outcome === 'f') {
    plan.warnings.forEach((_, i) => draft.add(d1, 'restoreError', i));
  }
  draft.add(d1 + 1000, 'sdElapsed');
  return d1 + 1000;
}

/** A canceled job's steps: what happened up to the cancel, then its own ending. */
function cutAtCancel(steps: Timeline, at: number, started: boolean): Timeline {
  const kept = steps.cutAt(at);
  if (started) kept.push(at, LINE_CODE.sdElapsed, 0);
  kept.push(at, END, 0);
  kept.push(at, REPORT, 0);
  return kept;
}
