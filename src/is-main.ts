import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Whether the module of `moduleUrl` (its `import.meta.url`) is the script
 * node was asked to run, links resolved: run through a symlinked path (an
 * install linked into place), a plain path comparison said no and the script
 * silently did nothing.
 */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(resolve(script)) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
