import type { Context, Next } from 'koa';
import { ApiError, shown } from './errors.js';

/** Request headers a browser page may send: credentials, JSON bodies, and where an event stream resumes. */
const ALLOW_HEADERS = 'Authorization, Content-Type, Last-Event-ID';
/** Response headers a page may read besides the simple ones. */
const EXPOSE_HEADERS = 'Allow, Retry-After, WWW-Authenticate';
/** Seconds a browser may reuse a preflight answer. */
const MAX_AGE_S = 600;

/** Methods that change nothing here. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a request that may change something comes from a page of another
 * site: its `Origin` is neither this server's own nor a listed one, or, with no
 * Origin, `Sec-Fetch-Site` says another site. A browser that has been given
 * the Basic credentials once (the 401's prompt) sends them with every request
 * to this server, also with a form another site's page submits: without this
 * check such a page could reset the world or cancel jobs (CSRF). Clients that
 * are not browsers send neither header.
 */
function crossSiteWrite(ctx: Context, origin: string, listed: boolean): boolean {
  if (SAFE_METHODS.has(ctx.method) || listed) return false;
  if (origin) return origin.toLowerCase() !== `${ctx.protocol}://${ctx.host}`.toLowerCase();
  return ['cross-site', 'same-site'].includes(ctx.get('Sec-Fetch-Site'));
}

/**
 * Cross-origin access for the origins of `server.cors_origins`, compared
 * without regard to case. No origin listed: CORS is off and no CORS header is
 * ever sent (browsers then keep other sites' pages out). With a list, every
 * answer varies by `Origin`; a listed origin gets `Access-Control-Allow-Origin`
 * on every answer, errors included, and its preflight (`OPTIONS` with
 * `Access-Control-Request-Method`) on a known path is answered 204 before any
 * authentication, since browsers send preflights without credentials. An
 * origin not listed gets nothing, and its preflight is answered as any other
 * OPTIONS request (405). Whatever the list, a browser request from another
 * site that may change something is refused (403, see `crossSiteWrite`).
 */
export function cors(origins: readonly string[], methodsOf: (path: string) => string[]) {
  const allowed = new Set(origins.map((o) => o.toLowerCase()));
  return async (ctx: Context, next: Next): Promise<void> => {
    const origin = ctx.get('Origin');
    const listed = origin !== '' && allowed.has(origin.toLowerCase());
    if (allowed.size) ctx.vary('Origin');
    if (crossSiteWrite(ctx, origin, listed)) {
      throw new ApiError('forbidden', `A page of ${origin ? shown(origin) : 'another site'} may not change anything here (server.cors_origins lists the origins that may)`);
    }
    if (!listed) return next();
    ctx.set('Access-Control-Allow-Origin', origin);
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
      const methods = methodsOf(ctx.path);
      if (methods.length) {
        ctx.status = 204;
        ctx.set({ 'Access-Control-Allow-Methods': methods.join(', '), 'Access-Control-Allow-Headers': ALLOW_HEADERS, 'Access-Control-Max-Age': String(MAX_AGE_S) });
        return;
      }
    }
    ctx.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    await next();
  };
}
