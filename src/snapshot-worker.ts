import { parentPort } from 'node:worker_threads';
import type { SnapshotChunk } from '../engine/snapshot.js';
import { writeSnapshotFile } from './snapshot-file.js';

/**
 * A snapshot to write: the world as the server captured it, columns copied
 * out (their buffers are handed over and come back with the answer, to be
 * used again), everything else already encoded as JSON lines.
 */
export interface SnapshotJob {
  tmp: string;
  path: string;
  header: Record<string, unknown>;
  chunks: Array<SnapshotChunk | string>;
  buffers: ArrayBuffer[];
}

/**
 * The snapshot writer thread: encodes, hashes and writes what the server
 * captured, so the server's event loop is held only for the capture.
 */
parentPort?.on('message', (job: SnapshotJob) => {
  try {
    writeSnapshotFile(job.tmp, job.path, job.header, job.chunks);
    parentPort!.postMessage({ ok: true, buffers: job.buffers }, job.buffers);
  } catch (e) {
    parentPort!.postMessage({ ok: false, error: (e as Error).message, buffers: job.buffers }, job.buffers);
  }
});
