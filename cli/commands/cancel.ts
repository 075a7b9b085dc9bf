import { Flags } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import { settle } from '../lib/follow.js';
import { outcome } from '../lib/job-table.js';
import type { JobRow } from '../lib/rows.js';
import { isEnded } from '../lib/words.js';

interface Canceled {
  jobid: number;
  job: string;
  jobstatus: string;
  message: string;
}

/** How long to wait for a canceled job to reach its final status (real ms). */
const SETTLE_MS = 10_000;

export default class Cancel extends ApiCommand {
  static override summary = 'Cancel a queued or running job';
  static override description = 'Calls POST /cmd/cancel, then waits (up to 10 s) for the job to reach its final status and reports it. A job that has already ended cannot be canceled (exit 5).';
  static override examples = ['<%= config.bin %> cancel --jobid 99', '<%= config.bin %> cancel --job backup-mail-server-001'];
  static override flags = {
    jobid: Flags.integer({ description: 'JobId', min: 1, exactlyOne: ['jobid', 'job'] }),
    job: Flags.string({ description: 'a unique Job name, or the name of a queued or running job', exactlyOne: ['jobid', 'job'] }),
    ...rawFlag,
  };

  async run(): Promise<Canceled | JobRow> {
    const { flags } = await this.parse(Cancel);
    const api = this.connect(flags);
    const answer = await api.post<{ data: Canceled; error: number }>('/cmd/cancel', { jobid: flags.jobid, job: flags.job });
    if (flags.raw) return this.show(answer, true, () => '');
    const c = answer.json.data;
    const row = await settle(api, c.jobid, SETTLE_MS);
    if (this.jsonEnabled()) return row;
    this.print(c.message);
    this.print(isEnded(row.jobstatus)
      ? `JobId ${row.jobid} final status: ${this.paint('yellow', outcome(row.jobstatus))}`
      : `JobId ${row.jobid} is still ${outcome(row.jobstatus)} after ${SETTLE_MS / 1000} s; it will end as Canceled (A)`);
    return row;
  }
}
