import Koa from 'koa';
import Router from '@koa/router';
import bodyParser from 'koa-bodyparser';
import type { Logger } from 'pino';
import { checkLimit, FailureLimit, requireAuth, sameSecret, Tokens } from './auth.js';
import type { Config } from './config.js';
import type { LiveDirector } from './director.js';
import { ApiError, ERRORS, toApiError } from './errors.js';
import { mockRoutes } from './routes/mock.js';
import { GUARDED_ROUTES, OPEN_ROUTES } from './routes/index.js';

export interface AppDeps {
  config: Config;
  director: LiveDirector;
  tokens: Tokens;
  log: Logger;
  realNow?: () => number;
}

/** The Koa application: envelope and error contract, auth, routes. No sockets here. */
export function createApp({ config, director, tokens, log, realNow = Date.now }: AppDeps): Koa {
  const app = new Koa();
  const startedReal = realNow();
  const creds = config.authentication;
  const limit = new FailureLimit(creds.max_failures, creds.failure_window, realNow);

  app.use(async (ctx, next) => {
    const began = performance.now();
    try {
      await next();
      if (ctx.body === undefined && ctx.status === 404) throw new ApiError('not_found', `No such endpoint: ${ctx.method} ${ctx.path}`);
    } catch (err) {
      const e = toApiError(err);
      if (e.kind === 'internal') log.error({ err }, 'request failed');
      ctx.status = ERRORS[e.kind].status;
      ctx.set(e.headers);
      ctx.body = { data: e.message, error: ERRORS[e.kind].code };
    }
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('Cache-Control', 'no-store');
    log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: +(performance.now() - began).toFixed(2) }, 'request');
  });

  // A body must be JSON (the token endpoint also takes an HTML form, as OAuth2
  // clients send one); anything else is refused rather than silently ignored.
  app.use(async (ctx, next) => {
    const hasBody = Number(ctx.get('Content-Length') || 0) > 0 || ctx.get('Transfer-Encoding') !== '';
    if (hasBody && !ctx.is('json') && !(ctx.path === '/oauth/token' && ctx.is('urlencoded'))) {
      throw new ApiError('unsupported_media_type', `Request body must be JSON (Content-Type: application/json), not ${ctx.get('Content-Type') || 'untyped'}`);
    }
    await next();
  });
  app.use(bodyParser({ enableTypes: ['json', 'form'], jsonLimit: '1mb', formLimit: '1mb', strict: true }));

  const open = new Router();
  open.post('/oauth/token', (ctx) => {
    const b = (ctx.request.body ?? {}) as Record<string, unknown>;
    if (b.grant_type !== undefined && b.grant_type !== 'password') {
      throw new ApiError('bad_request', `unsupported_grant_type: "${String(b.grant_type)}" (use "password" or omit it)`);
    }
    if (typeof b.username !== 'string' || typeof b.password !== 'string') {
      throw new ApiError('bad_request', 'Missing "username" or "password"');
    }
    checkLimit(limit, ctx.ip);
    if (!(sameSecret(b.username, creds.username) && sameSecret(b.password, creds.password))) {
      limit.fail(ctx.ip);
      throw new ApiError('unauthorized', 'Invalid username or password');
    }
    ctx.body = tokens.issue();
  });

  const mock = mockRoutes(director, startedReal, realNow);
  const openAreas = [open, mock.open, ...OPEN_ROUTES.map((area) => area({ config, director }))];
  for (const r of openAreas) app.use(r.routes());

  const guard = requireAuth(creds, tokens, limit);
  const areas = [mock.guarded, ...GUARDED_ROUTES.map((area) => area({ config, director }))];
  const guarded = new Router();
  guarded.use(guard);
  guarded.use(async (ctx, next) => {
    // `director=` is accepted on every call, as by Bacula Enterprise's API; this server is one Director.
    const asked = ctx.query.director;
    if (Array.isArray(asked)) throw new ApiError('bad_request', 'Parameter "director" given more than once');
    if (asked !== undefined && asked !== director.world.director.name) {
      throw new ApiError('not_found', `Director "${asked}" not found (this is ${director.world.director.name})`);
    }
    await next();
  });
  for (const area of areas) guarded.use(area.routes());
  app.use(guarded.routes());

  // Anything else: a known path with another method is 405; unknown paths still
  // need valid credentials to learn they do not exist.
  const routers = [...openAreas, ...areas];
  app.use(async (ctx, next) => {
    const allowed = routers.flatMap((r) => r.match(ctx.path, ctx.method).path.flatMap((l) => l.methods));
    if (allowed.length) throw new ApiError('method_not_allowed', `Method ${ctx.method} not allowed on ${ctx.path} (allowed: ${[...new Set(allowed)].join(', ')})`, { Allow: [...new Set(allowed)].join(', ') });
    await guard(ctx, next);
    throw new ApiError('not_found', `No such endpoint: ${ctx.method} ${ctx.path}`);
  });
  return app;
}
