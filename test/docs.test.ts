/**
 * Every example of the manual (README.md and docs/*.md) runs, so none can rot.
 *
 * Convention. A fenced block's language says what is done with it:
 *
 *   ```sh (bash, shell)   run with bash -e -o pipefail; stdout and stderr are one stream
 *   ```python             run with python3
 *   ```json               parsed
 *   ```yaml               loaded as a config.yaml by the server's own loader
 *
 * unless an HTML comment on the line just above the fence (blank lines between
 * are allowed) says otherwise:
 *
 *   <!-- not run: why -->              not run (needs root, systemd, a real install; a diagram, a file's
 *                                      contents ...); the reason is reported
 *   <!-- output -->                    what the block just before prints, which must run: checked, see below
 *   <!-- run: exit N -->               a shell block that must end with exit status N (an error shown on purpose)
 *   <!-- run: HTTP errors expected --> a shell block whose requests are refused on purpose (see curl below)
 *   <!-- run: stop after N s -->       a shell block that runs until stopped (a server, an event stream):
 *                                      stopped (SIGTERM) as soon as it printed what its output block shows,
 *                                      else after N s; it fails if it ends earlier with an error
 *
 * Any other block (```, ```text, ```js ...) without one of these comments
 * fails the test. Pages this test's author may not edit are bridged by
 * MARKED_HERE below until they carry their own comments.
 *
 * Output blocks are compared line by line, in order: numbers (`1,348`, `1.2`,
 * `00:12:15`: see normalize()) match any number and runs of blanks any blanks, so the
 * shape is checked, not values that move with the virtual clock; a line `...`
 * stands for any lines and `...` within a line for any text; the lines may
 * begin anywhere in the output. A ```json output block is the whole output
 * (less curl's own error line): every key it shows must be there with a value
 * of the same kind, strings compared like lines, booleans and null exactly,
 * arrays from their first item.
 *
 * Where. Three servers (the real one, each on an ephemeral port) share the
 * pages, side by side; their world is fixed by WORLD below — config.yaml.dist's
 * defaults with seed 2026 and start_time 2026-11-22 00:00:00, so the JobIds,
 * names and volumes of the examples are those a reader gets with that config.
 * Before each page the world is rebuilt (see lanes()). A page's blocks run in
 * order, in a working directory of its own that holds the release (as an
 * install directory does) and a config.yaml like the server's on another free
 * port (`bacula-mock start` there starts a second server); the shell variables
 * a block sets and its `cd` carry over to the next blocks of the page; what a
 * block leaves running in the background runs until the page is done.
 * `bacula-mock` is on the PATH with BACULA_MOCK_* pointing at the server.
 * `curl` runs as `curl -sS --fail-with-body`: no progress meter in the output,
 * and an answer of 400 or more fails the block (exit 22) unless it says
 * `run: HTTP errors expected`. Ports written for readers are rewritten before
 * a block runs: `localhost:9101`, `127.0.0.1:9101`, `--port 9101`, `-p 9101`
 * and `BACULA_MOCK_PORT=9101` go to the server's port, other 91xx ports so
 * written to free ports, the same for the whole page.
 *
 * Not run: what needs root, systemd, a real install or the npm registry, and
 * what is not a command (a diagram, a file's contents, browser code), each
 * with its reason, listed at the end of the output with the pages' times.
 */
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type * as ConfigModule from '../src/config.js';
import type * as ProfilesDocModule from '../src/profiles-doc.js';
import { BIN, cleanEnv, serverEnv } from './helpers/cli.js';
import { blocks, jsonMismatch, textMismatch, type Block } from './helpers/doc-blocks.js';
import { api, ROOT, startServer, tempConfig, type Running } from './helpers/server.js';

/** The world of every example: config.yaml.dist's defaults, made the same on every run. */
const WORLD = ['simulation:', '  seed: 2026', '  start_time: "2026-11-22T00:00:00"', ''].join('\n');
/**
 * Everything this run writes, removed at its end: the servers' directories,
 * the pages' working directories, and what examples make with `mktemp` (their
 * TMPDIR is in here).
 */
