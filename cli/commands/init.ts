import { Args, Flags } from '@oclif/core';
import { ApiCommand, rawFlag } from '../lib/command.js';
import { count, plural } from '../lib/units.js';

interface Initialized {
  clients: number;
  jobs: number;
  error_rate: number;
  seed: number;
  history_days: number;
  virtual_time: string;
}

export default class Init extends ApiCommand {
  static override summary = 'Generate a new world: N clients with an error rate';
  static override description = 'Calls POST /mock/initialize. Replaces every client, job and volume with a fresh world built from the profiles, with its history of past jobs already in the catalog. Without N or rate the server takes simulation.default_clients and simulation.error_rate from its config.';
  static override examples = [
    '<%= config.bin %> init 100 0.25',
    '<%= config.bin %> reset && <%= config.bin %> init 10 0.0',
    '<%= config.bin %> init 500 0.90 --seed 42 --history-days 30',
  ];
  static override args = {
    clients: Args.integer({ description: 'number of clients', min: 0, max: 100_000 }),
    rate: Args.custom<number>({ parse: async (v) => errorRate(v) })({ description: 'share of failing jobs, 0.0 to 1.0' }),
  };
  static override flags = {
    seed: Flags.integer({ description: 'world seed (same seed + config = same world)', min: 0, max: 4_294_967_295 }),
    'history-days': Flags.custom<number>({ description: 'days of past jobs to fill in', parse: async (v) => historyDays(v) })(),
    ...rawFlag,
  };

  async run(): Promise<Initialized> {
    const { args, flags } = await this.parse(Init);
    const api = this.connect(flags);
    if (process.stderr.isTTY && !flags.raw && !this.jsonEnabled()) this.note(`Initializing${args.clients === undefined ? '' : ` ${args.clients} clients`}...`);
    const body = { clients: args.clients, error_rate: args.rate, seed: flags.seed, history_days: flags['history-days'] };
    const answer = await api.post<{ data: Initialized; error: number }>('/mock/initialize', body, { timeoutMs: 0 });
    return this.show(answer, flags.raw, (d) => `Initialized ${count(d.clients)} clients and ${count(d.jobs)} jobs (error rate ${d.error_rate}, seed ${d.seed}, ${plural(d.history_days, 'day')} of history); virtual time ${d.virtual_time}`);
  }
}

function errorRate(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new Error(`rate must be a number from 0.0 to 1.0 (got "${v}")`);
  return n;
}

function historyDays(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 3650) throw new Error(`--history-days must be a number of days from 0 to 3650 (got "${v}")`);
  return n;
}
