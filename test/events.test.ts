import { get, type ClientRequest, type IncomingMessage } from 'node:http';
import t, { type Test } from 'tap';
import { SLOW_WORLD } from './fixtures/slow-world.js';
import { api, BASIC, startServer, tempConfig } from './helpers/server.js';

interface Frame {
  id?: number;
  event?: string;
  data?: any;
}

const post = (json: unknown) => ({ method: 'POST', json });
const advance = (url: string, by: string) => api(url, '/mock/clock', post({ advance: by }));

/** Streams still open: closed before a server stops (an open stream would hold its shutdown). */
const open = new Set<ClientRequest>();

/** A server for one test, paused, stopped (after its streams are closed) when the test ends. */
async function serve(t: Test): Promise<string> {
  const srv = await startServer(tempConfig(SLOW_WORLD).file);
  t.teardown(() => {
    for (const req of open) req.destroy();
    return srv.stop();
  });
  await api(srv.url, '/mock/clock', post({ paused: true }));
  return srv.url;
}

/**
 * A Server-Sent Events reader: frames and comment lines as they arrive. Over
 * node:http, whose `destroy()` closes the connection at once (an aborted
 * fetch leaves it open until the server writes again).
 */
async function subscribe(base: string, path: string, headers: Record<string, string> = { Authorization: BASIC }) {
  const req = get(base + path, { headers });
  open.add(req);
  const res = await new Promise<IncomingMessage>((ok, fail) => req.once('response', ok).once('error', fail));
  const frames: Frame[] = [];
  const comments: string[] = [];
  let wake: () => void = () => {};
  let buf = '';
  const parse = (block: string): void => {
    const f: Frame = {};
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) comments.push(line.slice(1).trim());
      else if (line.startsWith('id: ')) f.id = Number(line.slice(4));
      else if (line.startsWith('event: ')) f.event = line.slice(7);
      else if (line.startsWith('data: ')) f.data = JSON.parse(line.slice(6));
    }
    if (f.event) frames.push(f);
  };
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    buf += chunk;
    for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
      parse(buf.slice(0, i));
      buf = buf.slice(i + 2);
    }
    wake();
  });
  let ended = false;
  res.on('error', () => {}); // destroyed by close()
  res.once('close', () => {
    ended = true;
    wake();
  });
  return {
    status: res.statusCode,
    type: res.headers['content-type'],
    frames,
    comments,
    /** the server ended the stream (or close() did) */
    get ended(): boolean {
      return ended;
    },
    /** Resolves once `ok` holds for what has arrived; fails after `ms` of real time. */
    async until(ok: () => boolean, what: string, ms = 5000): Promise<void> {
      const deadline = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${frames.slice(-5).map((f) => f.event).join(', ')} (${frames.length} in all)`);
        await new Promise<void>((r) => {
          wake = r;
          setTimeout(r, 50);
        });
      }
    },
    /** Stops reading, as a stalled client would. */
    pause: () => {
      res.pause();
      req.socket?.pause();
    },
    resume: () => {
      req.socket?.resume();
      res.resume();
    },
    close: () => {
      req.destroy();
      open.delete(req);
    },
  };
}

t.test('a browser\'s EventSource, which cannot send headers, subscribes with access_token= in the query', async (t) => {
  const url = await serve(t);
  const token = (await api(url, '/oauth/token', post({ username: 'admin', password: 'bacula2026' }))).body.access_token;
  const sse = await subscribe(url, `/mock/events?access_token=${token}&keepalive=0.1`, {});
  t.equal(sse.status, 200);
  await sse.until(() => sse.comments.length > 0, 'a keep-alive');
  sse.close();
  const refused = await subscribe(url, '/mock/events?access_token=0000', {});
  t.equal(refused.status, 401, 'a wrong token is refused');
  refused.close();
  const post2 = await api(url, '/cmd/estimate?access_token=' + token, { method: 'POST', json: { client: 'slow-box-001' }, headers: { Authorization: '' } });
  t.equal(post2.status, 401, 'only a GET may carry its token in the query');
});

t.test('SSE receives the events of a run', async (t) => {
  const url = await serve(t);
  const sse = await subscribe(url, '/mock/events?client=slow-box-003&progress=0.1');
  t.equal(sse.status, 200);
  t.match(sse.type, /^text\/event-stream/);

  const run = await api(url, '/cmd/run', post({ job: 'backup-slow-box-003', level: 'F' }));
  t.equal(run.status, 200, JSON.stringify(run.body));
  const jobid: number = run.body.data.jobid;
  const of = (event: string) => sse.frames.filter((f) => f.event === event && f.data.jobid === jobid);
  await sse.until(() => of('job.created').length > 0, 'job.created');
  t.match(of('job.created')[0].data, { jobid, job: run.body.data.job, name: 'backup-slow-box-003', client: 'slow-box-003', type: 'B', level: 'F' });
  await sse.until(() => of('job.status').some((f) => f.data.jobstatus === 'R'), 'job.status R');
  t.match(of('job.status').find((f) => f.data.jobstatus === 'R')!.data, { status: 'R', status_desc: 'is running' });

  // Progress: the counts a dashboard sees grow as virtual time moves, and only then.
  await advance(url, '60s');
  await sse.until(() => of('job.progress').some((f) => f.data.jobbytes > 0), 'progress with bytes');
  const p1 = of('job.progress').at(-1)!.data;
  await new Promise((r) => setTimeout(r, 300));
  t.equal(of('job.progress').at(-1)!.data.jobbytes, p1.jobbytes, 'no repeat while the clock stands still');
  await advance(url, '60s');
  await sse.until(() => of('job.progress').at(-1)!.data.jobbytes > p1.jobbytes, 'more progress');
  const p2 = of('job.progress').at(-1)!.data;
  t.ok(p2.jobfiles > p1.jobfiles && p2.percent >= p1.percent, `progress moved: ${p1.jobbytes} -> ${p2.jobbytes} (${p2.percent}%)`);
  t.match(p2, { jobid, job: run.body.data.job, client: 'slow-box-003', jobstatus: 'R', status: 'R', bytes_sec: Number });

  await advance(url, '3h');
  await sse.until(() => of('job.ended').length > 0, 'job.ended');
  const ended = of('job.ended')[0].data;
  t.match(ended, { jobid, jobstatus: 'T', client: 'slow-box-003', pool: 'Full' });
  t.ok(ended.jobbytes >= p2.jobbytes && ended.endtime !== null);
  const logs = of('job.log');
  t.ok(logs.length >= 5, `log lines (${logs.length})`);
  t.match(logs[0].data, { jobid, logid: Number, time: String, logtext: new RegExp(`^bacula-dir JobId ${jobid}: Start Backup`) });
  t.ok(logs.some((f) => /Termination: +Backup OK/.test(f.data.logtext)), 'the termination report');
  const logids = logs.map((f) => f.data.logid);
  t.same(logids, [...logids].sort((a, b) => a - b), 'log lines in order');
  const ids = sse.frames.map((f) => f.id!);
  t.same(ids, ids.map((_, i) => i + 1), 'ids count up from 1');
  const order = sse.frames.filter((f) => f.data.jobid === jobid && f.event !== 'job.progress').map((f) => f.event);
  t.equal(order[0], 'job.created');
  t.equal(order.at(-1), 'job.ended', 'the job ends the story (its report and pruning lines come before)');
  t.ok(sse.frames.every((f) => f.data.client === 'slow-box-003'), 'only the client asked for');
});

t.test('filters: by client, by jobid, by event; keep-alive comments', async (t) => {
  const url = await serve(t);
  const a = (await api(url, '/cmd/run', post({ job: 'backup-slow-box-004', level: 'F' }))).body.data.jobid;
  const b = (await api(url, '/cmd/run', post({ job: 'backup-slow-box-005', level: 'F' }))).body.data.jobid;
  const all = await subscribe(url, '/mock/events?progress=0.1&keepalive=0.2');
  const byJob = await subscribe(url, `/mock/events?jobid=${a}&progress=0.1`);
  const byClient = await subscribe(url, '/mock/events?client=slow-box-005&progress=0.1');
  const onlyEnds = await subscribe(url, '/mock/events?events=job.ended,world.reset&progress=0.1');

  await all.until(() => all.frames.some((f) => f.event === 'job.progress'), 'a first progress event');
  await advance(url, '3h');
  const ended = (s: typeof all, id: number) => s.frames.some((f) => f.event === 'job.ended' && f.data.jobid === id);
  await all.until(() => ended(all, a) && ended(all, b), 'both jobs end on the unfiltered stream');
  await byJob.until(() => ended(byJob, a), 'job a ends');
  await byClient.until(() => ended(byClient, b), 'job b ends');
  await onlyEnds.until(() => ended(onlyEnds, a) && ended(onlyEnds, b), 'both ends');
  t.ok(byJob.frames.length > 3 && byJob.frames.every((f) => f.data.jobid === a), 'jobid=: only that job');
  t.ok(byClient.frames.every((f) => f.data.client === 'slow-box-005'), 'client=: only that client\'s jobs');
  t.notOk(byClient.frames.some((f) => f.data.jobid === a));
  t.ok(onlyEnds.frames.every((f) => f.event === 'job.ended'), 'events=: only the events asked for');
  const kinds = new Set(all.frames.map((f) => f.event));
  for (const k of ['job.created', 'job.status', 'job.log', 'job.progress', 'job.ended']) t.ok(kinds.has(k), `the unfiltered stream has ${k}`);

  // Keep-alive comment lines come at the asked interval, events or not.
  const before = all.comments.filter((c) => c === 'keep-alive').length;
  await all.until(() => all.comments.filter((c) => c === 'keep-alive').length >= before + 3, 'three more keep-alives', 3000);
  t.pass('keep-alive comments every 0.2 s');

  await api(url, '/mock/reset', post({}));
  await onlyEnds.until(() => onlyEnds.frames.some((f) => f.event === 'world.reset'), 'world.reset');
  t.match(onlyEnds.frames.at(-1)!.data, { virtual_time: String });
});

t.test('a time jump: readers too far behind are told what they missed; a stalled one is cut off', async (t) => {
  const url = await serve(t);
  const stalled = await subscribe(url, '/mock/events?progress=0&keepalive=0.5');
  const live = await subscribe(url, '/mock/events?progress=0');
  stalled.pause();
  // A virtual year of the clients' own jobs in one request: far more than a reader may fall behind (4 MB).
  const began = Date.now();
  const adv = await advance(url, '365d');
  t.equal(adv.status, 200, `a virtual year played in ${Date.now() - began} ms`);
  await live.until(() => live.frames.some((f) => f.event === 'stream.dropped'), 'stream.dropped', 10_000);
  const dropped = live.frames.find((f) => f.event === 'stream.dropped')!;
  t.ok(dropped.data.count > 0, `the live reader missed ${dropped.data.count} events and was told so`);
  const before = live.frames.length;
  const created = live.frames.filter((f) => f.event === 'job.created');
  t.ok(created.length > 100, `it had followed the clients' own jobs first (${created.length} created)`);
  t.match(created[0].data, { jobid: Number, job: String, jobstatus: 'C', client: /-\d{3}$/ });
  t.notOk(live.frames.some((f) => f.event === 'job.progress'), 'progress=0 turns progress events off');
  await advance(url, '6h');
  await live.until(() => live.frames.length > before, 'events after catching up');
  t.pass('and carries on');

  // Two keep-alive intervals (0.5 s) without taking anything: the server hangs up.
  await new Promise((r) => setTimeout(r, 1500));
  stalled.resume();
  await stalled.until(() => stalled.ended, 'the stalled reader to find its stream closed', 10_000);
  t.ok(stalled.frames.length < live.frames.length, `the stalled reader was disconnected (${stalled.frames.length} events read)`);
  t.equal((await api(url, '/mock/health')).status, 200, 'the server carries on');
});

t.test('bad subscriptions are refused before the stream starts', async (t) => {
  const url = await serve(t);
  for (const [path, status] of [
    ['/mock/events?client=no-such-fd', 404],
    ['/mock/events?jobid=999999', 404],
    ['/mock/events?jobid=abc', 400],
    ['/mock/events?keepalive=0', 400],
    ['/mock/events?keepalive=soon', 400],
    ['/mock/events?progress=0.01', 400],
    ['/mock/events?events=job.started', 400],
    ['/mock/events?follow=1', 400],
  ] as const) {
    const r = await api(url, path);
    t.equal(r.status, status, `${path} -> ${status}`);
    t.match(r.headers.get('content-type'), /json/);
    t.ok(typeof r.body.data === 'string' && r.body.error > 0, `with a message: ${r.body.data}`);
  }
  t.equal((await api(url, '/mock/events', { headers: { Authorization: '' } })).status, 401, 'the stream needs credentials');
});
