import { Args, Flags } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import { jobTable } from '../lib/job-table.js';
import type { JobRow } from '../lib/rows.js';
import { FAILED } from '../lib/words.js';

export default class JobsFailed extends ApiCommand {
  static override summary = 'List failed jobs only (Error and Fatal), newest first';
  static override description = `Calls GET /cat/Job?jobstatus=${FAILED}&order=desc. Canceled jobs (A) are not failures: list them with \`jobs --status A\`.`;
  static override examples = [
    '<%= config.bin %> jobs-failed',
    '<%= config.bin %> jobs-failed 10',
    '<%= config.bin %> jobs-failed 50 --raw | python3 -c "import json,sys; print(len(json.load(sys.stdin)[\'data\']))"',
  ];
  static override args = { limit: Args.integer({ description: 'how many (default 50)', min: 1, max: 100_000 }) };
  static override flags = { offset: Flags.integer({ description: 'skip this many newest first', min: 0 }), ...rawFlag };

  async run(): Promise<JobRow[]> {
    const { args, flags } = await this.parse(JobsFailed);
    const answer = await this.connect(flags).get<{ data: JobRow[]; error: number }>('/cat/Job', { limit: args.limit, offset: flags.offset, order: 'desc', jobstatus: FAILED });
    return this.show(answer, flags.raw, (rows) => jobTable(rows, this.paint));
  }
}
