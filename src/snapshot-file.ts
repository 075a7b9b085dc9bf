import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { encodeChunk, type SnapshotChunk } from '../engine/snapshot.js';

/**
 * Writes a snapshot file: a header line, one JSON line per chunk (columns in
 * base64), and a trailer with the line count and the SHA-256 of what came
 * before it. Written to `tmp`, fsynced, then renamed to `path`, so a kill at
 * any moment leaves the old file or the new one. The same code runs in the
 * server's thread (at a stop) and in the snapshot worker.
 */
export function writeSnapshotFile(tmp: string, path: string, header: Record<string, unknown>, chunks: Iterable<SnapshotChunk | string>): void {
  const fd = openSync(tmp, 'w');
  try {
    const hash = createHash('sha256');
    // A chunk is data, or its line already encoded (JSON text).
    const put = (obj: unknown): void => {
      const line = (typeof obj === 'string' ? obj : JSON.stringify(obj)) + '\n';
      hash.update(line);
      writeAll(fd, line);
    };
    put(header);
    let lines = 1;
    for (const chunk of chunks) {
      put(typeof chunk === 'string' ? chunk : encodeChunk(chunk));
      lines++;
    }
    writeAll(fd, JSON.stringify({ end: true, lines, sha256: hash.digest('hex') }) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  syncDir(dirname(path));
}

/**
 * Writes all of `text` at `fd`, however many writes it takes: one may take
 * only part (a full disk, a file size limit), and the file would be renamed
 * into place short.
 */
export function writeAll(fd: number, text: string | Buffer): void {
  const data = typeof text === 'string' ? Buffer.from(text) : text;
  for (let done = 0; done < data.length;) done += writeSync(fd, data, done);
}

/** Makes a rename in `dir` durable (where the file system allows). */
export function syncDir(dir: string): void {
  try {
    const d = openSync(dir, 'r');
    fsyncSync(d);
    closeSync(d);
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic.
  }
}
