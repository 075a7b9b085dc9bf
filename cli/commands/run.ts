import { Args, Flags } from '@oclif/core';
import { rawFlag } from '../lib/command.js';
import { waitFlag } from '../lib/job-flags.js';
import { QueueCommand, type Queued } from '../lib/queue-command.js';

export default class Run extends QueueCommand {
  static override summary = 'Start a backup job';
  static override description = 'Calls POST /cmd/run with the Job resource\'s name; prints the new JobId. Each client has its own Job `backup-<client>`. With --wait, follows the job: its log lines as they are written, then how it ended; the exit status is 0 only if it ended OK (T).';
  static override examples = [
    '<%= config.bin %> run backup-mail-server-001 --level F',
    '<%= config.bin %> run backup-mail-server-001 --level F --client mail-server-001',
    '<%= config.bin %> run backup-db-server-001 --level Incremental --priority 5 --wait',
    '<%= config.bin %> run backup-web-server-001 --when "2026-11-23 22:00:00"',
  ];
  static override args = { job: Args.string({ description: 'Job resource name (backup-<client>)', required: true }) };
  static override flags = {
    level: Flags.string({ description: 'F, I or D (Full, Incremental, Differential)' }),
    client: Flags.string({ description: 'client to back up (default: the Job\'s)' }),
    fileset: Flags.string({ description: 'FileSet (default: the Job\'s)' }),
    pool: Flags.string({ description: 'Pool (default: the level\'s pool)' }),
    storage: Flags.string({ description: 'Storage (default: the Job\'s)' }),
    priority: Flags.integer({ description: 'priority, 1 (first) to 100', min: 1, max: 100 }),
    when: Flags.string({ description: 'start no earlier than this virtual time ("YYYY-MM-DD HH:MM:SS")' }),
    comment: Flags.string({ description: 'a comment stored with the job' }),
    ...waitFlag,
    ...rawFlag,
  };

  async run(): Promise<unknown> {
    const { args, flags } = await this.parse(Run);
    const api = this.connect(flags);
    const { level, client, fileset, pool, storage, priority, when, comment } = flags;
    const answer = await api.post<{ data: Queued; error: number }>('/cmd/run', { job: args.job, level, client, fileset, pool, storage, priority, when, comment });
    return this.queued(api, answer, flags, 'Job');
  }
}
