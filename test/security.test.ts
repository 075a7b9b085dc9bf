import t, { type Test } from 'tap';
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { ConfigError, loadConfig } from '../src/config.js';
import { MAX_URL_BYTES } from '../src/app.js';
import { rawRequest, type RawResponse } from './helpers/raw-http.js';
import { api, BASIC, startServer, tempConfig, type Running } from './helpers/server.js';

const WORLD = ['simulation:', '  default_clients: 3', '  history_days: 1', '  seed: 4', '  start_time: "2026-11-22T00:00:00"', 'logging:', '  file: logs/s.log', ''].join('\n');
const DASH = 'https://dash.example';

/**
 * Three servers for the whole file, started at once: the defaults (CORS off),
 * CORS for two origins, and timeouts short enough to watch.
 */
const [plain, withCors, impatient] = await Promise.all([
  '',
  `server:\n  cors_origins: ["${DASH}", "http://localhost:8080"]\n`,
  'server:\n  headers_timeout: 1\n  request_timeout: 2\n  keepalive_timeout: 1\n',
].map((yaml) => startServer(tempConfig(WORLD + yaml).file)));
t.teardown(() => Promise.all([plain, withCors, impatient].map((s) => s.stop())));

/** One raw request, which must be answered. */
async function raw(s: Running, text: string | Buffer, opts: Parameters<typeof rawRequest>[2] = {}): Promise<RawResponse> {
  const r = await rawRequest(s.port, text, opts);
  if (r instanceof Error) throw r;
  return r;
}

