import { Flags } from '@oclif/core';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError } from './errors.js';

/** Flags of the exports. */
export const exportFlags = {
  output: Flags.string({ char: 'o', description: 'write to this file instead of stdout' }),
  'page-size': Flags.integer({ description: 'jobs asked of the server per request', min: 2, max: 100_000, default: 5000 }),
};

/**
 * Writes an export to the file of `--output`, else to stdout (left open), then
 * says on stderr how many of what (`said`, asked at the end) went where: always
 * for a file, on a terminal only for stdout (a pipe's reader wants the data
 * alone). Nothing is opened before the first chunk is ready, so a refused first
 * request leaves no empty file behind. stdout is written by hand, not through
 * `stream.pipeline`: when the source fails, pipeline destroys its
 * destination, and a destroyed stdout turns the CLI's one-line error into an
 * uncaught stack trace.
 */
export async function writeExport(chunks: AsyncIterable<string>, output: string | undefined, said: () => string): Promise<void> {
  const source = chunks[Symbol.asyncIterator]();
  const first = await source.next();
  async function* all(): AsyncGenerator<string> {
    if (first.done) return;
    yield first.value;
    yield* { [Symbol.asyncIterator]: () => source };
  }
  if (output === undefined) {
    for await (const chunk of all()) if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
    if (process.stderr.isTTY) process.stderr.write(`Exported ${said()}.\n`);
    return;
  }
  try {
    await pipeline(Readable.from(all()), createWriteStream(output));
  } catch (e) {
    // The file's own failures (open, write) carry a syscall; the source's (a refused request, a bug) go on as they are.
    throw (e as NodeJS.ErrnoException).syscall ? new CliError('bad_request', `cannot write ${output}: ${(e as Error).message}`) : e;
  }
  process.stderr.write(`Exported ${said()} to ${output}.\n`);
}
