import { loadHelpClass, type Hook, type Interfaces } from '@oclif/core';
import { exitCode } from '../lib/errors.js';

/** Edit distance of two short words (for "did you mean"). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

/** One line on stderr naming the nearest command, and the usage exit code. */
function unknown(config: Interfaces.Config, id: string): void {
  process.exitCode = exitCode('bad_request');
  // `bacula-mock --wat`: a flag before any command arrives here as the id.
  if (id.startsWith('-')) return void process.stderr.write(`${config.bin}: unknown flag "${id}" (flags go after the command); see ${config.bin} --help\n`);
  const [best] = config.commandIDs.map((c) => ({ id: c, d: distance(id, c) })).sort((a, b) => a.d - b.d);
  const guess = best && best.d <= Math.max(2, Math.floor(id.length / 3)) ? ` (did you mean "${best.id}"?)` : '';
  process.stderr.write(`${config.bin}: unknown command "${id}"${guess}; see ${config.bin} --help\n`);
}

/**
 * An id that is no command: `help [command]` (the CLI has no help plugin;
 * `--help` is oclif's own), or a typo.
 */
const notFound: Hook<'command_not_found'> = async function (opts) {
  // With words as topic separators, `help jobs` arrives as the id "help:jobs".
  const [first, ...rest] = opts.id.split(':');
  if (first !== 'help') return unknown(opts.config, opts.id.replaceAll(':', ' '));
  const wanted = [...rest, ...(opts.argv ?? [])];
  if (wanted.length && !opts.config.findCommand(wanted[0])) return unknown(opts.config, wanted[0]);
  const Help = await loadHelpClass(opts.config);
  await new Help(opts.config).showHelp(wanted);
};

export default notFound;