const get = (path: string, headers: string[] = []): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n${headers.map((h) => `${h}\r\n`).join('')}Connection: close\r\n\r\n`;
const AUTH = `Authorization: ${BASIC}`;
const LOGIN = '{"username":"admin","password":"bacula2026"}';

/** The JSON error contract: a 4xx, a JSON body `{data: <message>, error: <code>}`. */
function isError(t: Test, r: RawResponse, status: number, code: number, message?: RegExp): void {
  t.equal(r.status, status, `HTTP ${status}`);
  t.match(r.headers['content-type']?.[0], /^application\/json/, 'a JSON answer');
  t.same(Object.keys(r.json as object).sort(), ['data', 'error'], '{data, error}');
  t.match(r.json, { data: message ?? /./, error: code });
}

const SECURITY = { 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

function hasSecurityHeaders(t: Test, r: { headers: Record<string, string[]> }, what: string): void {
  for (const [name, value] of Object.entries(SECURITY)) t.equal(r.headers[name]?.[0], value, `${what}: ${name}`);
  t.ok(r.headers['content-security-policy']?.[0], `${what}: a Content-Security-Policy`);
}

t.test('every answer carries the security headers: data, errors of each kind, event streams, documentation, parser refusals', async (t) => {
  const s = plain;
  const wrong = `Authorization: Basic ${Buffer.from('admin:nope').toString('base64')}`;
  const answers: Array<[string, RawResponse]> = [
    ['200 catalog', await raw(s, get('/cat/Pool', [AUTH]))],
    ['401', await raw(s, get('/cat/Pool'))],
    ['404', await raw(s, get('/no/such/thing', [AUTH]))],
    ['405', await raw(s, `DELETE /cat/Job HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nConnection: close\r\n\r\n`)],
    ['400', await raw(s, get('/cat/Job?limit=-1', [AUTH]))],
    ['415', await raw(s, `POST /cmd/cancel HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi`)],
    ['health', await raw(s, get('/mock/health'))],
    ['token', await raw(s, `POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${LOGIN.length}\r\nConnection: close\r\n\r\n${LOGIN}`)],
    ['event stream', await raw(s, get('/mock/events', [AUTH]))],
    ['Swagger UI page', await raw(s, get('/docs'), { headersOnly: () => true })],
    ['ReDoc page', await raw(s, get('/redoc'), { headersOnly: () => true })],
    ['script', await raw(s, get('/docs/swagger-ui-bundle.js'), { headersOnly: () => true })],
    ['spec', await raw(s, get('/openapi.json'), { headersOnly: () => true })],
    ['431 from the parser', await raw(s, get('/cat/Job', [`X-Big: ${'x'.repeat(17_000)}`]))],
    ['400 from the parser', await raw(s, 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n')],
  ];
  for (let i = 0; i < 20; i++) await raw(s, get('/cat/Pool', [wrong]), { localAddress: '127.0.0.9' });
  answers.push(['429', await raw(s, get('/cat/Pool', [AUTH]), { localAddress: '127.0.0.9' })]);
  t.same(answers.map(([what, r]) => `${what} ${r.status}`), ['200 catalog 200', '401 401', '404 404', '405 405', '400 400', '415 415', 'health 200', 'token 200', 'event stream 200',
    'Swagger UI page 200', 'ReDoc page 200', 'script 200', 'spec 200', '431 from the parser 431', '400 from the parser 400', '429 429'], 'each answer is the one meant');
  for (const [what, r] of answers) hasSecurityHeaders(t, r, what);
  const page = answers.find(([w]) => w === 'Swagger UI page')![1];
  t.match(page.headers['content-security-policy'][0], /script-src 'self'/, 'the documentation pages keep their own policy');
  t.equal(answers[0][1].headers['content-security-policy'][0], "default-src 'none'; frame-ancestors 'none'", 'JSON answers allow nothing to run or load');
  const token = answers.find(([w]) => w === 'token')![1];
  t.equal(token.headers.pragma?.[0], 'no-cache', 'the token answer also says Pragma: no-cache (RFC 6749 §5.1)');
});

t.test('limits on size: body 1 MB (by length or chunked), request target 8 KB, request line and headers 16 KB, answered in the JSON contract', async (t) => {
  const s = plain;
  const big = `{"volume":"${'v'.repeat(1_100_000)}","pool":"Default"}`;
  isError(t, await raw(s, `POST /cmd/label HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\nConnection: close\r\n\r\n${big}`), 413, 5, /too large/);
  const chunks = big.match(/[^]{1,65536}/g)!.map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('');
  isError(t, await raw(s, `POST /cmd/label HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunks}0\r\n\r\n`), 413, 5, /too large/);
  const longTarget = `/cat/Job?name=${'a'.repeat(MAX_URL_BYTES)}`;
  isError(t, await raw(s, get(longTarget, [AUTH])), 414, 11, /longer than 8192 bytes/);
  isError(t, await raw(s, get(`/cat/Job?name=${'a'.repeat(17_000)}`, [AUTH])), 431, 12, /larger than 16384 bytes/);
  isError(t, await raw(s, get('/cat/Job', [AUTH, `X-Big: ${'x'.repeat(17_000)}`])), 431, 12);
  t.equal((await raw(s, get(`/cat/Job?name=${'a'.repeat(7000)}`, [AUTH]))).status, 200, 'a long target under the limit is answered');
});

t.test('a refused body is drained: the answer reaches a client still sending, and the connection stays in step', async (t) => {
  const s = plain;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  t.teardown(() => agent.destroy());
  const send = (method: string, path: string, body?: Buffer): Promise<{ status: number; reused: boolean; json: any }> => new Promise((ok, fail) => {
    const req = httpRequest(`${s.url}${path}`, { method, agent, headers: { Authorization: BASIC, ...(body ? { 'Content-Type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => ok({ status: res.statusCode!, reused: req.reusedSocket, json: JSON.parse(text) }));
    });
    req.on('error', fail);
    req.end(body);
  });
  const first = await send('POST', '/cmd/label', Buffer.alloc(2_000_000, 0x20));
  t.equal(first.status, 413, 'a 2 MB body is refused');
  const second = await send('GET', '/cat/Pool');
  t.equal(second.status, 200, 'the next request on the connection is answered');
  t.ok(second.reused, 'on the same connection');
  const unread = await send('POST', '/cmd/label', Buffer.alloc(600_000, 0x20));
  t.equal(unread.status, 400, 'a body of the right size that is not JSON');
  t.equal((await send('GET', '/cat/Pool')).status, 200, 'and again the connection goes on');

  const closing = await raw(s, Buffer.concat([Buffer.from(`POST /cmd/label HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Type: application/json\r\nContent-Length: 3000000\r\nConnection: close\r\n\r\n`), Buffer.alloc(3_000_000, 0x20)]));
  t.equal(closing.status, 413, 'a client that asked to close gets its 413, not a reset, though it was still sending');

  // An endless chunked body: refused at 1 MB, drained for 4 MB more, then the connection is cut.
  const sent = await new Promise<{ bytes: number; answer: string }>((ok) => {
    const sock = connect(s.port, '127.0.0.1');
    let bytes = 0;
    let answer = '';
    const chunk = Buffer.from(`10000\r\n${' '.repeat(0x10000)}\r\n`);
    sock.on('data', (d) => (answer += d));
    sock.on('connect', () => {
      sock.write(`POST /cmd/label HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`);
      const pump = (): void => {
        while (!sock.destroyed && bytes < 64_000_000) {
          bytes += chunk.length;
          if (!sock.write(chunk)) return void sock.once('drain', pump);
        }
      };
      pump();
    });
    sock.on('error', () => undefined);
    sock.on('close', () => ok({ bytes, answer }));
  });
  t.match(sent.answer, /^HTTP\/1\.1 413 /, 'the endless body got its 413');
  t.ok(sent.bytes < 16_000_000, `and the connection was cut after ${(sent.bytes / 1e6).toFixed(1)} MB, not read to the end`);
});

t.test('what Node itself would answer bare is answered in JSON: unknown methods, CONNECT, no Host, repeated headers, Expect', async (t) => {
  const s = plain;
  isError(t, await raw(s, 'FOO /cat/Job HTTP/1.1\r\nHost: x\r\n\r\n'), 400, 1, /Malformed HTTP request: unknown method/);
  isError(t, await raw(s, 'GET /cat/Job HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n'), 400, 1, /Malformed HTTP request/);
  isError(t, await raw(s, 'GET /cat/Job HTTP/1.1\r\nHost: x\r\nX-Bad\u0001: 1\r\n\r\n'), 400, 1, /Malformed HTTP request/);
  const connectAnswer = await raw(s, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n');
  isError(t, connectAnswer, 405, 3, /not a proxy/);
  t.ok(connectAnswer.headers.allow?.[0], 'with an Allow header');
  isError(t, await raw(s, `GET /cat/Pool HTTP/1.1\r\n${AUTH}\r\nConnection: close\r\n\r\n`), 400, 1, /Missing Host header/);
  t.equal((await raw(s, `GET /cat/Pool HTTP/1.0\r\n${AUTH}\r\n\r\n`)).status, 200, 'HTTP/1.0 needs no Host');
  isError(t, await raw(s, get('/cat/Pool', [AUTH, 'Authorization: Basic Og=='])), 400, 1, /Header Authorization given more than once/);
  isError(t, await raw(s, get('/cat/Pool', [AUTH, 'Host: other'])), 400, 1, /Header Host given more than once/);
  t.equal((await raw(s, get('/mock/health', ['Expect: something-else']))).status, 200, 'an Expect other than 100-continue is ignored, not a bare 417');
});

t.test('bodies are read only behind the guard, and a compressed body must decompress', async (t) => {
  const s = plain;
  const post = (body: Buffer | string, headers: string[]): string | Buffer => Buffer.concat([
    Buffer.from(`POST /mock/clock HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${headers.map((h) => `${h}\r\n`).join('')}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`),
    Buffer.from(body),
  ]);
  isError(t, await raw(s, post('{"paused": tru', [])), 401, 6, /Authentication required/);
  isError(t, await raw(s, post('{"paused": tru', [AUTH])), 400, 1, /Malformed JSON/);
  isError(t, await raw(s, post('{"paused": true}', [AUTH, 'Content-Encoding: gzip'])), 400, 1, /does not decompress/);
  isError(t, await raw(s, post('{"paused": true}', [AUTH, 'Content-Encoding: compress'])), 415, 7, /Content-Encoding/);
  const zipped = await raw(s, post(gzipSync('{"paused": true}'), [AUTH, 'Content-Encoding: gzip']));
  t.equal(zipped.status, 200, 'a gzip body that is gzip is read');
  t.match(zipped.json, { data: { paused: true } });
});

t.test('error messages quote at most a short piece of what was sent', async (t) => {
  const s = plain;
  const long = 'z'.repeat(50_000);
  const answers = [
    await api(s.url, `/cat/Job?limit=${long.slice(0, 7000)}`),
    await api(s.url, '/cmd/label', { method: 'POST', json: { volume: long, pool: 'Default' } }),
    await api(s.url, '/cmd/cancel', { method: 'POST', json: { jobid: long } }),
    await api(s.url, '/mock/clock', { method: 'POST', json: { advance: long } }),
    await api(s.url, '/bvfs/lsdirs', { method: 'POST', json: { jobid: long, path: '/' } }),
    await api(s.url, `/status/client?name=${long.slice(0, 7000)}`),
  ];
  for (const r of answers) {
    t.equal(r.status >= 400 && r.status < 500, true, `refused: ${r.body.data.slice(0, 70)}`);
    t.ok(r.body.data.length <= 1000, `a message of ${r.body.data.length} characters`);
  }
});

t.test('slow clients are cut off: headers byte by byte, a slow body, a connection that sends nothing, an idle keep-alive', async (t) => {
  const s = impatient;
  /** Writes `text` a byte every `everyMs`, reads what comes back; resolves when the server closes the connection. */
  const trickle = (text: string, everyMs: number, start = 0): Promise<{ ms: number; sent: number; answer: string }> => new Promise((ok) => {
    const began = performance.now();
    const sock: Socket = connect(s.port, '127.0.0.1');
    let sent = 0;
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    sock.on('connect', () => {
      sock.write(text.slice(0, start));
      sent = start;
      timer = setInterval(() => {
        if (sent < text.length && !sock.destroyed) sock.write(text[sent++]);
      }, everyMs);
    });
    sock.on('data', (d) => (answer += d));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearInterval(timer);
      ok({ ms: performance.now() - began, sent, answer });
    });
  });
  const headers = `GET /cat/Pool HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nX-Padding: ${'p'.repeat(200)}\r\n\r\n`;
  const body = 'x'.repeat(100);
  const head = `POST /cmd/cancel HTTP/1.1\r\nHost: x\r\n${AUTH}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
  const keepAlive = get('/mock/health').replace('Connection: close\r\n', '');
  // All four at once: each is timed by the server on its own connection.
  const [slowHeaders, slowBody, silent, idle] = await Promise.all([
    trickle(headers, 100), trickle(head + body, 100, head.length), trickle('', 1000), trickle(keepAlive, 1000, keepAlive.length),
  ]);
  t.ok(slowHeaders.sent < headers.length, `headers sent byte by byte: cut off after ${slowHeaders.sent} of ${headers.length} bytes`);
  t.ok(slowHeaders.ms >= 900 && slowHeaders.ms < 3500, `within headers_timeout (1 s) and the next check (${Math.round(slowHeaders.ms)} ms)`);
  t.match(slowHeaders.answer, /^HTTP\/1\.1 408 Request Timeout\r\n[^]*\r\n\r\n\{"data":"The request was not received in time[^"]*","error":10\}$/, 'told so in JSON (408)');

  t.ok(slowBody.sent < head.length + body.length, `a body sent byte by byte is cut off after ${slowBody.sent - head.length} of ${body.length} bytes`);
  t.ok(slowBody.ms >= 1900 && slowBody.ms < 4500, `within request_timeout (2 s) and the next check (${Math.round(slowBody.ms)} ms)`);
  t.match(slowBody.answer, /^HTTP\/1\.1 408 /, 'with a 408');

  t.ok(silent.ms < 3500, `a connection that sends nothing is closed (${Math.round(silent.ms)} ms)`);

  t.match(idle.answer, /^HTTP\/1\.1 200 /, 'a keep-alive request is answered');
  t.ok(idle.ms < 3500, `and the idle connection closed after keepalive_timeout (${Math.round(idle.ms)} ms)`);

  t.equal((await api(s.url, '/cat/Pool')).status, 200, 'ordinary clients are served');
});

