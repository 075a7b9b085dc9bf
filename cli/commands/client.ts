import { Args } from '@oclif/core';
import { splitUname } from '../lib/client-view.js';
import { ApiCommand, rawFlag } from '../lib/command.js';
import { CliError } from '../lib/errors.js';
import { outcome } from '../lib/job-table.js';
import type { ClientRow, JobRow, TotalsRow } from '../lib/rows.js';
import { pairs } from '../lib/table.js';
import { count, period, plural, size } from '../lib/units.js';
import { statusWord } from '../lib/words.js';

export default class Client extends ApiCommand {
  static override summary = 'Show a client\'s catalog data';
  static override description = 'Calls GET /cat/Client?name=<name>; the human view adds the client\'s job totals (/cat/JobTotals?client=) and its last job. --raw prints the Client answer.';
  static override examples = ['<%= config.bin %> client mail-server-001', '<%= config.bin %> client mail-server-001 --raw'];
  static override args = { name: Args.string({ description: 'client name', required: true }) };
  static override flags = { ...rawFlag };

  async run(): Promise<ClientRow> {
    const { args, flags } = await this.parse(Client);
    const api = this.connect(flags);
    const answer = await api.get<{ data: ClientRow[]; error: number }>('/cat/Client', { name: args.name });
    const row = answer.json.data[0];
    if (!row) throw new CliError('not_found', `Client "${args.name}" not found`);
    if (flags.raw) {
      this.printRaw(answer);
      return row;
    }
    if (this.jsonEnabled()) return row;
    const [totals, last] = await Promise.all([
      api.get<{ data: TotalsRow[] }>('/cat/JobTotals', { client: args.name }),
      api.get<{ data: JobRow[] }>('/cat/Job', { client: args.name, limit: 1, order: 'desc' }),
    ]);
    const t = totals.json.data[0];
    const j = last.json.data[0];
    const { version, os } = splitUname(row.uname);
    const byStatus = Object.entries(t.bystatus).map(([letter, n]) => `${count(n)} ${statusWord(letter)}`).join(', ');
    this.print(pairs([
      ['ClientId', String(row.clientid)],
      ['Name', row.name],
      ['FD version', version],
      ['OS', os],
      ['AutoPrune', row.autoprune ? 'yes' : 'no'],
      ['File retention', period(row.fileretention)],
      ['Job retention', period(row.jobretention)],
      ['Jobs', t.jobs ? `${count(t.jobs)} (${byStatus}), ${plural(t.files, 'file')}, ${size(t.bytes)}, ${plural(t.joberrors, 'error')}` : 'none'],
      ['Last job', j ? `JobId ${j.jobid} ${j.job}: ${outcome(j.jobstatus)}, started ${j.starttime ?? '(not yet)'}` : 'none'],
    ], this.paint));
    return row;
  }
}
