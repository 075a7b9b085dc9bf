import { Flags } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import { jobIdList } from '../lib/job-table.js';

interface Pruned {
  client?: string;
  volume?: string;
  volstatus?: string;
  jobids: number[];
}

export default class Prune extends ApiCommand {
  static override summary = 'Prune expired jobs';
  static override description = 'Calls POST /cmd/prune: removes from the catalog the jobs of the client (or on the volume) whose retention has expired. Unlike purge, jobs still within their retention stay.';
  static override examples = ['<%= config.bin %> prune --client mail-server-001', '<%= config.bin %> prune --volume Vol-0001'];
  static override flags = {
    client: Flags.string({ description: 'client name', exactlyOne: ['client', 'volume'] }),
    volume: Flags.string({ description: 'volume name', exactlyOne: ['client', 'volume'] }),
    ...rawFlag,
  };

  async run(): Promise<Pruned> {
    const { flags } = await this.parse(Prune);
    const answer = await this.connect(flags).post<{ data: Pruned; error: number }>('/cmd/prune', { client: flags.client, volume: flags.volume });
    return this.show(answer, flags.raw, (p) => `${p.client !== undefined ? `Client "${p.client}"` : `Volume "${p.volume}" (status ${p.volstatus})`} pruned: ${p.jobids.length ? `${jobIdList(p.jobids)} expired and removed` : 'no job had expired'}`);
  }
}
