import { Flags } from '@oclif/core';
import { rawFlag } from '../lib/command.js';
import { waitFlag } from '../lib/job-flags.js';
import { QueueCommand, type Queued } from '../lib/queue-command.js';

export default class Restore extends QueueCommand {
  static override summary = 'Restore from a backup';
  static override description = 'Calls POST /cmd/restore: queues a Restore job of what the backup --jobid (with the Full/Differential/Incremental chain it needs) holds, or of the latest backups of --client; with both, --client is where the files go. Everything, or the paths given with --file (as `/bvfs/lsdirs` shows them; a directory takes all below it), or --files N of them. Prints the new JobId; --wait follows it.';
  static override examples = [
    '<%= config.bin %> restore --jobid 42 --where /tmp/restore',
    '<%= config.bin %> restore --client mail-server-001 --where /tmp/restore --wait',
    '<%= config.bin %> restore --jobid 42 --file /etc/hosts --file /var/vmail/',
    '<%= config.bin %> restore --jobid 42 --files 100',
  ];
  static override flags = {
    jobid: Flags.integer({ description: 'JobId of the backup to restore', min: 1, atLeastOne: ['jobid', 'client'] }),
    client: Flags.string({ description: 'restore the latest backups of this client (with --jobid: the client the files go to)', atLeastOne: ['jobid', 'client'] }),
    where: Flags.string({ description: 'where files are restored (default: the Restore Job\'s Where, /tmp/bacula-restores)' }),
    file: Flags.string({ description: 'a file or directory to restore (repeat for more)', multiple: true, exclusive: ['files'] }),
    files: Flags.integer({ description: 'restore only this many files', min: 1, exclusive: ['file'] }),
    ...waitFlag,
    ...rawFlag,
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(Restore);
    const api = this.connect(flags);
    const answer = await api.post<{ data: Queued; error: number }>('/cmd/restore', { jobid: flags.jobid, client: flags.client, where: flags.where, files: flags.file ?? flags.files });
    return this.queued(api, answer, flags, 'Restore');
  }
}
