import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { CliError } from './errors.js';

/**
 * The connection settings of every client command. Each is taken from, in
 * order: its flag, its environment variable, a `.env` file in the current
 * directory, a `.env` file in the package root, its default. The source is
 * kept so an error can say where a wrong value came from.
 */
export interface Settings {
  host: Setting<string>;
  port: Setting<number>;
  user: Setting<string>;
  password: Setting<string>;
  tls: Setting<boolean>;
  /** a CA or certificate file (PEM) to trust, resolved to an absolute path */
  ca: Setting<string | undefined>;
  insecure: Setting<boolean>;
}

export interface Setting<T> {
  value: T;
  /** where it came from: `--port flag`, `BACULA_MOCK_PORT (environment)`, `BACULA_MOCK_PORT in /x/.env`, `default` */
  source: string;
}

/** The environment variables, by setting (the installer writes these names into `.env`). */
export const ENV = {
  host: 'BACULA_MOCK_HOST',
  port: 'BACULA_MOCK_PORT',
  user: 'BACULA_MOCK_USER',
  password: 'BACULA_MOCK_PASSWORD',
  tls: 'BACULA_MOCK_TLS',
  ca: 'BACULA_MOCK_CA',
  insecure: 'BACULA_MOCK_INSECURE',
  config: 'BACULA_MOCK_CONFIG',
} as const;

export const DEFAULTS = { host: '127.0.0.1', port: 9101, user: 'admin', password: 'bacula2026', tls: false, insecure: false } as const;

type Key = keyof typeof ENV;
export type SettingFlags = Partial<{ host: string; port: number; user: string; password: string; tls: boolean; ca: string; insecure: boolean }>;

/** One layer of raw values: a file's, the environment's. */
interface Layer {
  values: Record<string, string | undefined>;
  source: (name: string) => string;
  /** paths in this layer are relative to this directory */
  dir: string;
}

/** The `.env` layers that exist: the current directory's, then the package root's. */
function envFiles(cwd: string, root: string): Layer[] {
  const paths = [...new Set([resolve(cwd, '.env'), resolve(root, '.env')])];
  return paths.filter((p) => existsSync(p)).map((path) => {
    let values: Record<string, string | undefined>;
    try {
      values = parseEnv(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new CliError('bad_request', `cannot read ${path}: ${(e as Error).message}`);
    }
    return { values, source: (name: string) => `${name} in ${path}`, dir: resolve(path, '..') };
  });
}

/** The value of one setting: its flag, else the first layer that has it (an empty value counts as unset). */
function pick(key: Key, flag: unknown, layers: Layer[]): { raw: string | undefined; flag?: unknown; source: string; dir?: string } {
  if (flag !== undefined) return { raw: undefined, flag, source: `--${key} flag` };
  for (const l of layers) {
    const v = l.values[ENV[key]];
    if (v !== undefined && v !== '') return { raw: v, source: l.source(ENV[key]), dir: l.dir };
  }
  return { raw: undefined, source: 'default' };
}

function bool(raw: string, source: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['true', 'yes', 'on', '1'].includes(v)) return true;
  if (['false', 'no', 'off', '0'].includes(v)) return false;
  throw new CliError('bad_request', `${source} must be true or false (got "${raw}")`);
}

function port(raw: string, source: string): number {
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new CliError('bad_request', `${source} must be a port number from 1 to 65535 (got "${raw}")`);
  return n;
}

/** Resolves the connection settings (see `Settings` for the order). */
export function resolveSettings(flags: SettingFlags, env: NodeJS.ProcessEnv, cwd: string, root: string): Settings {
  const layers: Layer[] = [{ values: env, source: (name) => `${name} (environment)`, dir: cwd }, ...envFiles(cwd, root)];
  const text = (key: 'host' | 'user' | 'password'): Setting<string> => {
    const p = pick(key, flags[key], layers);
    return { value: (p.flag as string | undefined) ?? p.raw ?? DEFAULTS[key], source: p.source };
  };
  const flag = (key: 'tls' | 'insecure'): Setting<boolean> => {
    const p = pick(key, flags[key], layers);
    return { value: p.flag !== undefined ? Boolean(p.flag) : p.raw !== undefined ? bool(p.raw, p.source) : DEFAULTS[key], source: p.source };
  };
  const p = pick('port', flags.port, layers);
  const ca = pick('ca', flags.ca, layers);
  const caPath = (ca.flag as string | undefined) !== undefined ? resolve(cwd, ca.flag as string) : ca.raw !== undefined ? resolve(ca.dir ?? cwd, ca.raw) : undefined;
  return {
    host: text('host'),
    port: { value: p.flag !== undefined ? Number(p.flag) : p.raw !== undefined ? port(p.raw, p.source) : DEFAULTS.port, source: p.source },
    user: text('user'),
    password: text('password'),
    tls: flag('tls'),
    ca: { value: caPath, source: ca.source },
    insecure: flag('insecure'),
  };
}

/** The config file `start` serves: `--config`, else BACULA_MOCK_CONFIG (environment, then the `.env` files), else the server's own default. */
export function configFile(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string, root: string): string | undefined {
  if (flag !== undefined) return resolve(cwd, flag);
  const layers: Layer[] = [{ values: env, source: () => '', dir: cwd }, ...envFiles(cwd, root)];
  for (const l of layers) {
    const v = l.values[ENV.config];
    if (v !== undefined && v !== '') return resolve(l.dir, v);
  }
  return undefined;
}
