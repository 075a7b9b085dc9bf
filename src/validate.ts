import type { Context } from 'koa';
import { ApiError, shown } from './errors.js';

type Check<T> = (v: unknown, name: string) => T;

/**
 * The arguments of a command: the JSON object body, and the query string too
 * (`POST /cmd/cancel?jobid=5`, as a client of the Director's API may send
 * them). Unknown names are refused wherever they come from; a name given in
 * both places with different values is refused too. `director=` is checked
 * once for every route (see `GLOBAL_PARAMS`).
 */
export function body(ctx: Context, known: readonly string[]): Record<string, unknown> {
  const raw = (ctx.request as unknown as { body?: unknown }).body;
  const empty = raw === undefined || raw === null || (typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0);
  if (!empty && (typeof raw !== 'object' || Array.isArray(raw))) throw new ApiError('bad_request', 'Request body must be a JSON object');
  const obj: Record<string, unknown> = empty ? {} : { ...(raw as Record<string, unknown>) };
  const unknown = Object.keys(obj).filter((k) => !known.includes(k));
  if (unknown.length) {
    throw new ApiError('bad_request', `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}${known.length ? ` (known: ${known.join(', ')})` : ''}`);
  }
  for (const [name, value] of Object.entries(ctx.query)) {
    if (GLOBAL_PARAMS.includes(name)) continue;
    if (!known.includes(name)) throw new ApiError('bad_request', `Unknown parameter "${name}"${known.length ? ` (known: ${known.join(', ')})` : ''}`);
    if (Array.isArray(value)) throw new ApiError('bad_request', `Parameter "${name}" given more than once`);
    if (obj[name] !== undefined && String(obj[name]) !== value) {
      throw new ApiError('bad_request', `"${name}" given twice with different values: ${JSON.stringify(value)} in the query, ${JSON.stringify(obj[name])} in the body`);
    }
    obj[name] ??= value;
  }
  return obj;
}

/**
 * Query parameters every route accepts: `director=` names the Director asked
 * (Bacula Enterprise's API takes it on any call); `access_token=` is an OAuth2
 * token given in the query (auth.ts).
 */
export const GLOBAL_PARAMS: readonly string[] = ['director', 'access_token'];

export function optional<T>(obj: Record<string, unknown>, name: string, check: Check<T>): T | undefined {
  return obj[name] === undefined ? undefined : check(obj[name], name);
}

export const integer = (min: number, max: number): Check<number> => (v, name) => {
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new ApiError('bad_request', `"${name}" must be an integer from ${min} to ${max} (got ${shown(v)})`);
  }
  return n;
};

export const number = (min: number, max: number): Check<number> => (v, name) => {
  const n = typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
    throw new ApiError('bad_request', `"${name}" must be a number from ${min} to ${max} (got ${shown(v)})`);
  }
  return n;
};

/** true or false; from a query string also `true`/`false`, `yes`/`no`, `1`/`0`. */
export const boolean = (): Check<boolean> => (v, name) => {
  const word = typeof v === 'string' ? ({ true: true, yes: true, 1: true, false: false, no: false, 0: false } as Record<string, boolean>)[v.toLowerCase()] : v;
  if (typeof word !== 'boolean') throw new ApiError('bad_request', `"${name}" must be true or false (got ${shown(v)})`);
  return word;
};

/**
 * A non-empty string without control characters, at most `max` long (names,
 * paths). A lone UTF-16 surrogate (JSON's `"\ud800"`) is no character: it
 * would reach names, job logs and the journal as text no encoder can write.
 */
export const text = (max = 255): Check<string> => (v, name) => {
  // eslint-disable-next-line no-control-regex
  if (typeof v !== 'string' || !v.length || v.length > max || /[\u0000-\u001f\u007f]|\p{Cs}/u.test(v)) {
    throw new ApiError('bad_request', `"${name}" must be a non-empty string of at most ${max} characters, without control characters or lone surrogates (got ${shown(v)})`);
  }
  return v;
};

/** A field that must be there. */
export function required<T>(obj: Record<string, unknown>, name: string, check: Check<T>): T {
  if (obj[name] === undefined) throw new ApiError('bad_request', `Missing field "${name}"`);
  return check(obj[name], name);
}

/** One of a fixed set of words; `aliases` maps other accepted spellings to them. */
export const oneOf = <T extends string>(allowed: readonly T[], aliases: Record<string, T> = {}): Check<T> => (v, name) => {
  if (typeof v === 'string') {
    if ((allowed as readonly string[]).includes(v)) return v as T;
    const a = aliases[v.toLowerCase()];
    if (a) return a;
  }
  throw new ApiError('bad_request', `"${name}" must be one of ${[...allowed, ...Object.keys(aliases)].join(', ')} (got ${shown(v)})`);
};
