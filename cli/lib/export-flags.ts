import { Flags } from '@oclif/core';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';

/** Flags of the exports. */
export const exportFlags = {
  output: Flags.string({ char: 'o', description: 'write to this file instead of stdout' }),
  'page-size': Flags.integer({ description: 'jobs asked of the server per request', min: 2, max: 100_000, default: 5000 }),
};

/** Where an export goes: the file of `--output`, else stdout (left open). */
export function destination(output: string | undefined): Writable {
  return output === undefined ? process.stdout : createWriteStream(output);
}
