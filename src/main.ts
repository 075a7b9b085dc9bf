import { existsSync, readFileSync } from 'node:fs';
import { createServer as createHttp, type RequestListener, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cron from 'node-cron';
import { createApp } from './app.js';
import { Tokens } from './auth.js';
import { answerUnparsed } from './client-error.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { LiveDirector } from './director.js';
import { createLogger } from './log.js';
import { drain, Snapshots, trackResponses, type SnapshotAtStop } from './shutdown.js';
import { DataError, Store } from './store.js';
import { isMain } from './is-main.js';

export interface StartOptions {
  config?: string;
  port?: number;
  host?: string;
  quiet?: boolean;
  /** real ms a stop may spend on a snapshot the journal makes unnecessary (default 2000) */
  stopSnapshotBudgetMs?: number;
}

/**
 * Loads the config, opens the saved world and serves it; resolves once
 * listening. Config and certificates are checked first, then the port is
 * bound (a port in use is said at once, not after a world of seconds is
 * loaded, and leaves no data directory behind), then the data files are read;
 * anything refused closes the socket again before the logger opens its files.
 */
export async function start(opts: StartOptions = {}): Promise<{ server: Server; close: (reason?: string) => Promise<StopReport>; port: number }> {
  const config = loadConfig(opts.config);
  if (opts.port !== undefined) config.server.port = opts.port;
  if (opts.host !== undefined) config.server.host = opts.host;
  const tls = config.server.tls;
  const certs = tls.enabled ? { cert: readFileSync(resolve(config.base, tls.cert_file)), key: readFileSync(resolve(config.base, tls.key_file)) } : null;
  const limits = serverLimits(config);
  // Bound before the world is opened; requests are taken once it is (opening is synchronous: none can arrive in between).
  let handler: RequestListener | null = null;
  const serveRequest: RequestListener = (req, res) => handler?.(req, res);
  const server = certs ? createHttps({ ...certs, ...limits, minVersion: 'TLSv1.2' }, serveRequest) : createHttp(limits, serveRequest);
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(config.server.port, config.server.host, () => ok());
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'EADDRINUSE') throw new Error(`port ${config.server.port} on ${config.server.host} is already in use (another bacula-mock? see \`lsof -i :${config.server.port}\`)`);
    if (err.code === 'EACCES') throw new Error(`no permission to listen on port ${config.server.port} (ports below 1024 need root)`);
    throw err;
  }
  let opened: ReturnType<typeof openWorld>;
  try {
    opened = openWorld(config);
  } catch (e) {
    server.close();
    throw e;
  }
  const { director, warnings } = opened;
  const log = createLogger(config, { quiet: opts.quiet });
  for (const w of warnings) log.warn(w);
  const tokens = new Tokens(config.authentication.token_ttl);
  const app = createApp({ config, director, tokens, log });
  handler = app.callback();
  answerUnparsed(server, log, limits.maxHeaderSize);
  // An `Expect` other than 100-continue: Node would answer a bare 417; the app answers as if it were absent (RFC 9110 §10.1.1 allows either).
  server.on('checkExpectation', handler);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const snapshots = new Snapshots(director, opened);
  // Wall-clock housekeeping: record how far virtual time got, sweep tokens, snapshot now and then.
  const housekeeping = cron.schedule('* * * * * *', () => {
    log.flushAll();
    director.tick();
    tokens.sweep();
    if (snapshots.due(config.simulation.snapshot_interval * 1000)) {
      const began = performance.now();
      const writing = snapshots.takeInBackground();
      // What the event loop was held for: capturing the world; the worker writes it.
      const held = Math.round(performance.now() - began);
      writing.then(
        (ms) => {
          if (ms !== null) log.debug({ ms: Math.round(ms), held_ms: held }, 'snapshot written');
        },
        (err: Error) => log.warn({ err: err.message }, 'snapshot not written; the journal still holds every acknowledged command'),
      );
    }
  });
  // A tick the event loop was too busy to run on time (a large init, a snapshot capture): node-cron would warn on stderr for each.
  housekeeping.on('execution:missed', () => log.debug('housekeeping tick missed: the event loop was busy'));
  log.info({ port, host: config.server.host, tls: tls.enabled, config: config.file }, `bacula-mock listening on ${tls.enabled ? 'https' : 'http'}://${config.server.host}:${port}`);
  const inflight = trackResponses(server);
  const budget = opts.stopSnapshotBudgetMs ?? STOP_SNAPSHOT_BUDGET_MS;
  let closing: Promise<StopReport> | null = null;
  const close = (reason = 'close'): Promise<StopReport> => {
    closing ??= (async () => {
      const began = performance.now();
      log.info({ reason, inflight: inflight.size }, 'bacula-mock stopping: draining connections');
      housekeeping.stop();
      await drain(server, inflight, DRAIN_MS);
      const drained = performance.now();
      let saved: { snapshot: SnapshotAtStop | 'failed'; estimate_ms: number };
      let failed: Error | null = null;
      try {
        saved = await snapshots.atStop(budget);
      } catch (e) {
        failed = e as Error;
        saved = { snapshot: 'failed', estimate_ms: 0 };
        log.error({ err: e }, 'snapshot at shutdown failed; the journal still holds every acknowledged command');
      }
      // Closing the journal fsyncs the housekeeping records too.
      director.close();
      const report: StopReport = {
        ...saved, drain_ms: Math.round(drained - began), snapshot_ms: Math.round(performance.now() - drained), total_ms: Math.round(performance.now() - began),
      };
      log.info(report, saved.snapshot === 'skipped'
        ? `bacula-mock stopped; snapshot skipped (estimated ${saved.estimate_ms} ms, over the ${budget} ms a stop may spend): the journal is replayed at the next start`
        : 'bacula-mock stopped');
      log.close();
      if (failed) throw failed;
      return report;
    })();
    return closing;
  };
  return { server, close, port };
}

