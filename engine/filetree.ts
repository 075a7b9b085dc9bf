import { WorldError } from './errors.js';
import { FILLER_DIRS, fillerShape, profileRoots, shapeOf, type DirShape, type FileSpec } from './filetree-shapes.js';
import { emptyFacts } from './jobstore.js';
import { deriveSeed, stream } from './random.js';
import { fileSetPathsAt, writtenVersions } from './resources.js';
import type { ClientRecord, JobRecord } from './types.js';
import type { World } from './world.js';

/**
 * The files of backup jobs, as BVFS browses them: derived on demand from the
 * world seed, the client, the job and the FileSet version it read, never
 * stored.
 *
 * Each client has a directory skeleton (at most MAX_DIRS directories): its
 * disk, shaped by its profile (filetree-shapes.ts: a mail server has
 * maildirs, a database server data files and WAL, a Windows machine `C:/`
 * paths), then a directory for each line of a FileSet written through the
 * API that the disk lacks. What a job backs up is a Scope of that skeleton:
 * the directories its FileSet version includes and everything below them,
 * less what it excludes; the directories above them are only the way down,
 * never saved. A job's JobFiles are poured into its scope top-down: a
 * directory's budget of File records is split between the directory's own
 * entry, its own files and each child's subtree, in proportion to the
 * shape's weights (a Full's file weights, an Incremental's or
 * Differential's churn weights), with the largest-remainder rule so the
 * parts always add up. JobBytes is split the same way alongside (in
 * proportion to files × typical size), and within a directory among its
 * files. So for every job the File records of the whole tree number exactly
 * JobFiles (regular files plus the directory entries the job saved, as
 * Bacula counts them) and the file sizes add up to exactly JobBytes, while
 * answering one directory only walks the path down to it: O(depth ×
 * fan-out), whatever the job's size.
 *
 * Ids are positions: PathId = (ClientId − 1) × MAX_DIRS + directory index + 1,
 * FileId = JobId × FILEID_STRIDE + FileIndex, where FileIndex numbers the job's
 * records in tree order (a directory's files, then its entry, then its
 * children's subtrees). Both are unique across the catalog and decode back;
 * directories are only ever appended, so a PathId keeps naming its directory.
 */
/** Directories per client at most: PathIds then fit Bacula's int4 column for 100,000 clients. */
export const MAX_DIRS = 16_384;
/** Directories of them a client's own disk may take; the rest are for FileSet lines it lacks (76 at 27 directories each). */
const DISK_DIRS = MAX_DIRS - 2_048;
/** FileId = JobId × FILEID_STRIDE + FileIndex (2^28 files a job, 2^25 jobs, within 2^53). */
export const FILEID_STRIDE = 2 ** 28;
/** The LStat Bacula shows for a directory that has no File record in the jobs browsed. */
const EMPTY_LSTAT = 'A A A A A A A A A A A A A A';

const DAY = 86_400;
/** Names of files that never change use this instant as their creation time. */
const NAME_EPOCH = Date.UTC(2018, 0, 1) / 1000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
/** Bacula data streams: STREAM_FILE_DATA and STREAM_WIN32_DATA (streams.h). */
const STREAM_UNIX = 2;
const STREAM_WIN32 = 11;
/** Windows file attributes Bacula keeps in st_flags. */
const FILE_ATTRIBUTE_DIRECTORY = 0x10;
const FILE_ATTRIBUTE_ARCHIVE = 0x20;

// ------------------------------------------------------------------ LStat

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** One integer in Bacula's base64 (to_base64 in lib/base64.c): most significant digit first, no padding. */
function toBase64(n: number): string {
  if (n < 0) return '-' + toBase64(-n);
  let v = Math.floor(n);
  let s = '';
  do {
    s = B64[v % 64] + s;
    v = Math.floor(v / 64);
  } while (v > 0);
  return s;
}

function fromBase64(s: string): number {
  if (s.startsWith('-')) return -fromBase64(s.slice(1));
  let v = 0;
  for (const ch of s) {
    const d = B64.indexOf(ch);
    if (d < 0) throw new Error(`not a Bacula base64 digit: "${ch}"`);
    v = v * 64 + d;
  }
  return v;
}

/** The fields of an LStat, in encode_stat order. */
export interface Stat {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  blksize: number;
  blocks: number;
  atime: number;
  mtime: number;
  ctime: number;
  linkFI: number;
  flags: number;
  stream: number;
}

const STAT_FIELDS: ReadonlyArray<keyof Stat> = ['dev', 'ino', 'mode', 'nlink', 'uid', 'gid', 'rdev', 'size', 'blksize', 'blocks', 'atime', 'mtime', 'ctime', 'linkFI', 'flags', 'stream'];

export function encodeLStat(st: Stat): string {
  return STAT_FIELDS.map((f) => toBase64(st[f])).join(' ');
}

export function decodeLStat(lstat: string): Stat {
  const v = lstat.trim().split(/\s+/).map(fromBase64);
  return Object.fromEntries(STAT_FIELDS.map((f, i) => [f, v[i] ?? 0])) as unknown as Stat;
}

// ------------------------------------------------------------------ helpers

/** Splits `total` units in proportion to `weights` (largest remainder; ties to the first). */
function apportion(total: number, weights: readonly number[]): number[] {
  const n = weights.length;
  const out = new Array<number>(n).fill(0);
  let sum = 0;
  for (const w of weights) sum += w;
  if (total <= 0 || !(sum > 0)) return out;
  const frac = new Array<number>(n);
  let given = 0;
  for (let k = 0; k < n; k++) {
    const x = (total * weights[k]) / sum;
    out[k] = Math.floor(x);
    frac[k] = x - out[k];
    given += out[k];
  }
  let rest = total - given;
  if (rest === 0) return out;
  const order = [...out.keys()].filter((k) => weights[k] > 0).sort((a, b) => frac[b] - frac[a] || a - b);
  // Rounding can leave a unit over or under; either way it goes to (or comes from) the best-placed parts.
  for (let j = 0; rest > 0; j = (j + 1) % order.length, rest--) out[order[j]]++;
  for (let j = order.length - 1; rest < 0; j = (j + order.length - 1) % order.length) {
    if (out[order[j]] > 0) {
      out[order[j]]--;
      rest++;
    }
  }
  return out;
}

