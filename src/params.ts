import type { Context } from 'koa';
import type { ZoneClock } from '../engine/format.js';
import { ApiError, shown } from './errors.js';
import { GLOBAL_PARAMS } from './validate.js';

/**
 * Query-string parameters, checked. Unknown names are refused by name (a typo
 * such as `?jobstaus=E` must not silently return every job), repeated names
 * too, and every value is validated before the engine sees it.
 */
export class Params {
  private readonly values = new Map<string, string>();

  constructor(ctx: Context, known: readonly string[]) {
    for (const [name, value] of Object.entries(ctx.query)) {
      if (GLOBAL_PARAMS.includes(name) && !known.includes(name)) continue;
      if (!known.includes(name)) {
        throw new ApiError('bad_request', `Unknown parameter "${name}" (known: ${known.join(', ')})`);
      }
      if (Array.isArray(value)) throw new ApiError('bad_request', `Parameter "${name}" given more than once`);
      if (value !== undefined) this.values.set(name, value);
    }
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  string(name: string): string | undefined {
    return this.values.get(name);
  }

  integer(name: string, min: number, max: number): number | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    const n = /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new ApiError('bad_request', `Parameter "${name}" must be an integer from ${min} to ${max} (got ${shown(v)})`);
    }
    return n;
  }

  /** A comma-separated list of positive integers (`jobid=1,2,5`). */
  ids(name: string): number[] | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    const parts = v.split(',').map((p) => p.trim());
    if (!parts.every((p) => /^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 2_147_483_647)) {
      throw new ApiError('bad_request', `Parameter "${name}" must be a positive integer or a comma-separated list of them (got ${shown(v)})`);
    }
    return parts.map(Number);
  }

  /** One or several letters out of `allowed` (`jobstatus=Ef`). */
  letters(name: string, allowed: string, what: string): string | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    const bad = [...v].filter((c) => !allowed.includes(c));
    if (!v.length || bad.length) {
      throw new ApiError('bad_request', `Parameter "${name}": ${bad.length ? `unknown ${what} letter${bad.length > 1 ? 's' : ''} "${bad.join('')}"` : 'empty'} (letters: ${allowed})`);
    }
    return v;
  }

  /** One of a fixed set of words. */
  choice<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (!allowed.includes(v as T)) throw new ApiError('bad_request', `Parameter "${name}" must be one of ${allowed.join(', ')} (got ${shown(v)})`);
    return v as T;
  }

  /** A time (see `parseTime`), in ms. */
  time(name: string, zone: ZoneClock): number | undefined {
    const v = this.values.get(name);
    return v === undefined ? undefined : parseTime(v, name, zone);
  }
}

/**
 * A time as users write it to a Director: `YYYY-MM-DD HH:MM:SS`,
 * `YYYY-MM-DDTHH:MM:SS`, `YYYY-MM-DD HH:MM`, `YYYY-MM-DD` (Director local
 * time, like the catalog's columns) or Unix seconds. Returns virtual ms.
 */
export function parseTime(v: string, name: string, zone: ZoneClock): number {
  if (/^\d{9,11}$/.test(v)) return Number(v) * 1000;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(v.trim());
  const p = m && { year: +m[1], month: +m[2], day: +m[3], hour: +(m[4] ?? 0), minute: +(m[5] ?? 0), second: +(m[6] ?? 0) };
  if (!p || p.month < 1 || p.month > 12 || p.day < 1 || p.day > 31 || p.hour > 23 || p.minute > 59 || p.second > 59) {
    throw new ApiError('bad_request', `"${name}" must be a time like "2026-11-21 02:00:00", "2026-11-21" or Unix seconds (got ${shown(v)})`);
  }
  const ms = zone.instant(p);
  if (!Number.isFinite(ms)) throw new ApiError('bad_request', `"${name}": no such date "${v}"`);
  return ms;
}

/** Default and largest page of a catalog list. */
export const PAGE = { default: 50, max: 100_000 } as const;

/** `limit` and `offset` of a catalog list. */
export function page(p: Params): { limit: number; offset: number } {
  return {
    limit: p.integer('limit', 1, PAGE.max) ?? PAGE.default,
    offset: p.integer('offset', 0, 2_147_483_647) ?? 0,
  };
}
