import { ApiCommand, rawFlag } from '../lib/command.js';
import { jobKind } from '../lib/job-table.js';
import type { DirectorStatus } from '../lib/rows.js';
import { section, terminatedTable } from '../lib/status-view.js';
import { table } from '../lib/table.js';
import { count, plural, size } from '../lib/units.js';
import { levelWord, statusColor, typeWord } from '../lib/words.js';

export default class DirStatus extends ApiCommand {
  static override summary = 'Show the Director\'s status (live)';
  static override description = 'Calls GET /status/director: the header, jobs scheduled in the next 24 hours, running and waiting jobs with live counts, and the last terminated jobs.';
  static override examples = ['<%= config.bin %> dir-status', '<%= config.bin %> dir-status --raw'];
  static override flags = { ...rawFlag };

  async run(): Promise<DirectorStatus> {
    const { flags } = await this.parse(DirStatus);
    const answer = await this.connect(flags).get<{ data: DirectorStatus; error: number }>('/status/director');
    return this.show(answer, flags.raw, (s) => {
      const h = s.header;
      const scheduled = s.scheduled.length ? table(s.scheduled, [
        { header: 'LEVEL', value: (j) => levelWord(j.level) },
        { header: 'TYPE', value: (j) => typeWord(j.type) },
        { header: 'PRI', value: (j) => String(j.priority), align: 'right' },
        { header: 'SCHEDULED', value: (j) => j.schedtime },
        { header: 'NAME', value: (j) => j.name },
        { header: 'VOLUME', value: (j) => j.volume || '-' },
      ], this.paint) : null;
      const running = s.running.length ? table(s.running, [
        { header: 'JOBID', value: (j) => String(j.jobid), align: 'right' },
        { header: 'KIND', value: (j) => jobKind(j.type, j.level) },
        { header: 'FILES', value: (j) => count(j.jobfiles), align: 'right' },
        { header: 'BYTES', value: (j) => size(j.jobbytes), align: 'right' },
        { header: 'STATUS', value: (j) => `${j.name} ${j.status_desc}`, color: (j) => statusColor(j.status) },
      ], this.paint) : null;
      return [
        `${this.paint('bold', String(h.name))} ${h.version} ${h.uname}`,
        `Daemon started ${h.started}. Jobs: run=${h.jobs_run}, running=${h.jobs_running}. ${plural(Number(h.nclients), 'client')}, ${plural(Number(h.nstores), 'storage')}, ${plural(Number(h.npools), 'pool')}.`,
        section('Scheduled Jobs (next 24 hours)', scheduled, this.paint),
        section('Running Jobs', running, this.paint),
        section('Terminated Jobs', terminatedTable(s.terminated, this.paint), this.paint),
      ].join('\n');
    });
  }
}
