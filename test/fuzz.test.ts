import t from 'tap';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { ERRORS, MAX_MESSAGE } from '../src/errors.js';
import { hostileRequest, specOperations, writeRequest, CORS_ORIGIN, type FuzzRequest, type Op, type WorldNames } from './helpers/fuzz-requests.js';
import { responseErrors } from './helpers/openapi.js';
import { rawRequest, type RawResponse } from './helpers/raw-http.js';
import { api, startServer, tempConfig } from './helpers/server.js';

/**
 * Bad input, generated (fast-check): every operation of docs/openapi.yaml gets
 * thousands of hostile requests. Every answer must be the JSON error contract
 * with a 4xx status, or a 2xx matching the spec when the request happens to be
 * valid; never a 5xx, never a dropped connection. A request that could change
 * the world carries a defect the API must refuse before acting, so with the
 * clock paused the catalog must be exactly as it was afterwards (see
 * helpers/fuzz-requests.ts). A last round sends well-formed writes with
 * hostile values, which may be accepted and change the world, and must not
 * break the server either.
 *
 * FUZZ_SEED=<n> runs another seed, FUZZ_REQUESTS=<n> another number of
 * requests.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const WRITES = Math.ceil(REQUESTS / 8);

const CONFIG = [
  'server:', `  cors_origins: ["${CORS_ORIGIN}"]`,
  'simulation:', '  default_clients: 6', '  history_days: 3', '  seed: 17', '  start_time: "2026-11-22T00:00:00"',
  'logging:', '  file: logs/fuzz.log', '  level: WARNING', '',
].join('\n');

/** What the catalog holds, table by table: a hash of each answer. */
const TABLES = ['/cat/Job?limit=100000', '/cat/JobTotals', '/cat/Log?limit=100000', '/cat/Media?limit=100000', '/cat/JobMedia?limit=100000', '/cat/Pool',
  '/cat/Client', '/cat/FileSet', '/cat/Storage', '/res/director', '/mock/clock'];

async function fingerprint(url: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of TABLES) {
    const r = await api(url, path);
    out[path] = r.status === 200 ? createHash('sha256').update(JSON.stringify(r.body)).digest('hex').slice(0, 16) : `HTTP ${r.status}`;
  }
  return out;
}

async function worldNames(url: string): Promise<WorldNames> {
  const rows = async (path: string): Promise<Record<string, any>[]> => (await api(url, path)).body.data;
  const jobs = await rows('/cat/Job?limit=300');
  const director = (await api(url, '/status/director')).body.data.header.name as string;
  return {
    director,
    clients: (await rows('/cat/Client')).map((c) => c.name),
    jobs: [...new Set(jobs.map((j) => j.name as string))],
    uniqueJobs: jobs.map((j) => j.job),
    jobIds: jobs.map((j) => j.jobid),
    pools: (await rows('/cat/Pool')).map((p) => p.name),
    volumes: (await rows('/cat/Media')).map((m) => m.volumename),
    filesets: (await rows('/cat/FileSet')).map((f) => f.fileset),
    storages: (await rows('/cat/Storage')).map((s) => s.name),
    paths: ['/', '/etc/', '/etc/hosts', '/var/', '/var/vmail/', '/tmp/', 'C:/', '/etc/../etc/'],
  };
}

const OAUTH_CODES = ['invalid_request', 'invalid_grant', 'unsupported_grant_type'];

