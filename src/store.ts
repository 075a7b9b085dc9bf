import { createHash } from 'node:crypto';
import {
  closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ownChunk, SNAPSHOT_FORMAT, restoreWorld, snapshotChunks, type SnapshotChunk } from '../engine/snapshot.js';
import { syncDir, writeAll, writeSnapshotFile } from './snapshot-file.js';
import type { SnapshotJob } from './snapshot-worker.js';
import type { World } from '../engine/world.js';
import type { ClockState } from '../engine/clock.js';
import type { Command, JournalRecord } from './commands.js';

const JOURNAL_FORMAT = { format: 'bacula-mock-journal', version: 1 } as const;

/** A data file that cannot be trusted: reported, never silently replaced. */
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

/** A background snapshot stopped before it was in place (a stop writes its own). */
export class SnapshotCanceled extends Error {
  constructor() {
    super('snapshot canceled');
    this.name = 'SnapshotCanceled';
  }
}

const digest = (s: string): string => createHash('sha1').update(s).digest('hex').slice(0, 12);

export interface Loaded {
  /** the world of the last snapshot, or null */
  world: World | null;
  clock: ClockState | null;
  /** journal records after the snapshot, in order */
  records: JournalRecord[];
  /** warnings worth logging (a dropped half-written last line) */
  warnings: string[];
}

/**
 * `data/`: an append-only journal of acknowledged commands (each line carries
 * its own checksum and is fsynced before the command is acknowledged) and a
 * snapshot of the whole world, written to a temporary file and renamed into
 * place, so kill -9 at any moment leaves either the old or the new one.
 */
export class Store {
  readonly journalPath: string;
  readonly snapshotPath: string;
  private fd: number | null = null;
  /** the snapshot worker, started on first use */
  private worker: Worker | null = null;
  /** the background snapshot being written */
  private writing: { worker: Worker; cancel: () => void; done: Promise<number> } | null = null;
  /** buffers of the last background snapshot, for the next one's copies */
  private buffers: ArrayBuffer[] = [];
  private seq = 0;
  /** records appended since the last snapshot */
  pending = 0;

  constructor(readonly dir: string) {
    this.journalPath = join(dir, 'world.journal');
    this.snapshotPath = join(dir, 'world.snapshot');
  }

