import { Flags } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import type { Clock as ClockData } from '../lib/rows.js';

export default class Clock extends ApiCommand {
  static override summary = 'Show or change the virtual clock';
  static override description = 'Without flags, GET /mock/clock. With flags, POST /mock/clock: --speed is virtual seconds per real second; --advance plays every simulated event of that span at once, in order (a day of Director life in an instant).';
  static override examples = [
    '<%= config.bin %> clock',
    '<%= config.bin %> clock --speed 60',
    '<%= config.bin %> clock --pause',
    '<%= config.bin %> clock --advance 24h',
    '<%= config.bin %> clock --resume --speed 1',
  ];
  static override flags = {
    speed: Flags.custom<number>({ description: 'virtual seconds per real second (1 = real time, 3600 = an hour a second)', parse: async (v) => speed(v) })(),
    pause: Flags.boolean({ description: 'stop virtual time', exclusive: ['resume'] }),
    resume: Flags.boolean({ description: 'let virtual time run again', exclusive: ['pause'] }),
    advance: Flags.string({ description: 'jump ahead: 30s, 90m, 24h, 7d, 2w' }),
    ...rawFlag,
  };

  async run(): Promise<ClockData> {
    const { flags } = await this.parse(Clock);
    const api = this.connect(flags);
    const paused = flags.pause ? true : flags.resume ? false : undefined;
    const change = flags.speed !== undefined || paused !== undefined || flags.advance !== undefined;
    const answer = change
      ? await api.post<{ data: ClockData; error: number }>('/mock/clock', { speed: flags.speed, paused, advance: flags.advance }, { timeoutMs: 0 })
      : await api.get<{ data: ClockData; error: number }>('/mock/clock');
    return this.show(answer, flags.raw, (c) => `${flags.advance !== undefined ? `Advanced ${flags.advance}. ` : ''}Virtual time ${c.virtual_time} ${c.timezone}, speed ${c.speed}x, ${c.paused ? this.paint('yellow', 'paused') : 'running'}`);
  }
}

function speed(v: string): number {
  const n = Number(v.replace(/x$/i, ''));
  if (!v.trim() || !Number.isFinite(n) || n < 0 || n > 1_000_000) throw new Error(`--speed must be a number from 0 to 1000000 (got "${v}")`);
  return n;
}
