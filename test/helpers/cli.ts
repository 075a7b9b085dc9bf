import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killedWithUs } from '../../bench/server-process.js';
import { api, BASIC, ROOT, startServer, tempConfig, type Running } from './server.js';

/** The real `bacula-mock` bin, as npm links it. */
export const BIN = join(ROOT, 'cli', 'bin', 'run.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** added to (and overriding) the clean environment */
  env?: Record<string, string | undefined>;
  /** default: an empty temp directory, so no `.env` is picked up from where the tests run */
  cwd?: string;
  timeoutMs?: number;
}

/**
 * The environment a CLI child gets: this one without any BACULA_MOCK_*
 * setting, colour switch or test-runner hook (tap's NODE_OPTIONS would load
 * its process tracker into every child), plus `extra`.
 */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('BACULA_MOCK_') || k.startsWith('TAP') || ['NODE_OPTIONS', 'NO_COLOR', 'FORCE_COLOR'].includes(k)) continue;
    env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** The settings that point the CLI at a test server, every one given so no default or `.env` decides. */
export function serverEnv(s: Pick<Running, 'port'>): Record<string, string> {
  return {
    BACULA_MOCK_HOST: '127.0.0.1', BACULA_MOCK_PORT: String(s.port), BACULA_MOCK_USER: 'admin',
    BACULA_MOCK_PASSWORD: 'bacula2026', BACULA_MOCK_TLS: 'false', BACULA_MOCK_INSECURE: 'false',
  };
}

let emptyDir: string | undefined;

/** A fresh empty directory (the default working directory of the CLI children). */
export function emptyCwd(): string {
  emptyDir ??= mkdtempSync(join(tmpdir(), 'bacula-mock-cli-'));
  return emptyDir;
}

/** Spawns `command args` and collects its output; the child (killed if the test process ends first), and a promise of how it ended. */
function launch(command: string, args: string[], opts: CliOptions, defaultTimeout: number): { child: ChildProcess; done: Promise<CliResult>; stdout: () => string } {
  const child = killedWithUs(spawn(command, args, { cwd: opts.cwd ?? emptyCwd(), env: cleanEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? defaultTimeout);
  const done = new Promise<CliResult>((ok) => {
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      ok({ code, signal, stdout, stderr });
    });
  });
  return { child, done, stdout: () => stdout };
}

/** Spawns `bacula-mock args...`: the child, and a promise of how it ended. */
export function spawnCli(args: string[], opts: CliOptions = {}): ReturnType<typeof launch> {
  return launch(process.execPath, [BIN, ...args], opts, 30_000);
}

/** Runs `bacula-mock args...` to its end. */
export function cli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, opts).done;
}

/** Waits until `read()` matches `re` (polling), or fails after `ms`. */
export async function until(read: () => string, re: RegExp, ms = 30_000): Promise<RegExpExecArray> {
  const end = Date.now() + ms;
  for (;;) {
    const m = re.exec(read());
    if (m) return m;
    if (Date.now() > end) throw new Error(`timed out waiting for ${re} in:\n${read()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let binDir: string | undefined;

/**
 * Runs a shell script in bash with `bacula-mock` on the PATH (a symlink to the
 * bin, as `npm install -g` makes), so the manual's pipelines run as written.
 */
export function shell(script: string, opts: CliOptions = {}): Promise<CliResult> {
  if (!binDir) {
    binDir = mkdtempSync(join(tmpdir(), 'bacula-mock-bin-'));
    symlinkSync(BIN, join(binDir, 'bacula-mock'));
  }
  return launch('bash', ['-c', script], { ...opts, env: { ...opts.env, PATH: `${binDir}:${process.env.PATH}` } }, 60_000).done;
}

/** The raw text of an API answer (what `--raw` must print byte for byte). */
export async function rawText(base: string, path: string, init: RequestInit = {}): Promise<string> {
  const headers = new Headers(init.headers);
  if (!headers.has('Authorization')) headers.set('Authorization', BASIC);
  return (await fetch(base + path, { ...init, headers })).text();
}

/**
 * The config of a small world that is the same on every run: `clients`
 * clients, `days` of history, an error rate and a seed, a fixed start time.
 */
export function smallWorld(o: { clients: number; days: number; errorRate: number; seed: number }): string {
  return [
    'simulation:', `  default_clients: ${o.clients}`, `  history_days: ${o.days}`, `  error_rate: ${o.errorRate}`, `  seed: ${o.seed}`,
    '  start_time: "2026-11-22T00:00:00"', 'logging:', '  file: logs/test.log', '',
  ].join('\n');
}

/**
 * A real server on that config text (in a temp dir), or on the config file
 * `opts.file`, on an ephemeral port; and the settings that point the CLI at it.
 */
export async function startWorld(config: string, opts: { paused?: boolean; file?: string } = {}): Promise<{ s: Running; env: Record<string, string> }> {
  const s = await startServer(opts.file ?? tempConfig(config).file);
  if (opts.paused) await api(s.url, '/mock/clock', { method: 'POST', json: { paused: true } });
  return { s, env: serverEnv(s) };
}
