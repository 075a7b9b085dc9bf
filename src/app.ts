import Koa from 'koa';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Router from '@koa/router';
import bodyParser from 'koa-bodyparser';
import type { Logger } from 'pino';
import { checkLimit, FailureLimit, requireAuth, sameSecret, Tokens } from './auth.js';
import type { Config } from './config.js';
import { AnswerCache } from './cache.js';
import { cors } from './cors.js';
import type { LiveDirector } from './director.js';
import { ApiError, ERRORS, errorBody, shown, toApiError } from './errors.js';
import { DEFAULT_CSP, SECURITY_HEADERS } from './headers.js';
import { mockRoutes } from './routes/mock.js';
import { GUARDED_ROUTES, OPEN_ROUTES } from './routes/index.js';

export interface AppDeps {
  config: Config;
  director: LiveDirector;
  tokens: Tokens;
  log: Logger;
  realNow?: () => number;
}

/** Longest request target (path and query) answered; a longer one is 414. Node refuses request lines over 16 KB itself (431). */
export const MAX_URL_BYTES = 8192;

/**
 * Headers a request may carry once only: two would leave it to chance which
 * one counts (RFC 9110 §5.3, RFC 9112 §3.2). Each has a bit of its own.
 */
const SINGLE_HEADERS = new Map([['host', 1], ['authorization', 2], ['content-type', 4], ['content-length', 8]]);

/**
 * Framing a request must get right before anything reads it: a request
 * target of at most MAX_URL_BYTES, a Host on HTTP/1.1, no header that must be
 * single given twice.
 */
function checkFraming(req: IncomingMessage): void {
  const url = req.url ?? '';
  if (url.length > MAX_URL_BYTES) throw new ApiError('uri_too_long', `The request target is longer than ${MAX_URL_BYTES} bytes (${url.length})`);
  if (req.httpVersion === '1.1' && !req.headers.host) throw new ApiError('bad_request', 'Missing Host header (required by HTTP/1.1)');
  const raw = req.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const bit = SINGLE_HEADERS.get(raw[i].toLowerCase());
    if (bit === undefined) continue;
    if (seen & bit) throw new ApiError('bad_request', `Header ${raw[i]} given more than once`);
    seen |= bit;
  }
}

/**
 * Whether a query string may carry parameter `name`: it spells it, or has a
 * percent escape that could. Lets the common request skip parsing its query
 * for a parameter it does not give.
 */
function mayName(querystring: string, name: string): boolean {
  return querystring.includes(name) || querystring.includes('%');
}

/** Bytes of an unread request body that are read and dropped before the connection is cut instead. */
const DISCARD_MAX_BYTES = 4 << 20;

/**
 * Reads and drops the rest of a body nobody read (refused as too large, of
 * the wrong type, without credentials, or sent where no body is taken), so
 * the answer reaches a client that may still be sending: closing a socket
 * with unread bytes resets it, and the client may never read the answer. A
 * connection the client asked to close is closed once its body is drained
 * and the answer written; one that sends more than DISCARD_MAX_BYTES past
 * this point is cut off (an endless chunked body would otherwise be read
 * until `request_timeout`).
 */
function discardRest(req: IncomingMessage, res: ServerResponse): void {
  let left = DISCARD_MAX_BYTES;
  req.on('data', (chunk: Buffer) => {
    left -= chunk.length;
    if (left < 0) req.socket.destroy();
  });
  if (!res.shouldKeepAlive) {
    // Node would close as soon as the answer is written, with the body still coming.
    res.shouldKeepAlive = true;
    let pending = 2;
    const done = (): void => {
      if (--pending === 0) req.socket.end();
    };
    req.once('end', done);
    res.once('finish', done);
  }
  req.resume();
}