const RUN_DIR = mkdtempSync(join(tmpdir(), 'bacula-mock-docs-'));
const scratch = (name: string): string => mkdtempSync(join(RUN_DIR, `${name}-`));
const TMP = join(RUN_DIR, 'tmp');
mkdirSync(TMP);
t.teardown(() => rmSync(RUN_DIR, { recursive: true, force: true }));

/** WORLD's start_time (the Director's zone is UTC), virtual seconds since the epoch. */
const WORLD_START = Date.parse('2026-11-22T00:00:00Z') / 1000;

/**
 * The server's own modules, compiled: what the server runs, and loaded without
 * compiling src/ and engine/ again in this process (seconds of CPU).
 */
const fromDist = <T>(module: string): Promise<T> => import(join(ROOT, 'dist', 'src', `${module}.js`)) as Promise<T>;

/**
 * Blocks of pages other sessions own and are writing now, which this test's
 * author may not edit: not run, for the reason given, until the page marks
 * them itself. An entry its page no longer needs is reported (a comment in
 * the output), to be removed from the list; it is not a failure, so the page's
 * owner can mark a block without breaking this test.
 */
const MARKED_HERE: Array<{ file: string; starts: string; reason: string }> = [
  { file: 'docs/performance.md', starts: 'node dist/bench/init.js 500 30', reason: 'a benchmark: minutes of CPU and up to 1 GB, not for the test suite' },
  { file: 'docs/performance.md', starts: 'node --expose-gc dist/bench/catalog.js', reason: 'a benchmark: minutes of CPU and up to 1 GB, not for the test suite' },
  { file: 'docs/performance.md', starts: 'node dist/bench/live.js', reason: 'a benchmark: minutes of CPU and up to 1 GB, not for the test suite' },
  { file: 'docs/performance.md', starts: 'npm run bench:cli', reason: 'a benchmark: minutes of CPU and up to 1 GB, not for the test suite' },
];
const bridged = new Set<(typeof MARKED_HERE)[number]>();

function readBlocks(file: string): Block[] {
  return blocks(file, readFileSync(join(ROOT, file), 'utf8')).map((b) => {
    const entry = MARKED_HERE.find((m) => m.file === file && b.text.startsWith(m.starts));
    if (!entry || b.marker !== null) return b;
    bridged.add(entry);
    return { ...b, how: { kind: 'skip', reason: entry.reason } };
  });
}

const FILES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
const BLOCKS = new Map(FILES.map((f) => [f, readBlocks(f)]));

const runs = (b: Block): boolean => b.how.kind === 'sh' || b.how.kind === 'python';

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

const PORT_REF = /(?<=(?:\blocalhost|\b127\.0\.0\.1):|--port[ =]|(?:^|\s)-p |BACULA_MOCK_PORT=)(91\d\d)\b/gm;

/** The example as it runs here: the ports of the docs moved to the server's and to free ones. */
async function rewrite(text: string, ports: Map<string, number>): Promise<string> {
  for (const [, port] of text.matchAll(PORT_REF)) if (!ports.has(port)) ports.set(port, await freePort());
  return text.replace(/\blocalhost:(?=91\d\d\b)/g, '127.0.0.1:').replace(PORT_REF, (p) => String(ports.get(p)));
}

let binDir: string | undefined;
/** A directory with `bacula-mock` in it, as `npm link` makes it. */
function bin(): string {
  if (!binDir) {
    binDir = scratch('bin');
    symlinkSync(BIN, join(binDir, 'bacula-mock'));
  }
  return binDir;
}

/**
 * Makes `dir` look like an install directory, where the manual's commands are
 * typed: the release's compiled `dist/` (a copy: the scripts in it run only
 * when started by their own path) and the rest of the release linked.
 */
function installLike(dir: string): void {
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  for (const f of ['node_modules', 'cli', 'profiles', 'package.json', 'config.yaml.dist']) symlinkSync(join(ROOT, f), join(dir, f));
}

interface Ran {
  code: number | null;
  /** stopped by the test, as the block asked */
  stopped: boolean;
  timedOut: boolean;
  output: string;
}

/** Sends a signal to a process group that may be gone. */
function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    // gone already
  }
}