  load(): Loaded {
    mkdirSync(this.dir, { recursive: true });
    const warnings: string[] = [];
    let world: World | null = null;
    let clock: ClockState | null = null;
    let snapSeq = 0;
    if (existsSync(this.snapshotPath)) ({ world, clock, seq: snapSeq } = this.readSnapshot());
    const records: JournalRecord[] = [];
    let lastSeq = snapSeq;
    // Beside a snapshot there is always a whole journal: the one before it, or a fresh one put in place by rename.
    const cutShort = (what: string): DataError => new DataError(`${this.journalPath}: ${what}, beside a snapshot: the records after the snapshot are lost; refusing to start (move the journal away to start from the snapshot alone)`);
    if (existsSync(this.journalPath)) {
      let lineNo = 0;
      let goodBytes = 0;
      let prevSeq: number | null = null;
      for (const line of readLines(this.journalPath)) {
        lineNo++;
        if (lineNo === 1) {
          if (!line.complete && JSON.stringify(JOURNAL_FORMAT).startsWith(line.text)) {
            // Beside a snapshot this is damage: every version put the journal after a snapshot in place by rename, header and all.
            if (world) throw cutShort('its header line is cut short');
            // Written by a version that did not create journals by rename, and stopped mid-header.
            warnings.push(`${this.journalPath}:1: the journal's header was half-written and nothing after it; starting the journal afresh`);
            this.freshJournal();
            break;
          }
          let h: Record<string, unknown> | null = null;
          try {
            h = JSON.parse(line.text) as Record<string, unknown>;
          } catch {
            h = null;
          }
          if (!h || h.format !== JOURNAL_FORMAT.format) throw new DataError(`${this.journalPath}:1: not a bacula-mock journal (foreign or corrupt file); move it away to start a new world`);
          if (h.version !== JOURNAL_FORMAT.version) throw new DataError(`${this.journalPath}:1: journal version ${String(h.version)} is not supported (expected ${JOURNAL_FORMAT.version})`);
          goodBytes = line.bytes;
          continue;
        }
        const space = line.text.indexOf(' ');
        const json = line.text.slice(space + 1);
        let rec: JournalRecord | null = null;
        if (space === 12 && digest(json) === line.text.slice(0, 12)) {
          try {
            rec = JSON.parse(json) as JournalRecord;
          } catch {
            rec = null;
          }
        }
        if (!rec) {
          if (!line.complete) {
            warnings.push(`${this.journalPath}:${lineNo}: dropped a half-written last record (the process stopped before it was acknowledged)`);
            const fd = openSync(this.journalPath, 'r+');
            ftruncateSync(fd, goodBytes);
            fsyncSync(fd);
            closeSync(fd);
            break;
          }
          throw new DataError(`${this.journalPath}:${lineNo}: corrupt record (checksum mismatch); refusing to start over the saved world`);
        }
        // Records are numbered without gaps, the first at most one past those the snapshot holds (a whole line lost passes its checksums).
        if (prevSeq === null ? rec.seq > snapSeq + 1 : rec.seq !== prevSeq + 1) {
          const after = prevSeq === null ? `a snapshot holding records up to ${snapSeq}` : `record ${prevSeq}`;
          throw new DataError(`${this.journalPath}:${lineNo}: record ${rec.seq} follows ${after} (records are missing); refusing to start over the saved world`);
        }
        prevSeq = rec.seq;
        goodBytes += line.bytes;
        if (rec.seq > snapSeq) records.push(rec);
        lastSeq = Math.max(lastSeq, rec.seq);
      }
      if (lineNo === 0 && world) throw cutShort('it is empty');
    }
    this.seq = lastSeq;
    return { world, clock, records, warnings };
  }

  /**
   * Appends a record and makes it durable before returning. A write or fsync
   * that fails leaves nothing of the record: the journal is cut back to where
   * it ended and the record's number is given back, so the next record follows
   * without a gap (a gap or a half line would make the next start refuse).
   */
  append(cmd: Command, t: number, durable = true): JournalRecord {
    const full: JournalRecord = { ...cmd, seq: this.seq + 1, t };
    const fd = this.open();
    const json = JSON.stringify(full);
    const line = Buffer.from(`${digest(json)} ${json}\n`);
    let written = 0;
    try {
      // A write may take only part of the line (a full disk, a file size limit).
      while (written < line.length) written += writeSync(fd, line, written);
      if (durable) fsyncSync(fd);
    } catch (e) {
      ftruncateSync(fd, fstatSync(fd).size - written);
      throw e;
    }
    this.seq = full.seq;
    this.pending++;
    return full;
  }

  /** Writes the whole world now, in this thread, then starts a fresh journal. */
  snapshot(world: World, clock: ClockState): void {
    writeSnapshotFile(`${this.snapshotPath}.tmp`, this.snapshotPath, { ...SNAPSHOT_FORMAT, seq: this.seq, clock }, snapshotChunks(world));
    // Records up to `seq` are in the snapshot; the journal starts again empty.
    this.close();
    this.freshJournal();
    this.pending = 0;
  }

