import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IANAZone, DateTime } from 'luxon';
import { LineCounter, parseDocument, isMap, isScalar, type Document } from 'yaml';
import type { Profile } from '../engine/profiles.js';
import { POOLS } from '../engine/world.js';
import { check, pathText, type Problem, type Spec } from './schema.js';

/** The project root (where package.json, config.yaml.dist and profiles/ live), from src/ or dist/src/. */
export const ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();

const int = (doc: string, d: number | undefined, min?: number, max?: number): Spec => ({ type: 'integer', default: d, min, max, doc });
const num = (doc: string, d: number, min?: number, max?: number): Spec => ({ type: 'number', default: d, min, max, doc });
const str = (doc: string, d: string | null, extra: Partial<Extract<Spec, { type: 'string' }>> = {}): Spec => ({ type: 'string', default: d, doc, ...extra });
const bool = (doc: string, d: boolean): Spec => ({ type: 'boolean', default: d, doc });

/** Every key of a client profile (manual §6.1 plus what the live engine uses). */
export const PROFILE_SPEC: Extract<Spec, { type: 'object' }> = {
  type: 'object',
  doc: 'A kind of system the simulated clients are built from.',
  keys: {
    description: str('What the system is', null, { nullable: true }),
    order: int('Position in listings and in client numbering', 1000, 0),
    count: int('Weight when N clients are distributed across profiles', undefined, 0),
    name_prefix: str('Client name prefix: clients are <prefix>-001, -002, ...', null, { pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,60}$/ }),
    fdversion: str('Bacula File daemon version the client reports', '13.0.2', { pattern: /^\d+\.\d+\.\d+$/ }),
    uname: str('OS triple the FD reports (HOST_OS,DISTNAME,DISTVER)', 'x86_64-pc-linux-gnu,debian,12'),
    os: str('Operating system family', 'linux', { enum: ['linux', 'windows', 'freebsd', 'macos'] }),
    file_tree: str('Shape of the file tree used for restore browsing', 'generic'),
    typical_files_min: int('Fewest files of a Full backup', undefined, 0),
    typical_files_max: int('Most files of a Full backup', undefined, 0),
    typical_bytes_min: int('Fewest bytes of a Full backup', undefined, 0),
    typical_bytes_max: int('Most bytes of a Full backup', undefined, 0),
    throughput_min: int('Slowest FD throughput, bytes per second', 20 * 1_048_576, 1),
    throughput_max: int('Fastest FD throughput, bytes per second', 120 * 1_048_576, 1),
    job_levels: {
      type: 'object', doc: 'Probability of each backup level; must sum to 1.0',
      keys: { F: num('Full', 0, 0, 1), I: num('Incremental', 0, 0, 1), D: num('Differential', 0, 0, 1) },
    },
    error_types: { type: 'list', items: { type: 'message', doc: 'A failure message' }, minItems: 1, maxItems: 20, doc: 'Messages of failing jobs (3-7 recommended)' },
    warning_types: { type: 'list', items: { type: 'message', doc: 'A warning message' }, maxItems: 20, doc: 'Messages of jobs that end OK with warnings' },
  },
};
const PROFILE_REQUIRED = ['count', 'name_prefix', 'typical_files_min', 'typical_files_max', 'typical_bytes_min', 'typical_bytes_max', 'job_levels', 'error_types'];

