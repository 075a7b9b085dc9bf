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

/**
 * A binary min-heap of timed events keyed by (virtual time, insertion order).
 * Each live entity keeps at most one entry, so the heap stays as small as the
 * number of clients plus running jobs, whatever the catalog size.
 */
export class Agenda {
  private heap: AgendaEntry[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Virtual time of the earliest entry, or Infinity when empty. */
  peekTime(): number {
    return this.heap.length ? this.heap[0].at : Infinity;
  }

  push(at: number, kind: EventKind, id: number): void {
    this.insert({ at, seq: this.nextSeq++, kind, id });
  }

  pop(): AgendaEntry | undefined {
    const heap = this.heap;
    if (!heap.length) return undefined;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length) {
      heap[0] = last;
      this.siftDown(0);
    }
    return top;
  }

  /** Removes every entry matching the predicate (rare: deleting a client). */
  remove(match: (e: AgendaEntry) => boolean): void {
    const kept = this.heap.filter((e) => !match(e));
    if (kept.length === this.heap.length) return;
    this.heap = [];
    for (const e of kept) this.insert(e);
  }

  entries(): readonly AgendaEntry[] {
    return this.heap;
  }

  /** Rebuilds from a snapshot; keeps the recorded sequence numbers. */
  restore(entries: readonly AgendaEntry[], nextSeq: number): void {
    this.heap = [];
    for (const e of entries) this.insert({ ...e });
    this.nextSeq = nextSeq;
  }

  get seqCounter(): number {
    return this.nextSeq;
  }

  private insert(entry: AgendaEntry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = entry;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const item = heap[i];
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap[child + 1], heap[child])) child++;
      if (!before(heap[child], item)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = item;
  }
}

function before(a: AgendaEntry, b: AgendaEntry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
