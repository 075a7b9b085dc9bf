import { Flags } from '@oclif/core';
import { ApiCommand } from '../lib/command.js';
import { exportFlags, writeExport } from '../lib/export.js';
import { jobPages } from '../lib/job-pages.js';
import { plural } from '../lib/units.js';
import { FAILED } from '../lib/words.js';

export default class ExportErrors extends ApiCommand {
  static override summary = 'Export failed jobs as JSON';
  static override description = `Streams every failed job (JobStatus ${FAILED.split('').join(' or ')}: Error, Fatal) as a JSON array of Job rows, one row per line, in JobId order, page by page.`;
  static override examples = [
    '<%= config.bin %> export-errors > failed.json',
    '<%= config.bin %> export-errors | python3 -c "import json,sys; print(len(json.load(sys.stdin)))"',
  ];
  static override enableJsonFlag = false;
  static override flags = {
    client: Flags.string({ description: 'only this client\'s failed jobs' }),
    ...exportFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ExportErrors);
    const api = this.connect(flags);
    let n = 0;
    // "[" goes out with the first page: a refused request prints nothing.
    async function* json(): AsyncGenerator<string> {
      let open = '[';
      for await (const page of jobPages(api, { jobstatus: FAILED, client: flags.client }, flags['page-size'])) {
        yield open + page.map((row) => `${n++ ? ',' : ''}\n${JSON.stringify(row)}`).join('');
        open = '';
      }
      yield open + (n ? '\n]\n' : ']\n');
    }
    await writeExport(json(), flags.output, () => plural(n, 'failed job'));
  }
}
