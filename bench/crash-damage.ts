/**
 * Damaged data files: a start over a damaged snapshot or journal must refuse
 * (exit 2, one `data error:` line naming the file) and leave every file as it
 * was. (bench/crash.ts and test/crash.test.ts)
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Api, ServerProcess, tempConfig, tempDir } from './server-process.js';

export interface Damage {
  name: string;
  file: 'world.snapshot' | 'world.journal';
  /** the file's bytes after the damage */
  apply: (b: Buffer) => Buffer;
}

const newlines = (b: Buffer): number[] => [...b.entries()].filter(([, c]) => c === 10).map(([i]) => i);
/** A copy with the byte at `at` changed to another printable character. */
const flipped = (b: Buffer, at: number): Buffer => {
  const c = Buffer.from(b);
  c[at] = c[at] === 0x30 ? 0x31 : 0x30;
  return c;
};
/** The middle of line `n` (0-based) of a file. */
const midLine = (b: Buffer, n: number): number => {
  const nl = newlines(b);
  const start = n === 0 ? 0 : nl[n - 1] + 1;
  return start + Math.floor((nl[n] - start) / 2);
};
const FOREIGN_BINARY = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(600, 0x5a)]);
const FOREIGN_TEXT = Buffer.from('simulation:\n  default_clients: 12\n  seed: 5\n');

/**
 * Kinds of damage, each of which a start must refuse. A journal's last line
 * cut short is not among them: that is what kill -9 mid-append leaves, and is
 * dropped with a warning (see `truncatedTail`).
 */
export const DAMAGES: readonly Damage[] = [
  { name: 'snapshot truncated mid-line', file: 'world.snapshot', apply: (b) => b.subarray(0, midLine(b, Math.floor(newlines(b).length / 2))) },
  { name: 'snapshot truncated at a line end (its end marker lost)', file: 'world.snapshot', apply: (b) => b.subarray(0, newlines(b).at(-2)! + 1) },
  { name: 'snapshot with a flipped byte in its data', file: 'world.snapshot', apply: (b) => flipped(b, midLine(b, 1)) },
  { name: 'snapshot with a flipped byte in its header', file: 'world.snapshot', apply: (b) => flipped(b, midLine(b, 0)) },
  { name: 'snapshot of zero length', file: 'world.snapshot', apply: () => Buffer.alloc(0) },
  { name: 'snapshot replaced by a foreign binary file', file: 'world.snapshot', apply: () => FOREIGN_BINARY },
  { name: 'snapshot replaced by a foreign text file', file: 'world.snapshot', apply: () => FOREIGN_TEXT },
  { name: 'journal with a record cut short in the middle of the file', file: 'world.journal', apply: (b) => Buffer.concat([b.subarray(0, midLine(b, 1)), b.subarray(newlines(b)[1])]) },
  { name: 'journal with a whole record removed from the middle', file: 'world.journal', apply: (b) => Buffer.concat([b.subarray(0, newlines(b)[1] + 1), b.subarray(newlines(b)[2] + 1)]) },
  { name: 'journal with a flipped byte in a middle record', file: 'world.journal', apply: (b) => flipped(b, midLine(b, 1) + 3) },
  { name: 'journal with a flipped byte in its last record', file: 'world.journal', apply: (b) => flipped(b, midLine(b, newlines(b).length - 1)) },
  { name: 'journal with a flipped byte in its header', file: 'world.journal', apply: (b) => flipped(b, 3) },
  { name: 'journal truncated in its header line', file: 'world.journal', apply: (b) => b.subarray(0, midLine(b, 0)) },
  { name: 'journal of zero length', file: 'world.journal', apply: () => Buffer.alloc(0) },
  { name: 'journal replaced by a foreign binary file', file: 'world.journal', apply: () => FOREIGN_BINARY },
  { name: 'journal replaced by a foreign text file', file: 'world.journal', apply: () => FOREIGN_TEXT },
];

/** sha256 of every file in a directory, by name. */
export function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
  return out;
}

export interface DamageResult {
  damage: string;
  /** the server's exit code; null if it started (and was killed), or if the start was tried in this process */
  exitCode: number | null;
  started: boolean;
  /** the server's stderr, or the message of what the start threw in this process */
  stderr: string;
  /** the data directory is byte for byte what it was after the damage (no file written, removed or added) */
  untouched: boolean;
  /** a single `data error:` line naming the damaged file (in this process: a DataError naming it, on one line) */
  reported: boolean;
}

/**
 * A copy of `pristine` (a data dir holding a snapshot and a journal with
 * records), damaged, and a start over it. With `inProcess` false (the
 * default) the server is started as `node <main>`, and killed at once if it
 * gets as far as listening; with `inProcess` true, `start()` of the same
 * compiled main is called in this process (milliseconds instead of the
 * seconds a Node process takes to load the server): everything up to
 * listening is the same, only the exit code and stderr line are not seen.
 */