  /**
   * Writes the whole world from a worker thread: this thread only captures it
   * (copies of the columns, the rest as data), which for a large catalog is a
   * small part of the time writing takes. Records appended while the worker
   * writes stay in the journal; those the snapshot holds are dropped from it
   * once the file is in place. Resolves with the real ms it took; rejects if
   * writing failed (the journal still holds everything).
   */
  snapshotInBackground(world: World, clock: ClockState): Promise<number> {
    if (this.writing) return this.writing.done;
    const began = performance.now();
    const seq = this.seq;
    const fd = this.open();
    const offset = fstatSync(fd).size;
    // Columns are copied into buffers kept from the last snapshot (memory already paged in: fresh
    // memory costs page faults); the rest is encoded here, a string being far cheaper to hand over than objects.
    const pool = this.buffers;
    const buffers: ArrayBuffer[] = [];
    const alloc = (n: number): Uint8Array => {
      const i = pool.findIndex((b) => b.byteLength >= n);
      const buf = i >= 0 ? pool.splice(i, 1)[0] : new ArrayBuffer(Math.ceil(n * 1.25));
      buffers.push(buf);
      return new Uint8Array(buf, 0, n);
    };
    const chunks = [...snapshotChunks(world)].map((c) => {
      const owned = ownChunk(c, alloc);
      return owned === c ? JSON.stringify(c) : owned;
    });
    this.buffers = [];
    const job: SnapshotJob = { tmp: `${this.snapshotPath}.tmp-bg`, path: this.snapshotPath, header: { ...SNAPSHOT_FORMAT, seq, clock }, chunks, buffers };
    const worker = this.worker ??= startSnapshotWorker();
    let cancel: () => void = () => {};
    const done = new Promise<number>((ok, fail) => {
      const settle = (m: { ok: boolean; error?: string; buffers?: ArrayBuffer[] }): void => {
        worker.off('message', settle);
        worker.off('error', crashed);
        this.writing = null;
        this.buffers = m.buffers ?? [];
        worker.unref();
        if (!m.ok) return fail(new Error(`snapshot not written: ${m.error}`));
        this.keepJournalFrom(offset, seq);
        ok(performance.now() - began);
      };
      const crashed = (e: Error): void => {
        // A worker that died is not used again; the next snapshot starts another.
        if (this.worker === worker) this.worker = null;
        settle({ ok: false, error: e.message });
      };
      cancel = () => {
        worker.off('message', settle);
        worker.off('error', crashed);
        fail(new SnapshotCanceled());
      };
      worker.on('message', settle);
      worker.once('error', crashed);
    });
    const writing = { worker, cancel, done };
    this.writing = writing;
    worker.ref();
    worker.postMessage(job, buffers);
    return writing.done;
  }

  /** Stops a snapshot being written in the background (the file it was writing is removed; the journal keeps everything). */
  async cancelBackground(): Promise<void> {
    const w = this.writing;
    if (!w) return;
    this.writing = null;
    this.worker = null;
    // Whoever started it hears of the cancel; nobody listening is fine too.
    w.done.catch(() => {});
    w.cancel();
    await w.worker.terminate();
    rmSync(`${this.snapshotPath}.tmp-bg`, { force: true });
  }

  /** Whether a snapshot is being written in the background. */
  get busy(): boolean {
    return this.writing !== null;
  }

  /**
   * The journal after a snapshot holding everything up to byte `offset` of it
   * (record `seq`): a fresh journal with the records appended since (put in
   * place by rename).
   */
  private keepJournalFrom(offset: number, seq: number): void {
    this.close();
    const fd = openSync(this.journalPath, 'r');
    const tail = Buffer.alloc(fstatSync(fd).size - offset);
    try {
      if (tail.length) readSync(fd, tail, 0, tail.length, offset);
    } finally {
      closeSync(fd);
    }
    this.freshJournal(tail);
    this.pending = this.seq - seq;
  }

