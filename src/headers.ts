/**
 * Headers every answer carries, JSON or HTML, success or error, including the
 * ones written straight to the socket for requests Node could not parse
 * (client-error.ts). Answers hold catalog data for authenticated callers:
 * nothing is stored by browsers or proxies, nothing is sniffed as another
 * type, no page may frame them, and no Referer leaks a URL with a token in it.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

/**
 * The Content-Security-Policy of answers that set none themselves (JSON, event
 * streams, errors): nothing in them may run or load. The documentation pages
 * set their own, which allows their scripts (routes/docs.ts).
 */
export const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * The Content-Type of every JSON answer, as Koa's `ctx.type = 'json'` would
 * set it; set as is where the bytes are ready (no MIME lookup per answer).
 */
export const JSON_TYPE = 'application/json; charset=utf-8';