/**
 * Runs a command in a process group of its own, stdout and stderr in one
 * string. With `stopAfterMs` the group is stopped once `enough(output)` or
 * after that long. What it leaves running in the background is stopped by
 * `stopGroups`; `groups` gets its group.
 */
function runGroup(cmd: string, args: string[], opts: {
  cwd: string; env: NodeJS.ProcessEnv; stopAfterMs: number | null; enough?: (output: string) => boolean; timeoutMs: number; groups: number[];
}): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    opts.groups.push(child.pid!);
    let output = '';
    let stopped = false;
    let timedOut = false;
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      signalGroup(child.pid!, 'SIGTERM');
    };
    const collect = (d: string): void => {
      output += d;
      if (opts.stopAfterMs !== null && opts.enough?.(output)) stop();
    };
    child.stdout!.setEncoding('utf8').on('data', collect);
    child.stderr!.setEncoding('utf8').on('data', collect);
    const stopTimer = opts.stopAfterMs === null ? null : setTimeout(stop, opts.stopAfterMs);
    const timeout = setTimeout(() => {
      timedOut = true;
      signalGroup(child.pid!, 'SIGKILL');
    }, opts.timeoutMs);
    let finished = false;
    const finish = (code: number | null): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timeout);
      if (stopTimer) clearTimeout(stopTimer);
      done({ code, stopped, timedOut, output });
    };
    // A background process of the block may hold the pipes open: the block is done when bash is,
    // with what it printed by then (and a moment for the last of it).
    child.once('exit', (code) => setTimeout(() => finish(code), 300));
    child.once('close', (code) => finish(code));
  });
}

