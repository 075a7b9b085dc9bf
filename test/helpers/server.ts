import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..');
export const MAIN = join(ROOT, 'dist', 'src', 'main.js');

export interface Running {
  url: string;
  port: number;
  dir: string;
  child: ChildProcess;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** A temp dir with a config.yaml: defaults plus `yaml` appended sections. */
export function tempConfig(yaml = '', dir = mkdtempSync(join(tmpdir(), 'bacula-mock-'))): { dir: string; file: string } {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return { dir, file };
}

/** Servers still running; killed if the test process ends first (a runner timeout), so none outlives its test file. */
const servers = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of servers) c.kill('SIGKILL');
});

/** Starts the real server on an ephemeral port and waits until it listens. */
export async function startServer(configFile: string): Promise<Running> {
  const child = spawn(process.execPath, [MAIN, '--config', configFile, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  servers.add(child);
  child.once('exit', () => servers.delete(child));
  let err = '';
  let out = '';
  child.stderr!.on('data', (d) => (err += d));
  const port = await new Promise<number>((ok, fail) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /^PORT=(\d+)$/m.exec(out);
      if (m) ok(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`server exited ${code}: ${err}`)));
  });
  const stop = (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => new Promise((ok) => {
    if (child.exitCode !== null) return ok(child.exitCode);
    child.once('exit', (code) => ok(code));
    child.kill(signal);
  });
  return { url: `http://127.0.0.1:${port}`, port, dir: configFile.replace(/\/config\.yaml$/, ''), child, stderr: () => err, stop };
}

export const BASIC = 'Basic ' + Buffer.from('admin:bacula2026').toString('base64');

export async function api(base: string, path: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const headers = new Headers(init.headers);
  if (!headers.has('Authorization') && !path.startsWith('/mock/health')) headers.set('Authorization', BASIC);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const res = await fetch(base + path, { ...init, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // left as text: the test will say so
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
