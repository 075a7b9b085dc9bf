/**
 * Colour for human output: only when the stream is a terminal and NO_COLOR is
 * not set (https://no-color.org); FORCE_COLOR=1 turns it on anyway (tests,
 * `less -R`), FORCE_COLOR=0 off.
 */
export function colorEnabled(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY);
}

const CODES = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;
export type Color = keyof typeof CODES;

/** Paints text, or leaves it as it is when colour is off. */
export type Paint = (color: Color | undefined, text: string) => string;

export function painter(on: boolean): Paint {
  return (color, text) => (on && color ? `\x1b[${CODES[color]}m${text}\x1b[0m` : text);
}

/** Length of text as a terminal shows it (colour codes take no room). */
export function visibleLength(text: string): number {
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}
