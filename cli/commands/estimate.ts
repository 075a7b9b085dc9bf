import { Flags } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import { count, size } from '../lib/units.js';
import { levelWord } from '../lib/words.js';

interface Estimate {
  client: string;
  level: string;
  files: number;
  bytes: number;
}

export default class EstimateCommand extends ApiCommand {
  static override summary = 'Estimate the size of a backup';
  static override description = 'Calls POST /cmd/estimate: how many files and bytes a backup of the client at that level would take now. Changes nothing.';
  static override examples = ['<%= config.bin %> estimate --client mail-server-001 --level F', '<%= config.bin %> estimate --job backup-db-server-001 --level I'];
  static override flags = {
    client: Flags.string({ description: 'client name', exactlyOne: ['client', 'job'] }),
    job: Flags.string({ description: 'Job resource (its client is estimated)', exactlyOne: ['client', 'job'] }),
    level: Flags.string({ description: 'F, I or D (default F)' }),
    fileset: Flags.string({ description: 'FileSet' }),
    ...rawFlag,
  };

  async run(): Promise<Estimate> {
    const { flags } = await this.parse(EstimateCommand);
    const answer = await this.connect(flags).post<{ data: Estimate; error: number }>('/cmd/estimate', { client: flags.client, job: flags.job, level: flags.level, fileset: flags.fileset });
    return this.show(answer, flags.raw, (e) => `Estimate for ${e.client}, ${levelWord(e.level)}: ${count(e.files)} files, ${size(e.bytes)} (${count(e.bytes)} bytes)`);
  }
}