t.test('an event stream outlives request_timeout: only receiving a request is timed', async (t) => {
  const s = impatient;
  const stream = await new Promise<{ ms: number; frames: number }>((ok, fail) => {
    const began = performance.now();
    const req = httpRequest(`${s.url}/mock/events?keepalive=0.3`, { headers: { Authorization: BASIC } }, (res) => {
      let frames = 0;
      res.on('data', (d: Buffer) => (frames += d.toString().split('\n\n').length - 1));
      setTimeout(() => {
        ok({ ms: performance.now() - began, frames });
        req.destroy();
      }, 4500);
    });
    req.on('error', fail);
    req.end();
  });
  t.ok(stream.frames >= 10, `the stream was open 4.5 s, well past request_timeout (2 s), and sent ${stream.frames} frames`);
});

t.test('CORS is off by default: no CORS header, and a preflight is an ordinary OPTIONS request', async (t) => {
  const s = plain;
  const r = await raw(s, get('/cat/Pool', [AUTH, `Origin: ${DASH}`]));
  t.equal(r.status, 200);
  t.same(Object.keys(r.headers).filter((h) => h.startsWith('access-control-')), [], 'no Access-Control-* header');
  t.notOk(r.headers.vary, 'no Vary');
  const pre = await raw(s, `OPTIONS /cat/Pool HTTP/1.1\r\nHost: x\r\nOrigin: ${DASH}\r\nAccess-Control-Request-Method: GET\r\nConnection: close\r\n\r\n`);
  isError(t, pre, 405, 3);
  t.same(Object.keys(pre.headers).filter((h) => h.startsWith('access-control-')), [], 'the preflight gets no CORS header either');
});

