import { Flags } from '@oclif/core';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiCommand } from '../lib/command.js';
import { destination, exportFlags } from '../lib/export-flags.js';
import { jobPages } from '../lib/job-pages.js';
import { count } from '../lib/units.js';
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
    async function* json(): AsyncGenerator<string> {
      yield '[';
      for await (const page of jobPages(api, { jobstatus: FAILED, client: flags.client }, flags['page-size'])) {
        yield page.map((row) => `${n++ ? ',' : ''}\n${JSON.stringify(row)}`).join('');
      }
      yield n ? '\n]\n' : ']\n';
    }
    await pipeline(Readable.from(json()), destination(flags.output));
    if (flags.output !== undefined || process.stderr.isTTY) this.note(`Exported ${count(n)} failed jobs${flags.output === undefined ? '' : ` to ${flags.output}`}.`);
  }
}
