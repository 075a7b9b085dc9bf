/**
 * Lists indexed by small dense ids (ClientIds): cheaper than a Map of
 * thousands of keys on the hot paths of a history fill. A JavaScript array
 * written far past its end turns into a slow sparse dictionary, so these
 * grow one element at a time.
 */

/** Makes `list[index]` exist, filling the new room with `fill`. */
export function growTo<T>(list: T[], index: number, fill: T): void {
  while (list.length <= index) list.push(fill);
}

/** A count per id (running jobs per client). */
export class DenseCounts {
  private n: number[] = [];

  get(id: number): number {
    return this.n[id] ?? 0;
  }

  add(id: number, by: number): void {
    growTo(this.n, id, 0);
    this.n[id] += by;
  }
}
