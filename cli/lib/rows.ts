/**
 * The fields of the API's rows that the CLI reads (the full shapes are in
 * docs/openapi.yaml; the CLI passes everything else through untouched).
 */
export interface JobRow {
  jobid: number;
  job: string;
  name: string;
  type: string;
  level: string;
  clientid: number;
  jobstatus: string;
  schedtime: string | null;
  starttime: string | null;
  endtime: string | null;
  jobfiles: number;
  jobbytes: number;
  joberrors: number;
  client: string | null;
  pool: string | null;
  fileset: string | null;
  comment: string | null;
}

export interface ClientRow {
  clientid: number;
  name: string;
  uname: string;
  autoprune: number;
  fileretention: number;
  jobretention: number;
}

export interface LogRow {
  logid: number;
  jobid: number;
  time: string;
  logtext: string;
}

export interface TotalsRow {
  jobs: number;
  files: number;
  bytes: number;
  joberrors: number;
  bystatus: Record<string, number>;
}

export interface Health {
  status: string;
  version: string;
  director: string;
  uptime: number;
  virtual_time: string;
  virtual_epoch: number;
  timezone: string;
  speed: number;
  paused: boolean;
  clients: number;
  jobs: number;
  running: number;
  queued: number;
  error_rate: number;
  seed: number;
}

export interface Clock {
  virtual_time: string;
  virtual_epoch: number;
  timezone: string;
  speed: number;
  paused: boolean;
}

/** The keys every job of a daemon's status has (`.api 2`). */
export interface StatusJob {
  jobid: number;
  level: string;
  type: string;
  status: string;
  status_desc: string;
  jobbytes: number;
  jobfiles: number;
  job: string;
  starttime: string;
  errors: number;
}

/** A job of `status director`'s running list. */
export interface RunningJob extends StatusJob {
  name: string;
  clientname: string;
  starttime_epoch: number;
  priority: number;
}

/** A job of a daemon status' terminated list. */
export interface TerminatedJob extends StatusJob {
  endtime: string;
}

export interface DirectorStatus {
  header: Record<string, string | number>;
  scheduled: Array<{ name: string; level: string; type: string; priority: number; schedtime: string; volume: string; pool: string; storage: string }>;
  running: RunningJob[];
  terminated: TerminatedJob[];
}

/** `job.progress` of /mock/events. */
export interface Progress {
  jobid: number;
  job: string;
  name: string;
  client: string;
  level: string;
  type: string;
  status: string;
  starttime: string;
  jobfiles: number;
  jobbytes: number;
  bytes_sec: number;
  percent: number;
}