/** Every key of config.yaml, with its default (config.yaml.dist mirrors these). */
export const CONFIG_SPEC: Extract<Spec, { type: 'object' }> = {
  type: 'object',
  doc: 'bacula-mock configuration',
  keys: {
    server: {
      type: 'object', doc: 'Network, port, TLS',
      keys: {
        host: str('Bind address (127.0.0.1 for local only)', '0.0.0.0'),
        port: int('TCP port (Bacula Director standard)', 9101, 0, 65535),
        debug: bool('Debug logging', false),
        cors_origins: {
          type: 'list', maxItems: 100,
          items: str('An origin: scheme://host[:port]', null, { pattern: /^https?:\/\/[^\s/?#]+$/ }),
          doc: 'Origins (`https://dash.example:8443`) whose browser pages may call the API (CORS); none by default: CORS off, no CORS header at all',
        },
        headers_timeout: int('Seconds a client may take to send the headers of a request (slow clients are cut off)', 20, 1, 3600),
        request_timeout: int('Seconds a client may take to send a whole request, body included', 60, 1, 3600),
        keepalive_timeout: int('Seconds an idle keep-alive connection is kept open', 5, 1, 3600),
        tls: {
          type: 'object', doc: 'HTTPS',
          keys: {
            enabled: bool('Serve the API over HTTPS', false),
            cert_file: str('TLS certificate path (relative to the config file)', 'certs/server.crt'),
            key_file: str('TLS private key path (relative to the config file)', 'certs/server.key'),
          },
        },
      },
    },
    authentication: {
      type: 'object', doc: 'API credentials',
      keys: {
        username: str('Username for Basic Auth and OAuth2', 'admin'),
        password: str('Password for both auth methods', 'bacula2026'),
        token_ttl: int('Lifetime of OAuth2 access tokens, seconds', 12, 1, 86400),
        max_failures: int('Failed authentications from one address, within failure_window, before it gets 429 (0 = no limit)', 20, 0, 1_000_000),
        failure_window: int('Seconds over which failed authentications are counted', 300, 1, 86400),
      },
    },
    simulation: {
      type: 'object', doc: 'The simulated world',
      keys: {
        default_clients: int('Clients built on first start and by init without N', 100, 0, 1_000_000),
        error_rate: num('Share of terminal backup jobs that fail (0.0 to 1.0)', 0.25, 0, 1),
        job_interval_min: num('Fewest virtual minutes between the end of a client\'s job and its next', 60, 0.1),
        job_interval_max: num('Most virtual minutes between the end of a client\'s job and its next', 1440, 0.1),
        statistics_interval: int('Reserved: accepted for compatibility with the manual; not used yet', 60, 1),
        seed: int('World seed: same seed + config + commands = same world', 2026, 0, 4_294_967_295),
        speed: num('Virtual seconds per real second', 1, 0, 1_000_000),
        history_days: num('Days of past jobs filled in by init', 7, 0, 3650),
        timezone: str('Director time zone (IANA name) for every time shown', 'UTC'),
        start_time: str('Virtual time of init, ISO 8601 (default: the wall clock at init)', null, { nullable: true }),
        max_concurrent_jobs: int('Director Maximum Concurrent Jobs', 100, 1, 100_000),
        client_concurrent_jobs: int('Maximum Concurrent Jobs of each client', 1, 1, 1000),
        storage_concurrent_jobs: int('Maximum Concurrent Jobs of the storage', 50, 1, 100_000),
        data_dir: str('Where the world is kept across restarts (relative to the config file)', 'data'),
        snapshot_interval: int('Real seconds between snapshots of the world', 300, 5),
      },
    },
    client_profiles: { type: 'map', values: PROFILE_SPEC, doc: 'Custom profiles: add to or override the built-ins' },
    job_defaults: {
      type: 'object', doc: 'Default values for generated jobs',
      keys: {
        poolid: int('PoolId of `pool` (1 Default, 2 Full, 3 Incremental, 4 Differential)', 1, 1),
        pool: str('Pool of the generated Job resources; each backup level still goes to its own pool (Job FullPool/IncPool/DiffPool override)', 'Default', { enum: ['Default', 'Full', 'Incremental', 'Differential'] }),
        storageid: int('StorageId of `storage` (the one Storage: 1)', 1, 1),
        storage: str('Name of the Director\'s one Storage, used by every Job', 'File', { pattern: /^[A-Za-z0-9._-]+$/ }),
        type: str('Job type of the clients\' Job resources', 'B', { enum: ['B'] }),
        priority: int('Job priority (lower runs first)', 10, 1, 100),
      },
    },
    logging: {
      type: 'object', doc: 'Log file and level',
      keys: {
        level: str('Log level', 'INFO', { enum: ['DEBUG', 'INFO', 'WARNING', 'ERROR'] }),
        file: str('Log file path (relative to the config file)', 'logs/bacula_mock.log'),
        max_bytes: int('Size at which the log file rotates', 10_485_760, 1024),
        backup_count: int('Rotated log files kept (bacula_mock.log.1 newest ... .N); 0 = the file starts afresh when full', 5, 0, 100),
      },
    },
  },
};

export interface Config {
  /** the file read */
  file: string;
  /** directory relative paths are resolved against */
  base: string;
  server: {
    host: string; port: number; debug: boolean; cors_origins: string[];
    headers_timeout: number; request_timeout: number; keepalive_timeout: number;
    tls: { enabled: boolean; cert_file: string; key_file: string };
  };
  authentication: { username: string; password: string; token_ttl: number; max_failures: number; failure_window: number };
  simulation: {
    default_clients: number; error_rate: number; job_interval_min: number; job_interval_max: number;
    statistics_interval: number; seed: number; speed: number; history_days: number; timezone: string;
    start_time: string | null; max_concurrent_jobs: number; client_concurrent_jobs: number;
    storage_concurrent_jobs: number; data_dir: string; snapshot_interval: number;
  };
  profiles: Profile[];
  job_defaults: { poolid: number; pool: string; storageid: number; storage: string; type: 'B'; priority: number };
  logging: { level: string; file: string; max_bytes: number; backup_count: number };
}

/** One line per problem, each naming the file, line and key. */
export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
    this.name = 'ConfigError';
  }
}

interface Source {
  file: string;
  doc: Document.Parsed;
  counter: LineCounter;
}

function readYaml(file: string, problems: string[]): Source | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    problems.push(`${file}: cannot read: ${(e as Error).message}`);
    return null;
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  for (const err of doc.errors) {
    const line = err.linePos?.[0]?.line ?? 1;
    problems.push(`${file}:${line}: ${err.message.split('\n')[0]}`);
  }
  return doc.errors.length ? null : { file, doc, counter };
}

