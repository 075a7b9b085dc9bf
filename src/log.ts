import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';

const LEVELS: Record<string, string> = { DEBUG: 'debug', INFO: 'info', WARNING: 'warn', ERROR: 'error' };

/** JSON lines to the log file and to stdout; passwords and tokens never logged. */
export function createLogger(cfg: Config, opts: { quiet?: boolean } = {}): Logger {
  const level = cfg.server.debug ? 'debug' : LEVELS[cfg.logging.level] ?? 'info';
  const file = resolve(cfg.base, cfg.logging.file);
  mkdirSync(dirname(file), { recursive: true });
  const streams: pino.StreamEntry[] = [{ level: level as pino.Level, stream: pino.destination({ dest: file, mkdir: true, sync: false }) }];
  if (!opts.quiet) streams.push({ level: level as pino.Level, stream: pino.destination({ dest: 1, sync: false }) });
  return pino({ level, redact: ['req.headers.authorization', 'password', 'access_token'] }, pino.multistream(streams));
}
