import { Flags } from '@oclif/core';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ApiCommand } from '../lib/command.js';
import { destination, exportFlags } from '../lib/export-flags.js';
import { jobPages } from '../lib/job-pages.js';
import type { JobRow } from '../lib/rows.js';
import { count } from '../lib/units.js';

export default class ExportCsv extends ApiCommand {
  static override summary = 'Export all jobs as CSV';
  static override description = 'Streams every job of the catalog (GET /cat/Job, page by page, in JobId order) as RFC 4180 CSV with a header row: the Job row\'s columns, empty for null. Memory stays at one page whatever the catalog\'s size.';
  static override examples = [
    '<%= config.bin %> export-csv > jobs.csv',
    '<%= config.bin %> export-csv --status EfA -o failed.csv',
    '<%= config.bin %> export-csv --client mail-server-001 | head',
  ];
  static override enableJsonFlag = false;
  static override flags = {
    status: Flags.string({ description: 'only these JobStatus letters' }),
    client: Flags.string({ description: 'only this client\'s jobs' }),
    ...exportFlags,
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(ExportCsv);
    const api = this.connect(flags);
    // Loaded here, not at start-up: only this command needs it.
    const { stringify } = await import('csv-stringify');
    let n = 0;
    async function* rows(): AsyncGenerator<JobRow> {
      for await (const page of jobPages(api, { jobstatus: flags.status, client: flags.client }, flags['page-size'])) {
        n += page.length;
        yield* page;
      }
    }
    await pipeline(Readable.from(rows()), stringify({ header: true }), destination(flags.output));
    if (flags.output !== undefined || process.stderr.isTTY) this.note(`Exported ${count(n)} jobs${flags.output === undefined ? '' : ` to ${flags.output}`}.`);
  }
}
