/**
 * The fenced code blocks of the manual, what each is for, and how an example's
 * output is compared with the output the manual shows. Pure: test/docs.test.ts
 * runs them.
 */

/** How the test treats a block: from its fence's language, or from an HTML comment just above it. */
export type Kind =
  | { kind: 'sh' }
  | { kind: 'python' }
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'output' }
  | { kind: 'skip'; reason: string }
  | { kind: 'invalid'; why: string };

export interface Block {
  file: string;
  /** line of the opening fence, 1-based */
  line: number;
  /** the fence's language (first word of the info string), '' when none */
  lang: string;
  /** the block's text, without the fence's indentation */
  text: string;
  /** the HTML comment just above the fence, if any */
  marker: string | null;
  /** `<!-- run: exit N -->` */
  exit: number;
  /** `<!-- run: stop after N s -->`, in ms */
  stopAfterMs: number | null;
  /** `<!-- run: HTTP errors expected -->`: a request of the example is refused on purpose */
  httpErrors: boolean;
  how: Kind;
}

const SH = new Set(['sh', 'bash', 'shell']);

/** What a marker or, without one, the language makes of a block. */
function classify(lang: string, marker: string | null): Pick<Block, 'how' | 'exit' | 'stopAfterMs' | 'httpErrors'> {
  const plain = { exit: 0, stopAfterMs: null, httpErrors: false };
  const byLang = (): Kind => {
    if (SH.has(lang)) return { kind: 'sh' };
    if (lang === 'python') return { kind: 'python' };
    if (lang === 'json') return { kind: 'json' };
    if (lang === 'yaml') return { kind: 'yaml' };
    return { kind: 'invalid', why: `a \`\`\`${lang || '(no language)'} block is neither runnable (sh, python, json, yaml) nor marked (<!-- not run: why -->, <!-- output -->)` };
  };
  if (marker === null) return { ...plain, how: byLang() };
  const notRun = /^not run:\s*(.*\S)\s*$/.exec(marker);
  if (notRun) return { ...plain, how: { kind: 'skip', reason: notRun[1] } };
  if (marker === 'output') return { ...plain, how: { kind: 'output' } };
  const run = /^run:\s*(.*\S)\s*$/.exec(marker);
  if (run) {
    if (!SH.has(lang)) return { ...plain, how: { kind: 'invalid', why: `<!-- run: ... --> is for shell blocks, not \`\`\`${lang}` } };
    const exit = /^exit (\d+)$/.exec(run[1]);
    if (exit) return { ...plain, exit: Number(exit[1]), how: { kind: 'sh' } };
    const stop = /^stop after (\d+(?:\.\d+)?) s$/.exec(run[1]);
    if (stop) return { ...plain, stopAfterMs: Number(stop[1]) * 1000, how: { kind: 'sh' } };
    if (run[1] === 'HTTP errors expected') return { ...plain, httpErrors: true, how: { kind: 'sh' } };
    return { ...plain, how: { kind: 'invalid', why: `unknown run option "${run[1]}" (exit N, stop after N s, HTTP errors expected)` } };
  }
  return { ...plain, how: { kind: 'invalid', why: `unknown marker <!-- ${marker} --> (not run: why, output, run: exit N, run: stop after N s, run: HTTP errors expected)` } };
}

/** Every fenced block of a Markdown text (``` or ~~~, also indented in a list item). */
export function blocks(file: string, markdown: string): Block[] {
  const lines = markdown.split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)(`{3,}|~{3,})\s*([^`\s]*)(.*)$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^ *${fence[0]}{${fence.length},}\\s*$`).exec(lines[j]);
      if (close) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j].trimStart());
    }
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const comment = k >= 0 ? /^\s*<!--\s*(.*?)\s*-->\s*$/.exec(lines[k]) : null;
    const marker = comment ? comment[1] : null;
    out.push({ file, line: i + 1, lang: lang.toLowerCase(), text: body.join('\n') + '\n', marker, ...classify(lang.toLowerCase(), marker) });
    i = j;
  }
  return out;
}

/**
 * A line as the comparison sees it: numbers are one `#` — digits with `.` or
 * `:` between them (`1.2`, `00:12:15`) and thousands separated by `,`
 * (`1,348`; a `,` before other than three digits separates fields, as in CSV)
 * — and runs of blanks one space. The shape of an answer is checked, not
 * values that change with the virtual time.
 */
export function normalize(line: string): string {
  return line.replace(/\d+(?:,\d{3}(?!\d)|[.:]\d+)*/g, '#').replace(/\s+/g, ' ').trim();
}

/** Lines of text, normalized, without blank ones. */
function normalLines(text: string): string[] {
  return text.split('\n').map(normalize).filter((l) => l !== '');
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `actual` shows what `expected` shows: its lines in order, contiguous
 * except where a line `...` stands for any lines; `...` within a line stands
 * for any text. The lines may begin anywhere in `actual`. Null when it does,
 * else what was not found.
 */
export function textMismatch(expected: string, actual: string): string | null {
  const want = normalLines(expected);
  const have = normalLines(actual);
  const segments: RegExp[][] = [[]];
  for (const l of want) {
    if (l === '...') segments.push([]);
    else segments[segments.length - 1].push(new RegExp('^' + l.split('...').map(escape).join('.*') + '$'));
  }
  let at = 0;
  for (const seg of segments.filter((s) => s.length > 0)) {
    let found = -1;
    for (let i = at; i + seg.length <= have.length && found < 0; i++) {
      if (seg.every((re, k) => re.test(have[i + k]))) found = i;
    }
    if (found < 0) {
      // The first line that cannot be placed, for the message.
      const missing = seg.find((re) => !have.slice(at).some((h) => re.test(h))) ?? seg[0];
      return `expected a line like ${missing.source.slice(1, -1)} (in order, after line ${at} of the actual output)`;
    }
    at = found + seg.length;
  }
  return null;
}

/**
 * Whether `actual` has the shape of `expected`: every key shown is there with
 * a value of the same kind; strings are compared as text lines are (numbers
 * and blanks loosened), booleans and null exactly; the items of an array shown,
 * from the first. Null when it does, else where it differs.
 */
export function jsonMismatch(expected: unknown, actual: unknown, path = '$'): string | null {
  const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(expected) !== kind(actual)) return `${path}: expected ${kind(expected)}, got ${kind(actual)} (${JSON.stringify(actual)?.slice(0, 80)})`;
  if (typeof expected === 'string') {
    const like = new RegExp('^' + normalize(expected).split('...').map(escape).join('.*') + '$');
    return like.test(normalize(actual as string)) ? null : `${path}: expected "${expected}", got "${actual}"`;
  }
  if (typeof expected === 'boolean') return expected === actual ? null : `${path}: expected ${expected}, got ${actual}`;
  if (Array.isArray(expected)) {
    const a = actual as unknown[];
    if (expected.length === 0 && a.length !== 0) return `${path}: expected an empty array, got ${a.length} items`;
    if (a.length < expected.length) return `${path}: expected at least ${expected.length} items, got ${a.length}`;
    for (const [i, e] of expected.entries()) {
      const m = jsonMismatch(e, a[i], `${path}[${i}]`);
      if (m) return m;
    }
    return null;
  }
  if (expected && typeof expected === 'object') {
    const a = actual as Record<string, unknown>;
    for (const [k, v] of Object.entries(expected)) {
      if (!(k in a)) return `${path}: no key "${k}" (keys: ${Object.keys(a).join(', ')})`;
      const m = jsonMismatch(v, a[k], `${path}.${k}`);
      if (m) return m;
    }
  }
  return null;
}
