import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * An append-only log file that rotates by size the way the manual's Python
 * original did (RotatingFileHandler): the live file keeps its name
 * (`tail -f logs/bacula_mock.log` goes on working), older ones become
 * `.1` (newest) … `.N`, and the oldest beyond `backups` is deleted.
 * With `backups` 0 the file is started afresh when it is full.
 *
 * Lines are gathered and written `minLength` bytes at a time (a write per
 * line was the largest cost of serving a request, docs/performance.md);
 * `flush()` writes what waits. Writes are synchronous so a rotation happens
 * between two whole lines and nothing is lost at exit. pino-roll was not used:
 * it names the live file `name.1.log`, `name.2.log`, ... (the configured name
 * never exists), counts only the files the running process created when it
 * deletes old ones, and opens its file asynchronously.
 */
export class RotatingFile {
  private fd: number;
  private size: number;
  private pending: string[] = [];
  private pendingChars = 0;
  private readonly onExit = (): void => this.flush();

  /**
   * @param path the live file (its directory is created)
   * @param maxBytes size in bytes a file does not exceed (one longer line fills a file of its own)
   * @param backups rotated files kept
   * @param minLength characters gathered before a write
   */
  constructor(readonly path: string, readonly maxBytes: number, readonly backups: number, readonly minLength = 0) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.size = fstatSync(this.fd).size;
    process.on('exit', this.onExit);
  }

  /** One or more whole lines, each ending in a newline (what pino hands a stream). */
  write(line: string): boolean {
    this.pending.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= this.minLength) this.flush();
    return true;
  }

  flush(): void {
    if (!this.pending.length || this.fd < 0) return;
    const lines = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    const text = lines.length === 1 ? lines[0] : lines.join('');
    const bytes = Buffer.byteLength(text);
    if (this.size + bytes <= this.maxBytes) {
      this.put(text, bytes);
      return;
    }
    // The batch crosses the limit: place it line by line.
    let chunk = '';
    let chunkBytes = 0;
    for (const line of lines) {
      const n = Buffer.byteLength(line);
      if (this.size + chunkBytes + n > this.maxBytes && this.size + chunkBytes > 0) {
        if (chunkBytes) this.put(chunk, chunkBytes);
        chunk = '';
        chunkBytes = 0;
        this.rotate();
      }
      chunk += line;
      chunkBytes += n;
    }
    if (chunkBytes) this.put(chunk, chunkBytes);
  }

  /** Writes what waits and closes the file; later writes are dropped. */
  close(): void {
    this.flush();
    process.removeListener('exit', this.onExit);
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private put(text: string, bytes: number): void {
    writeSync(this.fd, text);
    this.size += bytes;
  }

  private rotate(): void {
    closeSync(this.fd);
    const name = (i: number): string => `${this.path}.${i}`;
    // Files past the count (left by a larger backup_count) go first.
    for (let i = this.backups + 1; existsSync(name(i)); i++) unlinkSync(name(i));
    if (this.backups > 0) {
      for (let i = this.backups - 1; i >= 1; i--) if (existsSync(name(i))) renameSync(name(i), name(i + 1));
      renameSync(this.path, name(1));
    }
    this.fd = openSync(this.path, this.backups > 0 ? 'a' : 'w');
    this.size = 0;
  }
}