type Range = { range?: [number, number] } | null | undefined;

/** Line of the value at `path`, if it exists. */
function valueLine(src: Source, path: Problem['path']): number | undefined {
  const range = ((path.length ? src.doc.getIn(path, true) : src.doc.contents) as Range)?.range;
  return range ? src.counter.linePos(range[0]).line : undefined;
}

/** Line of the key that ends `path`, if it exists. */
function keyLine(src: Source, path: Problem['path']): number | undefined {
  const parent = path.length > 1 ? src.doc.getIn(path.slice(0, -1), true) : src.doc.contents;
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path[path.length - 1]));
  const range = (pair?.key as Range)?.range;
  return range ? src.counter.linePos(range[0]).line : undefined;
}

/** The line a problem points at: its value, else its key, else the nearest key above it. */
function lineOf(src: Source, problem: Problem): number {
  const exact = problem.atKey ? undefined : valueLine(src, problem.path);
  if (exact) return exact;
  for (let n = problem.path.length; n > 0; n--) {
    const line = keyLine(src, problem.path.slice(0, n));
    if (line) return line;
  }
  return 1;
}

function report(src: Source, problems: Problem[], out: string[]): void {
  for (const p of problems) out.push(`${src.file}:${lineOf(src, p)}: ${pathText(p.path)}: ${p.message}`);
}

/**
 * The certificate and key must be readable PEM that belong together: found
 * here, a bad file is a config problem with its line, before any data is written.
 */
function tlsProblems(base: string, tls: Config['server']['tls']): Problem[] {
  const problems: Problem[] = [];
  const pem: Partial<Record<'cert_file' | 'key_file', Buffer>> = {};
  for (const key of ['cert_file', 'key_file'] as const) {
    const f = resolve(base, tls[key]);
    try {
      pem[key] = readFileSync(f);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      problems.push({ path: ['server', 'tls', key], message: `cannot read ${f}${code === 'EISDIR' ? ' (a directory)' : code === 'EACCES' ? ' (permission denied)' : ''}` });
    }
  }
  let cert: X509Certificate | null = null;
  let key: KeyObject | null = null;
  if (pem.cert_file) {
    try {
      cert = new X509Certificate(pem.cert_file);
    } catch {
      problems.push({ path: ['server', 'tls', 'cert_file'], message: `is not a PEM certificate (${resolve(base, tls.cert_file)})` });
    }
  }
  if (pem.key_file) {
    try {
      key = createPrivateKey(pem.key_file);
    } catch {
      problems.push({ path: ['server', 'tls', 'key_file'], message: `is not a PEM private key (${resolve(base, tls.key_file)})` });
    }
  }
  if (cert && key && !cert.checkPrivateKey(key)) {
    problems.push({ path: ['server', 'tls', 'key_file'], message: 'does not belong to the certificate of cert_file' });
  }
  return problems;
}

/** Cross-field rules of a profile (job_levels sum, min <= max). */
function profileProblems(p: Record<string, unknown>, complete: boolean): Problem[] {
  const problems: Problem[] = [];
  if (complete) {
    for (const key of PROFILE_REQUIRED) if (p[key] === undefined || p[key] === null) problems.push({ path: [key], message: 'is required' });
  }
  const levels = p.job_levels as Record<string, number> | undefined;
  if (levels) {
    const sum = (levels.F ?? 0) + (levels.I ?? 0) + (levels.D ?? 0);
    if (Math.abs(sum - 1) > 1e-6) problems.push({ path: ['job_levels'], message: `F + I + D must sum to 1.0 (got ${+sum.toFixed(6)})` });
  }
  for (const what of ['typical_files', 'typical_bytes', 'throughput']) {
    const min = p[`${what}_min`] as number;
    const max = p[`${what}_max`] as number;
    if (typeof min === 'number' && typeof max === 'number' && min > max) {
      problems.push({ path: [`${what}_min`], message: `must not exceed ${what}_max (${min} > ${max})` });
    }
  }
  return problems;
}

function toProfile(key: string, p: Record<string, unknown>): Profile {
  return {
    ...(p as unknown as Profile),
    key,
    description: (p.description as string | null) ?? key,
    warning_types: (p.warning_types as Profile['warning_types']) ?? [],
  };
}