t.test('CORS with cors_origins: listed origins get preflights and Access-Control-Allow-Origin on every answer, others nothing', async (t) => {
  const s = withCors;
  const preflight = (path: string, origin: string): Promise<RawResponse> => raw(s,
    `OPTIONS ${path} HTTP/1.1\r\nHost: x\r\nOrigin: ${origin}\r\nAccess-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: authorization\r\nConnection: close\r\n\r\n`);
  const pre = await preflight('/cat/Job', DASH);
  t.equal(pre.status, 204, 'a listed origin\'s preflight is answered 204, without credentials');
  t.equal(pre.headers['access-control-allow-origin']?.[0], DASH);
  t.same(pre.headers['access-control-allow-methods']?.[0].split(', ').sort(), ['GET', 'HEAD'], 'the methods of that path');
  t.match(pre.headers['access-control-allow-headers']?.[0], /Authorization/, 'Authorization may be sent');
  t.match(pre.headers['access-control-allow-headers']?.[0], /Content-Type/);
  t.equal(pre.headers['access-control-max-age']?.[0], '600');
  t.match(pre.headers.vary?.[0], /Origin/);
  hasSecurityHeaders(t, pre, 'preflight');
  const writes = await preflight('/res/director/pool/Weekly', 'http://localhost:8080');
  t.same(writes.headers['access-control-allow-methods']?.[0].split(', ').sort(), ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT']);

  const ok = await raw(s, get('/cat/Pool', [AUTH, `Origin: ${DASH}`]));
  t.equal(ok.status, 200);
  t.equal(ok.headers['access-control-allow-origin']?.[0], DASH, 'an answer to a listed origin allows it');
  t.match(ok.headers['access-control-expose-headers']?.[0], /Retry-After/);
  t.match(ok.headers.vary?.[0], /Origin/);
  const refused = await raw(s, get('/cat/Pool', [`Origin: ${DASH}`]));
  t.equal(refused.status, 401);
  t.equal(refused.headers['access-control-allow-origin']?.[0], DASH, 'errors too, so the page can read why');
  const anyCase = await raw(s, get('/cat/Pool', [AUTH, 'Origin: HTTPS://DASH.EXAMPLE']));
  t.equal(anyCase.headers['access-control-allow-origin']?.[0], 'HTTPS://DASH.EXAMPLE', 'origins compare without regard to case');

  const other = await raw(s, get('/cat/Pool', [AUTH, 'Origin: https://evil.example']));
  t.equal(other.status, 200, 'an unlisted origin is still served (CORS is the browser\'s rule, not auth)');
  t.notOk(other.headers['access-control-allow-origin'], 'but not allowed: the browser keeps the answer from the page');
  t.match(other.headers.vary?.[0], /Origin/, 'and caches are told the answer depends on Origin');
  const otherPre = await preflight('/cat/Job', 'https://evil.example');
  t.equal(otherPre.status, 405, 'its preflight is an ordinary OPTIONS request');
  t.notOk(otherPre.headers['access-control-allow-origin']);
  t.notOk((await raw(s, get('/cat/Pool', [AUTH]))).headers['access-control-allow-origin'], 'no Origin, no CORS header');
});

t.test('a browser page of another site cannot change anything, even with the Basic credentials its browser holds (CSRF)', async (t) => {
  const s = withCors;
  // What a form on another site submits: the browser adds the credentials it was given for this server.
  const form = (origin: string | null, path = '/mock/reset', extra: string[] = []): Promise<RawResponse> => raw(s,
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\n${AUTH}\r\n${origin ? `Origin: ${origin}\r\n` : ''}${extra.map((h) => `${h}\r\n`).join('')}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  const before = (await api(s.url, '/mock/health')).body.data.jobs;
  isError(t, await form('https://evil.example'), 403, 13, /A page of "https:\/\/evil.example" may not change anything here/);
  isError(t, await form('null'), 403, 13);
  isError(t, await form(null, '/cmd/cancel?jobid=1', ['Sec-Fetch-Site: cross-site']), 403, 13, /another site/);
  isError(t, await form('https://evil.example', '/no/such/path'), 403, 13);
  t.equal((await api(s.url, '/mock/health')).body.data.jobs, before, 'the world was not reset');
  t.equal((await raw(s, get('/cat/Pool', [AUTH, 'Origin: https://evil.example']))).status, 200, 'reading is not refused (the browser keeps the answer from the page)');
  t.equal((await form(`http://127.0.0.1:${s.port}`, '/mock/clock?paused=true')).status, 200, 'a page of this server itself (Swagger UI\'s "Try it out") may');
  t.equal((await form(DASH, '/mock/clock?paused=true')).status, 200, 'a listed origin may');
  t.equal((await form(null, '/mock/clock?paused=true', ['Sec-Fetch-Site: same-origin'])).status, 200, 'so may the browser\'s own navigation');
  t.equal((await form(null, '/mock/clock?paused=true')).status, 200, 'and a client that is not a browser');
});

t.test('cors_origins and the timeouts are checked at start', async (t) => {
  const problems = (yaml: string): string[] => {
    const { file } = tempConfig(yaml);
    try {
      loadConfig(file);
      return [];
    } catch (e) {
      if (e instanceof ConfigError) return e.lines.map((l) => l.replace(file, 'config.yaml'));
      throw e;
    }
  };
  t.same(problems('server:\n  cors_origins: ["dash.example", "https://ok.example:8443", "https://x.example/"]\n'), [
    'config.yaml:2: server.cors_origins.0: has an invalid format (got "dash.example")',
    'config.yaml:2: server.cors_origins.2: has an invalid format (got "https://x.example/")',
  ]);
  t.same(problems('server:\n  headers_timeout: 90\n'), ['config.yaml:2: server.headers_timeout: must not exceed request_timeout (90 > 60)']);
  t.same(loadConfig(tempConfig('').file).server.cors_origins, [], 'no origins by default');
});

t.test('the OAuth2 token endpoint: RFC 6749 errors for a wrong grant or missing fields (400), wrong credentials (401)', async (t) => {
  const s = plain;
  const token = (body: unknown, headers: Record<string, string> = {}) => api(s.url, '/oauth/token', typeof body === 'string'
    ? { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers } }
    : { method: 'POST', json: body, headers });
  const refusal = (t: Test, r: { status: number; body: any }, status: number, code: string, message: RegExp): void => {
    t.equal(r.status, status, `HTTP ${status}`);
    t.same(Object.keys(r.body).sort(), ['data', 'error', 'error_description'], 'the OAuth2 fields, and data for the envelope');
    t.match(r.body, { error: code, error_description: message, data: message });
  };
  refusal(t, await token({ grant_type: 'client_credentials', username: 'admin', password: 'bacula2026' }), 400, 'unsupported_grant_type', /grant_type "client_credentials" is not supported/);
  refusal(t, await token('grant_type=authorization_code&code=x'), 400, 'unsupported_grant_type', /not supported/);
  refusal(t, await token({ grant_type: 7, username: 'admin', password: 'bacula2026' }), 400, 'invalid_request', /"grant_type" must be a string/);
  refusal(t, await token({ username: 'admin' }), 400, 'invalid_request', /Missing "username" or "password"/);
  refusal(t, await token({ username: 42, password: 'bacula2026' }), 400, 'invalid_request', /Missing/);
  refusal(t, await token('username=admin&username=root&password=bacula2026'), 400, 'invalid_request', /each a string/);
  refusal(t, await token({ username: 'admin', password: 'nope' }), 401, 'invalid_grant', /Invalid username or password/);
  const notJson = await api(s.url, '/oauth/token', { method: 'POST', body: 'x', headers: { 'Content-Type': 'text/plain' } });
  t.match(notJson, { status: 415, body: { error: 7 } }, 'a body of another type is the envelope\'s 415');
  const malformed = await api(s.url, '/oauth/token', { method: 'POST', body: '{"username"', headers: { 'Content-Type': 'application/json' } });
  t.match(malformed, { status: 400, body: { error: 1, data: /Malformed JSON/ } }, 'malformed JSON is the envelope\'s 400');

  const issued = new Set<string>();
  for (let i = 0; i < 20; i++) {
    const r = await token(i % 2 ? { username: 'admin', password: 'bacula2026', grant_type: 'password' } : 'grant_type=password&username=admin&password=bacula2026');
    t.equal(r.status, 200);
    t.match(r.body, { token_type: 'Bearer', expires_in: 12, access_token: /^[0-9a-f]{40}$/ });
    issued.add(r.body.access_token);
  }
  t.equal(issued.size, 20, 'every token is new (160 random bits)');
  t.equal((await api(s.url, '/cat/Pool', { headers: { Authorization: `Bearer ${[...issued][0]}` } })).status, 200, 'and works');
});
