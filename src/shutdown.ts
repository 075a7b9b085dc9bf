import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { LiveDirector } from './director.js';
import { SnapshotCanceled } from './store.js';

/** Responses not yet finished, so a stop can wait for them. */
export function trackResponses(server: Server): Set<ServerResponse> {
  const inflight = new Set<ServerResponse>();
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    inflight.add(res);
    res.once('close', () => inflight.delete(res));
  });
  return inflight;
}

/**
 * Stops accepting connections, lets requests in flight finish (up to
 * `deadlineMs`, then their connections are cut), and closes each keep-alive
 * connection after its last answer. Event streams never finish by themselves:
 * they are hung up at once (an EventSource reconnects, to the restarted server).
 */
export async function drain(server: Server, inflight: Set<ServerResponse>, deadlineMs: number): Promise<void> {
  const closed = new Promise<void>((ok) => server.close(() => ok()));
  for (const res of inflight) {
    if (String(res.getHeader('content-type') ?? '').startsWith('text/event-stream')) res.destroy();
    else if (!res.headersSent) res.setHeader('Connection', 'close');
  }
  server.closeIdleConnections();
  const late = setTimeout(() => server.closeAllConnections(), deadlineMs);
  // A keep-alive connection whose last answer just went out is idle now.
  const idle = setInterval(() => server.closeIdleConnections(), 25);
  await closed;
  clearTimeout(late);
  clearInterval(idle);
}

export type SnapshotAtStop = 'written' | 'unchanged' | 'skipped';

/**
 * When to write the world's snapshot. Every acknowledged command is already
 * fsynced in the journal, so a snapshot is never needed to lose nothing; it
 * makes the next start read one file instead of replaying the journal since
 * the last one. At a stop that trade is made against time: a world measured
 * (docs/install.md) to take longer than the budget to write is not written
 * when the journal only holds what happened since the last snapshot (at most
 * `snapshot_interval` of events, quick to replay). A world rebuilt since
 * (first start, init, reset) is always written: replaying its build would
 * cost far more than writing it.
 */
export class Snapshots {
  /** Real ms the last snapshot took; before one, what opening the world took (reading a snapshot is slower than writing it). */
  private costMs: number;
  private rebuilt: boolean;
  private lastAt: number;

  constructor(
    private readonly director: LiveDirector,
    opened: { ms: number; fromSnapshot: boolean },
    private readonly realNow: () => number = Date.now,
  ) {
    this.costMs = opened.ms;
    this.rebuilt = !opened.fromSnapshot;
    this.lastAt = realNow();
    director.world.on('world.reset', () => {
      this.rebuilt = true;
    });
  }

  /** Whether records wait in the journal that no snapshot holds. */
  get pending(): boolean {
    return this.director.store.pending > 0;
  }

  /** The housekeeping rule: one every `intervalMs` of real time, if anything changed, and not while one is being written. */
  due(intervalMs: number): boolean {
    return this.pending && !this.director.store.busy && this.realNow() - this.lastAt >= intervalMs;
  }

  /** Writes the snapshot now, in this thread; returns the real ms it took. */
  take(): number {
    const began = performance.now();
    this.director.snapshot();
    this.rebuilt = false;
    return this.taken(performance.now() - began);
  }

  /**
   * Writes the snapshot from a worker thread (the housekeeping way: the event
   * loop is held only while the world is captured); resolves with the real ms
   * the whole write took, or null if a stop canceled it to write its own.
   */
  async takeInBackground(): Promise<number | null> {
    this.lastAt = this.realNow();
    // Cleared at the capture, so a reset while the worker writes leaves the world rebuilt.
    const rebuiltBefore = this.rebuilt;
    this.rebuilt = false;
    try {
      return this.taken(await this.director.snapshotInBackground());
    } catch (e) {
      this.rebuilt ||= rebuiltBefore;
      if (e instanceof SnapshotCanceled) return null;
      throw e;
    }
  }

  private taken(ms: number): number {
    this.costMs = ms;
    this.lastAt = this.realNow();
    return ms;
  }

  /**
   * What a stop does, given how long it may spend writing (real ms). A
   * snapshot being written in the background is stopped first: two writers
   * must never race to rename their files into place.
   */
  async atStop(budgetMs: number): Promise<{ snapshot: SnapshotAtStop; estimate_ms: number }> {
    await this.director.store.cancelBackground();
    const estimate = Math.round(this.costMs);
    if (!this.pending && !this.rebuilt) return { snapshot: 'unchanged', estimate_ms: estimate };
    if (!this.rebuilt && this.costMs > budgetMs) return { snapshot: 'skipped', estimate_ms: estimate };
    this.take();
    return { snapshot: 'written', estimate_ms: estimate };
  }
}
