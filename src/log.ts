import { mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';

const LEVELS: Record<string, string> = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', ERROR: 'error' };

/** Bytes a log destination gathers before it writes; the housekeeping tick flushes the rest every second. */
const BUFFER = 8 * 1024;

/**
 * JSON lines to the log file and to stdout (journald under systemd);
 * passwords and tokens never logged. Lines are written in batches: one write
 * per access-log line costs a request a syscall per stream, which under load
 * was the largest single cost of serving a request. `flushAll()` pushes out what
 * is waiting (the server calls it every second and on shutdown).
 */
export function createLogger(cfg: Config, opts: { quiet?: boolean } = {}): Logger & { flushAll(sync?: boolean): void } {
  const level = cfg.server.debug ? 'debug' : LEVELS[cfg.logging.level] ?? 'info';
  const file = resolve(cfg.base, cfg.logging.file);
  mkdirSync(dirname(file), { recursive: true });
  // Opened here, not by the stream: a stream still opening when the process
  // exits makes pino's exit flush throw ("sonic boom is not ready yet").
  const destinations = [pino.destination({ fd: openSync(file, 'a'), sync: false, minLength: BUFFER })];
  if (!opts.quiet) destinations.push(pino.destination({ dest: 1, sync: false, minLength: BUFFER }));
  const streams: pino.StreamEntry[] = destinations.map((stream) => ({ level: level as pino.Level, stream }));
  const logger = pino({ level, redact: ['req.headers.authorization', 'password', 'access_token'] }, pino.multistream(streams));
  return Object.assign(logger, {
    /** Writes out what waits; `sync` before the process exits. */
    flushAll(sync = false): void {
      for (const d of destinations) {
        try {
          if (sync) d.flushSync();
          else d.flush();
        } catch {
          // A destination not open yet (or already closed) has nothing to lose.
        }
      }
    },
  });
}
