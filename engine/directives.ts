import { WorldError } from './errors.js';
import type { World } from './world.js';

/**
 * Reading the directives of a Bacula resource given as JSON (the bdirjson
 * shape: `{"Name": "x", "FdPort": 9102, "JobRetention": 15552000, ...}`).
 * Directive names match as Bacula's parser matches them: case does not
 * matter and neither do spaces or underscores (`Maximum Volume Bytes`,
 * `maximumvolumebytes`). Every refusal names the resource and the directive.
 */

/** What a reader knows: the world (for references) and where the value sits, for messages. */
export interface DirectiveContext {
  world: World;
  /** `Client "web-01"`: the resource being written */
  what: string;
  directive: string;
}

/** Checks and converts one directive value; throws a WorldError naming the directive. */
export type Reader<T> = (v: unknown, ctx: DirectiveContext) => T;

/** The directives of one resource type: Bacula name → reader. */
export type Spec = Record<string, Reader<unknown>>;

/** Directives given in a write; `null` asks for the directive's default. */
export type Given<S extends Spec> = { [K in keyof S]?: ReturnType<S[K]> | null };

export function refuse(ctx: Pick<DirectiveContext, 'what' | 'directive'>, message: string, got?: unknown): WorldError {
  const shown = got === undefined ? '' : ` (got ${JSON.stringify(got)})`;
  return new WorldError('bad_request', `${ctx.what}: "${ctx.directive}" ${message}${shown}`);
}

/** Bacula's keyword comparison: case, spaces and underscores are ignored. */
export function squash(key: string): string {
  return key.replace(/[\s_]/g, '').toLowerCase();
}

/** Reads a JSON object of directives against `spec`; unknown or repeated directives are refused by name. */
export function readDirectives<S extends Spec>(spec: S, raw: Readonly<Record<string, unknown>>, world: World, what: string): Given<S> {
  const names = new Map(Object.keys(spec).map((k) => [squash(k), k]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = names.get(squash(key));
    if (!name) {
      throw new WorldError('bad_request', `${what}: unknown directive "${key}" (known: ${Object.keys(spec).join(', ')})`);
    }
    if (name in out) throw new WorldError('bad_request', `${what}: directive "${name}" is given twice ("${key}")`);
    out[name] = value === null ? null : spec[name](value, { world, what, directive: name });
  }
  return out as Given<S>;
}

/** A Bacula resource name: letters, digits and `_ . : -` (spaces inside), at most 127 characters. */
export const NAME_PATTERN = /^[A-Za-z0-9_.:-](?:[A-Za-z0-9 _.:-]{0,125}[A-Za-z0-9_.:-])?$/;

export const name: Reader<string> = (v, ctx) => {
  if (typeof v !== 'string' || !NAME_PATTERN.test(v)) {
    throw refuse(ctx, 'must be a name of 1 to 127 letters, digits, spaces and _ . : - (not starting or ending with a space)', v);
  }
  return v;
};

export const text = (max = 1024): Reader<string> => (v, ctx) => {
  if (typeof v !== 'string' || v.length > max || /[\0\n]/.test(v)) throw refuse(ctx, `must be a string of at most ${max} characters on one line`, v);
  return v;
};

export const integer = (min: number, max: number): Reader<number> => (v, ctx) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw refuse(ctx, `must be an integer from ${min} to ${max}`, v);
  return v;
};

export const bool: Reader<boolean> = (v, ctx) => {
  if (typeof v !== 'boolean') throw refuse(ctx, 'must be true or false', v);
  return v;
};

/** One of a few words, matched without regard to case; answers the canonical spelling. */
export const oneOf = <T extends string>(words: readonly T[]): Reader<T> => (v, ctx) => {
  const hit = typeof v === 'string' ? words.find((w) => w.toLowerCase() === v.toLowerCase()) : undefined;
  if (!hit) throw refuse(ctx, `must be one of ${words.join(', ')}`, v);
  return hit;
};

/** A value every resource of this simulator has: accepted only as it is shown (round trips of a read work). */
export const fixed = <T>(expected: (ctx: DirectiveContext) => T): Reader<T> => (v, ctx) => {
  const want = expected(ctx);
  if (v !== want) throw refuse(ctx, `is ${JSON.stringify(want)} for every resource of this kind in this simulator and cannot be changed`, v);
  return want;
};

/** A list of strings (a single string is taken as a list of one). */
export const strings = (min: number, max = 1000): Reader<string[]> => (v, ctx) => {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length < min || list.length > max || list.some((s) => typeof s !== 'string' || !s || s.length > 1024)) {
    throw refuse(ctx, `must be a list of ${min} to ${max} non-empty strings`, v);
  }
  return list as string[];
};

/** Bacula duration modifiers (edit.c duration_to_utime), in the order a prefix is matched. */
const DURATION_UNITS: ReadonlyArray<[string, number]> = [
  ['n', 60], ['seconds', 1], ['months', 30 * 86400], ['minutes', 60], ['mins', 60], ['hours', 3600],
  ['days', 86400], ['weeks', 7 * 86400], ['quarters', 91 * 86400], ['years', 365 * 86400],
];

/** `"6 months"`, `"1 year 2 days"`, `"90d"`, `"3600"` → seconds; null when it is not a duration. */
export function parseDuration(s: string): number | null {
  const re = /\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*,?/iy;
  let total = 0;
  let seen = false;
  let m: RegExpExecArray | null;
  while (re.lastIndex < s.length && (m = re.exec(s))) {
    const unit = m[2].toLowerCase();
    const mult = unit ? DURATION_UNITS.find(([u]) => u.startsWith(unit))?.[1] : 1;
    if (mult === undefined) return null;
    total += Number(m[1]) * mult;
    seen = true;
  }
  return seen && re.lastIndex >= s.length ? Math.floor(total) : null;
}

/** Seconds: an integer, or a Bacula duration such as `"60 days"` or `"6 months"`. */
export const duration: Reader<number> = (v, ctx) => {
  const n = typeof v === 'string' ? parseDuration(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > 200 * 365 * 86400) {
    throw refuse(ctx, 'must be seconds (an integer) or a duration such as "60 days" or "6 months"', v);
  }
  return n;
};

/** Bacula size modifiers (edit.c size_to_uint64): a bare letter is binary, with a `b` decimal. */
const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1, k: 1024, kb: 1000, m: 1024 ** 2, mb: 1e6, g: 1024 ** 3, gb: 1e9, t: 1024 ** 4, tb: 1e12, p: 1024 ** 5, pb: 1e15,
};

/** `"5G"` → 5368709120, `"500 MB"` → 500000000; null when it is not a size. */
export function parseSize(s: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(s);
  const mult = m ? SIZE_UNITS[m[2].toLowerCase()] : undefined;
  return m && mult !== undefined ? Math.floor(Number(m[1]) * mult) : null;
}

/** Bytes: an integer, or a Bacula size such as `"5G"` or `"500 MB"`. */
export const size: Reader<number> = (v, ctx) => {
  const n = typeof v === 'string' ? parseSize(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw refuse(ctx, 'must be bytes (an integer) or a size such as "5G" or "500 MB"', v);
  return n;
};

/** A JSON object (for nested blocks such as a FileSet's Include). */
export function object(v: unknown, ctx: Pick<DirectiveContext, 'what' | 'directive'>, shape: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw refuse(ctx, `must be ${shape}`, v);
  return v as Record<string, unknown>;
}