  close(): void {
    this.worker?.unref();
    if (this.fd !== null) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = null;
    }
  }

  private open(): number {
    if (this.fd === null) {
      if (!existsSync(this.journalPath) || statSync(this.journalPath).size === 0) this.freshJournal();
      this.fd = openSync(this.journalPath, 'a');
    }
    return this.fd;
  }

  /** A journal of just its header (and `records`, whole lines), put in place by rename: never a file without its header. */
  private freshJournal(records?: Buffer): void {
    const tmp = `${this.journalPath}.tmp`;
    const fd = openSync(tmp, 'w');
    writeAll(fd, JSON.stringify(JOURNAL_FORMAT) + '\n');
    if (records?.length) writeAll(fd, records);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.journalPath);
    this.syncDir();
  }

  private syncDir(): void {
    syncDir(this.dir);
  }

  private readSnapshot(): { world: World; clock: ClockState; seq: number } {
    const bad = (why: string): DataError => new DataError(`${this.snapshotPath}: ${why}; refusing to start over the saved world (move it away to start a new one)`);
    const hash = createHash('sha256');
    let header: Record<string, unknown> | null = null;
    let trailer: Record<string, unknown> | null = null;
    let count = 0;
    const chunks: SnapshotChunk[] = [];
    for (const line of readLines(this.snapshotPath)) {
      if (trailer) throw bad('data after the end marker');
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(line.text) as Record<string, unknown>;
      } catch {
        if (!header) throw bad('not a bacula-mock world snapshot (foreign or corrupt file)');
        throw bad(`line ${count + 1} is not JSON (truncated or corrupt)`);
      }
      if (!header) {
        if (obj.format !== SNAPSHOT_FORMAT.format) throw bad('not a bacula-mock world snapshot (foreign or corrupt file)');
        if (obj.version !== SNAPSHOT_FORMAT.version) throw bad(`snapshot version ${String(obj.version)} is not supported (expected ${SNAPSHOT_FORMAT.version})`);
        header = obj;
      } else if (obj.end === true) {
        trailer = obj;
        continue;
      } else chunks.push(obj as unknown as SnapshotChunk);
      hash.update(line.text + '\n');
      count++;
    }
    if (!header) throw bad('empty: not a bacula-mock world snapshot');
    if (!trailer || trailer.lines !== count || trailer.sha256 !== hash.digest('hex')) throw bad('truncated or corrupt (checksum mismatch)');
    return { world: restoreWorld(chunks), clock: header.clock as ClockState, seq: header.seq as number };
  }
}

/**
 * The snapshot writer thread. From the compiled server it is the file beside
 * this one; code run from the TypeScript sources (tests) uses the compiled one
 * under dist/ (`npm test` builds first).
 */
function startSnapshotWorker(): Worker {
  const beside = new URL('./snapshot-worker.js', import.meta.url);
  const file = existsSync(beside) ? beside : new URL('../dist/src/snapshot-worker.js', import.meta.url);
  const w = new Worker(file);
  w.unref();
  return w;
}

/**
 * The lines of a file, read in blocks so files larger than the biggest string
 * V8 allows can be read; `complete` is false for a last line with no newline.
 */
export function* readLines(path: string, blockSize = 4 * 1024 * 1024): Generator<{ text: string; bytes: number; complete: boolean }> {
  const fd = openSync(path, 'r');
  try {
    const block = Buffer.allocUnsafe(blockSize);
    let parts: Buffer[] = [];
    for (;;) {
      const n = readSync(fd, block, 0, block.length, null);
      if (n === 0) break;
      let from = 0;
      for (let nl = block.indexOf(10, from); nl !== -1 && nl < n; nl = block.indexOf(10, from)) {
        parts.push(Buffer.from(block.subarray(from, nl)));
        const buf = Buffer.concat(parts);
        parts = [];
        yield { text: buf.toString('utf8'), bytes: buf.length + 1, complete: true };
        from = nl + 1;
      }
      if (from < n) parts.push(Buffer.from(block.subarray(from, n)));
    }
    if (parts.length) {
      const buf = Buffer.concat(parts);
      yield { text: buf.toString('utf8'), bytes: buf.length, complete: false };
    }
  } finally {
    closeSync(fd);
  }
}
