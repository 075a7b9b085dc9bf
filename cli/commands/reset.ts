import { ApiCommand, rawFlag } from '../lib/command.js';

export default class Reset extends ApiCommand {
  static override summary = 'Delete all generated data (an empty world)';
  static override description = 'Calls POST /mock/reset: no clients, no jobs, no volumes. `init` builds a new world.';
  static override examples = ['<%= config.bin %> reset', '<%= config.bin %> reset && <%= config.bin %> init 5 0.50'];
  static override flags = { ...rawFlag };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Reset);
    const answer = await this.connect(flags).post<{ data: { clients: number; jobs: number; virtual_time: string }; error: number }>('/mock/reset');
    return this.show(answer, flags.raw, (d) => `Reset: the world is empty (${d.clients} clients, ${d.jobs} jobs); virtual time ${d.virtual_time}`);
  }
}
