import { CliError } from './errors.js';
import type { Api } from './http.js';
import type { JobRow, LogRow } from './rows.js';
import type { SseFrame } from './sse.js';
import { isEnded } from './words.js';

/** How often the catalog is asked directly, in case the event stream broke or dropped the end (ms). */
const POLL_MS = 2000;

/** A job's catalog row. */
export async function jobRow(api: Api, jobid: number): Promise<JobRow> {
  const row = (await api.get<{ data: JobRow[] }>('/cat/Job', { jobid })).json.data[0];
  if (!row) throw new CliError('not_found', `JobId ${jobid} not found`);
  return row;
}

/**
 * Follows a job to its end: every log row, in order, once each, then the
 * final Job row. Log rows come from `/mock/events` as they are written; the
 * rows written before the stream opened (or while it dropped events) are read
 * from `/cat/JobLog`, and the catalog is polled now and then so a broken
 * stream cannot leave the caller waiting for ever.
 */
export async function followJob(api: Api, jobid: number, onLog: (row: LogRow) => void): Promise<JobRow> {
  /** rows of the job's log printed so far: always its first `printed` rows */
  let printed = 0;
  let lastLogId = 0;
  let end: ((row: JobRow) => void) | undefined;
  let fail: ((e: unknown) => void) | undefined;
  const ended = new Promise<JobRow>((ok, ko) => {
    end = ok;
    fail = ko;
  });
  // Everything that prints runs one after the other, in arrival order.
  let chain: Promise<void> = Promise.resolve();
  const serial = (step: () => Promise<void> | void): void => {
    chain = chain.then(step).catch((e) => fail!(e));
  };
  const log = (row: LogRow): void => {
    if (row.logid <= lastLogId) return;
    lastLogId = row.logid;
    printed++;
    onLog(row);
  };
  const catchUp = async (): Promise<void> => {
    const rows = (await api.get<{ data: LogRow[] }>('/cat/JobLog', { jobid, offset: printed, limit: 100_000 })).json.data;
    for (const r of rows) log(r);
  };
  const finishIfEnded = async (row?: JobRow): Promise<void> => {
    const r = row ?? (await jobRow(api, jobid));
    if (!isEnded(r.jobstatus)) return;
    await catchUp();
    end!(r);
  };

  let ready = false;
  const early: SseFrame[] = [];
  const onFrame = (f: SseFrame): void => {
    if (f.event === 'job.log') serial(() => log(JSON.parse(f.data) as LogRow));
    else if (f.event === 'stream.dropped') serial(catchUp);
    else if (f.event === 'job.ended') serial(() => finishIfEnded(JSON.parse(f.data) as JobRow));
  };
  const stream = await api.events({ jobid, events: 'job.log,job.ended', progress: 0, keepalive: 5 }, (f) => (ready ? onFrame(f) : early.push(f)));
  const poll = setInterval(() => serial(() => finishIfEnded()), POLL_MS);
  try {
    serial(catchUp);
    serial(() => {
      ready = true;
      for (const f of early.splice(0)) onFrame(f);
    });
    serial(() => finishIfEnded());
    return await ended;
  } finally {
    clearInterval(poll);
    stream.close();
  }
}

/** Waits until a job has ended (polling the catalog), or `timeoutMs` passed; returns its row then. */
export async function settle(api: Api, jobid: number, timeoutMs: number): Promise<JobRow> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const row = await jobRow(api, jobid);
    if (isEnded(row.jobstatus) || Date.now() >= until) return row;
    await new Promise((r) => setTimeout(r, 200));
  }
}
