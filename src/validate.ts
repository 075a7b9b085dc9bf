import type { Context } from 'koa';
import { ApiError } from './errors.js';

type Check<T> = (v: unknown, name: string) => T;

/** The JSON object body of a request; unknown keys are refused by name. */
export function body(ctx: Context, known: readonly string[]): Record<string, unknown> {
  const raw = (ctx.request as unknown as { body?: unknown }).body;
  if (raw === undefined || raw === null || (typeof raw === 'object' && !Array.isArray(raw) && Object.keys(raw).length === 0)) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new ApiError('bad_request', 'Request body must be a JSON object');
  const obj = raw as Record<string, unknown>;
  const unknown = Object.keys(obj).filter((k) => !known.includes(k));
  if (unknown.length) {
    throw new ApiError('bad_request', `Unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}${known.length ? ` (known: ${known.join(', ')})` : ''}`);
  }
  return obj;
}

export function optional<T>(obj: Record<string, unknown>, name: string, check: Check<T>): T | undefined {
  return obj[name] === undefined ? undefined : check(obj[name], name);
}

export const integer = (min: number, max: number): Check<number> => (v, name) => {
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new ApiError('bad_request', `"${name}" must be an integer from ${min} to ${max} (got ${JSON.stringify(v)})`);
  }
  return n;
};

export const number = (min: number, max: number): Check<number> => (v, name) => {
  const n = typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
    throw new ApiError('bad_request', `"${name}" must be a number from ${min} to ${max} (got ${JSON.stringify(v)})`);
  }
  return n;
};

export const boolean = (): Check<boolean> => (v, name) => {
  if (typeof v !== 'boolean') throw new ApiError('bad_request', `"${name}" must be true or false (got ${JSON.stringify(v)})`);
  return v;
};