/** Why `a` is not an acceptable answer to `r` (empty when it is). */
function judge(r: FuzzRequest, a: RawResponse | Error): string[] {
  if (a instanceof Error) return [`no answer: ${a.message}`];
  const problems: string[] = [];
  const h = (name: string): string | undefined => a.headers[name]?.[0];
  if (a.status >= 500) problems.push(`server error ${a.status}`);
  if (a.status < 200 || (a.status >= 300 && a.status < 400)) problems.push(`unexpected status ${a.status}`);
  for (const [name, value] of [['x-content-type-options', 'nosniff'], ['cache-control', 'no-store'], ['referrer-policy', 'no-referrer'], ['x-frame-options', 'DENY']]) {
    if (h(name) !== value) problems.push(`${name} is ${h(name)}, not ${value}`);
  }
  if (!h('content-security-policy')) problems.push('no Content-Security-Policy');
  if (a.status >= 400) {
    if (!/^application\/json/.test(h('content-type') ?? '')) problems.push(`error answer of type ${h('content-type')}`);
    if (!r.head) {
      const body = a.json as Record<string, unknown> | undefined;
      const oauth = typeof body?.error === 'string';
      const expected = Object.values(ERRORS).find((e) => e.status === a.status)?.code;
      if (!body || typeof body !== 'object' || Array.isArray(body)) problems.push(`error body is not a JSON object: ${a.body.subarray(0, 200).toString()}`);
      else {
        const keys = Object.keys(body).sort().join(',');
        if (keys !== (oauth ? 'data,error,error_description' : 'data,error')) problems.push(`error body keys ${keys}`);
        if (typeof body.data !== 'string' || !body.data) problems.push('error "data" is not a message');
        else if (body.data.length > MAX_MESSAGE) problems.push(`error message of ${body.data.length} characters (echoes the input?)`);
        if (oauth) {
          if (!r.target.startsWith('/oauth/token') || !OAUTH_CODES.includes(body.error as string)) problems.push(`OAuth2 error ${body.error} on ${r.target.slice(0, 40)}`);
        } else if (body.error !== expected) problems.push(`"error" ${body.error} for HTTP ${a.status} (the catalogue says ${expected})`);
      }
    }
    if (a.status === 401 && !r.target.startsWith('/oauth/token') && !h('www-authenticate')) problems.push('401 without WWW-Authenticate');
    if (a.status === 405 && !h('allow')) problems.push('405 without Allow');
    if (a.status === 429 && !(Number(h('retry-after')) >= 1)) problems.push('429 without Retry-After');
  } else if (a.status < 300) {
    if (r.mustRefuse) problems.push(`accepted (${a.status}) a request to a writing operation that carries a defect`);
    if (a.stream && !(r.op.template === '/mock/events' && (r.method === 'GET' || r.head))) problems.push('an event stream from another operation than GET /mock/events');
    if (!r.head && !a.stream && /^application\/json/.test(h('content-type') ?? '')) {
      if (a.json === undefined) problems.push('a JSON answer that does not parse');
      else if (r.asDocumented) problems.push(...responseErrors(r.method, r.op.template, a.status, a.json));
    }
  }
  return problems;
}

const show = (r: FuzzRequest, a: RawResponse | Error): string => {
  const req = r.bytes.subarray(0, 600).toString('utf8').replace(/\r\n/g, '\\r\\n');
  const answer = a instanceof Error ? a.message : `${a.status} ${a.body.subarray(0, 300).toString()}`;
  return `${r.method} ${r.op.template} [${r.notes.join(', ')}]${r.from ? ` from ${r.from}` : ''}\n  request: ${req}${r.bytes.length > 600 ? `... (${r.bytes.length} bytes)` : ''}\n  answer: ${answer}`;
};

interface Tally {
  requests: number;
  byStatus: Map<number, number>;
  byOp: Map<string, number>;
  accepted: number;
  streams: number;
}

const newTally = (): Tally => ({ requests: 0, byStatus: new Map(), byOp: new Map(), accepted: 0, streams: 0 });

/** A successful answer that is not JSON (a documentation page, a 1.4 MB script): its headers are judged, its body is not read. */
const pageOrScript = (status: number, headers: Record<string, string[]>): boolean => status < 300 && !/json/.test(headers['content-type']?.[0] ?? '');

/** Requests drawn at a time: each chunk is `fc.sample` of the arbitrary with seed SEED + its index, so a run replays exactly. */
const CHUNK = 250;
/** Requests in flight at once. */
const CONCURRENCY = 16;

/**
 * Draws `count` requests from `arb` (seeded) and sends them, CONCURRENCY at a
 * time, judging each answer. Wrong answers are grouped by what was wrong; if
 * any, throws listing each kind once with the first request that got it and
 * where it was drawn (seed, index in that sample).
 */
