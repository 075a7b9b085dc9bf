/**
 * Jobs waiting to start, in start order: priority (lower first), then JobId.
 * Removal leaves a hole that is compacted away later, so starting the job at
 * the head of a queue of thousands costs O(1), not a splice.
 */
export class JobQueue {
  private ids: number[] = [];
  private prio: number[] = [];
  private holes = 0;
  /** index of the first entry that is not a hole */
  private head = 0;
  private where = new Map<number, number>();

  get size(): number {
    return this.where.size;
  }

  insert(jobId: number, priority: number): void {
    let i = this.ids.length;
    // Equal priorities arrive in JobId order, so this scan almost always stops at once.
    while (i > this.head && (this.ids[i - 1] === 0 || this.prio[i - 1] > priority || (this.prio[i - 1] === priority && this.ids[i - 1] > jobId))) i--;
    if (i === this.ids.length) {
      this.ids.push(jobId);
      this.prio.push(priority);
      this.where.set(jobId, i);
      return;
    }
    this.ids.splice(i, 0, jobId);
    this.prio.splice(i, 0, priority);
    this.reindex(i);
  }

  has(jobId: number): boolean {
    return this.where.has(jobId);
  }

  remove(jobId: number): boolean {
    const i = this.where.get(jobId);
    if (i === undefined) return false;
    this.ids[i] = 0;
    this.where.delete(jobId);
    while (this.head < this.ids.length && this.ids[this.head] === 0) this.head++;
    if (++this.holes > 64 && this.holes > this.ids.length / 2) this.compact();
    return true;
  }

  /**
   * Calls `visit` with each JobId in start order until it returns false;
   * `visit` may `remove` jobs (a compaction leaves the array being walked
   * alone). Allocation-free: the Director's start pass walks a queue of
   * hundreds of waiting jobs at every job's end.
   */
  walk(visit: (jobId: number) => boolean): void {
    const ids = this.ids;
    for (let i = this.head; i < ids.length; i++) {
      const id = ids[i];
      if (id !== 0 && this.where.has(id) && !visit(id)) return;
    }
  }

  /** The JobIds in start order, as a copy. */
  toArray(): number[] {
    const out: number[] = [];
    this.walk((id) => {
      out.push(id);
      return true;
    });
    return out;
  }

  [Symbol.iterator](): IterableIterator<number> {
    return this.toArray()[Symbol.iterator]();
  }

  private compact(): void {
    const ids: number[] = [];
    const prio: number[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      if (this.ids[i] !== 0) {
        ids.push(this.ids[i]);
        prio.push(this.prio[i]);
      }
    }
    this.ids = ids;
    this.prio = prio;
    this.holes = 0;
    this.head = 0;
    this.reindex(0);
  }

  private reindex(from: number): void {
    for (let i = from; i < this.ids.length; i++) if (this.ids[i] !== 0) this.where.set(this.ids[i], i);
  }
}
