/**
 * A small declarative schema for config.yaml and profile files: each key's
 * type, default and limits in one place, so every problem is reported the same
 * way (path + message) and the docs can be checked against it.
 */
export type Spec =
  | { type: 'string'; default?: string | null; nullable?: boolean; enum?: readonly string[]; pattern?: RegExp; doc: string }
  | { type: 'integer' | 'number'; default?: number; min?: number; max?: number; doc: string }
  | { type: 'boolean'; default?: boolean; doc: string }
  | { type: 'object'; keys: Record<string, Spec>; doc: string; required?: readonly string[] }
  | { type: 'map'; values: Spec; doc: string }
  | { type: 'list'; items: Spec; minItems?: number; maxItems?: number; doc: string }
  | { type: 'message'; doc: string };

export type Path = Array<string | number>;
export interface Problem {
  path: Path;
  message: string;
  /** the problem is the key itself (unknown key), not its value */
  atKey?: boolean;
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v));

/** Checks `value` against `spec`, fills defaults, and returns the normalised value. */
export function check(spec: Spec, value: unknown, path: Path, problems: Problem[]): unknown {
  switch (spec.type) {
    case 'string':
      if (value === undefined) return spec.default;
      if (value === null && spec.nullable) return null;
      if (typeof value === 'number' && !spec.enum && !spec.pattern) return String(value);
      if (typeof value !== 'string') return fail(problems, path, `must be a string (got ${show(value)})`, spec.default);
      if (spec.enum && !spec.enum.includes(value)) return fail(problems, path, `must be one of ${spec.enum.join(', ')} (got ${show(value)})`, spec.default);
      if (spec.pattern && !spec.pattern.test(value)) return fail(problems, path, `has an invalid format (got ${show(value)})`, spec.default);
      return value;
    case 'integer':
    case 'number': {
      if (value === undefined) return spec.default;
      const ok = typeof value === 'number' && Number.isFinite(value) && (spec.type === 'number' || Number.isInteger(value));
      const range = spec.min !== undefined && spec.max !== undefined ? ` between ${spec.min} and ${spec.max}`
        : spec.min !== undefined ? ` >= ${spec.min}` : '';
      const what = `must be ${spec.type === 'integer' ? 'an integer' : 'a number'}${range}`;
      if (!ok) return fail(problems, path, `${what} (got ${show(value)})`, spec.default);
      if ((spec.min !== undefined && (value as number) < spec.min) || (spec.max !== undefined && (value as number) > spec.max)) {
        return fail(problems, path, `${what} (got ${show(value)})`, spec.default);
      }
      return value;
    }
    case 'boolean':
      if (value === undefined) return spec.default;
      if (typeof value !== 'boolean') return fail(problems, path, `must be true or false (got ${show(value)})`, spec.default);
      return value;
    case 'object': {
      if (value === undefined || value === null) value = {};
      if (typeof value !== 'object' || Array.isArray(value)) {
        // Reported once; the section then reads as its defaults, so no follow-on problems are invented.
        problems.push({ path, message: `must be a mapping${path.length ? '' : ' of sections'} (got ${show(value)})` });
        value = {};
      }
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(input)) {
        if (!(key in spec.keys)) problems.push({ path: [...path, key], message: `unknown key (known keys: ${Object.keys(spec.keys).join(', ')})`, atKey: true });
      }
      for (const [key, sub] of Object.entries(spec.keys)) {
        if (spec.required?.includes(key) && input[key] === undefined) {
          problems.push({ path: [...path, key], message: 'is required' });
          continue;
        }
        out[key] = check(sub, input[key], [...path, key], problems);
      }
      return out;
    }
    case 'map': {
      if (value === undefined || value === null) return {};
      if (typeof value !== 'object' || Array.isArray(value)) return fail(problems, path, `must be a mapping (got ${show(value)})`, {});
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value as Record<string, unknown>)) out[key] = check(spec.values, v, [...path, key], problems);
      return out;
    }
    case 'list': {
      if (value === undefined || value === null) return undefined;
      if (!Array.isArray(value)) return fail(problems, path, `must be a list (got ${show(value)})`, []);
      if (spec.minItems !== undefined && value.length < spec.minItems) problems.push({ path, message: `needs at least ${spec.minItems} entries (got ${value.length})` });
      if (spec.maxItems !== undefined && value.length > spec.maxItems) problems.push({ path, message: `takes at most ${spec.maxItems} entries (got ${value.length})` });
      return value.map((v, i) => check(spec.items, v, [...path, i], problems));
    }
    case 'message': {
      if (typeof value === 'string' && value.trim()) return { daemon: 'fd', message: value };
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        const o = value as Record<string, unknown>;
        const extra = Object.keys(o).filter((k) => k !== 'daemon' && k !== 'message');
        if (extra.length) problems.push({ path: [...path, extra[0]], message: 'unknown key (known keys: daemon, message)', atKey: true });
        if (!['fd', 'sd', 'dir'].includes(o.daemon as string)) return fail(problems, [...path, 'daemon'], `must be one of fd, sd, dir (got ${show(o.daemon)})`, null);
        if (typeof o.message !== 'string' || !o.message.trim()) return fail(problems, [...path, 'message'], 'must be a non-empty string', null);
        return { daemon: o.daemon, message: o.message };
      }
      return fail(problems, path, `must be a message string or {daemon, message} (got ${show(value)})`, null);
    }
  }
}

function fail<T>(problems: Problem[], path: Path, message: string, fallback: T): T {
  problems.push({ path, message });
  return fallback;
}

export const pathText = (path: Path): string => (path.length ? path.map((p) => String(p)).join('.') : '(top level)');
