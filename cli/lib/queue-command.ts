import { ApiCommand } from './command.js';
import { CliError } from './errors.js';
import { followJob } from './follow.js';
import type { Answer, Api } from './http.js';
import { endedLine, outcome } from './job-table.js';
import { logLine } from './log-line.js';
import type { JobRow } from './rows.js';

/** What `/cmd/run` and `/cmd/restore` answer. */
export interface Queued {
  jobid: number;
  job: string;
}

/** A command that queues a job (`run`, `restore`) and can follow it with `--wait`. */
export abstract class QueueCommand extends ApiCommand {
  /**
   * Reports the queued job (`Job queued. JobId=12 Job=...`); with `wait`,
   * prints its log as it is written and its end, and fails (exit 1) unless it
   * ended OK. In `--json` mode the answer, or with `wait` the final Job row,
   * is the output.
   */
  protected async queued(api: Api, answer: Answer<{ data: Queued; error: number }>, flags: { raw?: boolean; wait?: boolean }, what: string): Promise<Queued | JobRow | undefined> {
    const said = (q: Queued): string => `${what} queued. JobId=${q.jobid} Job=${q.job}`;
    if (!flags.wait) return this.show(answer, flags.raw, said);
    const json = this.jsonEnabled();
    if (!json) this.print(said(answer.json.data));
    const row = await followJob(api, answer.json.data.jobid, (l) => json || this.print(logLine(l)));
    if (json) this.logJson(row);
    else this.print(this.paint('bold', endedLine(row)));
    if (row.jobstatus !== 'T') this.complain(new CliError('failed', `JobId ${row.jobid} did not end OK: ${outcome(row.jobstatus)}`));
    // Printed already: nothing for oclif to print.
    return undefined;
  }
}
