import { Args, Flags } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import type { ClientRow } from '../lib/rows.js';
import { table } from '../lib/table.js';
import { period } from '../lib/units.js';
import { splitUname } from '../lib/client-view.js';

export default class Clients extends ApiCommand {
  static override summary = 'List clients';
  static override description = 'Calls GET /cat/Client (the catalog\'s Client table), in ClientId order.';
  static override examples = ['<%= config.bin %> clients', '<%= config.bin %> clients 10', '<%= config.bin %> clients 10 --offset 20', '<%= config.bin %> clients --raw'];
  static override args = { limit: Args.integer({ description: 'how many (default 50)', min: 1, max: 100_000 }) };
  static override flags = { offset: Flags.integer({ description: 'skip this many first', min: 0 }), ...rawFlag };

  async run(): Promise<ClientRow[]> {
    const { args, flags } = await this.parse(Clients);
    const answer = await this.connect(flags).get<{ data: ClientRow[]; error: number }>('/cat/Client', { limit: args.limit, offset: flags.offset });
    return this.show(answer, flags.raw, (rows) => rows.length ? table(rows, [
      { header: 'CLIENTID', value: (c) => String(c.clientid), align: 'right' },
      { header: 'NAME', value: (c) => c.name },
      { header: 'VERSION', value: (c) => splitUname(c.uname).version },
      { header: 'OS', value: (c) => splitUname(c.uname).os },
      { header: 'AUTOPRUNE', value: (c) => (c.autoprune ? 'yes' : 'no') },
      { header: 'FILE RETENTION', value: (c) => period(c.fileretention) },
      { header: 'JOB RETENTION', value: (c) => period(c.jobretention) },
    ], this.paint) : 'No clients.');
  }
}
