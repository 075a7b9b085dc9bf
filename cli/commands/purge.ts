import { Flags } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import { jobIdList } from '../lib/job-table.js';

interface Purged {
  volume: string;
  volstatus: string;
  jobids: number[];
}

export default class Purge extends ApiCommand {
  static override summary = 'Purge a volume\'s records';
  static override description = 'Calls POST /cmd/purge: removes the jobs on the volume from the catalog, whatever their retention, and marks it Purged (it can be recycled).';
  static override examples = ['<%= config.bin %> purge --volume Vol-0001'];
  static override flags = { volume: Flags.string({ description: 'volume name', required: true }), ...rawFlag };

  async run(): Promise<Purged> {
    const { flags } = await this.parse(Purge);
    const answer = await this.connect(flags).post<{ data: Purged; error: number }>('/cmd/purge', { volume: flags.volume });
    return this.show(answer, flags.raw, (p) => `Volume "${p.volume}" purged, status ${p.volstatus}: ${jobIdList(p.jobids)} removed from the catalog`);
  }
}
