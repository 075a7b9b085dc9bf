import { type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { BASIC, ServerProcess, tempConfig } from '../../bench/server-process.js';

export { BASIC, tempConfig };
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

/** Starts the real server on an ephemeral port and waits until it listens; killed if the test process ends first. */
export async function startServer(configFile: string): Promise<Running> {
  const server = new ServerProcess(MAIN, configFile);
  const port = await server.ready;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> => (await server.kill(signal)).code;
  return { url: `http://127.0.0.1:${port}`, port, dir: configFile.replace(/\/config\.yaml$/, ''), child: server.child, stderr: () => server.stderr, stop };
}

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
