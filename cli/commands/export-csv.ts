import { Flags } from '@oclif/core';
import { ApiCommand } from '../lib/command.js';
import { exportFlags, writeExport } from '../lib/export.js';
import { jobPages } from '../lib/job-pages.js';
import { plural } from '../lib/units.js';

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
    const { stringify } = await import('csv-stringify/sync');
    let n = 0;
    const pages = jobPages(api, { jobstatus: flags.status, client: flags.client }, flags['page-size']);
    // The header is the Job row's columns, in the API's order; no job, no columns: an empty file.
    let columns: string[] | undefined;
    // A page at a time: one string of CSV per page, not a stream event per row
    // (which cost more than the CSV itself), the rows as arrays in the header's order.
    async function* csv(): AsyncGenerator<string> {
      for await (const page of pages) {
        const header = columns === undefined;
        columns ??= Object.keys(page[0]);
        n += page.length;
        yield stringify(page.map((row) => columns!.map((c) => (row as unknown as Record<string, unknown>)[c])), { header, columns });
      }
    }
    await writeExport(csv(), flags.output, () => plural(n, 'job'));
  }
}
