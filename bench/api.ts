/**
 * Benchmark: the REST API under load, side by side in one run.
 *   node dist/bench/api.js [seconds=10] [connections=50]
 *
 * 1. `GET /cat/Job?limit=10` with Basic auth and the default access log
 *    (file + stdout), against (a) a bare node:http server answering the same
 *    bytes — the ceiling — and (b) Prism mocking docs/openapi.yaml for the same
 *    route. Load from autocannon in its own process; one server at a time;
 *    with the CPU time each server process spent per request (Linux).
 * 2. Filtered `/cat/Job` pages on a ~1,000,000-job catalog and on a ~10,000-job
 *    one: p50/p99 latency of each page, one request at a time over one
 *    kept-alive connection, none of them answered from the cache.
 * Prints one JSON line per measurement and a summary with the ratios and the
 * load average of the machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, createServer, get as httpGet } from 'node:http';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { processCpuMs, quantile } from './measure.js';
import { BASIC as AUTH, ServerProcess, tempConfig, tempDir } from './server-process.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const [seconds = 10, connections = 50] = process.argv.slice(2).map(Number);
const ROUTE = '/cat/Job?limit=10';

function waitFor(child: ChildProcess, pattern: RegExp, what: string): Promise<RegExpExecArray> {
  return new Promise((ok, fail) => {
    let out = '';
    const onData = (d: Buffer): void => {
      out += d;
      const m = pattern.exec(out);
      if (m) {
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        ok(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`${what} exited ${code}: ${out.slice(-2000)}`)));
  });
}

/** Our server on an ephemeral port, with a config of `clients` clients and `days` of history. */
async function startOurs(clients: number, days: number): Promise<{ url: string; child: ChildProcess }> {
  const dir = tempDir('bench-api-');
  const { file } = tempConfig(`simulation:\n  default_clients: ${clients}\n  history_days: ${days}\n  data_dir: ${dir}/data\nlogging:\n  file: ${dir}/logs/bacula_mock.log\n`, dir);
  // The access log goes on to stdout as it would under systemd; drained unread once listening.
  const server = new ServerProcess(join(ROOT, 'dist/src/main.js'), file, ['--max-old-space-size=4096']);
  const port = await server.ready;
  server.unreadLog();
  return { url: `http://127.0.0.1:${port}`, child: server.child };
}

/** The bare ceiling: node:http answering pre-serialised bytes, in its own process like the others. */
async function startBare(body: string): Promise<{ url: string; child: ChildProcess }> {
  const src = `const b=Buffer.from(${JSON.stringify(body)});require('node:http').createServer((q,s)=>{s.writeHead(200,{'content-type':'application/json; charset=utf-8','content-length':b.length});s.end(b)}).listen(0,'127.0.0.1',function(){console.log('PORT='+this.address().port)})`;
  const child = spawn(process.execPath, ['-e', src], { stdio: ['ignore', 'pipe', 'pipe'] });
  const m = await waitFor(child, /PORT=(\d+)/, 'bare server');
  return { url: `http://127.0.0.1:${m[1]}`, child };
}

