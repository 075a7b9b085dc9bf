import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import { ApiError } from './errors.js';

const sha = (s: string): Buffer => createHash('sha256').update(s).digest();
/** Constant-time comparison of two secrets of any length. */
export const sameSecret = (a: string, b: string): boolean => timingSafeEqual(sha(a), sha(b));

/** OAuth2 bearer tokens: random, 160 bits, kept in memory until they expire. */
export class Tokens {
  private tokens = new Map<string, number>();

  constructor(private readonly ttlSeconds: number, private readonly realNow: () => number = Date.now) {}

  issue(): { access_token: string; token_type: 'Bearer'; expires_in: number } {
    const token = randomBytes(20).toString('hex');
    this.tokens.set(token, this.realNow() + this.ttlSeconds * 1000);
    return { access_token: token, token_type: 'Bearer', expires_in: this.ttlSeconds };
  }

  valid(token: string): boolean {
    const expiry = this.tokens.get(token);
    if (expiry === undefined) return false;
    if (expiry <= this.realNow()) {
      this.tokens.delete(token);
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

const challenge = { 'WWW-Authenticate': 'Basic realm="bacula-mock", Bearer' };

/** Basic or Bearer on every route it guards; 401 with a challenge otherwise. */
export function requireAuth(creds: Credentials, tokens: Tokens) {
  // The header a client with the right credentials sends, byte for byte: most
  // requests are that, and comparing it costs less than two SHA-256 digests.
  const expected = Buffer.from('Basic ' + Buffer.from(`${creds.username}:${creds.password}`).toString('base64'));
  return async (ctx: Context, next: Next): Promise<void> => {
    const header = ctx.get('Authorization');
    const raw = Buffer.from(header);
    if (raw.length === expected.length && timingSafeEqual(raw, expected)) return next();
    const [scheme, value = ''] = header.split(/\s+/, 2);
    if (/^basic$/i.test(scheme)) {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const ok = colon >= 0
        && sameSecret(decoded.slice(0, colon), creds.username) && sameSecret(decoded.slice(colon + 1), creds.password);
      if (!ok) throw new ApiError('unauthorized', 'Invalid username or password', challenge);
    } else if (/^bearer$/i.test(scheme)) {
      if (!tokens.valid(value)) throw new ApiError('unauthorized', 'Invalid or expired access token', challenge);
    } else {
      throw new ApiError('unauthorized', 'Authentication required: HTTP Basic or an OAuth2 Bearer token', challenge);
    }
    await next();
  };
}
