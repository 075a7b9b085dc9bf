import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Interfaces } from '@oclif/core';

/**
 * How the bin starts oclif quickly. oclif reads `oclif.manifest.json` from its
 * root and then loads only the command asked for; without one it loads every
 * command to learn their flags. The manifest is generated, so it lives with
 * the other generated files: oclif's root is dist/cli (the compiled CLI), its
 * package.json settings are the package's own with paths made relative to
 * there, and the manifest records the size and time of every compiled file it
 * was made from. When a build changed any of them, the bin makes it again.
 *
 * This module is imported before oclif: node built-ins only.
 */

/** The package root: the nearest directory above with a package.json (from dist/cli/lib, or cli/lib in tests). */
export const PACKAGE_ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

/** oclif's root: the compiled CLI. */
export const CLI_ROOT = join(PACKAGE_ROOT, 'dist', 'cli');

const MANIFEST = join(CLI_ROOT, 'oclif.manifest.json');
const PREFIX = './dist/cli/';

/** The `oclif` settings of package.json with their paths taken from dist/cli. */
function pjson(): Interfaces.PJSON {
  const p = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as Interfaces.PJSON;
  const local = (v: string): string => (v.startsWith(PREFIX) ? `./${v.slice(PREFIX.length)}` : v);
  const o = p.oclif;
  return {
    ...p,
    oclif: {
      ...o,
      commands: local(o.commands as string),
      hooks: Object.fromEntries(Object.entries(o.hooks ?? {}).map(([k, v]) => [k, local(v as string)])),
    },
  };
}

/** What the manifest was made from: each compiled CLI file's name, size and time, and package.json's. */
function fingerprint(): string {
  const parts: string[] = [];
  const note = (file: string): void => {
    const st = statSync(file);
    parts.push(`${file.slice(PACKAGE_ROOT.length)}:${st.size}:${st.mtimeMs}`);
  };
  note(join(PACKAGE_ROOT, 'package.json'));
  for (const dir of ['commands', 'hooks', 'lib']) {
    for (const f of readdirSync(join(CLI_ROOT, dir)).sort()) if (f.endsWith('.js')) note(join(CLI_ROOT, dir, f));
  }
  return parts.join('\n');
}

export interface OclifStart {
  /** what `execute({loadOptions})` and `Config.load` take */
  options: { root: string; pjson: Interfaces.PJSON };
  /** false: the manifest is missing or older than the compiled commands (oclif will load them all) */
  fresh: boolean;
  fingerprint: string;
}

/** The options oclif starts with, and whether the manifest can be trusted. */
export function oclifStart(): OclifStart {
  const fp = fingerprint();
  let fresh = false;
  try {
    fresh = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { fingerprint?: string }).fingerprint === fp;
  } catch {
    // missing or unreadable: made again
  }
  return { options: { root: CLI_ROOT, pjson: pjson() }, fresh, fingerprint: fp };
}

/**
 * Writes the manifest oclif built (`manifest` of the root Plugin loaded with
 * `ignoreManifest`), stamped with the fingerprint. A read-only install keeps
 * working, only slower: the write is given up silently.
 */
export function saveManifest(manifest: object, fp: string): void {
  const tmp = `${MANIFEST}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, JSON.stringify({ ...manifest, fingerprint: fp }));
    renameSync(tmp, MANIFEST);
  } catch {
    // not writable: every start loads all commands
  }
}