async function startPrism(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(join(ROOT, 'node_modules/.bin/prism'), ['mock', '-h', '127.0.0.1', '-p', String(port), '--errors', 'false', join(ROOT, 'docs/openapi.yaml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  await waitFor(child, /Prism is listening/, 'prism');
  child.stdout!.resume();
  child.stderr!.resume();
  return { url: `http://127.0.0.1:${port}`, child };
}

function freePort(): Promise<number> {
  return new Promise((ok) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

interface Load { requests: number; rps: number; p50: number; p99: number; non2xx: number; errors: number; cpuUsPerRequest?: number }

/** autocannon in its own process, JSON out; with the CPU the server (`server`) spent per request. */
function load(url: string, server?: ChildProcess): Promise<Load> {
  const before = processCpuMs(server?.pid);
  const child = spawn(join(ROOT, 'node_modules/.bin/autocannon'), ['-j', '-c', String(connections), '-d', String(seconds), '-H', `Authorization=${AUTH}`, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return new Promise((ok, fail) => child.once('exit', (code) => {
    if (code !== 0) return fail(new Error(`autocannon exited ${code}`));
    const r = JSON.parse(out);
    const after = processCpuMs(server?.pid);
    const cpu = before !== undefined && after !== undefined && r.requests.total ? Math.round(((after - before) * 1000) / r.requests.total) : undefined;
    ok({ requests: r.requests.total, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, cpuUsPerRequest: cpu });
  }));
}

/**
 * One connection kept open, as a dashboard's client keeps it. node:http
 * rather than fetch: undici's own work per request added 0.5-0.7 ms to the
 * median of a page the server builds in ~0.3 ms.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function get(url: string): Promise<{ status: number; text: string }> {
  return new Promise((ok, fail) => {
    httpGet(url, { agent, headers: { Authorization: AUTH } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString() }));
      res.on('error', fail);
    }).on('error', fail);
  });
}

/**
 * Latency of one kind of page, one request at a time (after a warm-up): p50
 * and p99 in ms. Each request asks a different page (offset and limit move a
 * little), so every answer is built from the catalog, never replayed from the
 * answer cache.
 */
async function pageLatency(base: string, path: string, offset: number, n = 300): Promise<{ p50: number; p99: number; rows: number }> {
  const url = (i: number): string => `${base}${path}&offset=${offset + (i % 50)}&limit=${50 + Math.floor(i / 50)}`;
  let rows = 0;
  for (let i = 0; i < 30; i++) rows = JSON.parse((await get(url(n + i))).text).data.length;
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await get(url(i));
    times.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`${url(i)}: ${r.status} ${r.text}`);
  }
  times.sort((a, b) => a - b);
  return { p50: +quantile(times, 0.5).toFixed(2), p99: +quantile(times, 0.99).toFixed(2), rows };
}

async function post(url: string, json: unknown): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { Authorization: AUTH, 'Content-Type': 'application/json' }, body: JSON.stringify(json) });
  return res.json();
}

async function throughput(): Promise<Record<string, number>> {
  const ours = await startOurs(200, 7);
  await post(`${ours.url}/mock/clock`, { paused: true });
  const body = (await get(ours.url + ROUTE)).text;
  const results: Record<string, Load> = {};
  results.ours = await load(ours.url + ROUTE, ours.child);
  ours.child.kill();
  const bare = await startBare(body);
  results.bare = await load(bare.url + ROUTE, bare.child);
  bare.child.kill();
  const prism = await startPrism();
  results.prism = await load(prism.url + ROUTE);
  prism.child.kill();
  for (const [name, r] of Object.entries(results)) console.log(JSON.stringify({ bench: 'throughput', server: name, route: ROUTE, connections, seconds, ...r }));
  return { oursVsBare: +(results.ours.rps / results.bare.rps).toFixed(2), oursVsPrism: +(results.ours.rps / results.prism.rps).toFixed(2) };
}

/** The filtered pages, on a world of `clients` × `days`. */
async function pages(clients: number, days: number): Promise<{ jobs: number; pages: Record<string, { p50: number; p99: number; rows: number }> }> {
  const ours = await startOurs(clients, days);
  try {
    await post(`${ours.url}/mock/clock`, { paused: true });
    const health = JSON.parse((await get(`${ours.url}/mock/health`)).text).data;
    const client = JSON.parse((await get(`${ours.url}/cat/Client?limit=1&offset=${Math.floor(clients / 2)}`)).text).data[0];
    const deep = Math.floor(health.jobs * 0.9);
    const pagesToTime: Record<string, [string, number]> = {
      'jobstatus=E': ['/cat/Job?jobstatus=E', 0],
      'jobstatus=E deep': ['/cat/Job?jobstatus=E', Math.floor(health.jobs * 0.05)],
      'clientid=': [`/cat/Job?clientid=${client.clientid}`, 0],
      'offset=90%': ['/cat/Job?order=asc', deep],
      'jobstatus=Ef&order=desc': ['/cat/Job?jobstatus=Ef&order=desc', 0],
      'clientid=&jobstatus=T': [`/cat/Job?clientid=${client.clientid}&jobstatus=T`, 0],
    };
    const out: Record<string, { p50: number; p99: number; rows: number }> = {};
    for (const [name, [path, offset]] of Object.entries(pagesToTime)) {
      out[name] = await pageLatency(ours.url, path, offset);
      console.log(JSON.stringify({ bench: 'page', jobs: health.jobs, page: name, ...out[name] }));
    }
    return { jobs: health.jobs, pages: out };
  } finally {
    ours.child.kill();
  }
}

// Other work on the machine moves every figure: say how busy it was.
const loadBefore = loadavg().map((l) => +l.toFixed(2));
const tp = await throughput();
const small = await pages(200, 30);
// At the default job interval the storage is the bottleneck: ~16,500 jobs a day however many clients.
const large = await pages(10_000, 62);
const ratios: Record<string, number> = {};
for (const name of Object.keys(large.pages)) ratios[name] = +(large.pages[name].p99 / Math.max(0.01, small.pages[name].p99)).toFixed(2);
console.log(JSON.stringify({ summary: { loadAverage: { before: loadBefore, after: loadavg().map((l) => +l.toFixed(2)) }, throughput: tp, smallJobs: small.jobs, largeJobs: large.jobs, p99LargeOverSmall: ratios, p99Large: Object.fromEntries(Object.entries(large.pages).map(([k, v]) => [k, v.p99])) } }));
agent.destroy();
