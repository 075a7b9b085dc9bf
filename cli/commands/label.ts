import { Flags } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import { size } from '../lib/units.js';

interface Media {
  mediaid: number;
  volumename: string;
  volstatus: string;
  pool: string;
  storage: string;
  maxvolbytes: number;
}

export default class Label extends ApiCommand {
  static override summary = 'Label a new volume';
  static override description = 'Calls POST /cmd/label: a new volume in the pool, ready to be appended to. A name that exists is refused (exit 5).';
  static override examples = ['<%= config.bin %> label --volume Vol-0101 --pool Default', '<%= config.bin %> label --volume Vol-0102 --pool Full --storage File'];
  static override flags = {
    volume: Flags.string({ description: 'volume name', required: true }),
    pool: Flags.string({ description: 'pool', required: true }),
    storage: Flags.string({ description: 'storage (default: the pool\'s)' }),
    ...rawFlag,
  };

  async run(): Promise<Media> {
    const { flags } = await this.parse(Label);
    const answer = await this.connect(flags).post<{ data: Media; error: number }>('/cmd/label', { volume: flags.volume, pool: flags.pool, storage: flags.storage });
    return this.show(answer, flags.raw, (m) => `Volume "${m.volumename}" labelled: MediaId ${m.mediaid}, pool ${m.pool}, storage ${m.storage}, status ${m.volstatus}, up to ${size(m.maxvolbytes)}`);
  }
}
