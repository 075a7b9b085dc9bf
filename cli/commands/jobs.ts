import { Args, Flags } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import { jobTable } from '../lib/job-table.js';
import type { JobRow } from '../lib/rows.js';

export default class Jobs extends ApiCommand {
  static override summary = 'List recent jobs, newest first';
  static override description = 'Calls GET /cat/Job?order=desc (every job of the catalog, queued and running ones included).';
  static override examples = [
    '<%= config.bin %> jobs',
    '<%= config.bin %> jobs 10',
    '<%= config.bin %> jobs 20 --status EfA',
    '<%= config.bin %> jobs --client mail-server-001',
    '<%= config.bin %> jobs 10000 --raw | python3 -c "import json,sys; print(len(json.load(sys.stdin)[\'data\']))"',
  ];
  static override args = { limit: Args.integer({ description: 'how many (default 50)', min: 1, max: 100_000 }) };
  static override flags = {
    offset: Flags.integer({ description: 'skip this many newest first', min: 0 }),
    status: Flags.string({ description: 'only these JobStatus letters (T OK, E error, f fatal, A canceled, R running, C queued)' }),
    client: Flags.string({ description: 'only this client\'s jobs' }),
    ...rawFlag,
  };

  async run(): Promise<JobRow[]> {
    const { args, flags } = await this.parse(Jobs);
    const answer = await this.connect(flags).get<{ data: JobRow[]; error: number }>('/cat/Job', {
      limit: args.limit, offset: flags.offset, order: 'desc', jobstatus: flags.status, client: flags.client,
    });
    return this.show(answer, flags.raw, (rows) => jobTable(rows, this.paint));
  }
}
