import { readFileSync } from 'node:fs';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { resolve } from 'node:path';
import cron from 'node-cron';
import { createApp } from './app.js';
import { Tokens } from './auth.js';
import { ConfigError, loadConfig } from './config.js';
import { LiveDirector } from './director.js';
import { createLogger } from './log.js';
import { DataError, Store } from './store.js';

export interface StartOptions {
  config?: string;
  port?: number;
  host?: string;
  quiet?: boolean;
}

/**
 * Loads the config, opens the saved world and serves it; resolves once
 * listening. Everything that can refuse to start (config, certificates, data
 * files) is checked before the logger opens its files or a socket is bound.
 */
export async function start(opts: StartOptions = {}): Promise<{ server: Server; close: () => Promise<void>; port: number }> {
  const config = loadConfig(opts.config);
  if (opts.port !== undefined) config.server.port = opts.port;
  if (opts.host !== undefined) config.server.host = opts.host;
  const tls = config.server.tls;
  const certs = tls.enabled ? { cert: readFileSync(resolve(config.base, tls.cert_file)), key: readFileSync(resolve(config.base, tls.key_file)) } : null;
  const store = new Store(resolve(config.base, config.simulation.data_dir));
  const { director, warnings } = LiveDirector.open(config, store);
  const log = createLogger(config, { quiet: opts.quiet });
  for (const w of warnings) log.warn(w);
  const tokens = new Tokens(config.authentication.token_ttl);
  const app = createApp({ config, director, tokens, log });
  const handler = app.callback();
  const server = certs ? createHttps({ ...certs, minVersion: 'TLSv1.2' }, handler) : createHttp(handler);
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(config.server.port, config.server.host, () => ok());
    });
  } catch (e) {
    director.close();
    log.flushAll(true);
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new Error(`port ${config.server.port} on ${config.server.host} is already in use (another bacula-mock? see \`lsof -i :${config.server.port}\`)`);
    if (err.code === 'EACCES') throw new Error(`no permission to listen on port ${config.server.port} (ports below 1024 need root)`);
    throw err;
  }
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  let lastSnapshot = Date.now();
  // Wall-clock housekeeping: record how far virtual time got, sweep tokens, snapshot now and then.
  const housekeeping = cron.schedule('* * * * * *', () => {
    log.flushAll();
    director.tick();
    tokens.sweep();
    if (Date.now() - lastSnapshot >= config.simulation.snapshot_interval * 1000 && store.pending > 0) {
      director.snapshot();
      lastSnapshot = Date.now();
    }
  });
  log.info({ port, host: config.server.host, tls: tls.enabled, config: config.file }, `bacula-mock listening on ${tls.enabled ? 'https' : 'http'}://${config.server.host}:${port}`);
  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      housekeeping.stop();
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeIdleConnections?.();
        setTimeout(() => server.closeAllConnections?.(), 3000).unref();
      });
      director.snapshot();
      director.close();
      log.flushAll(true);
    })();
    return closing;
  };
  return { server, close, port };
}

/**
 * Runs the server in the foreground until SIGTERM or SIGINT (what `npm start`,
 * `bacula-mock start` and the systemd unit do). A start that fails prints one
 * line per problem on stderr and exits 2. With port 0 the chosen port is
 * printed as `PORT=N`, for tests and benchmarks.
 */
export async function serve(opts: StartOptions = {}): Promise<void> {
  try {
    const { close, port } = await start(opts);
    if (opts.port === 0) process.stdout.write(`PORT=${port}\n`);
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.once(sig, () => void close().then(() => process.exit(0)));
    }
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(err.lines.map((l) => `config error: ${l}`).join('\n') + '\n');
    else if (err instanceof DataError) process.stderr.write(`data error: ${err.message}\n`);
    else process.stderr.write(`bacula-mock: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  void serve({ config: arg('--config'), port: arg('--port') !== undefined ? Number(arg('--port')) : undefined, host: arg('--host') });
}