/** Stops the groups of a file's blocks (their background processes) and waits a little for them to go. */
async function stopGroups(groups: number[]): Promise<void> {
  const alive = (pgid: number): boolean => {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const g of groups) signalGroup(g, 'SIGTERM');
  for (let i = 0; i < 100 && groups.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  for (const g of groups) signalGroup(g, 'SIGKILL');
}

/**
 * Runs in front of every shell block: strict mode, one output stream, curl, the
 * shell state of the blocks before; on exit, the variables the block set and
 * its directory are saved for the next. Builtins only (no command substitution,
 * no sort): a fork costs more than the rest of the prelude.
 */
function prelude(state: string, httpErrors: boolean): string {
  const q = JSON.stringify(state);
  return `set -eo pipefail
exec 2>&1
curl() { command curl -sS ${httpErrors ? '' : '--fail-with-body '}"$@"; }
compgen -v > ${q}.before
mapfile -t __before < ${q}.before
if [ -f ${q} ]; then source ${q}; fi
__save() {
  local __v
  local -A __old
  local -a __now
  for __v in "\${__before[@]}"; do __old[$__v]=1; done
  compgen -v > ${q}.now
  mapfile -t __now < ${q}.now
  {
    for __v in "\${__now[@]}"; do
      [ -z "\${__old[$__v]}" ] || continue
      case $__v in __*|BASH*|PIPESTATUS|FUNCNAME|_|COMP_*|READLINE_*|OPTARG) continue;; esac
      declare -p "$__v"
    done
    printf 'cd %q\\n' "$PWD"
  } > ${q} 2>/dev/null || true
}
trap __save EXIT
`;
}

interface Tally {
  ran: Record<string, number>;
  checked: number;
  skipped: Map<string, string[]>;
  /** wall-clock seconds of each page's examples, for whoever balances the servers */
  seconds: Map<string, number>;
}
const tally: Tally = { ran: {}, checked: 0, skipped: new Map(), seconds: new Map() };

/** Servers the pages share, side by side. */
const SERVERS = 3;

/**
 * What a page's examples cost, roughly: a block, and three for each Node
 * process it starts (a CLI command, a server: a second of CPU each), which
 * cost far more than a curl.
 */
function cost(file: string): number {
  return BLOCKS.get(file)!.filter(runs).reduce((n, b) => n + 1 + 3 * (b.text.match(/\b(?:bacula-mock|node) /g)?.length ?? 0), 0);
}

/**
 * Pages that show what a rebuild at another virtual time changes (the times
 * inside BVFS's base64 `lstat`): each runs first on a server, on the world as
 * the server built it at WORLD's start_time.
 */
const AS_BUILT = ['docs/api-bvfs.md'];

/**
 * The pages shared out among the servers: those of AS_BUILT first, then the
 * costliest first, each to the server with the least to do so far. Before each
 * page but a server's first, the world is rebuilt as WORLD has it (see
 * baseline()), so a page sees the world its text shows whatever ran on its
 * server before.
 */
function lanes(files: string[], n: number): string[][] {
  const out = Array.from({ length: n }, () => ({ files: [] as string[], load: 0 }));
  AS_BUILT.filter((f) => files.includes(f)).forEach((f, i) => {
    out[i].files.push(f);
    out[i].load += cost(f);
  });
  for (const f of files.filter((f) => !AS_BUILT.includes(f)).sort((a, b) => cost(b) - cost(a))) {
    const lane = out.reduce((a, b) => (b.load < a.load ? b : a));
    lane.files.push(f);
    lane.load += cost(f);
  }
  return out.map((l) => l.files);
}

/** Servers a page has run on. */
const used = new Set<Running>();

/**
 * Gives a page WORLD's world: rebuilt at the next virtual midnight, a whole
 * number of days after its start_time, where it is the same day for day (the
 * same JobIds, volumes and files at the same times of day; a rebuild at another
 * time of day moves the daily Admin jobs among the others, and with them
 * JobIds), with the clock going at speed 1. The old world is emptied first so
 * that the clock's advance to midnight plays nothing.
 */
async function baseline(s: Running): Promise<void> {
  const post = async (path: string, json: object): Promise<any> => {
    const r = await api(s.url, path, { method: 'POST', json });
    if (r.status !== 200) throw new Error(`${path}: ${JSON.stringify(r.body)}`);
    return r.body.data;
  };
  const { virtual_epoch: now } = await post('/mock/clock', { paused: true });
  await post('/mock/reset', {});
  const toMidnight = (86_400 - ((now - WORLD_START) % 86_400)) % 86_400;
  if (toMidnight > 0) await post('/mock/clock', { advance: toMidnight });
  await post('/mock/initialize', {});
  await post('/mock/clock', { speed: 1, paused: false });
}

const where = (b: Block): string => `${b.file}:${b.line}`;

/** Whether `output` shows what the output block after `b` shows (false when there is none). */
function showsOutputAfter(list: Block[], b: Block): (output: string) => boolean {
  const next = list[list.indexOf(b) + 1];
  if (!next || next.how.kind !== 'output' || next.lang === 'json') return () => false;
  return (output) => textMismatch(next.text, output) === null;
}

/**
 * The assertions of a page, kept to be reported once its examples have run:
 * the servers' pages run side by side, tap's subtests one by one.
 */
class Checks {
  readonly list: Array<(t: Test) => void> = [];
  fail(message: string, extra?: object): void {
    this.list.push((t) => t.fail(message, extra));
  }
  pass(message: string): void {
    this.list.push((t) => t.pass(message));
  }
  ok(value: unknown, message: string, extra?: object): void {
    this.list.push((t) => t.ok(value, message, extra));
  }
  equal(actual: unknown, expected: unknown, message: string, extra?: object): void {
    this.list.push((t) => t.equal(actual, expected, message, extra));
  }
}

/** Runs the examples of a page in order against `server`; what they showed, as checks. */
async function runFile(file: string, server: Promise<Running>): Promise<Checks> {
  const t = new Checks();
  const groups: number[] = [];
  const began = performance.now();
  try {
    await runBlocks(t, file, server, groups);
  } catch (e) {
    t.fail(`${file}: ${(e as Error).stack}`);
  } finally {
    await stopGroups(groups);
    tally.seconds.set(file, (performance.now() - began) / 1000);
  }
  return t;
}

/** Where a page's examples run: an install directory of their own, the shell state carried from block to block, the environment. */
interface Place {
  cwd: string;
  state: string;
  env: NodeJS.ProcessEnv;
}

async function place(s: Running | null): Promise<Place> {
  const cwd = scratch('page');
  installLike(cwd);
  writeFileSync(join(cwd, 'config.yaml'), `${WORLD}server:\n  port: ${await freePort()}\n`);
  return {
    cwd,
    state: join(scratch('state'), 'shell'),
    env: cleanEnv({ ...(s ? serverEnv(s) : {}), PATH: `${bin()}:${process.env.PATH}`, TMPDIR: TMP }),
  };
}

async function runBlocks(t: Checks, file: string, server: Promise<Running>, groups: number[]): Promise<void> {
  const list = BLOCKS.get(file)!;
  // A page whose examples never reach the server neither waits for it nor rebuilds its world.
  const s = list.some((b) => runs(b) && /\b(?:bacula-mock|curl)\b/.test(b.text)) ? await server : null;
  if (s && used.has(s)) await baseline(s);
  if (s) used.add(s);
  const ports = new Map<string, number>(s ? [['9101', s.port]] : []);
  // Only a page with examples to run needs one (and then `at` is set).
  const at = list.some(runs) ? await place(s) : null;
  let last: { block: Block; ran: Ran } | null = null;

  for (const b of list) {
    const name = where(b);
    switch (b.how.kind) {
      case 'invalid':
        t.fail(`${name}: ${b.how.why}`);
        last = null;
        break;
      case 'skip': {
        const reason = b.how.reason;
        tally.skipped.set(reason, [...(tally.skipped.get(reason) ?? []), name]);
        last = null;
        break;
      }
      case 'json':
        try {
          JSON.parse(b.text);
          t.pass(`${name}: JSON parses`);
        } catch (e) {
          t.fail(`${name}: not JSON: ${(e as Error).message}`);
        }
        tally.ran.json = (tally.ran.json ?? 0) + 1;
        last = null;
        break;
      case 'yaml': {
        const dir = scratch('yaml');
        writeFileSync(join(dir, 'config.yaml'), b.text);
        try {
          (await fromDist<typeof ConfigModule>('config')).loadConfig(join(dir, 'config.yaml'));
          t.pass(`${name}: the server accepts this config`);
        } catch (e) {
          t.fail(`${name}: the server refuses this config:\n${(e as Error).message}`);
        }
        tally.ran.yaml = (tally.ran.yaml ?? 0) + 1;
        last = null;
        break;
      }
      case 'output': {
        if (!last || last.block !== list[list.indexOf(b) - 1]) {
          t.fail(`${name}: an output block must follow the block that prints it, and that block must run`);
          break;
        }
        tally.checked++;
        const actual = last.ran.output;
        if (b.lang === 'json') {
          let parsed: unknown;
          try {
            // What curl says of a refused request goes to stderr, mixed in here.
            parsed = JSON.parse(actual.replace(/^curl: \(\d+\) .*\n?/gm, ''));
          } catch {
            t.fail(`${name}: shows JSON, but ${where(last.block)} printed:\n${actual}`);
            break;
          }
          let shown: unknown;
          try {
            shown = JSON.parse(b.text);
          } catch (e) {
            t.fail(`${name}: the output shown is not JSON: ${(e as Error).message}`);
            break;
          }
          t.equal(jsonMismatch(shown, parsed), null, `${name}: the output of ${where(last.block)} has the shape shown`, { actual: actual.slice(0, 2000) });
        } else {
          t.equal(textMismatch(b.text, actual), null, `${name}: the output of ${where(last.block)} looks as shown`, { actual: actual.slice(-4000) });
        }
        break;
      }
      case 'sh':
      case 'python': {
        const code = await rewrite(b.text, ports);
        const began = performance.now();
        const { cwd, state, env } = at!;
        const ran = b.how.kind === 'sh'
          ? await runGroup('bash', ['-c', prelude(state, b.httpErrors) + code], {
            cwd, env, stopAfterMs: b.stopAfterMs, enough: showsOutputAfter(list, b), timeoutMs: 60_000, groups,
          })
          : await runGroup('python3', ['-c', code], { cwd, env, stopAfterMs: null, timeoutMs: 60_000, groups });
        tally.ran[b.how.kind] = (tally.ran[b.how.kind] ?? 0) + 1;
        const tail = ran.output.slice(-3000);
        const took = `${((performance.now() - began) / 1000).toFixed(1)} s`;
        if (ran.timedOut) t.fail(`${name}: did not end within its time`, { output: tail });
        else if (b.stopAfterMs !== null) t.ok(ran.stopped || ran.code === 0, `${name}: runs until stopped (${took})`, { code: ran.code, output: tail });
        else t.equal(ran.code, b.exit, `${name}: exits ${b.exit} (${took})`, { output: tail });
        last = { block: b, ran };
        break;
      }
    }
  }
}

t.test('the output comparison tells wrong output from right', async (t) => {
  t.equal(textMismatch('JobId 12 ended: OK (T)\n', 'x\nJobId 7 ended: OK (T)\n'), null, 'numbers are loose');
  t.not(textMismatch('JobId 12 ended: OK (T)\n', 'JobId 12 ended: Error (E)\n'), null, 'words are not');
  t.not(textMismatch('a\nb\n', 'a\nx\nb\n'), null, 'lines shown together are together');
  t.equal(textMismatch('a\n...\nb\n', 'a\nx\nb\n'), null, '... stands for lines');
  t.equal(textMismatch('config error: .../broken.yaml:2: x\n', 'config error: /tmp/q/broken.yaml:2: x\n'), null, '... stands for text');
  t.equal(textMismatch('Jobs: 1,348\n', 'Jobs: 12,345,678\n'), null, 'thousands separators are part of a number');
  t.equal(textMismatch('1,A,2026-11-15 00:12:15,...\n', '7,A,2026-11-16 00:21:21,2026-11-16 00:22:27,x\n'), null, 'a comma between fields is not');
  t.not(textMismatch('b\na\n', 'a\nb\n'), null, 'in order');
  t.equal(jsonMismatch({ data: [{ jobid: 1, jobstatus: 'T' }], error: 0 }, { data: [{ jobid: 9, jobstatus: 'T', x: 1 }, {}], error: 0, limit: 50 }), null, 'keys shown, kinds of values');
  t.not(jsonMismatch({ data: { paused: true } }, { data: { paused: false } }), null, 'booleans exactly');
  t.not(jsonMismatch({ data: [{ jobid: 1 }] }, { data: [{ id: 1 }] }), null, 'a key not there');
  t.not(jsonMismatch({ error: 0 }, { error: '0' }), null, 'a number is not a string');
  t.not(jsonMismatch({ status: 'ok' }, { status: 'down' }), null, 'strings as text');
  t.not(jsonMismatch({ data: [] }, { data: [{}] }), null, 'an empty array shown is empty');
});

t.test('markers: a block is run, checked or skipped for a reason, never ignored', async (t) => {
  const b = blocks('x.md', [
    '```', 'a', '```',
    '```text', 'a', '```',
    '<!-- not run: needs root -->', '```sh', 'sudo x', '```',
    '<!-- run: exit 3 -->', '', '```sh', 'false', '```',
    '<!-- output -->', '```', 'x', '```',
    '<!-- run: stop after 2 s -->', '```sh', 'sleep 9', '```',
    '<!-- run: sometimes -->', '```sh', 'x', '```',
    '   ```sh', '   echo indented', '   ```',
    '<!-- run: HTTP errors expected -->', '```sh', 'curl x', '```',
    '<!-- output -->', '```js', 'x', '```',
    '<!-- run: exit 2 -->', '```python', 'x', '```',
  ].join('\n'));
  t.same(b.map((x) => x.how.kind), ['invalid', 'invalid', 'skip', 'sh', 'output', 'sh', 'invalid', 'sh', 'sh', 'output', 'invalid']);
  t.equal(b[3].exit, 3);
  t.equal(b[5].stopAfterMs, 2000);
  t.equal(b[7].text, 'echo indented\n');
  t.ok(b[8].httpErrors);
});

t.test('every example of the manual runs as written', async (t) => {
  const shared = lanes(FILES, SERVERS);
  const servers = shared.map(() => startServer(tempConfig(WORLD, scratch('server')).file));
  t.teardown(() => Promise.all(servers.map((p) => p.then((s) => s.stop(), () => null))));
  const results = new Map<string, Checks>();
  // DOCS_EXAMPLES=docs/cli.md,docs/README.md runs the examples of those pages only (while writing them).
  const only = process.env.DOCS_EXAMPLES?.split(',');
  const runAll = async (files: string[], server: Promise<Running>): Promise<void> => {
    for (const file of files) results.set(file, only && !only.includes(file) ? new Checks() : await runFile(file, server));
  };
  await Promise.all(shared.map((files, i) => runAll(files, servers[i])));
  for (const file of FILES) {
    await t.test(file, async (t) => {
      for (const check of results.get(file)!.list) check(t);
    });
  }
  for (const m of MARKED_HERE.filter((m) => !bridged.has(m))) {
    t.comment(`MARKED_HERE: ${m.file} no longer has an unmarked block starting "${m.starts}": remove the entry`);
  }
  const ran = Object.entries(tally.ran).map(([k, n]) => `${n} ${k}`).join(', ');
  const skipped = [...tally.skipped.values()].reduce((n, l) => n + l.length, 0);
  t.comment(`examples run: ${ran}; outputs checked: ${tally.checked}; not run: ${skipped}`);
  for (const [reason, at] of tally.skipped) t.comment(`  not run (${at.length}): ${reason} — ${at.join(', ')}`);
  for (const files of shared) {
    t.comment(`  one server: ${files.map((f) => `${f} ${(tally.seconds.get(f) ?? 0).toFixed(1)} s`).join(', ')}`);
  }
});

/** GitHub's anchor of a heading. */
const slug = (heading: string): string => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

t.test('links between pages of the manual lead somewhere', async (t) => {
  for (const file of FILES) {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const outside = text.replace(/^ *(```|~~~)[\s\S]*?^ *\1/gm, '');
    for (const [, target] of outside.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [path, anchor] = target.split('#');
      const to = path ? resolve(dirname(join(ROOT, file)), path) : join(ROOT, file);
      if (!existsSync(to)) {
        t.fail(`${file}: link to ${target}: no such file`);
        continue;
      }
      if (anchor && to.endsWith('.md')) {
        const headings = [...readFileSync(to, 'utf8').matchAll(/^#+ (.*)$/gm)].map((m) => slug(m[1]));
        t.ok(headings.includes(anchor), `${file}: link to ${target}: ${relative(ROOT, to)} has that heading`);
      }
    }
  }
});

t.test('the manual covers every page and every command', async (t) => {
  const index = readFileSync(join(ROOT, 'docs', 'README.md'), 'utf8');
  for (const f of FILES.filter((f) => f.startsWith('docs/') && f !== 'docs/README.md')) {
    t.match(index, `](${basename(f)}`, `docs/README.md links ${f}`);
  }
  const cliDoc = readFileSync(join(ROOT, 'docs', 'cli.md'), 'utf8');
  for (const c of readdirSync(join(ROOT, 'cli', 'commands')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3))) {
    t.match(cliDoc, new RegExp(`^\\| \`${c}[ \`]|\`bacula-mock ${c}[ \`]`, 'm'), `docs/cli.md describes \`${c}\``);
  }
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  t.match(readme, '```sh\nnpm install && npm start\n```', 'README: install and start, as it always was');
  t.match(readme, '```sh\nnpm install && npm test\n```', 'README: install and test, as it always was');
});

t.test('docs/profiles.md shows the built-in profiles as profiles/*.yaml define them', async (t) => {
  const { builtinProfiles, profilesDoc, PROFILES_DOC } = await fromDist<typeof ProfilesDocModule>('profiles-doc');
  const text = readFileSync(PROFILES_DOC, 'utf8');
  t.equal(text, profilesDoc(text, builtinProfiles()), 'run `npm run docs` after changing a profile');
  const shares = [...text.matchAll(/^\| `\w+` \| \d+ \| (\d+) \|/gm)].map((m) => Number(m[1]));
  t.equal(shares.length, readdirSync(join(ROOT, 'profiles')).filter((f) => f.endsWith('.yaml')).length, 'a row per profile file');
  t.equal(shares.reduce((a, b) => a + b, 0), 100, 'the shares of init 100 add up to 100');
});
