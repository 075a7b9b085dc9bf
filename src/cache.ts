import type { Context, Next } from 'koa';
import type { LiveDirector } from './director.js';
import { JSON_TYPE } from './headers.js';

/** Answers larger than this are not kept: they are rare and would crowd out the rest. */
const MAX_BODY = 256 * 1024;

/** Answers with JSON bytes as they are: no serialisation, no MIME lookup. */
function send(ctx: Context, body: Buffer): void {
  ctx.set('Content-Type', JSON_TYPE);
  ctx.body = body;
}

/**
 * Serialised answers of read-only routes, keyed by URL and valid while the
 * world has not changed (`World.changes`). Dashboards poll the same few URLs
 * many times between two simulated events; each poll after the first is then
 * a lookup and a write of ready bytes instead of a rebuild of the rows.
 * Anything that depends on the running clock rather than on the catalog
 * (live progress in status) must not go through here.
 *
 * A URL is only noted the first time it is answered, and its bytes kept the
 * second time: a client walking pages asks each offset once, and keeping
 * those answers cost a copy of each and tens of MB of buffers for the
 * garbage collector to chase (on a million-job catalog, the major
 * collections they brought on were the slowest page answers).
 */
export class AnswerCache {
  /** `body` null: answered once, not kept. */
  private entries = new Map<string, { changes: number; body: Buffer | null }>();

  constructor(private readonly capacity = 512) {}

  /** Whether bytes are kept for `url`, current or not (a lookup without bringing the world up to date). */
  holds(url: string): boolean {
    return this.entries.get(url)?.body != null;
  }

  /** Sends the kept answer of a GET if it is current; false when there is none. */
  serve(ctx: Context, director: LiveDirector): boolean {
    const known = this.entries.get(ctx.url);
    if (!known?.body || known.changes !== director.sync().changes) return false;
    send(ctx, known.body);
    return true;
  }

  /**
   * Koa middleware for GET routes whose answer is a function of the URL and
   * the catalog: a hit sends the kept bytes, a miss lets the route answer and
   * notes or keeps what it sent (errors are never kept).
   */
  middleware(director: LiveDirector) {
    return async (ctx: Context, next: Next): Promise<void> => {
      if (ctx.method !== 'GET') return next();
      const changes = director.sync().changes;
      const key = ctx.url;
      const known = this.entries.get(key);
      const seen = known !== undefined && known.changes === changes;
      if (seen && known.body) {
        send(ctx, known.body);
        return;
      }
      await next();
      if (ctx.status !== 200 || ctx.body === null || typeof ctx.body !== 'object' || Buffer.isBuffer(ctx.body)) return;
      // The route read the world as of `changes` (it syncs again, but nothing moved in between: no await).
      let body: Buffer | null = null;
      if (seen) {
        body = Buffer.from(JSON.stringify(ctx.body));
        send(ctx, body);
        if (body.length > MAX_BODY) return;
      }
      this.entries.delete(key);
      this.entries.set(key, { changes, body });
      // Map keeps insertion order: the first key is the least recently built.
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    };
  }
}
