import type { Hook } from '@oclif/core';
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

/** An unknown command: one line on stderr with the nearest command's name, and the usage exit code. */
const notFound: Hook<'command_not_found'> = async function (opts) {
  const bin = opts.config.bin;
  const [best] = opts.config.commandIDs.map((id) => ({ id, d: distance(opts.id, id) })).sort((a, b) => a.d - b.d);
  const guess = best && best.d <= Math.max(2, Math.floor(opts.id.length / 3)) ? ` (did you mean "${best.id}"?)` : '';
  process.stderr.write(`${bin}: unknown command "${opts.id}"${guess}; see ${bin} --help\n`);
  process.exitCode = exitCode('bad_request');
};

export default notFound;
