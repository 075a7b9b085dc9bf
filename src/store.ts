import { createHash } from 'node:crypto';
import {
  closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, renameSync, writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { SNAPSHOT_FORMAT, restoreWorld, snapshotChunks, type SnapshotChunk } from '../engine/snapshot.js';
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
    if (existsSync(this.journalPath)) {
      const text = readFileSync(this.journalPath, 'utf8');
      const lines = text.split('\n');
      const complete = text.endsWith('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      if (!lines.length) throw new DataError(`${this.journalPath} is empty: not a bacula-mock journal`);
      let header: unknown;
      try {
        header = JSON.parse(lines[0]);
      } catch {
        header = null;
      }
      const h = header as Record<string, unknown> | null;
      if (!h || h.format !== JOURNAL_FORMAT.format) throw new DataError(`${this.journalPath}:1: not a bacula-mock journal (foreign or corrupt file); move it away to start a new world`);
      if (h.version !== JOURNAL_FORMAT.version) throw new DataError(`${this.journalPath}:1: journal version ${String(h.version)} is not supported (expected ${JOURNAL_FORMAT.version})`);
      let goodBytes = Buffer.byteLength(lines[0]) + 1;
      for (let i = 1; i < lines.length; i++) {
        const line = lines[i];
        const space = line.indexOf(' ');
        const json = line.slice(space + 1);
        let rec: JournalRecord | null = null;
        if (space === 12 && digest(json) === line.slice(0, 12)) {
          try {
            rec = JSON.parse(json) as JournalRecord;
          } catch {
            rec = null;
          }
        }
        if (!rec) {
          if (i === lines.length - 1 && !complete) {
            warnings.push(`${this.journalPath}:${i + 1}: dropped a half-written last record (the process stopped before it was acknowledged)`);
            const fd = openSync(this.journalPath, 'r+');
            ftruncateSync(fd, goodBytes);
            fsyncSync(fd);
            closeSync(fd);
            break;
          }
          throw new DataError(`${this.journalPath}:${i + 1}: corrupt record (checksum mismatch); refusing to start over the saved world`);
        }
        goodBytes += Buffer.byteLength(line) + 1;
        if (rec.seq > snapSeq) records.push(rec);
        lastSeq = Math.max(lastSeq, rec.seq);
      }
    }
    this.seq = lastSeq;
    return { world, clock, records, warnings };
  }

  /** Appends a record and makes it durable before returning. */
  append(cmd: Command, t: number, durable = true): JournalRecord {
    const full: JournalRecord = { ...cmd, seq: ++this.seq, t };
    const fd = this.open();
    const json = JSON.stringify(full);
    writeSync(fd, `${digest(json)} ${json}\n`);
    if (durable) fsyncSync(fd);
    this.pending++;
    return full;
  }

  /** Writes the whole world, then starts a fresh journal. */
  snapshot(world: World, clock: ClockState): void {
    const tmp = `${this.snapshotPath}.tmp`;
    const fd = openSync(tmp, 'w');
    const hash = createHash('sha256');
    const put = (obj: unknown): void => {
      const line = JSON.stringify(obj) + '\n';
      hash.update(line);
      writeSync(fd, line);
    };
    put({ ...SNAPSHOT_FORMAT, seq: this.seq, clock });
    let lines = 1;
    for (const chunk of snapshotChunks(world)) {
      put(chunk);
      lines++;
    }
    writeSync(fd, JSON.stringify({ end: true, lines, sha256: hash.digest('hex') }) + '\n');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.snapshotPath);
    this.syncDir();
    // Records up to `seq` are in the snapshot; the journal starts again empty.
    this.close();
    const jtmp = `${this.journalPath}.tmp`;
    const jfd = openSync(jtmp, 'w');
    writeSync(jfd, JSON.stringify(JOURNAL_FORMAT) + '\n');
    fsyncSync(jfd);
    closeSync(jfd);
    renameSync(jtmp, this.journalPath);
    this.syncDir();
    this.pending = 0;
  }

  close(): void {
    if (this.fd !== null) {
      fsyncSync(this.fd);
      closeSync(this.fd);
      this.fd = null;
    }
  }

  private open(): number {
    if (this.fd === null) {
      const fresh = !existsSync(this.journalPath);
      this.fd = openSync(this.journalPath, 'a');
      if (fresh) {
        writeSync(this.fd, JSON.stringify(JOURNAL_FORMAT) + '\n');
        fsyncSync(this.fd);
        this.syncDir();
      }
    }
    return this.fd;
  }

  private syncDir(): void {
    try {
      const d = openSync(this.dir, 'r');
      fsyncSync(d);
      closeSync(d);
    } catch {
      // Some file systems cannot fsync a directory; the rename is still atomic.
    }
  }

  private readSnapshot(): { world: World; clock: ClockState; seq: number } {
    const text = readFileSync(this.snapshotPath, 'utf8');
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    let header: Record<string, unknown> | null = null;
    try {
      header = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    } catch {
      header = null;
    }
    if (!header || header.format !== SNAPSHOT_FORMAT.format) throw new DataError(`${this.snapshotPath}: not a bacula-mock world snapshot (foreign or corrupt file); move it away to start a new world`);
    if (header.version !== SNAPSHOT_FORMAT.version) throw new DataError(`${this.snapshotPath}: snapshot version ${String(header.version)} is not supported`);
    let trailer: Record<string, unknown> | null = null;
    try {
      trailer = JSON.parse(lines[lines.length - 1]) as Record<string, unknown>;
    } catch {
      trailer = null;
    }
    const hash = createHash('sha256');
    for (let i = 0; i < lines.length - 1; i++) hash.update(lines[i] + '\n');
    if (!trailer || trailer.end !== true || trailer.lines !== lines.length - 1 || trailer.sha256 !== hash.digest('hex')) {
      throw new DataError(`${this.snapshotPath}: truncated or corrupt (checksum mismatch); refusing to start over the saved world`);
    }
    const chunks = lines.slice(1, -1).map((l) => JSON.parse(l) as SnapshotChunk);
    return { world: restoreWorld(chunks), clock: header.clock as ClockState, seq: header.seq as number };
  }
}
