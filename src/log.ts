import { resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { RotatingFile } from './log-file.js';

const LEVELS: Record<string, pino.Level> = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', ERROR: 'error' };

/**
 * Bytes a log destination gathers before it writes (~460 access-log lines);
 * the housekeeping tick flushes the rest every second, so a line waits at
 * most about a second whatever this is. Writes of 8 KB, a syscall each (and
 * for stdout a hand-off to the thread pool), took ~4% of a loaded server's time.
 */
const BUFFER = 64 * 1024;

/**
 * Keys never written. Request lines carry only method, path (no query
 * string), status and duration, so a secret would only arrive inside an
 * object someone logs. Explicit paths, not wildcards: `*.password` made every
 * log call four times slower (3.6 against 0.8 µs a line).
 */
const REDACT = [
  'password', 'access_token', 'token', 'authorization', 'headers.authorization', 'body.password',
  'req.headers.authorization', 'req.headers.cookie', 'req.body.password',
];

export type AppLogger = Logger & {
  /** Writes out what waits; `sync` before the process exits. */
  flushAll(sync?: boolean): void;
  /** Writes out what waits and closes the log file. */
  close(): void;
};

/**
 * JSON lines to `logging.file`, rotated at `max_bytes` keeping `backup_count`
 * files, and to stdout: JSON (journald under systemd) or, on a terminal, one
 * readable line per record. Lines to the file and to a pipe are written in
 * batches: one write per access-log line costs a request a syscall per
 * stream, which under load was the largest single cost of serving a request.
 * `flushAll()` pushes out what is waiting (the server calls it every second
 * and on shutdown). A terminal gets its lines at once: it is read by a person.
 */
export function createLogger(cfg: Config, opts: { quiet?: boolean; pretty?: boolean } = {}): AppLogger {
  const level = cfg.server.debug ? 'debug' : LEVELS[cfg.logging.level] ?? 'info';
  const file = new RotatingFile(resolve(cfg.base, cfg.logging.file), cfg.logging.max_bytes, cfg.logging.backup_count, BUFFER);
  const flushers: { flush(): void; flushSync?(): void }[] = [file];
  const streams: { write(line: string): unknown }[] = [file];
  if (!opts.quiet) {
    const pretty = opts.pretty ?? process.stdout.isTTY === true;
    const out = pino.destination({ dest: 1, sync: false });
    if (pretty) {
      flushers.push(out);
      streams.push({ write: (line: string) => out.write(prettyLine(line, !process.env.NO_COLOR)) });
    } else {
      const batched = new Batched(out, BUFFER);
      flushers.push(batched);
      streams.push(batched);
    }
  }
  // Every destination takes every level the logger writes: a plain tee, not
  // pino.multistream, which compares levels per destination on every line.
  const tee = {
    write(line: string): void {
      for (const s of streams) s.write(line);
    },
  };
  const logger = pino({ level, redact: REDACT }, tee);
  return Object.assign(logger, {
    flushAll(sync = false): void {
      for (const d of flushers) {
        try {
          if (sync && d.flushSync) d.flushSync();
          else d.flush();
        } catch {
          // A destination not open yet (or already closed) has nothing to lose.
        }
      }
    },
    close(): void {
      this.flushAll(true);
      file.close();
    },
  });
}

/**
 * Lines gathered and handed to a sonic-boom destination `minLength`
 * characters at a time. sonic-boom's own `minLength` measures the bytes of
 * its whole pending buffer again on every line it is given (flattening it),
 * which cost an access-log line ~3 µs of a request's ~30.
 */
class Batched {
  private pending: string[] = [];
  private chars = 0;

  constructor(private readonly dest: ReturnType<typeof pino.destination>, private readonly minLength: number) {}

  write(line: string): void {
    this.pending.push(line);
    this.chars += line.length;
    if (this.chars >= this.minLength) this.handOn();
  }

  flush(): void {
    this.handOn();
    this.dest.flush();
  }

  flushSync(): void {
    this.handOn();
    this.dest.flushSync();
  }

  private handOn(): void {
    if (!this.pending.length) return;
    const text = this.pending.join('');
    this.pending = [];
    this.chars = 0;
    this.dest.write(text);
  }
}

const LEVEL_NAMES: Record<number, [string, string]> = {
  10: ['TRACE', '90'], 20: ['DEBUG', '36'], 30: ['INFO ', '32'], 40: ['WARN ', '33'], 50: ['ERROR', '31'], 60: ['FATAL', '35'],
};
const OMIT = new Set(['level', 'time', 'pid', 'hostname', 'msg']);

/**
 * One pino JSON line as a person reads it on a terminal:
 * `14:03:07.215 INFO  GET /cat/Job 200 1.2 ms`, other fields as key=value,
 * an error's stack on the lines below.
 */
export function prettyLine(json: string, color = true): string {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const d = new Date(typeof r.time === 'number' ? r.time : Date.now());
  const two = (n: number): string => String(n).padStart(2, '0');
  const time = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
  const [name, code] = LEVEL_NAMES[r.level as number] ?? [String(r.level), '0'];
  const lvl = color ? `\x1b[${code}m${name}\x1b[0m` : name;
  let text: string;
  const rest = Object.keys(r).filter((k) => !OMIT.has(k));
  if (r.msg === 'request' && typeof r.method === 'string') {
    text = `${r.method} ${String(r.path)} ${String(r.status)} ${String(r.ms)} ms`;
    rest.splice(0, rest.length, ...rest.filter((k) => !['method', 'path', 'status', 'ms'].includes(k)));
  } else text = String(r.msg ?? '');
  let stack = '';
  const fields: string[] = [];
  for (const k of rest) {
    const v = r[k];
    if (k === 'err' && v && typeof v === 'object' && typeof (v as { stack?: unknown }).stack === 'string') {
      stack = '\n    ' + (v as { stack: string }).stack.split('\n').join('\n    ');
      continue;
    }
    fields.push(`${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return `${time} ${lvl} ${text}${fields.length ? '  ' + fields.join(' ') : ''}${stack}\n`;
}
