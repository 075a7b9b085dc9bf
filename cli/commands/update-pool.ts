import { Flags } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import { CliError } from '../lib/errors.js';
import { pairs } from '../lib/table.js';
import { count, parsePeriod, parseSize, period, size } from '../lib/units.js';

interface Pool {
  poolid: number;
  name: string;
  numvols: number;
  maxvols: number;
  maxvoljobs: number;
  maxvolbytes: number;
  volretention: number;
  voluseduration: number;
  recycle: number;
  autoprune: number;
  enabled: number;
}

const sizeFlag = Flags.custom<number>({ parse: async (v) => parseSize(v) });
const periodFlag = Flags.custom<number>({ parse: async (v) => parsePeriod(v) });
const yesNo = (n: number): string => (n ? 'yes' : 'no');

export default class UpdatePool extends ApiCommand {
  static override summary = 'Update pool settings';
  static override description = 'Calls POST /cmd/update for a pool (as bconsole\'s `update pool`): the values given change, the others keep theirs. Existing volumes keep their own limits. Sizes take K/M/G/T suffixes (1024 steps), periods s/min/h/d/w/y.';
  static override examples = [
    '<%= config.bin %> update-pool --pool Default --maxvols 200',
    '<%= config.bin %> update-pool --pool Full --maxvolbytes 500G --volretention 365d',
    '<%= config.bin %> update-pool --pool Incremental --no-recycle',
  ];
  static override flags = {
    pool: Flags.string({ description: 'pool name', required: true }),
    maxvols: Flags.integer({ description: 'most volumes in the pool (0 = no limit)', min: 0 }),
    maxvoljobs: Flags.integer({ description: 'most jobs per volume (0 = no limit)', min: 0 }),
    maxvolbytes: sizeFlag({ description: 'largest volume size (500G, 0 = no limit)' }),
    volretention: periodFlag({ description: 'volume retention (365d, 1y)' }),
    voluseduration: periodFlag({ description: 'volume use duration (0 = no limit)' }),
    recycle: Flags.boolean({ description: 'recycle purged volumes', allowNo: true }),
    autoprune: Flags.boolean({ description: 'prune expired jobs automatically', allowNo: true }),
    enabled: Flags.boolean({ description: 'pool enabled', allowNo: true }),
    ...rawFlag,
  };

  async run(): Promise<Pool> {
    const { flags } = await this.parse(UpdatePool);
    const { pool, maxvols, maxvoljobs, maxvolbytes, volretention, voluseduration, recycle, autoprune, enabled } = flags;
    const changes = { maxvols, maxvoljobs, maxvolbytes, volretention, voluseduration, recycle, autoprune, enabled };
    if (Object.values(changes).every((v) => v === undefined)) {
      throw new CliError('bad_request', 'nothing to update: give at least one of --maxvols, --maxvoljobs, --maxvolbytes, --volretention, --voluseduration, --[no-]recycle, --[no-]autoprune, --[no-]enabled');
    }
    const answer = await this.connect(flags).post<{ data: Pool; error: number }>('/cmd/update', { pool, ...changes });
    return this.show(answer, flags.raw, (p) => `Pool "${p.name}" updated.\n` + pairs([
      ['Volumes', `${count(p.numvols)} of ${p.maxvols ? count(p.maxvols) : 'no limit'}`],
      ['Max jobs per volume', p.maxvoljobs ? count(p.maxvoljobs) : 'no limit'],
      ['Max volume size', p.maxvolbytes ? size(p.maxvolbytes) : 'no limit'],
      ['Volume retention', period(p.volretention)],
      ['Volume use duration', p.voluseduration ? period(p.voluseduration) : 'no limit'],
      ['Recycle', yesNo(p.recycle)],
      ['AutoPrune', yesNo(p.autoprune)],
      ['Enabled', yesNo(p.enabled)],
    ], this.paint));
  }
}