/** The Koa application: envelope and error contract, auth, routes. No sockets here. */
export function createApp({ config, director, tokens, log, realNow = Date.now }: AppDeps): Koa {
  const app = new Koa();
  const startedReal = realNow();
  const creds = config.authentication;
  const limit = new FailureLimit(creds.max_failures, creds.failure_window, realNow);

  // Bodies are read only where they are used, and behind the guard on authenticated routes: a caller
  // without credentials cannot make the server read, inflate or parse anything.
  const parseBody = bodyParser({ enableTypes: ['json', 'form'], jsonLimit: '1mb', formLimit: '1mb', strict: true });

  const open = new Router();
  // RFC 6749 §4.3 (password grant); its refusals carry §5.2's error codes. grant_type may be left out, as the manual's example does.
  open.post('/oauth/token', parseBody, (ctx) => {
    const raw = ctx.request.body;
    const b = (raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
    if (b.grant_type !== undefined && typeof b.grant_type !== 'string') {
      throw new ApiError('bad_request', `"grant_type" must be a string (got ${shown(b.grant_type)})`, {}, 'invalid_request');
    }
    if (b.grant_type !== undefined && b.grant_type !== 'password') {
      throw new ApiError('bad_request', `grant_type ${shown(b.grant_type)} is not supported: use "password" (or leave grant_type out)`, {}, 'unsupported_grant_type');
    }
    if (typeof b.username !== 'string' || typeof b.password !== 'string') {
      throw new ApiError('bad_request', 'Missing "username" or "password" (each a string)', {}, 'invalid_request');
    }
    checkLimit(limit, ctx.ip);
    if (!(sameSecret(b.username, creds.username) && sameSecret(b.password, creds.password))) {
      limit.fail(ctx.ip);
      throw new ApiError('unauthorized', 'Invalid username or password', {}, 'invalid_grant');
    }
    ctx.set('Pragma', 'no-cache');
    ctx.body = tokens.issue();
  });

  const mock = mockRoutes(director, startedReal, realNow);
  const answers = new AnswerCache();
  const openAreas = [open, mock.open, ...OPEN_ROUTES.map((area) => area({ config, director, answers }))];
  const areas = [mock.guarded, ...GUARDED_ROUTES.map((area) => area({ config, director, answers }))];
  const routers = [...openAreas, ...areas];
  /** The methods some route answers on `path` (HEAD with GET). */
  const methodsOf = (path: string): string[] => [...new Set(routers.flatMap((r) => r.match(path, 'GET').path.flatMap((l) => l.methods)))];

  app.use(async (ctx, next) => {
    const began = performance.now();
    try {
      checkFraming(ctx.req);
      await next();
      if (ctx.body === undefined && ctx.status === 404) throw new ApiError('not_found', `No such endpoint: ${ctx.method} ${ctx.path}`);
    } catch (err) {
      const e = toApiError(err);
      if (e.kind === 'internal') log.error({ err }, 'request failed');
      ctx.status = ERRORS[e.kind].status;
      ctx.set(e.headers);
      ctx.body = errorBody(e);
    }
    if (!ctx.req.complete) discardRest(ctx.req, ctx.res);
    ctx.set(SECURITY_HEADERS);
    if (!ctx.response.get('Content-Security-Policy')) ctx.set('Content-Security-Policy', DEFAULT_CSP);
    log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: +(performance.now() - began).toFixed(2) }, 'request');
  });

  app.use(cors(config.server.cors_origins, methodsOf));

  // A body must be JSON (the token endpoint also takes an HTML form, as OAuth2
  // clients send one); anything else is refused rather than silently ignored.
  app.use(async (ctx, next) => {
    const hasBody = Number(ctx.get('Content-Length') || 0) > 0 || ctx.get('Transfer-Encoding') !== '';
    if (hasBody && !ctx.is('json') && !(ctx.path === '/oauth/token' && ctx.is('urlencoded'))) {
      throw new ApiError('unsupported_media_type', `Request body must be JSON (Content-Type: application/json), not ${ctx.get('Content-Type') || 'untyped'}`);
    }
    await next();
  });

  const guard = requireAuth(creds, tokens, limit);
  /** What an authenticated request passes after its credentials, in this order: the Director it names, then its body. */
  const admitted = (ctx: Koa.Context, next: Koa.Next): Promise<void> => {
    // `director=` is accepted on every call, as by Bacula Enterprise's API; this server is one Director.
    if (mayName(ctx.querystring, 'director')) {
      const asked = ctx.query.director;
      if (Array.isArray(asked)) throw new ApiError('bad_request', 'Parameter "director" given more than once');
      if (asked !== undefined && asked !== director.world.director.name) {
        throw new ApiError('not_found', `Director ${shown(asked)} not found (this is ${director.world.director.name})`);
      }
    }
    // Without a Content-Type koa-bodyparser reads nothing and gives {}: the common GET is spared its machinery.
    if (ctx.request.body === undefined && !ctx.req.headers['content-type']) {
      ctx.request.body = {};
      return next();
    }
    return parseBody(ctx, next);
  };
  const guarded = new Router();
  // One layer for the whole admission: @koa/router pays per matched layer and request.
  guarded.use((ctx, next) => guard(ctx, () => admitted(ctx, next)));
  for (const area of areas) guarded.use(area.routes());

  // Every route in one router, so a request is matched once: the open areas
  // first, then the guarded ones (an open route never calls on, so the guard
  // matched after it does not run).
  const routes = new Router();
  for (const r of [...openAreas, guarded]) routes.use(r.routes());
  // A GET whose answer is kept (cache.ts) was routed before: the same
  // admission, then the kept bytes, without matching it against every route
  // again (most of what a dashboard's polls cost). Kept answers are all of
  // authenticated routes.
  app.use((ctx, next) => {
    if (ctx.method !== 'GET' || !answers.holds(ctx.url)) return next();
    return guard(ctx, () => admitted(ctx, () => (answers.serve(ctx, director) ? Promise.resolve() : next())));
  });
  app.use(routes.routes());

  // Anything else: a known path with another method is 405; unknown paths still
  // need valid credentials to learn they do not exist.
  app.use(async (ctx, next) => {
    const allowed = methodsOf(ctx.path);
    if (allowed.length) throw new ApiError('method_not_allowed', `Method ${ctx.method} not allowed on ${ctx.path} (allowed: ${allowed.join(', ')})`, { Allow: allowed.join(', ') });
    await guard(ctx, next);
    throw new ApiError('not_found', `No such endpoint: ${ctx.method} ${ctx.path}`);
  });
  return app;
}
