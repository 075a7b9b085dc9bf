import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/**
 * Seeded randomness. Every entity draws from its own stream derived from
 * (world seed, kind, id, ...), so the fate of one job never depends on the
 * order in which other events happened.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** Uniform real in [min, max). */
  between(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks a key of `weights` with probability proportional to its weight (a weights object must not change once used). */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
}

function mix32(h: number, v: number): number {
  // murmur3 body round followed by fmix32: cheap and well distributed.
  let k = Math.imul(v, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h | 0;
}

/** Derives a 32-bit seed from the world seed and any number of keys. */
export function deriveSeed(seed: number, ...keys: ReadonlyArray<string | number>): number {
  return seedOf(seed, keys);
}

function seedOf(seed: number, keys: ReadonlyArray<string | number>): number {
  let h = mix32(0x9e3779b9, seed | 0);
  for (const key of keys) {
    const v = typeof key === 'number' ? key : hashString(key);
    // Numbers above 2^32 (ids never are, but be safe) fold their high part in.
    h = mix32(h, v | 0);
    if (typeof key === 'number' && key > 0xffffffff) h = mix32(h, Math.floor(key / 0x100000000) | 0);
  }
  return h;
}

/** Weights objects are few and long-lived (profiles, constants): their keys and total are worked out once. */
const WEIGHT_TABLES = new WeakMap<object, { keys: string[]; total: number }>();

function weightTable(weights: Readonly<Record<string, number>>): { keys: string[]; total: number } {
  const keys = Object.keys(weights);
  return { keys, total: keys.reduce((n, k) => n + weights[k], 0) };
}

/** One seeded stream: a xoroshiro128+ generator behind the Rng methods (on the prototype: streams are made per job). */
class Stream implements Rng {
  private readonly gen: ReturnType<typeof xoroshiro128plus>;

  constructor(seed: number) {
    this.gen = xoroshiro128plus(seed);
  }

  float(): number {
    return (this.gen.next() >>> 0) / 0x100000000;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }

  weighted<K extends string>(weights: Readonly<Record<K, number>>): K {
    let table = WEIGHT_TABLES.get(weights);
    if (!table) WEIGHT_TABLES.set(weights, (table = weightTable(weights)));
    const keys = table.keys as K[];
    let r = this.float() * table.total;
    for (const k of keys) {
      r -= weights[k];
      if (r < 0) return k;
    }
    return keys[keys.length - 1];
  }
}

export function stream(seed: number, ...keys: ReadonlyArray<string | number>): Rng {
  return new Stream(seedOf(seed, keys));
}
