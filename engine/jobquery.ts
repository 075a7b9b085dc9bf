import type { Catalog } from './catalog.js';
import { emptyFacts, type JobFacts } from './jobstore.js';

/** A search of the Job table, as `/cat/Job` and `/cat/JobTotals` take it. */
export interface JobQuery {
  /** only these JobIds */
  jobIds?: readonly number[];
  /** JobStatus letters, any of them */
  statuses?: string;
  clientIds?: readonly number[];
  /** Job resource name */
  name?: string;
  /** Level letters, any of them */
  levels?: string;
  /** Type letters, any of them */
  types?: string;
  /** StartTime at or after (virtual ms) */
  since?: number;
  /** StartTime at or before (virtual ms) */
  until?: number;
}

export interface Page {
  offset: number;
  /** 0 = no limit */
  limit: number;
  /** newest JobId first */
  desc?: boolean;
}

/**
 * One ascending list of JobIds a search walks: an index (a client's jobs, the
 * jobs of one status) or every JobId. `at(i)` is the i-th id in order.
 */
interface Source {
  size: number;
  at(i: number): number;
}

/**
 * JobIds matching `q`, one page of them in JobId order. The search walks the
 * narrowest index that applies (the client's jobs, or the jobs of the wanted
 * statuses) and tests the other conditions on the Job columns without
 * building records, so a page costs O(offset + limit) in the worst case and
 * O(limit) when an index answers the whole question.
 */
export function findJobIds(catalog: Catalog, q: JobQuery, page: Page): number[] {
  const { sources, residual } = plan(catalog, q);
  const limit = page.limit > 0 ? page.limit : Infinity;
  const out: number[] = [];
  if (!residual && sources.length === 1) {
    // The index is the answer: jump straight to the page.
    const s = sources[0];
    const n = Math.min(limit, Math.max(0, s.size - page.offset));
    for (let k = 0; k < n; k++) out.push(s.at(page.desc ? s.size - 1 - page.offset - k : page.offset + k));
    return out;
  }
  let skip = page.offset;
  walk(sources, !!page.desc, (id) => {
    if (residual && !residual(id)) return true;
    if (skip > 0) {
      skip--;
      return true;
    }
    out.push(id);
    return out.length < limit;
  });
  return out;
}

/** Calls `fn` for every JobId matching `q`, in ascending order, until it returns false. */
export function forEachJobId(catalog: Catalog, q: JobQuery, fn: (jobId: number) => boolean | void): void {
  const { sources, residual } = plan(catalog, q);
  walk(sources, false, (id) => (residual && !residual(id) ? true : fn(id) !== false));
}

/** True when the query has no condition at all (the JobTotals of the whole catalog apply). */
export function isEmptyQuery(q: JobQuery): boolean {
  return q.jobIds === undefined && q.statuses === undefined && q.clientIds === undefined && q.name === undefined
    && q.levels === undefined && q.types === undefined && q.since === undefined && q.until === undefined;
}

function plan(catalog: Catalog, q: JobQuery): { sources: Source[]; residual: ((id: number) => boolean) | null } {
  const store = catalog.store;
  const conditions: Array<(f: JobFacts) => boolean> = [];
  let sources: Source[];
  const byList = (ids: readonly number[]): Source => ({ size: ids.length, at: (i) => ids[i] });
  const statusSources = q.statuses === undefined ? null
    : [...new Set(q.statuses)].map((c) => catalog.jobsByStatus.get(c)?.ids ?? []).filter((ids) => ids.length).map(byList);
  const clientSources = q.clientIds === undefined ? null
    : [...new Set(q.clientIds)].map((c) => catalog.jobsByClient.get(c)?.ids ?? []).filter((ids) => ids.length).map(byList);
  const size = (ss: Source[]): number => ss.reduce((n, s) => n + s.size, 0);

  if (q.jobIds !== undefined) {
    sources = [byList([...new Set(q.jobIds)].filter((id) => store.has(id)).sort((a, b) => a - b))];
    if (statusSources) conditions.push(hasLetter('status', q.statuses!));
    if (clientSources) conditions.push(inClients(q.clientIds!));
  } else if (statusSources && (!clientSources || size(statusSources) <= size(clientSources))) {
    sources = statusSources;
    if (clientSources) conditions.push(inClients(q.clientIds!));
  } else if (clientSources) {
    sources = clientSources;
    if (statusSources) conditions.push(hasLetter('status', q.statuses!));
  } else {
    // Every job by rank: JobIds purged or pruned are skipped, not visited.
    sources = [{ size: catalog.totals.jobs, at: (i) => catalog.jobIdAt(i) }];
  }
  if (q.name !== undefined) conditions.push((f) => f.name === q.name);
  if (q.levels !== undefined) conditions.push(hasLetter('level', q.levels));
  if (q.types !== undefined) conditions.push(hasLetter('type', q.types));
  if (q.since !== undefined) conditions.push((f) => f.startTime !== null && f.startTime >= q.since!);
  if (q.until !== undefined) conditions.push((f) => f.startTime !== null && f.startTime <= q.until!);
  if (!conditions.length) return { sources, residual: null };
  const facts = emptyFacts();
  return {
    sources,
    residual: (id) => store.facts(id, facts) && conditions.every((c) => c(facts)),
  };
}

function hasLetter(field: 'status' | 'level' | 'type', letters: string): (f: JobFacts) => boolean {
  return (f) => letters.includes(f[field]);
}

function inClients(ids: readonly number[]): (f: JobFacts) => boolean {
  const set = new Set(ids);
  return (f) => set.has(f.clientId);
}

/** Visits the union of ascending sources in ascending (or descending) order until `fn` says stop. */
function walk(sources: Source[], desc: boolean, fn: (id: number) => boolean): void {
  if (sources.length === 1) {
    const s = sources[0];
    for (let k = 0; k < s.size; k++) if (!fn(s.at(desc ? s.size - 1 - k : k))) return;
    return;
  }
  // A k-way merge; k is the number of status letters or clients asked for, a handful.
  const pos = sources.map((s) => (desc ? s.size - 1 : 0));
  for (;;) {
    let best = -1;
    let bestId = desc ? -Infinity : Infinity;
    for (let i = 0; i < sources.length; i++) {
      if (pos[i] < 0 || pos[i] >= sources[i].size) continue;
      const id = sources[i].at(pos[i]);
      if (desc ? id > bestId : id < bestId) {
        best = i;
        bestId = id;
      }
    }
    if (best < 0) return;
    pos[best] += desc ? -1 : 1;
    if (!fn(bestId)) return;
  }
}
