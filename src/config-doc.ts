import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_SPEC, PROFILE_SPEC, ROOT } from './config.js';
import type { Spec } from './schema.js';
import { isMain } from './is-main.js';

/** docs/configuration.md, generated from the schema so the reference cannot drift from the code. */
export function configReference(): string {
  const rows: string[] = [];
  const cell = (spec: Spec): string => {
    if (spec.type === 'map') return '{}';
    if (spec.type === 'list' || spec.type === 'message' || spec.type === 'object') return '—';
    return spec.default === undefined ? '(required)' : JSON.stringify(spec.default);
  };
  const walk = (spec: Extract<Spec, { type: 'object' }>, path: string[]): void => {
    for (const [key, sub] of Object.entries(spec.keys)) {
      if (sub.type === 'object' && path.length < 2 && spec !== PROFILE_SPEC) walk(sub, [...path, key]);
      else rows.push(`| \`${[...path, key].join('.')}\` | ${sub.type} | ${cell(sub)} | ${sub.doc} |`);
    }
  };
  walk(CONFIG_SPEC, []);
  const profileRows = Object.entries(PROFILE_SPEC.keys).map(([key, sub]) => `| \`${key}\` | ${sub.type} | ${cell(sub)} | ${sub.doc} |`);
  return [
    '# Configuration',
    '',
    '<!-- Generated from src/config.ts by `npm run docs`; a test fails when this file is stale. -->',
    '',
    '`config.yaml` in the working directory (or next to the package), falling back to `config.yaml.dist`;',
    '`npm start -- --config FILE` names another. Every key is optional. Unknown keys, wrong types,',
    '`job_levels` not summing to 1.0, min > max and unreadable TLS files stop the start with one line per',
    'problem: `config.yaml:LINE: key.path: problem`, and exit status 2.',
    '',
    'The world keeps the settings it was initialised with: after changing `simulation` or',
    '`client_profiles`, restart and re-initialise (`POST /mock/initialize`).',
    '',
    '| key | type | default | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
    '## Profiles',
    '',
    'Built-in profiles are YAML files in `profiles/`, one per system type. An entry under',
    '`client_profiles.<key>` with the key of a built-in overrides just the fields it gives; a new key',
    'adds a profile, and then the fields marked (required) must be given. `init N` shares N clients',
    'among the profiles in proportion to `count` (largest remainder, ties by `order`), named',
    '`<name_prefix>-001`, `-002`, ...',
    '',
    'Messages are strings (logged by the client\'s File daemon) or `{daemon: fd|sd|dir, message: ...}`.',
    'A failing job logs one of `error_types` and ends `f` when the message starts `Fatal error:`,',
    'otherwise `E`; a job that ends OK with warnings logs one to three of `warning_types`.',
    '',
    '| key | type | default | meaning |',
    '|---|---|---|---|',
    ...profileRows,
    '',
  ].join('\n');
}

export const CONFIG_DOC = join(ROOT, 'docs', 'configuration.md');

if (isMain(import.meta.url)) {
  writeFileSync(CONFIG_DOC, configReference());
}
