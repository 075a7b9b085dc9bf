import { Args } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import { logLine } from '../lib/log-line.js';
import type { LogRow } from '../lib/rows.js';

export default class JobLog extends ApiCommand {
  static override summary = 'Show a job\'s log messages';
  static override description = 'Calls GET /cat/JobLog?jobid=<jobid> (every row, in order).';
  static override examples = ['<%= config.bin %> joblog 1', '<%= config.bin %> joblog 42 --raw'];
  static override args = { jobid: Args.integer({ description: 'JobId', required: true, min: 1 }) };
  static override flags = { ...rawFlag };

  async run(): Promise<LogRow[]> {
    const { args, flags } = await this.parse(JobLog);
    const answer = await this.connect(flags).get<{ data: LogRow[]; error: number }>('/cat/JobLog', { jobid: args.jobid, limit: 100_000 });
    return this.show(answer, flags.raw, (rows) => (rows.length ? rows.map(logLine).join('\n') : `No log messages for JobId ${args.jobid} yet.`));
  }
}
