import { Catalog } from './catalog.js';
import type { JobStoreDump } from './jobstore.js';
import { parseRun } from './schedule.js';
import { World, type WorldSettings } from './world.js';

/** The format marker of saved worlds; bump `version` when the shape changes. */
export const SNAPSHOT_FORMAT = { format: 'bacula-mock-world', version: 3 } as const;

/** A column's bytes: a view of the live typed array when taken, base64 in a file. */
export type ColumnBytes = Uint8Array | string;

/**
 * A world as plain data, in chunks so a large catalog is never one giant
 * string: `meta` first, then the Job table (its columns, side table and live
 * jobs), then the Log columns. Columns are views of the live arrays: copy
 * them (`ownChunk`) before the world moves on, or encode them (`encodeChunk`).
 */
export type SnapshotChunk =
  | { kind: 'meta'; data: Record<string, unknown> }
  | { kind: 'jobs'; data: Exclude<JobStoreDump, { part: 'column' }> | { part: 'column'; name: string; data: ColumnBytes } }
  | { kind: 'log'; data: { jobId: ColumnBytes; step: ColumnBytes; time: ColumnBytes; next: ColumnBytes } };

const raw = (a: Int32Array | Uint16Array | Uint32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const b64 = (c: ColumnBytes): string => (typeof c === 'string' ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength).toString('base64'));
/** A column's bytes, decoded if it was read from a file. */
const bytesOf = (c: ColumnBytes): Uint8Array => (typeof c === 'string' ? Buffer.from(c, 'base64') : c);

/** The chunk with each of its columns replaced by `f` of it; chunks without columns as they are. */
function mapColumns(c: SnapshotChunk, f: (column: ColumnBytes) => ColumnBytes): SnapshotChunk {
  if (c.kind === 'log') return { kind: 'log', data: { jobId: f(c.data.jobId), step: f(c.data.step), time: f(c.data.time), next: f(c.data.next) } };
  if (c.kind === 'jobs' && c.data.part === 'column') return { kind: 'jobs', data: { ...c.data, data: f(c.data.data) } };
  return c;
}

/** The chunk as it is written: columns in base64. */
export function encodeChunk(c: SnapshotChunk): SnapshotChunk {
  return mapColumns(c, b64);
}

/**
 * The chunk with its columns copied out of the live arrays, so it stays as it
 * was while the world goes on; `alloc(n)` gives the n-byte array each column
 * is copied into.
 */
export function ownChunk(c: SnapshotChunk, alloc: (bytes: number) => Uint8Array): SnapshotChunk {
  return mapColumns(c, (x) => {
    if (typeof x === 'string') return x;
    const copy = alloc(x.byteLength);
    copy.set(x);
    return copy;
  });
}

export function* snapshotChunks(w: World): Generator<SnapshotChunk> {
  const c = w.catalog;
  yield {
    kind: 'meta',
    data: {
      settings: w.settings, now: w.now, startedAt: w.startedAt, seed: w.seed, errorRate: w.errorRate,
      nextJobId: w.nextJobId, jobSeq: w.jobSeq, volSessionId: w.volSessionId, nextJobMediaId: w.nextJobMediaId,
      queue: w.queue.toArray(), running: [...w.running], mediaWaiters: w.mediaWaiters,
      clients: c.clients, pools: c.pools, media: c.media, storages: c.storages, filesets: c.filesets,
      jobResources: [...w.jobResources.values()],
      schedules: [...w.schedules.values()].map((s) => ({ name: s.name, runs: s.runs.map((r) => r.text) })),
      scheduledRuns: w.scheduledRuns.map((r) => (r ? { job: r.job, run: r.run.text } : null)),
      agenda: w.agenda.entries(), agendaSeq: w.agenda.seqCounter,
    },
  };
  for (const part of c.store.dump()) yield { kind: 'jobs', data: part };
  const n = c.log.length;
  yield {
    kind: 'log',
    data: { jobId: raw(c.log.jobId.subarray(0, n)), step: raw(c.log.step.subarray(0, n)), time: raw(c.log.time.subarray(0, n)), next: raw(c.log.next.subarray(0, n)) },
  };
}

const typedColumn = <T>(s: ColumnBytes, C: { new (b: ArrayBuffer): T }, bytes: number): T => {
  const buf = bytesOf(s);
  const copy = new ArrayBuffer(buf.length - (buf.length % bytes));
  new Uint8Array(copy).set(buf.subarray(0, copy.byteLength));
  return new C(copy);
};

/** Rebuilds a world from the chunks `snapshotChunks` produced. */
export function restoreWorld(chunks: Iterable<SnapshotChunk>): World {
  let w: World | null = null;
  let queued: number[] = [];
  for (const chunk of chunks) {
    if (chunk.kind === 'meta') {
      const m = chunk.data as Record<string, any>;
      w = new World(m.settings as WorldSettings, m.now);
      const c = new Catalog();
      for (const client of m.clients) c.insertClient(client);
      c.pools = m.pools;
      c.storages = m.storages;
      c.filesets = m.filesets;
      for (const media of m.media) if (media) c.insertMedia(media);
      w.catalog = c;
      Object.assign(w, {
        startedAt: m.startedAt, seed: m.seed, errorRate: m.errorRate, nextJobId: m.nextJobId, jobSeq: m.jobSeq,
        volSessionId: m.volSessionId, nextJobMediaId: m.nextJobMediaId, running: new Set(m.running),
        mediaWaiters: m.mediaWaiters,
      });
      w.jobResources = new Map((m.jobResources as Array<{ name: string }>).map((r) => [r.name, r as never]));
      w.schedules = new Map((m.schedules as Array<{ name: string; runs: string[] }>).map((s) => [s.name, { name: s.name, runs: s.runs.map(parseRun) }]));
      w.scheduledRuns = (m.scheduledRuns as Array<{ job: string; run: string } | null>).map((r) => (r ? { job: r.job, run: parseRun(r.run) } : null));
      w.agenda.restore(m.agenda, m.agendaSeq);
      queued = m.queue;
    } else if (chunk.kind === 'jobs') {
      if (!w) throw new Error('snapshot: jobs before meta');
      const d = chunk.data;
      w.catalog.store.load(d.part === 'column' ? { ...d, data: bytesOf(d.data) } : d);
    } else {
      if (!w) throw new Error('snapshot: log before meta');
      const d = chunk.data;
      w.catalog.log.load({
        jobId: typedColumn(d.jobId, Int32Array, 4), step: typedColumn(d.step, Uint16Array, 2),
        time: typedColumn(d.time, Uint32Array, 4), next: typedColumn(d.next, Int32Array, 4),
      });
    }
  }
  if (!w) throw new Error('snapshot: no world in it');
  w.catalog.reindex();
  for (const id of queued) w.queue.insert(id, w.catalog.job(id)!.priority);
  w.rebuildIndexes();
  return w;
}
