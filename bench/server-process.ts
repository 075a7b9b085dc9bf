/**
 * What the benchmarks and the tests that drive a real server share: the
 * server as a child process (`node dist/src/main.js` on an ephemeral port) on
 * a config in a temp dir, an HTTP client that can tell when a request has
 * left, and a seeded random stream.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BASIC = 'Basic ' + Buffer.from('admin:bacula2026').toString('base64');
export const sleep = (ms: number): Promise<void> => new Promise((ok) => setTimeout(ok, ms));

/** A seeded stream of numbers in [0, 1) (mulberry32), so a drill's choices can be replayed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A draw of a key of `weights`, each as likely as its weight, from `rand` (the same stream, the same draws). */
export function weighted<K extends string>(rand: () => number, weights: Record<K, number>): () => K {
  const keys = Object.keys(weights) as K[];
  const total = keys.reduce((n, k) => n + weights[k], 0);
  return () => {
    let x = rand() * total;
    for (const k of keys) if ((x -= weights[k]) < 0) return k;
    return keys[keys.length - 1];
  };
}

export interface Reply {
  status: number;
  body: any;
}

/** node:http with keep-alive (or the agent given); `onSent` fires once the request has been handed to the socket. */
export class Api {
  inflight = 0;

  constructor(readonly base: string, private readonly agent = new Agent({ keepAlive: true })) {}

  call(method: string, path: string, json?: unknown, onSent?: () => void): Promise<Reply> {
    const data = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
    this.inflight++;
    return new Promise<Reply>((ok, fail) => {
      const headers: Record<string, string | number> = { Authorization: BASIC };
      if (data) Object.assign(headers, { 'Content-Type': 'application/json', 'Content-Length': data.length });
      const req = request(this.base + path, { method, agent: this.agent, headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (d: Buffer) => parts.push(d));
        res.on('error', fail);
        res.on('close', () => {
          if (!res.complete) return fail(new Error(`${method} ${path}: answer cut off`));
          const text = Buffer.concat(parts).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // left as text; the caller reports it
          }
          ok({ status: res.statusCode!, body });
        });
      });
      req.on('error', (e) => fail(new Error(`${method} ${path}: ${e.message}`)));
      req.setTimeout(30_000, () => req.destroy(new Error('no answer in 30 s')));
      if (onSent) req.once('finish', onSent);
      req.end(data);
    }).finally(() => this.inflight--);
  }

  /** A GET that must answer 200 with the JSON envelope; its `data`. */
  async data(path: string): Promise<any> {
    const r = await this.call('GET', path);
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    return r.body.data;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** A fresh directory under the OS temp dir, its name starting with `prefix`. */
export const tempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), prefix));

/** A temp dir with a config.yaml of `yaml` (the defaults where it says nothing). */
export function tempConfig(yaml = '', dir = tempDir('bacula-mock-')): { dir: string; file: string } {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, yaml);
  return { dir, file };
}

/** Children still running; killed if this process ends first (a test runner's timeout), so none outlives it. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of running) c.kill('SIGKILL');
});

/** Has `child` killed if this process ends before it; `child` back. */
export function killedWithUs(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** One run of `node dist/src/main.js`: `ready` resolves with the port once it listens. */
export class ServerProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<number>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly spawnedAt = performance.now();
  listeningAt = 0;
  /** warnings the server logged (pino level 40 lines on stdout): the message, and its `err` in brackets */
  readonly warnings: string[] = [];
  /** called with every line the server writes on stdout (its log) */
  onLine: ((line: string) => void) | null = null;
  private partial = '';
  private err = '';

  /** `nodeArgs` go before the script (`--import`, `--max-old-space-size=...`). */
  constructor(main: string, configFile: string, nodeArgs: string[] = []) {
    this.child = spawn(process.execPath, [...nodeArgs, main, '--config', configFile, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    killedWithUs(this.child);
    this.exited = new Promise((ok) => this.child.once('exit', (code, signal) => ok({ code, signal })));
    this.child.stderr!.on('data', (d) => (this.err = (this.err + d).slice(-65_536)));
    this.ready = new Promise((ok, fail) => {
      this.child.stdout!.on('data', (d) => {
        const lines = (this.partial + d).split('\n');
        this.partial = lines.pop()!;
        for (const line of lines) {
          this.onLine?.(line);
          const m = /^PORT=(\d+)$/.exec(line);
          if (m && !this.listeningAt) {
            this.listeningAt = performance.now();
            ok(Number(m[1]));
          }
          if (line.includes('"level":40')) {
            const { msg, err } = JSON.parse(line) as { msg: string; err?: unknown };
            this.warnings.push(err === undefined ? msg : `${msg} (${String(err)})`);
          }
        }
      });
      void this.exited.then(({ code, signal }) => fail(new Error(`server exited (${code ?? signal}) before listening: ${this.err.trim()}`)));
    });
    this.ready.catch(() => {});
  }

  /**
   * Stops reading the log line by line, draining it unread from now on: under
   * a load benchmark the access log would cost the benchmark's process CPU
   * on the same cores as the server it measures.
   */
  unreadLog(): void {
    this.child.stdout!.removeAllListeners('data');
    this.child.stdout!.resume();
  }

  /** stderr so far (its last 64 KB) */
  get stderr(): string {
    return this.err;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
