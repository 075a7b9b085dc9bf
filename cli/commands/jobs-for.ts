import { Args, Flags } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import { CliError } from '../lib/errors.js';
import { jobTable } from '../lib/job-table.js';
import type { JobRow } from '../lib/rows.js';

export default class JobsFor extends ApiCommand {
  static override summary = 'List the jobs of one client, newest first';
  static override description = 'Calls GET /cat/Job?clientid=<clientid>&order=desc. A client name is accepted too (then ?client=<name>).';
  static override examples = ['<%= config.bin %> jobs-for 1', '<%= config.bin %> jobs-for 1 50', '<%= config.bin %> jobs-for mail-server-001 10'];
  static override args = {
    clientid: Args.string({ description: 'ClientId (or client name)', required: true }),
    limit: Args.integer({ description: 'how many (default 50)', min: 1, max: 100_000 }),
  };
  static override flags = { offset: Flags.integer({ description: 'skip this many newest first', min: 0 }), ...rawFlag };

  async run(): Promise<JobRow[]> {
    const { args, flags } = await this.parse(JobsFor);
    const byId = /^\d+$/.test(args.clientid);
    const api = this.connect(flags);
    const answer = await api.get<{ data: JobRow[]; error: number }>('/cat/Job', {
      limit: args.limit, offset: flags.offset, order: 'desc', clientid: byId ? args.clientid : undefined, client: byId ? undefined : args.clientid,
    });
    // `?clientid=` is a filter (no rows for a ClientId nobody has), `?client=` a lookup (404): the same answer for both.
    if (byId && answer.json.data.length === 0 && (await api.get<{ data: unknown[] }>('/cat/Client', { clientid: args.clientid })).json.data.length === 0) {
      throw new CliError('not_found', `ClientId ${args.clientid} not found`);
    }
    return this.show(answer, flags.raw, (rows) => jobTable(rows, this.paint));
  }
}