/** Reads every built-in profile under `dir`. */
export function loadBuiltinProfiles(dir = join(ROOT, 'profiles'), out: string[] = []): Profile[] {
  const profiles: Profile[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const src = readYaml(join(dir, name), out);
    if (!src) continue;
    const problems: Problem[] = [];
    const raw = src.doc.toJS() as unknown;
    const value = check(PROFILE_SPEC, raw, [], problems) as Record<string, unknown>;
    problems.push(...profileProblems(value, true));
    report(src, problems, out);
    profiles.push(toProfile(basename(name, '.yaml'), value));
  }
  return profiles;
}

/**
 * Loads config.yaml (or config.yaml.dist when there is none) and the profiles.
 * Throws ConfigError listing every problem; never returns a half-valid config.
 */
export function loadConfig(file?: string, opts: { profilesDir?: string } = {}): Config {
  const out: string[] = [];
  const path = resolve(file ?? (existsSync(join(process.cwd(), 'config.yaml')) ? 'config.yaml'
    : existsSync(join(ROOT, 'config.yaml')) ? join(ROOT, 'config.yaml') : join(ROOT, 'config.yaml.dist')));
  const src = readYaml(path, out);
  if (!src) throw new ConfigError(out);
  const problems: Problem[] = [];
  const raw = (src.doc.toJS() ?? {}) as Record<string, unknown>;
  const cfg = check(CONFIG_SPEC, raw, [], problems) as Omit<Config, 'file' | 'base' | 'profiles'> & { client_profiles: Record<string, Record<string, unknown>> };
  const sim = cfg.simulation;
  if (sim.job_interval_min > sim.job_interval_max) {
    problems.push({ path: ['simulation', 'job_interval_min'], message: `must not exceed job_interval_max (${sim.job_interval_min} > ${sim.job_interval_max})` });
  }
  const jd = cfg.job_defaults;
  const poolId = POOLS.findIndex((p) => p.name === jd.pool) + 1;
  if (poolId > 0 && jd.poolid !== poolId) {
    problems.push({ path: ['job_defaults', 'poolid'], message: `must be the PoolId of pool "${jd.pool}", ${poolId} (pools: ${POOLS.map((p, i) => `${i + 1} ${p.name}`).join(', ')})` });
  }
  if (jd.storageid !== 1) problems.push({ path: ['job_defaults', 'storageid'], message: `must be 1: the Director has one Storage, "${jd.storage}", StorageId 1 (got ${jd.storageid})` });
  if (!IANAZone.isValidZone(sim.timezone)) problems.push({ path: ['simulation', 'timezone'], message: `is not a known IANA time zone (got "${sim.timezone}")` });
  if (sim.start_time !== null && !DateTime.fromISO(sim.start_time, { zone: sim.timezone }).isValid) {
    problems.push({ path: ['simulation', 'start_time'], message: `is not an ISO 8601 time (got "${sim.start_time}")` });
  }
  cfg.server.cors_origins ??= [];
  if (cfg.server.headers_timeout > cfg.server.request_timeout) {
    problems.push({ path: ['server', 'headers_timeout'], message: `must not exceed request_timeout (${cfg.server.headers_timeout} > ${cfg.server.request_timeout})` });
  }
  const base = dirname(path);
  if (cfg.server.tls.enabled) problems.push(...tlsProblems(base, cfg.server.tls));
  const builtins = loadBuiltinProfiles(opts.profilesDir, out);
  const profiles = new Map(builtins.map((p) => [p.key, p]));
  const rawProfiles = (raw.client_profiles ?? {}) as Record<string, Record<string, unknown>>;
  for (const [key, given] of Object.entries(cfg.client_profiles ?? {})) {
    // A built-in is overridden only in the fields given; a new profile needs the required ones.
    const builtin = profiles.get(key);
    const merged = builtin
      ? { ...builtin, ...Object.fromEntries(Object.keys(rawProfiles[key] ?? {}).map((k) => [k, given[k]])) }
      : given;
    for (const p of profileProblems(merged, !builtin)) problems.push({ ...p, path: ['client_profiles', key, ...p.path] });
    profiles.set(key, toProfile(key, merged));
  }
  const prefixes = new Map<string, string>();
  for (const p of profiles.values()) {
    const other = prefixes.get(p.name_prefix);
    if (other) problems.push({ path: ['client_profiles', p.key, 'name_prefix'], message: `"${p.name_prefix}" is already the prefix of profile ${other}` });
    prefixes.set(p.name_prefix, p.key);
  }
  report(src, problems, out);
  if (out.length) throw new ConfigError(out);
  const { client_profiles: _custom, ...rest } = cfg;
  return { ...rest, file: path, base, profiles: [...profiles.values()] } as Config;
}

