import { Args } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import { jobKind } from '../lib/job-table.js';
import type { TerminatedJob } from '../lib/rows.js';
import { section, terminatedTable } from '../lib/status-view.js';
import { table } from '../lib/table.js';
import { count, rate, size } from '../lib/units.js';
import { statusColor, statusWord } from '../lib/words.js';

interface FdRunning {
  jobid: number;
  job: string;
  level: string;
  type: string;
  status: string;
  jobfiles: number;
  jobbytes: number;
  bytes_sec: number;
  errors: number;
  files_examined: number;
  processing_file?: string;
}

interface FdStatus {
  header: { name: string; version: string; uname: string; started: string; jobs_run: number; jobs_running: number; winver: string };
  running: FdRunning[];
  terminated: TerminatedJob[];
}

export default class ClientStatus extends ApiCommand {
  static override summary = 'Show a client\'s File daemon status (live)';
  static override description = 'Calls POST /status/client/?name=<name>: the FD\'s header, the jobs it serves now with live counts, and its last terminated jobs.';
  static override examples = ['<%= config.bin %> client-status mail-server-001', '<%= config.bin %> client-status mail-server-001 --raw'];
  static override args = { name: Args.string({ description: 'client name', required: true }) };
  static override flags = { ...rawFlag };

  async run(): Promise<FdStatus> {
    const { args, flags } = await this.parse(ClientStatus);
    const answer = await this.connect(flags).call<{ data: FdStatus; error: number }>('POST', '/status/client/', { query: { name: args.name } });
    return this.show(answer, flags.raw, (s) => {
      const h = s.header;
      const running = s.running.length ? table(s.running, [
        { header: 'JOBID', value: (j) => String(j.jobid), align: 'right' },
        { header: 'KIND', value: (j) => jobKind(j.type, j.level) },
        { header: 'STATUS', value: (j) => statusWord(j.status), color: (j) => statusColor(j.status) },
        { header: 'FILES', value: (j) => count(j.jobfiles), align: 'right' },
        { header: 'EXAMINED', value: (j) => count(j.files_examined), align: 'right' },
        { header: 'BYTES', value: (j) => size(j.jobbytes), align: 'right' },
        { header: 'RATE', value: (j) => rate(j.bytes_sec), align: 'right' },
        { header: 'ERRORS', value: (j) => String(j.errors), align: 'right' },
        { header: 'PROCESSING', value: (j) => j.processing_file ?? '' },
      ], this.paint) : null;
      return [
        `${this.paint('bold', h.name)}  ${h.version}  ${h.uname}${h.winver ? ` (${h.winver})` : ''}`,
        `Daemon started ${h.started}. Jobs: run=${h.jobs_run}, running=${h.jobs_running}.`,
        section('Running Jobs', running, this.paint),
        section('Terminated Jobs', terminatedTable(s.terminated, this.paint), this.paint),
      ].join('\n');
    });
  }
}