export async function probeDamage(main: string, pristine: string, damage: Damage, inProcess = false): Promise<DamageResult> {
  const { dir, file: config } = tempConfig('logging:\n  file: logs/damage.log\n', tempDir('bacula-mock-damage-'));
  const data = join(dir, 'data');
  cpSync(pristine, data, { recursive: true });
  const file = join(data, damage.file);
  writeFileSync(file, damage.apply(readFileSync(file)));
  const before = fingerprint(data);
  const { started, exitCode, stderr, reported } = inProcess ? await startHere(main, config, file) : await startProcess(main, config, file);
  const untouched = JSON.stringify(fingerprint(data)) === JSON.stringify(before);
  rmSync(dir, { recursive: true, force: true });
  return { damage: damage.name, exitCode, started, stderr, untouched, reported };
}

type Outcome = Pick<DamageResult, 'started' | 'exitCode' | 'stderr' | 'reported'>;
type Main = typeof import('../src/main.js');
/** The compiled server's `start()`, to run it in this process. */
const startOf = async (main: string): Promise<Main['start']> => ((await import(pathToFileURL(main).href)) as Main).start;

async function startProcess(main: string, config: string, file: string): Promise<Outcome> {
  const server = new ServerProcess(main, config);
  const started = await server.ready.then(() => true, () => false);
  const { code } = await server.kill();
  const lines = server.stderr.split('\n').filter(Boolean);
  return { started, exitCode: started ? null : code, stderr: server.stderr, reported: lines.length === 1 && lines[0].startsWith('data error: ') && lines[0].includes(file) };
}

async function startHere(main: string, config: string, file: string): Promise<Outcome> {
  const start = await startOf(main);
  try {
    const server = await start({ config, port: 0, host: '127.0.0.1', quiet: true });
    await server.close('probe');
    return { started: true, exitCode: null, stderr: '', reported: false };
  } catch (e) {
    const err = e as Error;
    return { started: false, exitCode: null, stderr: err.message, reported: err.name === 'DataError' && !err.message.includes('\n') && err.message.includes(file) };
  }
}

/** Whether a data dir has what the damages need: a snapshot and a journal of a header and 3+ records. */
export function damageable(data: string): boolean {
  const journal = join(data, 'world.journal');
  return existsSync(join(data, 'world.snapshot')) && existsSync(journal) && readFileSync(journal, 'utf8').split('\n').filter(Boolean).length >= 4;
}

/**
 * A data dir to damage, built by the compiled server run in this process: a
 * snapshot (the first stop writes one) and a journal of several records
 * after it (a stop allowed 0 ms for its snapshot leaves them there).
 */
export async function pristineDataDir(main: string): Promise<string> {
  const start = await startOf(main);
  const { dir, file: config } = tempConfig('simulation:\n  default_clients: 6\n  history_days: 1\n  speed: 600\nlogging:\n  file: logs/pristine.log\n', tempDir('bacula-mock-pristine-'));
  const opts = { config, port: 0, host: '127.0.0.1', quiet: true, stopSnapshotBudgetMs: 0 };
  await (await start(opts)).close('pristine');
  const server = await start(opts);
  const api = new Api(`http://127.0.0.1:${server.port}`);
  try {
    for (let i = 0; i < 4; i++) {
      const r = await api.call('POST', '/cmd/label', { volume: `Pristine-${i}`, pool: 'Default' });
      if (r.status !== 200) throw new Error(`label: ${r.status} ${JSON.stringify(r.body)}`);
    }
  } finally {
    api.close();
    await server.close('pristine');
  }
  const data = join(dir, 'data');
  if (!damageable(data)) throw new Error(`${data}: expected a snapshot and a journal of records after it`);
  return data;
}

/**
 * The journal's last record cut short (what kill -9 mid-append leaves), and
 * a start of the compiled server in this process over it: the start goes on,
 * logs a warning naming the file and line, and drops just that line.
 */
export async function truncatedTail(main: string, pristine: string): Promise<{ started: boolean; warning: string | undefined; keptWholeLines: boolean }> {
  const start = await startOf(main);
  const { dir, file: config } = tempConfig('logging:\n  file: logs/tail.log\n', tempDir('bacula-mock-tail-'));
  const data = join(dir, 'data');
  cpSync(pristine, data, { recursive: true });
  const journal = join(data, 'world.journal');
  const whole = readFileSync(journal);
  const nl = newlines(whole);
  writeFileSync(journal, whole.subarray(0, midLine(whole, nl.length - 1)));
  try {
    // A stop allowed 0 ms for a snapshot leaves the journal for the check below.
    await (await start({ config, port: 0, host: '127.0.0.1', quiet: true, stopSnapshotBudgetMs: 0 })).close('probe');
  } catch {
    return { started: false, warning: undefined, keptWholeLines: false };
  }
  const warning = readFileSync(join(dir, 'logs', 'tail.log'), 'utf8').split('\n').filter((l) => l.includes('"level":40'))
    .map((l) => (JSON.parse(l) as { msg: string }).msg).find((m) => m.includes(journal));
  // The whole lines stay, the cut one goes (the server may have appended records since).
  const kept = whole.subarray(0, nl.at(-2)! + 1);
  const after = readFileSync(journal);
  const next = after.subarray(kept.length, after.indexOf(10, kept.length) + 1).toString();
  rmSync(dir, { recursive: true, force: true });
  return { started: true, warning, keptWholeLines: after.subarray(0, kept.length).equals(kept) && (next === '' || / \{.*\}\n$/.test(next)) && !next.startsWith(whole.subarray(kept.length).toString()) };
}
