/** What an agenda entry asks the world to do when its time comes. */
export type EventKind =
  /** a client creates its next job */
  | 'spawn'
  /** a job moves to the next step of its plan */
  | 'step'
  /** a Schedule resource fires */
  | 'schedule';

export interface AgendaEntry {
  /** virtual ms since the Unix epoch */
  at: number;
  /** insertion order: breaks ties so equal times always pop in the same order */
  seq: number;
  kind: EventKind;
  /** client id, job id or schedule index, depending on kind */
  id: number;
}

const KINDS: readonly EventKind[] = ['spawn', 'step', 'schedule'];
const KIND_CODE: Record<EventKind, number> = { spawn: 0, step: 1, schedule: 2 };

/**
 * A binary min-heap of timed events keyed by (virtual time, insertion order).
 * Each live entity keeps at most one entry, so the heap stays as small as the
 * number of clients plus running jobs, whatever the catalog size.
 *
 * The heap lives in parallel typed arrays rather than one object per entry:
 * millions of events pass through it while a history is backfilled, and
 * comparing plain numbers in contiguous memory is several times cheaper than
 * chasing (and collecting) entry objects.
 */
export class Agenda {
  private at = new Float64Array(1024);
  private seq = new Float64Array(1024);
  private kind = new Uint8Array(1024);
  private id = new Int32Array(1024);
  private n = 0;
  private nextSeq = 0;
  /** Reused by pop(): the entry just removed. */
  private readonly popped: AgendaEntry = { at: 0, seq: 0, kind: 'spawn', id: 0 };

  get size(): number {
    return this.n;
  }

  /** Virtual time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    return this.n ? this.at[0] : Infinity;
  }

  push(at: number, kind: EventKind, id: number): void {
    this.insert(at, this.nextSeq++, KIND_CODE[kind], id);
  }

  /**
   * Removes the earliest entry and returns it. The returned object is reused
   * by the next call: read its fields before popping again.
   */
  pop(): Readonly<AgendaEntry> | undefined {
    if (!this.n) return undefined;
    const p = this.popped;
    p.at = this.at[0];
    p.seq = this.seq[0];
    p.kind = KINDS[this.kind[0]];
    p.id = this.id[0];
    const last = --this.n;
    if (last > 0) this.siftDown(this.at[last], this.seq[last], this.kind[last], this.id[last]);
    return p;
  }

  /** Removes every entry matching the predicate (rare: cancelling a job). */
  remove(match: (e: AgendaEntry) => boolean): void {
    const kept = this.entries().filter((e) => !match(e));
    if (kept.length === this.n) return;
    this.n = 0;
    for (const e of kept) this.insert(e.at, e.seq, KIND_CODE[e.kind], e.id);
  }

  /** Every entry, in heap order (for snapshots). */
  entries(): AgendaEntry[] {
    const out: AgendaEntry[] = [];
    for (let i = 0; i < this.n; i++) out.push({ at: this.at[i], seq: this.seq[i], kind: KINDS[this.kind[i]], id: this.id[i] });
    return out;
  }

  /** Calls `fn` with the time and id of every entry of a kind, in no particular order. */
  forEachOf(kind: EventKind, fn: (at: number, id: number) => void): void {
    const code = KIND_CODE[kind];
    for (let i = 0; i < this.n; i++) if (this.kind[i] === code) fn(this.at[i], this.id[i]);
  }

  /** Rebuilds from a snapshot; keeps the recorded sequence numbers. */
  restore(entries: readonly AgendaEntry[], nextSeq: number): void {
    this.n = 0;
    for (const e of entries) this.insert(e.at, e.seq, KIND_CODE[e.kind], e.id);
    this.nextSeq = nextSeq;
  }

  get seqCounter(): number {
    return this.nextSeq;
  }

  private insert(at: number, seq: number, kind: number, id: number): void {
    if (this.n === this.at.length) this.grow();
    const A = this.at, S = this.seq, K = this.kind, I = this.id;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (A[parent] < at || (A[parent] === at && S[parent] < seq)) break;
      A[i] = A[parent]; S[i] = S[parent]; K[i] = K[parent]; I[i] = I[parent];
      i = parent;
    }
    A[i] = at; S[i] = seq; K[i] = kind; I[i] = id;
  }

  /** Places the given entry, taken from the end, starting at the root. */
  private siftDown(at: number, seq: number, kind: number, id: number): void {
    const A = this.at, S = this.seq, K = this.kind, I = this.id;
    const n = this.n;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (A[r] < A[c] || (A[r] === A[c] && S[r] < S[c]))) c = r;
      if (at < A[c] || (at === A[c] && seq < S[c])) break;
      A[i] = A[c]; S[i] = S[c]; K[i] = K[c]; I[i] = I[c];
      i = c;
    }
    A[i] = at; S[i] = seq; K[i] = kind; I[i] = id;
  }

  private grow(): void {
    const size = this.at.length * 2;
    const at = new Float64Array(size); at.set(this.at); this.at = at;
    const seq = new Float64Array(size); seq.set(this.seq); this.seq = seq;
    const kind = new Uint8Array(size); kind.set(this.kind); this.kind = kind;
    const id = new Int32Array(size); id.set(this.id); this.id = id;
  }
}
