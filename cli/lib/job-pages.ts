import type { Api, Query } from './http.js';
import type { JobRow } from './rows.js';

/**
 * Every job matching `query`, in JobId order, one page at a time, without
 * holding more than a page. `/cat/Job` pages by offset; jobs pruned or purged
 * behind the reader while it reads would shift the offsets and make it skip
 * rows, so each page is asked from the position of the last row read and must
 * start with it (or with a lower JobId): when it does not, rows before it went
 * away and the reader steps back until it finds its place again. New jobs get
 * higher JobIds and are read too if they arrive before the end.
 */
export async function* jobPages(api: Api, query: Query, pageSize: number): AsyncGenerator<JobRow[]> {
  // Pages overlap by one row, so a page holds at least two.
  const limit = Math.max(2, pageSize);
  let lastId = 0;
  let offset = 0;
  let back = limit;
  for (;;) {
    const rows = await page(api, query, offset, limit);
    if (lastId > 0 && offset > 0 && (rows.length === 0 || rows[0].jobid > lastId)) {
      // Rows before this position went away: step back, further each time.
      offset = Math.max(0, offset - back);
      back *= 2;
      continue;
    }
    back = limit;
    const fresh = rows.filter((r) => r.jobid > lastId);
    if (fresh.length) {
      yield fresh;
      lastId = fresh[fresh.length - 1].jobid;
    }
    if (rows.length < limit) return;
    // The next page starts with the last row of this one.
    offset += rows.length - 1;
  }
}

async function page(api: Api, query: Query, offset: number, limit: number): Promise<JobRow[]> {
  return (await api.get<{ data: JobRow[] }>('/cat/Job', { ...query, order: 'asc', limit, offset })).json.data;
}