/** A uniform [0, 1) number from the world seed and keys, without building a stream. */
function unit(seed: number, ...keys: Array<string | number>): number {
  return (deriveSeed(seed, ...keys) >>> 0) / 0x1_0000_0000;
}

function mulmod(a: number, b: number, m: number): number {
  const p = a * b;
  return Number.isSafeInteger(p) ? p % m : Number((BigInt(a) * BigInt(b)) % BigInt(m));
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function modInverse(a: number, m: number): number {
  let [r0, r1, s0, s1] = [a, m, 1, 0];
  while (r1) {
    const q = Math.floor(r0 / r1);
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/** A small least-recently-used map. */
class Lru<V> {
  private map = new Map<string, V>();
  constructor(private readonly size: number) {}

  get(key: string, make: () => V): V {
    let v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
    } else {
      v = make();
      if (this.map.size >= this.size) this.map.delete(this.map.keys().next().value!);
    }
    this.map.set(key, v);
    return v;
  }
}

// ------------------------------------------------------------------ skeleton

/** Files a directory may hold in the largest Full before its files are spread over sub-directories. */
const FAN_OUT = 15_000;
/** Share of such a directory's files that stays in it (at most half of FAN_OUT). */
const FAN_KEEP = 0.1;

const hexFan = (i: number): string => i.toString(16).padStart(2, '0');

function shapeWeight(shapes: readonly DirShape[]): number {
  return shapes.reduce((n, s) => n + (s.files?.w ?? 0) + shapeWeight(s.sub ?? []), 0);
}

/**
 * A directory that would hold more than FAN_OUT files of the largest Full
 * (`scale` files over a tree of weight `total`) keeps a tenth of them and
 * spreads the rest over sub-directories named by its namer's `fan`
 * (months for photos, modules for sources, two hex digits for data).
 */
function fanOut(shape: DirShape, scale: number, total: number): DirShape {
  const f = shape.files;
  const expected = f ? (scale * f.w) / total : 0;
  if (!f || expected <= FAN_OUT) return shape;
  const keep = Math.min(FAN_KEEP, FAN_OUT / 2 / expected);
  const n = Math.min(256, Math.ceil((expected * (1 - keep)) / FAN_OUT));
  const fan = f.names.fan ?? hexFan;
  const part = { ...f, w: (f.w * (1 - keep)) / n, churn: (f.churn * (1 - keep)) / n };
  const spread = Array.from({ length: n }, (_, i): DirShape => ({ name: fan(i), files: part }));
  return { ...shape, files: { ...f, w: f.w * keep, churn: f.churn * keep }, sub: [...(shape.sub ?? []), ...spread] };
}

/** Same-named siblings (two `path()`s through `var/`) become one directory. */
function mergeSiblings(sub: readonly DirShape[]): readonly DirShape[] {
  if (new Set(sub.map((s) => s.name)).size === sub.length) return sub;
  const byName = new Map<string, DirShape>();
  const out: DirShape[] = [];
  for (const s of sub) {
    const prev = byName.get(s.name);
    if (!prev) {
      const copy = { ...s, sub: s.sub ? [...s.sub] : undefined };
      byName.set(s.name, copy);
      out.push(copy);
    } else {
      prev.files ??= s.files;
      if (s.sub) prev.sub = [...(prev.sub ?? []), ...s.sub];
    }
  }
  return out;
}

let skeletons = 0;

/**
 * A client's directories: first its disk in preorder (the profile's shape),
 * then the directories FileSets written through the API name and the disk
 * lacks, appended in the order those FileSets were written, so a directory's
 * index (its PathId) never changes once given. A parent always comes before
 * its children.
 */
export class Skeleton {
  readonly names: string[] = [];
  readonly parent: number[] = [];
  readonly kids: number[][] = [];
  /** position of a directory among its parent's children */
  readonly childIx: number[] = [];
  readonly spec: Array<FileSpec | undefined> = [];
  /** uid, gid, permission bits of the directory */
  readonly owner: Array<[number, number, number]> = [];
  /** directories of the client's own disk: indices below this */
  readonly diskSize: number;
  /** per directory, the written FileSet version that made it (1 for the first written, ...); 0 on the disk */
  private readonly born: number[] = [];
  /** the place of each written FileSet version in the order they were written, by key (1 for the first) */
  private readonly written = new Map<string, number>();
  /** tells skeletons apart in cache keys (a client's skeleton is rebuilt when a FileSet is written) */
  readonly id = ++skeletons;
  private byName = new Map<string, number>();
  private readonly fan: { scale: number; total: number };
  private scopes = new Map<string, Scope>();

  constructor(top: DirShape[], readonly windows: boolean, readonly clientId: number, readonly dev: number, readonly nominalFiles: number, scale: number) {
    this.fan = { scale, total: Math.max(1e-9, shapeWeight(top)) };
    this.add({ name: '', sub: windows ? top : [{ name: '', sub: top }] }, -1, [0, 0, 0o755], DISK_DIRS);
    this.diskSize = this.names.length;
  }

  /**
   * Adds the directories the lines of written FileSet versions (in the order
   * they were written) name and the disk lacks, each made by `make(path, name)`,
   * as long as there is room (a line past MAX_DIRS adds nothing).
   */
  addWritten(versions: ReadonlyArray<{ key: string; files: readonly string[] }>, make: (path: string, name: string) => DirShape): void {
    versions.forEach((v, n) => {
      this.written.set(v.key, n + 1);
      for (const line of v.files) {
        const p = this.pathOf(line);
        if (p !== null && this.find(p) === undefined) this.graft(p, n + 1, (name) => make(p, name));
      }
    });
  }

  get size(): number {
    return this.names.length;
  }

  private add(given: DirShape, parent: number, inherited: [number, number, number], limit: number, born = 0): void {
    if (this.names.length >= limit) return;
    // What a written FileSet line adds comes spread out already (fillerShape), whatever the disk's scale.
    const shape = born ? given : fanOut(given, this.fan.scale, this.fan.total);
    const i = this.names.length;
    this.names.push(shape.name);
    this.born.push(born);
    this.parent.push(parent);
    this.kids.push([]);
    this.spec.push(shape.files && shape.files.w + shape.files.churn > 0 ? shape.files : undefined);
    this.childIx.push(parent >= 0 ? this.kids[parent].length : 0);
    if (parent >= 0) {
      this.kids[parent].push(i);
      this.byName.set(this.key(parent, shape.name), i);
    }
    const own: [number, number, number] = [shape.uid ?? shape.files?.uid ?? inherited[0], shape.gid ?? shape.files?.gid ?? inherited[1], shape.perm ?? inherited[2]];
    this.owner.push(own);
    for (const s of mergeSiblings(shape.sub ?? [])) this.add(s, i, own, limit, born);
  }

  /** Windows names are looked up without regard to case, as Windows does. */
  private key(parent: number, name: string): string {
    return `${parent}/${this.windows ? name.toUpperCase() : name}`;
  }

  /** The Path of a directory: `''`, `/`, `/etc/`, `C:/`, `C:/Users/`. */
  path(i: number): string {
    let p = '';
    for (let j = i; j > 0; j = this.parent[j]) p = `${this.names[j]}/${p}`;
    return p;
  }

  /** A directory by its Path (a missing trailing `/` is added); undefined when the client has no such directory. */
  find(path: string): number | undefined {
    if (path === '') return 0;
    const parts = (path.endsWith('/') ? path.slice(0, -1) : path).split('/');
    let i = 0;
    for (const name of parts) {
      const next = this.byName.get(this.key(i, name));
      if (next === undefined) return undefined;
      i = next;
    }
    return i;
  }

  /**
   * A FileSet line as this client's Path (`/var/www/`, `C:/Data/`): Windows
   * drives in capitals and `\` as `/`, a path without a drive on C:. Null
   * for a line that cannot name a directory here (relative, `.`/`..`, or a
   * drive on a Unix client: it backs nothing up, as an FD that cannot stat it).
   */
  pathOf(line: string): string | null {
    let p = line.trim().replace(/\\/g, '/').replace(/\/{2,}/g, '/');
    if (this.windows) {
      const m = /^([A-Za-z]):(\/.*)?$/.exec(p);
      if (m) p = `${m[1].toUpperCase()}:${m[2] ?? ''}`;
      else if (p.startsWith('/')) p = `C:${p}`;
      else return null;
    } else if (!p.startsWith('/')) return null;
    p = p.endsWith('/') ? p : `${p}/`;
    const names = (this.windows ? p : p.slice(1)).split('/').slice(0, -1);
    if (names.some((n) => n === '.' || n === '..')) return null;
    return p;
  }

  /**
   * Makes the directory `path` (as `pathOf` gives it) with `make(name)`'s
   * shape, and whatever is missing above it, for the `born`-th written
   * version, if there is room.
   */
  private graft(path: string, born: number, make: (name: string) => DirShape): void {
    const names = (this.windows ? path : path.slice(1)).split('/').slice(0, -1);
    let i = this.windows ? 0 : 1;
    let k = 0;
    for (; k < names.length; k++) {
      const next = this.byName.get(this.key(i, names[k]));
      if (next === undefined) break;
      i = next;
    }
    if (k === names.length || this.size + names.length - k - 1 + FILLER_DIRS > MAX_DIRS) return;
    let shape = make(names[names.length - 1]);
    for (let j = names.length - 2; j >= k; j--) shape = { name: names[j], sub: [shape] };
    this.add(shape, i, this.owner[i], MAX_DIRS, born);
  }

  pathId(i: number): number {
    return (this.clientId - 1) * MAX_DIRS + i + 1;
  }

  /** The directory a PathId names, if it is one of this client's. */
  node(pathId: number): number | undefined {
    if (!Number.isSafeInteger(pathId) || pathId < 1) return undefined;
    const i = (pathId - 1) % MAX_DIRS;
    return Math.floor((pathId - 1) / MAX_DIRS) + 1 === this.clientId && i < this.size ? i : undefined;
  }

  /** Whether directory j is i or below it. */
  contains(i: number, j: number): boolean {
    for (let x = j; x >= i; x = this.parent[x]) if (x === i) return true;
    return false;
  }

  /**
   * What one FileSet version selects on this client (`key` names the
   * version): the directories its `files` lines name and all below them,
   * less its `exclude` lines. Lines this client lacks select nothing.
   * Directories added for versions written after it are not its own, even
   * below its lines: a job's tree never changes once the job has run.
   */
  scope(key: string, files: readonly string[], exclude: readonly string[]): Scope {
    let s = this.scopes.get(key);
    if (!s) {
      const upTo = this.written.get(key) ?? 0;
      const nodes = (lines: readonly string[]): number[] => lines.map((l) => this.pathOf(l)).flatMap((p) => (p === null ? [] : [this.find(p)].filter((n): n is number => n !== undefined)));
      s = new Scope(this, key, nodes(files), nodes(exclude), (i) => this.born[i] <= upTo);
      this.scopes.set(key, s);
    }
    return s;
  }

  /** The whole disk as one scope: what a client whose FileSets name nothing it has backs up. */
  disk(): Scope {
    let s = this.scopes.get('');
    if (!s) {
      s = new Scope(this, '', [0], [], (i) => this.born[i] === 0);
      // Every share of a job goes to a part with weight, so a tree with files always has room for them.
      if (s.empty) throw new Error(`the file tree of client ${this.clientId} has no files`);
      this.scopes.set('', s);
    }
    return s;
  }
}

/**
 * A skeleton as one FileSet version sees it: the directories it backs up
 * (its Include directories and below, less the excluded ones) carry their
 * shape's weights; the directories above them are only the way down (never
 * saved as entries, no files); everything else weighs nothing, so a job of
 * this version puts no file there.
 */
export class Scope {
  readonly wFull: Float64Array;
  readonly wChurn: Float64Array;
  readonly subFull: Float64Array;
  readonly subChurn: Float64Array;
  /** mean file size over a subtree, weighted by the Full and by the churn weights */
  readonly avgFull: Float64Array;
  readonly avgChurn: Float64Array;
  /** 1 for a directory above an Include directory */
  private readonly above: Uint8Array;
  /** File records in each directory of a Full of the client's nominal size: what Incrementals change */
  private reference: JobTree | null = null;

  constructor(readonly sk: Skeleton, readonly key: string, roots: readonly number[], excluded: readonly number[], own: (i: number) => boolean = () => true) {
    const n = sk.size;
    const inside = new Uint8Array(n);
    const out = new Uint8Array(n);
    const isRoot = new Set(roots);
    const isOut = new Set(excluded);
    // Parents come first, so one pass in index order settles every directory.
    for (let i = 0; i < n; i++) {
      const p = sk.parent[i];
      out[i] = !own(i) || isOut.has(i) || (p >= 0 && out[p]) ? 1 : 0;
      inside[i] = !out[i] && (isRoot.has(i) || (p >= 0 && inside[p])) ? 1 : 0;
    }
    this.above = new Uint8Array(n);
    for (const r of roots) for (let j = sk.parent[r]; j >= 0 && !inside[j] && !this.above[j]; j = sk.parent[j]) this.above[j] = 1;
    this.wFull = new Float64Array(n);
    this.wChurn = new Float64Array(n);
    this.subFull = new Float64Array(n);
    this.subChurn = new Float64Array(n);
    this.avgFull = new Float64Array(n);
    this.avgChurn = new Float64Array(n);
    const bytesFull = new Float64Array(n);
    const bytesChurn = new Float64Array(n);
    for (let i = n - 1; i >= 0; i--) {
      const s = sk.spec[i];
      if (s && inside[i]) {
        this.wFull[i] = s.w;
        this.wChurn[i] = s.churn;
        this.subFull[i] += s.w;
        this.subChurn[i] += s.churn;
        bytesFull[i] += s.w * Math.max(1, s.size);
        bytesChurn[i] += s.churn * Math.max(1, s.size);
      }
      this.avgFull[i] = this.subFull[i] > 0 ? bytesFull[i] / this.subFull[i] : 1;
      this.avgChurn[i] = this.subChurn[i] > 0 ? bytesChurn[i] / this.subChurn[i] : 1;
      const p = sk.parent[i];
      if (p >= 0) {
        this.subFull[p] += this.subFull[i];
        this.subChurn[p] += this.subChurn[i];
        bytesFull[p] += bytesFull[i];
        bytesChurn[p] += bytesChurn[i];
      }
    }
  }

  /** Whether the version selects no file at all on this client. */
  get empty(): boolean {
    return !(this.subFull[0] > 0);
  }

  /** `''`, the top directories (`/`, `C:/`) and those above the Include directories are never saved as entries. */
  structural(i: number): boolean {
    return i === 0 || this.sk.parent[i] === 0 || this.above[i] === 1;
  }

  /** Regular files directory `i` holds in a Full of the client's nominal size. */
  referenceFiles(i: number): number {
    this.reference ??= new JobTree(this, { jobId: 0, full: true, files: this.sk.nominalFiles, bytes: 0, start: 0, since: 0, seed: 0 });
    return this.reference.split(i).own;
  }
}

// ------------------------------------------------------------------ one job

/** What pouring a job's files into the skeleton needs to know of it. */
export interface JobShape {
  jobId: number;
  /** Full (the whole tree) rather than Incremental/Differential (what changed) */
  full: boolean;
  files: number;
  bytes: number;
  /** epoch seconds the job started; every file's mtime is before it */
  start: number;
  /** epoch seconds since which an Incremental/Differential collects changes */
  since: number;
  seed: number;
}

/** How a directory's share of a job divides: its entry, its own files, each child's subtree. */
export interface Split {
  /** File records in the subtree */
  total: number;
  /** FileIndex just before the subtree's first record */
  base: number;
  entry: 0 | 1;
  own: number;
  ownBytes: number;
  kidFiles: number[];
  kidBytes: number[];
  /** per child: records of the earlier children */
  kidStart: number[];
}

/** A file of a job: where it sits and what it is. */
export interface JobFile {
  fileIndex: number;
  /** name key: the slot for files that keep their name across jobs, the position for new ones */
  key: number;
  name: string;
  stat: Stat;
}

/** One job's files in the skeleton, computed a directory at a time and remembered. */
export class JobTree {
  private splits = new Map<number, Split>();
  private sizeCache = new Map<number, Float64Array>();
  private progressions = new Map<number, [number, number, number]>();
  private readonly churn: boolean;

  readonly sk: Skeleton;

  constructor(readonly scope: Scope, readonly job: JobShape) {
    this.sk = scope.sk;
    this.churn = !job.full && scope.subChurn[0] > 0;
  }

  get jobId(): number {
    return this.job.jobId;
  }

  /** Directories worked out so far: answering one walks only the path down to it. */
  get explored(): number {
    return this.splits.size;
  }

  split(i: number): Split {
    let s = this.splits.get(i);
    if (s) return s;
    if (i === 0) s = this.divide(0, this.job.files, this.job.bytes, 0);
    else {
      const p = this.split(this.sk.parent[i]);
      const ix = this.sk.childIx[i];
      s = this.divide(i, p.kidFiles[ix], p.kidBytes[ix], p.base + p.entry + p.own + p.kidStart[ix]);
    }
    this.splits.set(i, s);
    return s;
  }

  private divide(i: number, total: number, bytes: number, base: number): Split {
    const sk = this.sk;
    const sc = this.scope;
    const kids = sk.kids[i];
    const zero = (): number[] => new Array<number>(kids.length).fill(0);
    if (total <= 0) return { total: 0, base, entry: 0, own: 0, ownBytes: 0, kidFiles: zero(), kidBytes: zero(), kidStart: zero() };
    const weights = this.churn ? [sc.wChurn[i], ...kids.map((c) => sc.subChurn[c])] : [sc.wFull[i], ...kids.map((c) => sc.subFull[c])];
    let entry: 0 | 1 = 0;
    let parts: number[];
    if (this.job.full) {
      // A Full saves the directory itself once it has anything below it.
      entry = total >= 2 && !sc.structural(i) ? 1 : 0;
      parts = apportion(total - entry, weights);
    } else {
      // An Incremental saves a directory whose files changed (new mail changes the directory too).
      parts = apportion(total, weights);
      entry = parts[0] >= 2 && !sc.structural(i) ? 1 : 0;
      parts[0] -= entry;
    }
    const own = parts[0];
    const kidFiles = parts.slice(1);
    const avg = this.churn ? sc.avgChurn : sc.avgFull;
    const byteParts = apportion(bytes, [own * Math.max(1, sk.spec[i]?.size ?? 1), ...kids.map((c, k) => kidFiles[k] * avg[c])]);
    const kidStart = zero();
    for (let k = 1; k < kids.length; k++) kidStart[k] = kidStart[k - 1] + kidFiles[k - 1];
    return { total, base, entry, own, ownBytes: byteParts[0], kidFiles, kidBytes: byteParts.slice(1), kidStart };
  }

  /** FileIndex of the directory's own entry (0 when the job did not save it). */
  entryIndex(i: number): number {
    const s = this.split(i);
    return s.entry ? s.base + s.own + 1 : 0;
  }

  fileId(fileIndex: number): number {
    return this.job.jobId * FILEID_STRIDE + fileIndex;
  }

  /** The directory and position of a FileIndex: k = −1 for a directory entry; null when the job has no such record. */
  locate(fileIndex: number): { node: number; k: number } | null {
    let i = 0;
    for (;;) {
      const s = this.split(i);
      const local = fileIndex - s.base;
      if (local < 1 || local > s.total) return null;
      if (local <= s.own) return { node: i, k: local - 1 };
      if (s.entry && local === s.own + 1) return { node: i, k: -1 };
      const rel = local - s.entry - s.own;
      let lo = 0;
      let hi = s.kidStart.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (s.kidStart[mid] < rel) lo = mid;
        else hi = mid - 1;
      }
      i = this.sk.kids[i][lo];
    }
  }

  private appendOnly(i: number): boolean {
    return this.sk.spec[i]?.append ?? false;
  }

  /**
   * Changed files of an Incremental in a directory whose files keep their
   * names: k → slot walks the reference files in a fixed stride, so the
   * slots are distinct and differ from job to job.
   */
  private progression(i: number): [number, number, number] {
    let p = this.progressions.get(i);
    if (!p) {
      const m = Math.max(1, this.scope.referenceFiles(i), this.split(i).own);
      const start = Math.floor(unit(this.job.seed, 'slot', this.job.jobId, i) * m);
      let stride = 1 + Math.floor(unit(this.job.seed, 'stride', this.job.jobId, i) * Math.max(1, m - 1));
      while (gcd(stride, m) !== 1) stride = (stride % m) + 1;
      p = [m, start, stride];
      this.progressions.set(i, p);
    }
    return p;
  }

  /** The name key of the k-th file of directory i. */
  slot(i: number, k: number): number {
    if (this.job.full || this.appendOnly(i)) return k;
    const [m, start, stride] = this.progression(i);
    return (start + mulmod(k, stride, m)) % m;
  }

  /** Position of a name key among directory i's files, or −1 (versions look files up this way). */
  indexOf(i: number, slot: number): number {
    const own = this.split(i).own;
    if (this.job.full) return slot < own ? slot : -1;
    const [m, start, stride] = this.progression(i);
    if (slot >= m) return -1;
    const k = mulmod((slot - start + m) % m, modInverse(stride, m), m);
    return k < own ? k : -1;
  }

  /** Sizes of directory i's files, adding up to its bytes exactly. */
  sizes(i: number): Float64Array {
    let sizes = this.sizeCache.get(i);
    if (sizes) return sizes;
    const { own, ownBytes } = this.split(i);
    sizes = new Float64Array(own);
    const w = new Float64Array(own);
    const even = this.sk.spec[i]?.even;
    let sum = 0;
    for (let k = 0; k < own; k++) {
      // Heavy-tailed unless the files are segments: a few large files among many small ones.
      w[k] = even ? 1 : 0.05 - Math.log(1 - unit(this.job.seed, 'size', this.job.jobId, i, k));
      sum += w[k];
    }
    let given = 0;
    for (let k = 0; k < own; k++) given += sizes[k] = Math.floor((ownBytes * w[k]) / sum);
    for (let k = 0; given < ownBytes; k = (k + 1) % own, given++) sizes[k]++;
    if (this.sizeCache.size > 64) this.sizeCache.clear();
    this.sizeCache.set(i, sizes);
    return sizes;
  }

  /** The k-th file of directory i. */
  file(i: number, k: number): JobFile {
    const spec = this.sk.spec[i]!;
    const { seed, jobId, start, since } = this.job;
    const s = this.split(i);
    const key = this.slot(i, k);
    const client = this.sk.clientId;
    let mtime: number;
    let h: number;
    let name: string;
    if (spec.append) {
      // New files, spaced through the window they arrived in; names carry their time.
      const span = this.job.full ? spec.span : Math.max(1, start - since);
      const step = Math.max(spec.tick, span / s.own);
      mtime = start - 1 - Math.floor((s.own - 1 - k) * step);
      h = deriveSeed(seed, 'file', jobId, i, k) >>> 0;
      name = spec.names(k, mtime, h);
    } else {
      h = deriveSeed(seed, 'file', client, i, key) >>> 0;
      mtime = this.job.full ? lastChange(seed, client, i, key, start, spec.churn > 0) : since + Math.floor((start - since) * ((k + 1) / (s.own + 1)));
      name = spec.names(key, NAME_EPOCH + Math.floor(unit(seed, 'born', client, i, key) * 6 * 365 * DAY), h);
    }
    const size = this.sizes(i)[k];
    const ino = spec.append ? 1 + (deriveSeed(seed, 'ino', jobId, i, k) >>> 4) : 1 + (h >>> 4);
    const atime = mtime + Math.floor(unit(seed, 'atime', jobId, i, k) * Math.max(0, start - 1 - mtime));
    const win = this.sk.windows;
    return {
      fileIndex: s.base + k + 1,
      key,
      name,
      stat: {
        dev: win ? 0 : this.sk.dev, ino, mode: win ? S_IFREG | 0o777 : S_IFREG | spec.perm, nlink: 1, uid: win ? 0 : spec.uid, gid: win ? 0 : spec.gid,
        rdev: 0, size, blksize: 4096, blocks: Math.ceil(size / 4096) * 8, atime, mtime, ctime: mtime, linkFI: 0,
        flags: win ? FILE_ATTRIBUTE_ARCHIVE : 0, stream: win ? STREAM_WIN32 : STREAM_UNIX,
      },
    };
  }

  /** The LStat of directory i's own entry in this job. */
  dirStat(i: number): Stat {
    const { seed, jobId, start, since } = this.job;
    const mtime = this.job.full ? lastChange(seed, this.sk.clientId, i, -1, start, true) : since + Math.floor((start - since) * unit(seed, 'dir', jobId, i));
    const win = this.sk.windows;
    const [uid, gid, perm] = this.sk.owner[i];
    return {
      dev: win ? 0 : this.sk.dev, ino: 1 + (deriveSeed(seed, 'dirino', this.sk.clientId, i) >>> 4), mode: S_IFDIR | (win ? 0o777 : perm),
      nlink: 2 + this.sk.kids[i].length, uid: win ? 0 : uid, gid: win ? 0 : gid, rdev: 0, size: 4096, blksize: 4096, blocks: 8,
      atime: start - 1, mtime, ctime: mtime, linkFI: 0, flags: win ? FILE_ATTRIBUTE_DIRECTORY : 0, stream: win ? STREAM_WIN32 : STREAM_UNIX,
    };
  }
}

/**
 * When a file that keeps its name last changed before `start`: each file
 * changes with its own period, so two Fulls between its changes see the same
 * mtime (and the same MD5).
 */
function lastChange(seed: number, client: number, i: number, key: number, start: number, changes: boolean): number {
  const minP = changes ? DAY : 180 * DAY;
  const maxP = changes ? 365 * DAY : 5 * 365 * DAY;
  const period = Math.round(minP * Math.pow(maxP / minP, unit(seed, 'period', client, i, key)));
  const phase = Math.floor(unit(seed, 'phase', client, i, key) * period);
  return start - 1 - ((((start - 1 - phase) % period) + period) % period);
}

/** Bacula keeps MD5 digests base64-encoded without padding: 22 characters. */
function md5Of(seed: number, ...keys: number[]): string {
  let s = '';
  for (let part = 0; part < 4; part++) {
    const v = deriveSeed(seed, 'md5', part, ...keys) >>> 0;
    for (let d = 0; d < 6 && s.length < 22; d++) s += B64[(v >>> (d * 5)) & 63];
  }
  return s.slice(0, 22);
}

// ------------------------------------------------------------------ merged views

/** A row of a BVFS listing. */
export interface TreeEntry {
  pathId: number;
  fileId: number;
  jobId: number;
  lstat: string;
  name: string;
}

/** A row of `.bvfs_versions`. */
export interface FileVersion extends TreeEntry {
  md5: string;
  volumeName: string;
  inChanger: number;
}

/** File records and bytes a restore selection covers. */
export interface Selection {
  files: number;
  bytes: number;
}

/**
 * Several backup jobs of one client seen as one tree, the newest version of
 * everything on top: what `.bvfs_lsdirs` / `.bvfs_lsfiles jobid=1,3,11` show
 * and what `.bvfs_restore` selects from.
 */
export class TreeView {
  /** trees newest first */
  constructor(readonly sk: Skeleton, readonly trees: JobTree[]) {}

  get jobIds(): number[] {
    return this.trees.map((t) => t.jobId).sort((a, b) => a - b);
  }

  /** Whether any of the jobs saved something at or below directory i. */
  visible(i: number): boolean {
    return this.trees.some((t) => t.split(i).total > 0);
  }

  /** Directory i's row under `name`: its newest entry, or FileId 0 and the empty LStat when no job saved it. */
  dirEntry(i: number, name: string): TreeEntry {
    for (const t of this.trees) {
      const index = t.entryIndex(i);
      if (index) return { pathId: this.sk.pathId(i), fileId: t.fileId(index), jobId: t.jobId, lstat: encodeLStat(t.dirStat(i)), name };
    }
    return { pathId: this.sk.pathId(i), fileId: 0, jobId: 0, lstat: EMPTY_LSTAT, name };
  }

  /** `.` and `..` (none above `''`), then the visible sub-directories by name, each with a trailing `/`. */
  dirs(i: number): { special: TreeEntry[]; dirs: TreeEntry[] } {
    const special = [this.dirEntry(i, '.')];
    if (i > 0) special.push(this.dirEntry(this.sk.parent[i], '..'));
    const dirs = this.sk.kids[i].filter((c) => this.visible(c)).map((c) => this.dirEntry(c, `${this.sk.names[c]}/`));
    return { special, dirs: dirs.sort(byName) };
  }

  /** Directory i's files, each in its newest version among the jobs, by name. */
  files(i: number): TreeEntry[] {
    const spec = this.sk.spec[i];
    if (!spec) return [];
    const pathId = this.sk.pathId(i);
    const rows: TreeEntry[] = [];
    const seenKeys = new Set<number>();
    const seenNames = new Set<string>();
    for (const t of this.trees) {
      const own = t.split(i).own;
      for (let k = 0; k < own; k++) {
        if (!spec.append) {
          const key = t.slot(i, k);
          if (seenKeys.has(key)) continue;
          seenKeys.add(key);
        }
        const f = t.file(i, k);
        if (spec.append && seenNames.has(f.name)) continue;
        seenNames.add(f.name);
        rows.push({ pathId, fileId: t.fileId(f.fileIndex), jobId: t.jobId, lstat: encodeLStat(f.stat), name: f.name });
      }
    }
    return rows.sort(byName);
  }

  /**
   * What `.bvfs_restore fileid=... dirid=...` selects: each listed file
   * version, and everything below each listed directory in its newest
   * version (directory entries included, as Bacula counts them).
   */
  select(fileIds: readonly number[], pathIds: readonly number[]): Selection {
    const dirs = [...new Set(pathIds.map((id) => this.nodeOf(id)))].sort((a, b) => a - b);
    const roots = dirs.filter((d) => !dirs.some((o) => o !== d && this.sk.contains(o, d)));
    const sel: Selection = { files: 0, bytes: 0 };
    for (const d of roots) this.addSubtree(d, sel);
    const seen = new Set<number>();
    for (const fid of fileIds) {
      if (seen.has(fid)) continue;
      seen.add(fid);
      const { tree, node, k } = this.locate(fid);
      if (roots.some((d) => this.sk.contains(d, node))) continue;
      sel.files++;
      if (k >= 0) sel.bytes += tree.sizes(node)[k];
    }
    return sel;
  }

  private nodeOf(pathId: number): number {
    const i = this.sk.node(pathId);
    if (i === undefined) throw new WorldError('not_found', `PathId ${pathId} is not a directory of this client`);
    return i;
  }

  private locate(fileId: number): { tree: JobTree; node: number; k: number } {
    const jobId = Math.floor(fileId / FILEID_STRIDE);
    const tree = this.trees.find((t) => t.jobId === jobId);
    const at = tree?.locate(fileId % FILEID_STRIDE);
    if (!tree || !at) throw new WorldError('not_found', `FileId ${fileId} is not a file of JobIds ${this.jobIds.join(',')}`);
    return { tree, ...at };
  }

  private addSubtree(root: number, sel: Selection): void {
    const stack = [root];
    while (stack.length) {
      const i = stack.pop()!;
      if (!this.visible(i)) continue;
      this.addDirectory(i, sel);
      stack.push(...this.sk.kids[i]);
    }
  }

  /** Directory i's entry and files, each file once in its newest version. */
  private addDirectory(i: number, sel: Selection): void {
    if (this.trees.some((t) => t.split(i).entry)) sel.files++;
    const holders = this.trees.filter((t) => t.split(i).own > 0);
    if (!holders.length) return;
    if (this.sk.spec[i]?.append || holders.length === 1) {
      for (const t of holders) {
        const s = t.split(i);
        sel.files += s.own;
        sel.bytes += s.ownBytes;
      }
      return;
    }
    const seen = new Set<number>();
    for (const t of holders) {
      const s = t.split(i);
      const chosen = new Uint8Array(s.own);
      let n = 0;
      for (let k = 0; k < s.own; k++) {
        const key = t.slot(i, k);
        if (seen.has(key)) continue;
        seen.add(key);
        chosen[k] = 1;
        n++;
      }
      sel.files += n;
      if (n === s.own) sel.bytes += s.ownBytes;
      else {
        const sizes = t.sizes(i);
        for (let k = 0; k < s.own; k++) if (chosen[k]) sel.bytes += sizes[k];
      }
    }
  }
}

function byName(a: TreeEntry, b: TreeEntry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

// ------------------------------------------------------------------ the catalog side

/**
 * File trees of a world's jobs, with small caches: the skeletons of recently
 * browsed clients and the trees of recently browsed jobs. Cache keys carry
 * everything a tree is derived from, so a reset or a new seed never reads a
 * stale tree.
 */
export class FileTrees {
  private skeletons = new Lru<Skeleton>(32);
  private trees = new Lru<JobTree>(64);
  private listings = new Lru<TreeEntry[]>(16);

  /**
   * A client's skeleton: its profile's disk, then a directory for every
   * line of a FileSet written through the API that the disk lacks, in the
   * order the FileSets were written (so a PathId, once given, stays).
   */
  skeleton(world: World, client: ClientRecord): Skeleton {
    const profile = world.profileOf(client);
    const written = writtenVersions(world);
    const generation = written.map((v) => `${v.key}:${v.files.join('|')}`).join(';');
    return this.skeletons.get(`${world.seed}:${client.clientId}:${client.name}:${profile.key}:${generation}`, () => {
      const rng = stream(world.seed, 'tree-shape', client.clientId);
      const host = client.name.replace(/-fd$/, '');
      const top = shapeOf({ rng, profile, host, scale: Math.max(1, profile.typical_files_max) });
      const nominal = Math.round(rng.between(profile.typical_files_min, profile.typical_files_max));
      const dev = [64768, 2049, 66305, 64769][rng.int(0, 3)];
      const sk = new Skeleton(top, profile.os === 'windows', client.clientId, dev, Math.max(1, nominal), Math.max(1, profile.typical_files_max));
      sk.addWritten(written, (p, name) => fillerShape(stream(world.seed, 'filler', client.clientId, p), name));
      return sk;
    });
  }

  /**
   * What a job backs up on its client: the FileSet version in force when it
   * started (its start time against the versions' times). A version that
   * selects nothing on this client (another system's FileSet, say) falls
   * back to the client's own profile FileSet, so the job's files always
   * have a place.
   */
  private scope(world: World, sk: Skeleton, client: ClientRecord, job: JobRecord): Scope {
    const fs = job.filesetId ? world.catalog.fileset(job.filesetId) : undefined;
    const paths = fs ? fileSetPathsAt(world, fs, job.startTime ?? job.schedTime) : undefined;
    const scope = paths ? sk.scope(paths.key, paths.files, paths.exclude) : undefined;
    if (scope && !scope.empty) return scope;
    const profile = world.profileOf(client);
    const own = sk.scope(`p:${profile.key}`, profileRoots(profile), []);
    return own.empty ? sk.disk() : own;
  }

  /** A job's tree; jobs that wrote no File records (not backups, canceled, still running) have an empty one. */
  tree(world: World, job: JobRecord, cache = true): JobTree {
    const client = world.catalog.client(job.clientId);
    if (!client) throw new WorldError('not_found', `Client of JobId ${job.jobId} not found`);
    const sk = this.skeleton(world, client);
    const scope = this.scope(world, sk, client, job);
    const start = Math.floor((job.startTime ?? job.schedTime) / 1000);
    const files = job.type === 'B' ? job.jobFiles : 0;
    const shape: JobShape = {
      jobId: job.jobId, full: job.level === 'F', files, bytes: files ? job.jobBytes : 0, start,
      since: Math.min(start - 1, job.plan.since !== null ? Math.floor(job.plan.since / 1000) : start - DAY), seed: world.seed,
    };
    const make = (): JobTree => new JobTree(scope, shape);
    return cache ? this.trees.get(`${sk.id}:${job.jobId}:${files}:${shape.bytes}:${start}:${job.level}:${shape.since}:${scope.key}`, make) : make();
  }

  /** The jobs (all of one client) as one tree; unknown JobIds are refused. */
  view(world: World, jobIds: readonly number[]): TreeView {
    if (!jobIds.length) throw new WorldError('bad_request', 'No JobIds to browse');
    const jobs = [...new Set(jobIds)].map((id) => {
      const job = world.catalog.job(id);
      if (!job) throw new WorldError('not_found', `JobId ${id} not found`);
      return job;
    });
    const clientId = jobs[0].clientId;
    if (jobs.some((j) => j.clientId !== clientId)) throw new WorldError('bad_request', `JobIds ${jobIds.join(',')} belong to different clients`);
    const trees = jobs.sort((a, b) => b.jobId - a.jobId).map((j) => this.tree(world, j));
    return new TreeView(trees[0].sk, trees);
  }

  /**
   * What restoring `paths` from a view selects: each path as BVFS shows it,
   * a directory (ending with `/`, or naming one) with everything below it
   * in its newest version, a file (`/etc/hosts`) in its newest version. A
   * path none of the jobs saved is refused, by name.
   */
  selectPaths(view: TreeView, paths: readonly string[]): Selection {
    const fileIds: number[] = [];
    const dirIds: number[] = [];
    const saved = (path: string): number | undefined => {
      const p = view.sk.pathOf(path);
      const i = p === null ? undefined : view.sk.find(p);
      return i !== undefined && view.visible(i) ? i : undefined;
    };
    for (const path of paths) {
      const cut = path.replace(/\\/g, '/').lastIndexOf('/') + 1;
      const parent = cut < path.length ? saved(path.slice(0, cut)) : undefined;
      const file = parent === undefined ? undefined : this.listing(view, parent).find((f) => f.name === path.slice(cut));
      const dir = file ? undefined : saved(path);
      if (file) fileIds.push(file.fileId);
      else if (dir !== undefined) dirIds.push(view.sk.pathId(dir));
      else throw new WorldError('bad_request', `"${path}" is not a file or directory of JobIds ${view.jobIds.join(',')}`);
    }
    return view.select(fileIds, dirIds);
  }

  /** `files(i)` of a view, remembered for paging through a large directory. */
  listing(view: TreeView, i: number): TreeEntry[] {
    const key = `${view.trees.map((t) => `${t.jobId}:${t.job.files}:${t.job.start}:${t.scope.key}`).join(',')}|${view.sk.id}:${i}`;
    return this.listings.get(key, () => view.files(i));
  }

  /**
   * `.bvfs_versions client=X pathid=P fnid=F`: every successful backup of the
   * client that holds the file F (any version's FileId) names, oldest first.
   * A file that never keeps its name across jobs (a mail message, a WAL
   * segment) has the one version.
   */
  versions(world: World, client: ClientRecord, pathId: number, fnid: number): FileVersion[] {
    const sk = this.skeleton(world, client);
    const node = sk.node(pathId);
    const source = world.catalog.job(Math.floor(fnid / FILEID_STRIDE));
    if (node === undefined || !source || source.clientId !== client.clientId) return [];
    const tree = this.tree(world, source);
    const at = tree.locate(fnid % FILEID_STRIDE);
    if (!at || at.node !== node || at.k < 0) return [];
    if (sk.spec[node]!.append) return [this.version(world, source, tree, node, at.k)];
    const key = tree.slot(node, at.k);
    const out: FileVersion[] = [];
    const facts = emptyFacts();
    for (const id of world.catalog.jobsByClient.get(client.clientId)?.ids ?? []) {
      if (!world.catalog.store.facts(id, facts) || facts.type !== 'B' || facts.status !== 'T') continue;
      const job = id === source.jobId ? source : world.catalog.job(id)!;
      const t = id === source.jobId ? tree : this.tree(world, job, false);
      if (t.split(node).own === 0) continue;
      const k = t.indexOf(node, key);
      if (k >= 0) out.push(this.version(world, job, t, node, k));
    }
    return out;
  }

  private version(world: World, job: JobRecord, t: JobTree, node: number, k: number): FileVersion {
    const f = t.file(node, k);
    const vol = job.volumes.find((v) => f.fileIndex >= v.firstIndex && f.fileIndex <= v.lastIndex) ?? job.volumes[job.volumes.length - 1];
    return {
      pathId: t.sk.pathId(node), fileId: t.fileId(f.fileIndex), jobId: job.jobId, lstat: encodeLStat(f.stat), name: f.name,
      md5: md5Of(world.seed, t.sk.clientId, node, t.sk.spec[node]!.append ? job.jobId : f.key, f.stat.mtime), volumeName: vol?.volumeName ?? '', inChanger: 0,
    };
  }
}

const shared = new WeakMap<World, FileTrees>();

/** The file trees of a world, one set of caches for whoever browses it (BVFS, restores by path). */
export function treesOf(world: World): FileTrees {
  let trees = shared.get(world);
  if (!trees) shared.set(world, (trees = new FileTrees()));
  return trees;
}

// ------------------------------------------------------------------ which jobs to browse

/**
 * `.bvfs_get_jobids jobid=N`: the jobs a restore of N's state needs, oldest
 * first: the Full of N's FileSet before it, the last Differential since, the
 * Incrementals since, and N. With `allFileSets` (`all`), the same for each
 * FileSet the client backed up by then, from its latest backup at or before
 * N. Empty when N is not a successful backup.
 */
export function restoreChain(world: World, jobId: number, allFileSets = false): number[] {
  const job = world.catalog.job(jobId);
  if (!job) throw new WorldError('not_found', `JobId ${jobId} not found`);
  if (job.type !== 'B' || job.jobStatus !== 'T') return [];
  const ids = world.catalog.jobsByClient.get(job.clientId)?.ids ?? [];
  const at = ids.indexOf(jobId);
  const f = emptyFacts();
  const backup = (x: number): boolean => world.catalog.store.facts(ids[x], f) && f.type === 'B' && f.status === 'T';
  const filesets = new Set([job.filesetId]);
  if (allFileSets) for (let x = 0; x < at; x++) if (backup(x)) filesets.add(f.filesetId);
  const chain = new Set<number>();
  for (const fs of filesets) {
    let x = at;
    while (x >= 0 && !(backup(x) && f.filesetId === fs)) x--;
    if (x < 0) continue;
    chain.add(ids[x]);
    if (f.level === 'F') continue;
    // An Incremental builds on the Incrementals back to the last Differential or Full; a Differential on the Full only.
    let wantDifferential = f.level === 'I';
    while (--x >= 0) {
      if (!backup(x) || f.filesetId !== fs) continue;
      if (f.level === 'F') {
        chain.add(ids[x]);
        break;
      }
      if (wantDifferential) chain.add(ids[x]);
      if (f.level === 'D') wantDifferential = false;
    }
  }
  return [...chain].sort((a, b) => a - b);
}

/**
 * The jobs a restore of a client's latest state needs (`restore client=X`):
 * the chain of its latest successful backup of `filesetId` (any FileSet when
 * not given). Empty when it has none.
 */
export function latestChain(world: World, clientId: number, filesetId?: number): number[] {
  const ids = world.catalog.jobsByClient.get(clientId)?.ids ?? [];
  const f = emptyFacts();
  for (let x = ids.length - 1; x >= 0; x--) {
    if (world.catalog.store.facts(ids[x], f) && f.type === 'B' && f.status === 'T' && (filesetId === undefined || f.filesetId === filesetId)) return restoreChain(world, ids[x]);
  }
  return [];
}

/** Every successful backup of a client, oldest first (`.bvfs_get_jobids client=X`, and `jobid=0 client=X` browsing). */
export function clientBackups(world: World, clientId: number): number[] {
  const f = emptyFacts();
  return (world.catalog.jobsByClient.get(clientId)?.ids ?? []).filter((id) => world.catalog.store.facts(id, f) && f.type === 'B' && f.status === 'T');
}
