import { ApiCommand, rawFlag } from '../lib/command.js';
import { table } from '../lib/table.js';
import { period } from '../lib/units.js';

interface ClientResource {
  Name: string;
  Address: string;
  FdPort: number;
  FileRetention: number;
  JobRetention: number;
  AutoPrune: boolean;
  MaximumConcurrentJobs: number;
  Enabled: boolean;
}

export default class ConfigClients extends ApiCommand {
  static override summary = 'Show the Director\'s Client resources (configuration)';
  static override description = 'Calls GET /res/director?resource=Client: each Client resource as bdirjson prints it.';
  static override examples = ['<%= config.bin %> config-clients', '<%= config.bin %> config-clients --raw'];
  static override flags = { ...rawFlag };

  async run(): Promise<ClientResource[]> {
    const { flags } = await this.parse(ConfigClients);
    const answer = await this.connect(flags).get<{ data: ClientResource[]; error: number }>('/res/director', { resource: 'Client' });
    return this.show(answer, flags.raw, (rows) => rows.length ? table(rows, [
      { header: 'NAME', value: (c) => c.Name },
      { header: 'ADDRESS', value: (c) => c.Address },
      { header: 'FDPORT', value: (c) => String(c.FdPort), align: 'right' },
      { header: 'ENABLED', value: (c) => (c.Enabled ? 'yes' : 'no'), color: (c) => (c.Enabled ? undefined : 'yellow') },
      { header: 'MAXJOBS', value: (c) => String(c.MaximumConcurrentJobs), align: 'right' },
      { header: 'FILE RETENTION', value: (c) => period(c.FileRetention) },
      { header: 'JOB RETENTION', value: (c) => period(c.JobRetention) },
      { header: 'AUTOPRUNE', value: (c) => (c.AutoPrune ? 'yes' : 'no') },
    ], this.paint) : 'No Client resources.');
  }
}
