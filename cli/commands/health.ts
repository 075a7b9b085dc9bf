import { ApiCommand, rawFlag } from '../lib/command.js';
import { CliError } from '../lib/errors.js';
import type { Health as HealthData } from '../lib/rows.js';
import { pairs } from '../lib/table.js';
import { count, duration } from '../lib/units.js';

export default class Health extends ApiCommand {
  static override summary = 'Check that the server answers (no credentials needed)';
  static override description = 'Calls GET /mock/health. Exits 0 when the server is up, 7 when it cannot be reached.';
  static override examples = ['<%= config.bin %> health', '<%= config.bin %> health --port 9102', '<%= config.bin %> health --raw'];
  static override flags = { ...rawFlag };

  async run(): Promise<HealthData> {
    const { flags } = await this.parse(Health);
    const api = this.connect(flags);
    const answer = await api.get<{ data: HealthData; error: number }>('/mock/health', undefined, { auth: false });
    const data = this.show(answer, flags.raw, (h) => [
      `${this.paint('green', h.status.toUpperCase())}  bacula-mock ${h.version} at ${api.base}`,
      pairs([
        ['Director', h.director],
        ['Virtual time', `${h.virtual_time} ${h.timezone} (speed ${h.speed}x, ${h.paused ? 'paused' : 'running'})`],
        ['World', `${count(h.clients)} clients, ${count(h.jobs)} jobs (${count(h.running)} running, ${count(h.queued)} queued), error rate ${h.error_rate}, seed ${h.seed}`],
        ['Uptime', duration(h.uptime)],
      ], this.paint),
    ].join('\n'));
    if (data.status !== 'ok') throw new CliError('failed', `the server at ${api.base} reports status "${data.status}"`);
    return data;
  }
}