/** Opens the saved world in `data_dir` (or builds one), timed: the snapshot rule's first estimate of what writing it costs. */
function openWorld(config: Config): { director: LiveDirector; warnings: string[]; ms: number; fromSnapshot: boolean } {
  const store = new Store(resolve(config.base, config.simulation.data_dir));
  const fromSnapshot = existsSync(store.snapshotPath);
  const began = performance.now();
  const { director, warnings } = LiveDirector.open(config, store);
  return { director, warnings, ms: performance.now() - began, fromSnapshot };
}

/** Largest request line plus headers, in bytes (Node's default, stated so the 431 can name it). */
const MAX_HEADER_BYTES = 16_384;

/**
 * Limits against slow or oversized clients (slowloris): a connection that has
 * not sent its headers within `headers_timeout`, or its whole request within
 * `request_timeout`, is answered 408 and closed, an idle one too; the timers
 * are checked every second. Bodies are limited in the app (1 MB).
 */
function serverLimits(config: Config) {
  const s = config.server;
  return {
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout: s.headers_timeout * 1000,
    requestTimeout: s.request_timeout * 1000,
    keepAliveTimeout: s.keepalive_timeout * 1000,
    connectionsCheckingInterval: 1000,
    // The app refuses an HTTP/1.1 request without Host itself, in JSON; Node's own answer is a bare 400.
    requireHostHeader: false,
  };
}

/** How a stop went, in real milliseconds (logged as its last line). */
export interface StopReport {
  snapshot: SnapshotAtStop | 'failed';
  /** what the snapshot was expected to take */
  estimate_ms: number;
  drain_ms: number;
  snapshot_ms: number;
  total_ms: number;
}

/** How long requests in flight may take to finish once a stop begins. */
const DRAIN_MS = 3000;
/** Longest a stop spends writing a snapshot the journal makes unnecessary (see Snapshots). */
const STOP_SNAPSHOT_BUDGET_MS = 2000;

/**
 * Runs the server in the foreground until SIGTERM or SIGINT (what `npm start`,
 * `bacula-mock start` and the systemd unit do), then stops gracefully and
 * exits 0 (1 if the state could not be saved). A start that fails prints one
 * line per problem on stderr and exits 2. With port 0 the chosen port is
 * printed as `PORT=N`, for tests and benchmarks.
 */
export async function serve(opts: StartOptions = {}): Promise<void> {
  try {
    const { close, port, server } = await start(opts);
    let stopping = false;
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      process.on(sig, () => {
        // A second signal cuts the wait for requests in flight short; the state is still saved.
        if (stopping) return server.closeAllConnections();
        stopping = true;
        close(sig).then(() => process.exit(0), (e: Error) => {
          process.stderr.write(`bacula-mock: stopped with an error: ${e.message}\n`);
          process.exit(1);
        });
      });
    }
    // Only now: a SIGTERM sent as soon as this is read must find the handler, not Node's default (killed, no snapshot).
    if (opts.port === 0) process.stdout.write(`PORT=${port}\n`);
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(err.lines.map((l) => `config error: ${l}`).join('\n') + '\n');
    else if (err instanceof DataError) process.stderr.write(`data error: ${err.message}\n`);
    else process.stderr.write(`bacula-mock: ${(err as Error).message}\n`);
    process.exit(2);
  }
}

const USAGE = `Usage: node dist/src/main.js [--config FILE] [--port N] [--host ADDR]

Runs the bacula-mock server in the foreground (what \`npm start\` does; \`bacula-mock start\`
takes the same options). --config defaults to config.yaml in the current directory, else
the one beside package.json, else config.yaml.dist;
--port and --host override server.port and server.host. Port 0 picks a free port and
prints PORT=N. SIGTERM or SIGINT stops it gracefully.
`;

if (isMain(import.meta.url)) {
  let values: { config?: string; port?: string; host?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { config: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true, allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`bacula-mock: ${(e as Error).message} (see --help)\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    process.stderr.write(`bacula-mock: --port must be an integer from 0 to 65535 (got ${JSON.stringify(values.port)})\n`);
    process.exit(2);
  }
  void serve({ config: values.config, port, host: values.host });
}
