import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { ApiError } from './errors.js';

const sha = (s: string): Buffer => createHash('sha256').update(s).digest();
/** Constant-time comparison of two secrets of any length. */
export const sameSecret = (a: string, b: string): boolean => timingSafeEqual(sha(a), sha(b));

/**
 * OAuth2 bearer tokens: random, 160 bits, kept in memory until they expire.
 * Kept by their SHA-256, not as themselves: looking a presented token up
 * compares digests of it, so how long a lookup takes says nothing about the
 * tokens held, and a memory dump holds none.
 */
export class Tokens {
  private tokens = new Map<string, number>();

  constructor(private readonly ttlSeconds: number, private readonly realNow: () => number = Date.now) {}

  issue(): { access_token: string; token_type: 'Bearer'; expires_in: number } {
    const token = randomBytes(20).toString('hex');
    this.tokens.set(sha(token).toString('base64'), this.realNow() + this.ttlSeconds * 1000);
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds };
  }

  valid(token: string): boolean {
    const key = sha(token).toString('base64');
    const expiry = this.tokens.get(key);
    if (expiry === undefined) return false;
    if (expiry <= this.realNow()) {
      this.tokens.delete(key);
      return false;
    }
    return true;
  }

  /** Drops expired tokens (wall-clock housekeeping). */
  sweep(): void {
    const now = this.realNow();
    for (const [t, exp] of this.tokens) if (exp <= now) this.tokens.delete(t);
  }

  get size(): number {
    return this.tokens.size;
  }
}

export interface Credentials {
  username: string;
  password: string;
}

/**
 * Failed authentications per client address: after `max` of them within
 * `windowS` seconds the address is refused (429, `Retry-After`) until the
 * oldest leaves the window, even with the right credentials, so a password
 * cannot be guessed at speed. Other addresses are not affected. `max` 0 turns
 * it off. Wall-clock time: this is about real callers, not the simulation.
 */
export class FailureLimit {
  private failures = new Map<string, number[]>();
  private calls = 0;

  constructor(private readonly max: number, private readonly windowS: number, private readonly realNow: () => number = Date.now) {}

  /** Seconds the address must wait before it may try again; 0 when it may. */
  retryAfter(addr: string): number {
    if (this.max <= 0 || !this.failures.has(addr)) return 0;
    const recent = this.recent(addr);
    if (recent.length < this.max) return 0;
    return Math.max(1, Math.ceil((recent[recent.length - this.max] + this.windowS * 1000 - this.realNow()) / 1000));
  }

  fail(addr: string): void {
    if (this.max <= 0) return;
    const recent = this.recent(addr);
    recent.push(this.realNow());
    if (recent.length > this.max) recent.splice(0, recent.length - this.max);
    this.failures.set(addr, recent);
    if (++this.calls % 1024 === 0) this.sweep();
  }

  /** Forgets addresses whose failures have all left the window. */
  sweep(): void {
    for (const addr of [...this.failures.keys()]) if (!this.recent(addr).length) this.failures.delete(addr);
  }

  private recent(addr: string): number[] {
    const since = this.realNow() - this.windowS * 1000;
    const list = (this.failures.get(addr) ?? []).filter((t) => t > since);
    if (list.length) this.failures.set(addr, list);
    else this.failures.delete(addr);
    return list;
  }
}

/** 429 for an address over its failure limit. */
export function checkLimit(limit: FailureLimit, addr: string): void {
  const wait = limit.retryAfter(addr);
  if (wait > 0) throw new ApiError('rate_limited', `Too many failed authentications from ${addr}; try again in ${wait} s`, { 'Retry-After': String(wait) });
}

/**
 * RFC 6750 §2.3: a GET may carry its token as `access_token=` (a browser's
 * EventSource cannot set headers); as an Authorization value, or ''.
 */
function queryToken(ctx: Context): string {
  if (ctx.method !== 'GET') return '';
  const token = ctx.query.access_token;
  return typeof token === 'string' ? `Bearer ${token}` : '';
}

const challenge = { 'WWW-Authenticate': 'Basic realm="bacula-mock", Bearer' };

/** Basic or Bearer on every route it guards; 401 with a challenge otherwise, 429 for an address that failed too often. */
export function requireAuth(creds: Credentials, tokens: Tokens, limit: FailureLimit) {
  // The header a client with the right credentials sends, byte for byte: most
  // requests are that, and comparing it costs less than two SHA-256 digests.
  const expected = Buffer.from('Basic ' + Buffer.from(`${creds.username}:${creds.password}`).toString('base64'));
  return async (ctx: Context, next: Next): Promise<void> => {
    checkLimit(limit, ctx.ip);
    const header = ctx.get('Authorization') || queryToken(ctx);
    const raw = Buffer.from(header);
    if (raw.length === expected.length && timingSafeEqual(raw, expected)) return next();
    const [scheme, value = ''] = header.split(/\s+/, 2);
    let refusal: string | null = null;
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const ok = colon >= 0
        && sameSecret(decoded.slice(0, colon), creds.username) && sameSecret(decoded.slice(colon + 1), creds.password);
      if (!ok) refusal = 'Invalid username or password';
    } else if (/^bearer$/i.test(scheme)) {
      if (!tokens.valid(value)) refusal = 'Invalid or expired access token';
    } else {
      // No credentials at all is a question, not a guess: it does not count against the address.
      throw new ApiError('unauthorized', 'Authentication required: HTTP Basic or an OAuth2 Bearer token', challenge);
    }
    if (refusal) {
      limit.fail(ctx.ip);
      throw new ApiError('unauthorized', refusal, challenge);
    }
    await next();
  };
}