async function fuzz(port: number, arb: fc.Arbitrary<FuzzRequest>, count: number, seed: number, tally: Tally): Promise<void> {
  const wrong = new Map<string, { n: number; example: string }>();
  for (let c = 0; c * CHUNK < count; c++) {
    const requests = fc.sample(arb, { seed: seed + c, numRuns: Math.min(CHUNK, count - c * CHUNK) });
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const i = next++;
        const r = requests[i];
        const a = await rawRequest(port, r.bytes, { localAddress: r.from, head: r.head, timeoutMs: 15_000, headersOnly: pageOrScript });
        tally.requests++;
        const key = `${r.op.method} ${r.op.template}`;
        tally.byOp.set(key, (tally.byOp.get(key) ?? 0) + 1);
        if (!(a instanceof Error)) {
          tally.byStatus.set(a.status, (tally.byStatus.get(a.status) ?? 0) + 1);
          if (a.status < 300) tally.accepted++;
          if (a.stream) tally.streams++;
        }
        for (const problem of judge(r, a)) {
          // Grouped without the numbers and quoted values that vary from one request to the next.
          const kind = problem.replace(/\d+/g, 'N').replace(/"[^"]*"/g, '"…"');
          const seen = wrong.get(kind);
          if (seen) seen.n++;
          else wrong.set(kind, { n: 1, example: `${problem} (seed ${seed + c}, request ${i} of that sample)\n${show(r, a)}` });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }
  if (wrong.size) throw new Error([...wrong.values()].map((w) => `${w.n}× ${w.example}`).join('\n\n'));
}

const summary = (tally: Tally): string => [...tally.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}: ${n}`).join(', ');

t.test('hostile requests on every route: JSON errors, no 5xx, the catalog untouched', async (t) => {
  const s = await startServer(tempConfig(CONFIG).file);
  t.teardown(() => s.stop());
  t.equal((await api(s.url, '/mock/clock', { method: 'POST', json: { paused: true } })).status, 200, 'the clock is paused: the world stands still');
  const names = await worldNames(s.url);
  const before = await fingerprint(s.url);
  const ops = specOperations();
  t.comment(`fast-check seed ${SEED} (FUZZ_SEED to replay): ${REQUESTS} requests over the ${ops.length} operations of docs/openapi.yaml, ${CONCURRENCY} at a time`);
  const tally = newTally();
  const began = performance.now();
  await fuzz(s.port, hostileRequest(ops, names), REQUESTS, SEED, tally);
  const seconds = (performance.now() - began) / 1000;
  t.comment(`${tally.requests} requests in ${seconds.toFixed(1)} s; by status ${summary(tally)}; ${tally.accepted} accepted (${tally.streams} event streams)`);
  t.equal(tally.requests, REQUESTS, `${tally.requests} requests answered as the contract says`);
  const missed = ops.filter((op) => (tally.byOp.get(`${op.method} ${op.template}`) ?? 0) < REQUESTS / ops.length / 4);
  t.same(missed.map((op) => `${op.method} ${op.template}`), [], `every one of the ${ops.length} operations got its share (fewest: ${Math.min(...tally.byOp.values())})`);
  t.ok([...tally.byStatus.keys()].every((status) => status < 500), 'no 5xx');
  t.ok(tally.accepted > 0, 'some generated requests were valid and answered 2xx');

  const health = await api(s.url, '/mock/health');
  t.equal(health.status, 200, '/mock/health answers afterwards');
  t.same(await fingerprint(s.url), before, 'the catalog, resources and clock are as they were: no refused request changed anything');

  const writes = ops.filter((op: Op) => op.writes && !op.template.startsWith('/mock/'));
  t.comment(`well-formed writes with hostile values: ${WRITES} requests over ${writes.length} writing operations (/mock controls left out: a reset or a 100,000-client init is not bad input)`);
  const w = newTally();
  await fuzz(s.port, writeRequest(writes, names), WRITES, SEED, w);
  t.comment(`${w.requests} writes; by status ${summary(w)}`);
  t.ok([...w.byStatus.keys()].every((status) => status < 500), 'no 5xx');
  t.equal((await api(s.url, '/mock/health')).status, 200, '/mock/health still answers');
  const ill: string[] = [];
  for (const path of TABLES) {
    const r = await api(s.url, path);
    t.equal(r.status, 200, `${path} reads`);
    ill.push(...illFormed(r.body).map((v) => `${path}: ${JSON.stringify(v).slice(0, 80)}`));
  }
  t.same(ill, [], 'what was accepted left no control character or lone surrogate in the catalog or the resources');
});

/** Strings in `value` that no name or message should hold: control characters (a log line's own line breaks aside) or lone UTF-16 surrogates. */
function illFormed(value: unknown): string[] {
  if (typeof value === 'string') return /[\u0000-\u0008\u000b-\u001f\u007f]|\p{Cs}/u.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(illFormed);
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [...illFormed(k), ...illFormed(v)]);
  return [];
}
