import { ApiCommand, rawFlag } from '../lib/command.js';
import type { TotalsRow } from '../lib/rows.js';
import { pairs } from '../lib/table.js';
import { count, size } from '../lib/units.js';
import { statusColor, statusWord } from '../lib/words.js';

export default class JobTotals extends ApiCommand {
  static override summary = 'Show aggregate job statistics';
  static override description = 'Calls GET /cat/JobTotals: jobs, files, bytes and errors of the whole catalog, and jobs by status.';
  static override examples = [
    '<%= config.bin %> jobtotals',
    '<%= config.bin %> jobtotals --raw | python3 -c "import json,sys; print(json.load(sys.stdin)[\'data\'][0][\'jobs\'])"',
  ];
  static override flags = { ...rawFlag };

  async run(): Promise<TotalsRow[]> {
    const { flags } = await this.parse(JobTotals);
    const answer = await this.connect(flags).get<{ data: TotalsRow[]; error: number }>('/cat/JobTotals');
    return this.show(answer, flags.raw, ([t]) => pairs([
      ['Jobs', count(t.jobs)],
      ['Files', count(t.files)],
      ['Bytes', `${size(t.bytes)} (${count(t.bytes)})`],
      ['Errors', count(t.joberrors)],
      ['By status', Object.entries(t.bystatus).map(([letter, n]) => `${this.paint(statusColor(letter), statusWord(letter))} ${count(n)}`).join(', ') || '-'],
    ], this.paint));
  }
}
