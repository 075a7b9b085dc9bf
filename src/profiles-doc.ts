import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { distribute, ordered, type Profile } from '../engine/profiles.js';
import { loadBuiltinProfiles, ROOT } from './config.js';
import { isMain } from './is-main.js';

/** The N of the table's share column: `init 100`, the size of the default world. */
const SHARE_OF = 100;

export const PROFILES_DOC = join(ROOT, 'docs', 'profiles.md');
export const BEGIN = '<!-- BEGIN built-in profiles: generated from profiles/*.yaml by `npm run docs`; a test fails when it is stale -->';
export const END = '<!-- END built-in profiles -->';

const UNITS: Array<[number, string]> = [[1024 ** 4, 'TB'], [1024 ** 3, 'GB'], [1024 ** 2, 'MB']];

/** `500 MB`, `2 TB`, `1.5 GB` (1024 steps, as the CLI counts). */
function bytes(n: number): string {
  const [div, unit] = UNITS.find(([d]) => n >= d) ?? UNITS[UNITS.length - 1];
  return `${+(n / div).toFixed(1)} ${unit}`;
}

/** `5–20 GB`, `500 MB – 4 GB`. */
function byteRange(min: number, max: number): string {
  const [a, b] = [bytes(min), bytes(max)];
  const [av, au] = a.split(' ');
  return au === b.split(' ')[1] ? `${av}–${b}` : `${a} – ${b}`;
}

/** `200k–2M`, `500–20k`. */
function countRange(min: number, max: number): string {
  const short = (n: number): string => (n >= 1e6 ? `${+(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${+(n / 1e3).toFixed(1)}k` : String(n));
  return `${short(min)}–${short(max)}`;
}

/** What the FD reports of its system, shortened: `debian 12`, `Windows Server 2022 Standard`, `Red Hat Enterprise Linux 9.3`. */
function system(p: Profile): string {
  const parts = p.uname.split(',');
  if (p.os === 'windows') return parts[0].replace(/^Microsoft /, '').replace(/ Edition \(build \d+\)$/, '');
  const ver = parts[2] ?? '';
  const paren = /^\((.*) release ([\d.]+).*\)$/.exec(ver);
  return paren ? `${paren[1]} ${paren[2]}` : `${parts[1]} ${ver}`;
}

const pct = (x: number): string => `${Math.round(x * 100)}`;

/** The table of the built-in profiles and the sentence about their weights. */
export function profilesTable(profiles: readonly Profile[]): string {
  const list = ordered(profiles);
  const share = distribute(list, SHARE_OF);
  const weight = list.reduce((s, p) => s + p.count, 0);
  const rows = list.map((p) => `| \`${p.key}\` | ${p.count} | ${share.get(p.key)} | \`${p.name_prefix}-001\` | ${p.os}: ${system(p)} | ${p.fdversion} | `
    + `${byteRange(p.typical_bytes_min, p.typical_bytes_max)} | ${countRange(p.typical_files_min, p.typical_files_max)} | `
    + `${pct(p.job_levels.F)} / ${pct(p.job_levels.I)} / ${pct(p.job_levels.D)} | ${p.file_tree} | ${p.description} |`);
  return [
    `${list.length} profiles, in their \`order\`; their counts add up to ${weight}, so \`init ${SHARE_OF}\` gives each`,
    `about count × ${SHARE_OF} / ${weight} clients (the "of ${SHARE_OF}" column). Full backup: the range of a Full's size`,
    '(1 GB = 1024³ bytes) and number of files; Incrementals are a tenth of that, Differentials three tenths.',
    'Levels: the share of Full / Incremental / Differential backups, in %.',
    '',
    `| profile | count | of ${SHARE_OF} | first client | system (\`os\`: what the FD reports) | FD | Full backup | files | F / I / D | \`file_tree\` | description |`,
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** docs/profiles.md with its generated section made from `profiles`. */
export function profilesDoc(markdown: string, profiles: readonly Profile[]): string {
  const from = markdown.indexOf(BEGIN);
  const to = markdown.indexOf(END);
  if (from < 0 || to < from) throw new Error(`${PROFILES_DOC}: the markers of the generated section are missing`);
  return `${markdown.slice(0, from)}${BEGIN}\n\n${profilesTable(profiles)}\n\n${markdown.slice(to)}`;
}

/** The built-in profiles as the server reads them; a problem in one is an error here too. */
export function builtinProfiles(): Profile[] {
  const problems: string[] = [];
  const profiles = loadBuiltinProfiles(undefined, problems);
  if (problems.length) throw new Error(problems.join('\n'));
  return profiles;
}

if (isMain(import.meta.url)) {
  writeFileSync(PROFILES_DOC, profilesDoc(readFileSync(PROFILES_DOC, 'utf8'), builtinProfiles()));
}
