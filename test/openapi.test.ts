import t from 'tap';
import { Validator } from '@seriousme/openapi-schema-validator';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { parse } from 'yaml';
import { createApp } from '../src/app.js';
import { Tokens } from '../src/auth.js';
import { loadConfig } from '../src/config.js';
import { LiveDirector } from '../src/director.js';
import { Store } from '../src/store.js';
import { assertResponse, responseErrors, schemaErrors, spec } from './helpers/openapi.js';
import { api, BASIC, ROOT, startServer, tempConfig } from './helpers/server.js';

const CONFIG = [
  'simulation:', '  default_clients: 8', '  history_days: 3', '  seed: 11', '  start_time: "2026-11-22T00:00:00"',
  'logging:', '  file: logs/test.log', '',
].join('\n');

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of the spec as `METHOD /path`, path parameters with an enum expanded to each value. */
function specOperations(): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(spec.paths)) {
    for (const m of METHODS.filter((x) => item[x])) {
      let paths = [path];
      const params = (item[m].parameters ?? []).map((x: any) => (x.$ref ? spec.components.parameters[x.$ref.split('/').pop()] : x));
      for (const p of params.filter((x: any) => x.in === 'path')) {
        const values: string[] | undefined = p.schema?.enum;
        paths = paths.flatMap((x) => (values ? values.map((v) => x.replace(`{${p.name}}`, v)) : [x.replace(`{${p.name}}`, '{}')]));
      }
      out.push(...paths.map((x) => `${m.toUpperCase()} ${x}`));
    }
  }
  return out.sort();
}

/** A router path with its optional groups (`/res/director{/:type}{/:name}`) expanded to each path it matches. */
function expandOptional(path: string): string[] {
  const m = /\{([^{}]*)\}/.exec(path);
  if (!m) return [path];
  const before = path.slice(0, m.index);
  const after = path.slice(m.index + m[0].length);
  return [...expandOptional(before + after), ...expandOptional(before + m[1] + after)];
}

/** Every route the app answers, read from its Koa routers (`:param` written `{}`; HEAD comes with GET). */
async function servedRoutes(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'bacula-mock-routes-'));
  const config = loadConfig(tempConfig('simulation:\n  default_clients: 1\n  history_days: 0\n', dir).file);
  const { director } = LiveDirector.open(config, new Store(join(dir, 'data')));
  try {
    const app = createApp({ config, director, tokens: new Tokens(12), log: pino({ level: 'silent' }) });
    const out = new Set<string>();
    for (const mw of app.middleware as Array<{ router?: { stack: Array<{ path: string; methods: string[] }> } }>) {
      for (const layer of mw.router?.stack ?? []) {
        for (const m of layer.methods.filter((x) => x !== 'HEAD')) {
          for (const path of expandOptional(layer.path)) out.add(`${m} ${path.replace(/:\w+/g, '{}')}`);
        }
      }
    }
    return [...out].sort();
  } finally {
    director.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

t.test('the document is valid OpenAPI 3.1', async (t) => {
  const v = new Validator();
  const res = await v.validate(spec);
  t.same(res.errors ?? [], [], 'no schema errors');
  t.ok(res.valid, 'valid');
  t.equal(v.version, '3.1');
  t.equal(spec.info.version, JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version, 'info.version is the package version');
});

t.test('every example in the document matches its schema', async (t) => {
  const pointer = (...parts: string[]): string => '#/' + parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
  /** The examples of a media type object (`example`, `examples.*.value`). */
  const examplesOf = (media: any): unknown[] => [media?.example, ...Object.values<any>(media?.examples ?? {}).map((e) => e.value)].filter((x) => x !== undefined);
  let n = 0;
  const check = (where: string, schemaRef: string, value: unknown): void => {
    n++;
    t.same(schemaErrors(schemaRef, value), [], where);
  };
  for (const [path, item] of Object.entries<Record<string, any>>(spec.paths)) {
    for (const m of METHODS.filter((x) => item[x])) {
      const op = item[m];
      for (const [type, media] of Object.entries<any>(op.requestBody?.content ?? {})) {
        for (const ex of examplesOf(media)) check(`${m.toUpperCase()} ${path} request example`, pointer('paths', path, m, 'requestBody', 'content', type, 'schema'), ex);
      }
      for (const [status, resp] of Object.entries<any>(op.responses)) {
        if (resp.$ref) continue;
        for (const ex of examplesOf(resp.content?.['application/json'])) {
          check(`${m.toUpperCase()} ${path} ${status} example`, pointer('paths', path, m, 'responses', status, 'content', 'application/json', 'schema'), ex);
        }
      }
    }
  }
  for (const [name, resp] of Object.entries<any>(spec.components.responses)) {
    for (const ex of examplesOf(resp.content?.['application/json'])) check(`response ${name} example`, pointer('components', 'responses', name, 'content', 'application/json', 'schema'), ex);
  }
  for (const [name, schema] of Object.entries<any>(spec.components.schemas)) {
    for (const ex of schema.examples ?? []) check(`schema ${name} example`, pointer('components', 'schemas', name), ex);
    if (schema.example !== undefined) check(`schema ${name} example`, pointer('components', 'schemas', name), schema.example);
  }
  t.ok(n >= 20, `${n} examples checked`);
});

t.test('the spec and the server have the same routes', async (t) => {
  const served = await servedRoutes();
  const documented = specOperations();
  t.same(served.filter((r) => !documented.includes(r)), [], 'every served route is documented');
  t.same(documented.filter((r) => !served.includes(r)), [], 'every documented route is served');
});

t.test('ReDoc builds its page from the document, every operation in it', async (t) => {
  // The same ReDoc release as the bundle /redoc serves, rendered here as a browser would render it.
  const { createStore, Redoc } = (await import('redoc')).default as any;
  const { renderToString } = await import('react-dom/server');
  const React = await import('react');
  // createStore dereferences the document it is given in place: give it a copy.
  const store = await createStore(structuredClone(spec), '/openapi.json', {});
  const html = renderToString(React.createElement(Redoc, { store }));
  const ops = Object.values<Record<string, unknown>>(spec.paths).flatMap((item) => METHODS.filter((m) => item[m])).length;
  const rendered = store.spec.contentItems.flatMap((g: any) => g.items ?? []).filter((i: any) => i.type === 'operation');
  t.equal(rendered.length, ops, `${rendered.length} operations rendered`);
  t.match(html, /\/cat\/JobTotals/);
});

t.test('over HTTP (one server)', async (t) => {
  const s = await startServer(tempConfig(CONFIG).file);
  t.teardown(() => s.stop());

  t.test('the documentation pages load with their assets, all from this server', async (t) => {
    const json = await fetch(s.url + '/openapi.json');
    t.equal(json.status, 200);
    t.match(json.headers.get('content-type'), /^application\/json/);
    const yaml = await fetch(s.url + '/openapi.yaml');
    t.equal(yaml.status, 200);
    t.match(yaml.headers.get('content-type'), /^application\/yaml/);
    t.same(parse(await yaml.text()), await json.json(), 'the YAML and the JSON are the same document');
    t.same(parse(await (await fetch(s.url + '/openapi.yaml')).text()), spec, 'and it is docs/openapi.yaml');

    const TYPES: Record<string, RegExp> = { js: /^text\/javascript/, css: /^text\/css/, png: /^image\/png/ };
    for (const pagePath of ['/docs', '/redoc']) {
      const res = await fetch(s.url + pagePath);
      t.equal(res.status, 200, `${pagePath} loads`);
      t.match(res.headers.get('content-type'), /^text\/html/);
      const csp = res.headers.get('content-security-policy') ?? '';
      t.match(csp, /script-src 'self'(;|$)/, `${pagePath}: scripts only from this server`);
      t.notMatch(csp, /https?:|\*/, `${pagePath}: the policy names no other origin`);
      const html = await res.text();
      t.notMatch(html, /https?:\/\/|src="\/\/|href="\/\//, `${pagePath}: no external URL`);
      t.notMatch(html, /<script>|<script[^>]*>[^<]/, `${pagePath}: no inline script`);
      const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      t.ok(assets.length >= 1, `${pagePath} loads ${assets.length} assets`);
      for (const a of assets) {
        const r = await fetch(s.url + a);
        t.equal(r.status, 200, `${a} is served`);
        t.match(r.headers.get('content-type'), TYPES[a.split('.').pop()!], `${a} has its content type`);
        const body = await r.text();
        if (a.endsWith('init.js')) {
          t.match(body, /url: '\/openapi\.json'/, 'Swagger UI reads this server\'s spec');
          t.notMatch(body, /https?:\/\//, 'the init script names no external URL');
        }
      }
    }
    const redoc = await (await fetch(s.url + '/redoc')).text();
    t.match(redoc, /spec-url="\/openapi\.json"/, 'ReDoc reads this server\'s spec');
    t.equal((await fetch(s.url + '/docs/swagger-ui.css', { method: 'POST' })).status, 405, 'assets are GET only');
    t.equal((await fetch(s.url + '/docs/nothing.js')).status, 401, 'no other file is served under /docs (unknown paths need credentials)');
  });

  t.test('a row that drifts from the spec fails', async (t) => {
    const jobs = (await api(s.url, '/cat/Job?limit=1')).body;
    t.same(responseErrors('GET', '/cat/Job', 200, jobs), [], 'the real answer conforms');
    const row = jobs.data[0];
    const variant = (change: (r: Record<string, unknown>) => void) => {
      const r = structuredClone(row);
      change(r);
      return { ...jobs, data: [r] };
    };
    const fails = (body: unknown, why: RegExp, what: string, status = 200, path = '/cat/Job'): void => {
      const errors = responseErrors('GET', path, status, body);
      t.ok(errors.some((e) => why.test(e)), what, { errors });
    };
    fails(variant((r) => { r.JobId = r.jobid; delete r.jobid; }), /must have required property 'jobid'/, 'a missing field');
    fails(variant((r) => { r.JobId = r.jobid; delete r.jobid; }), /must NOT have additional properties "JobId"/, 'a misnamed field');
    fails(variant((r) => { r.extra = 1; }), /additional properties "extra"/, 'an extra field');
    fails(variant((r) => { r.jobbytes = String(r.jobbytes); }), /jobbytes: must be integer/, 'a number sent as a string');
    fails(variant((r) => { r.starttime = '2026-11-21T02:00:00Z'; }), /starttime: must match pattern/, 'a time in another format');
    fails(variant((r) => { r.jobstatus = 'X'; }), /jobstatus: must be equal to one of the allowed values/, 'an unknown status letter');
    fails({ data: 'oops', error: 1 }, /data: must be array/, 'an error body under 200');
    fails({ ...jobs, limit: undefined }, /must have required property 'limit'/, 'a list without its limit');
    fails({ data: 'No such thing', error: 1 }, /error: must be equal to constant/, 'a 404 with the code of a 400', 404);
    fails(jobs, /does not document status 418/, 'an undocumented status', 418);
    fails(jobs, /no path/, 'an undocumented path', 200, '/cat/Nothing');
  });

  t.test('real answers of every route match the spec', async (t) => {
    const covered = new Set<string>();

    /** Calls the API, checks the status and the body against the spec. */
    const call = async (method: string, template: string, url: string, status: number, init: RequestInit & { json?: unknown } = {}): Promise<any> => {
      const r = await api(s.url, url, { method, ...init });
      t.equal(r.status, status, `${method} ${url} → ${status}`, r.status !== status ? { body: r.body } : {});
      if (assertResponse(t, method, template, r.status, r.body) && r.status === status) covered.add(`${method} ${template} ${status}`);
      return r.body;
    };

    await call('POST', '/mock/clock', '/mock/clock', 200, { json: { paused: true } });
    await call('GET', '/mock/health', '/mock/health', 200);
    await call('GET', '/mock/clock', '/mock/clock', 200);
    await call('POST', '/mock/clock', '/mock/clock', 200, { json: { advance: '2h' } });
    await call('POST', '/mock/clock', '/mock/clock', 400, { json: { speed: -1 } });
    await call('GET', '/openapi.json', '/openapi.json', 200);

    // Auth: tokens in JSON and as a form; refusals in the envelope.
    await call('POST', '/oauth/token', '/oauth/token', 200, { json: { username: 'admin', password: 'bacula2026' } });
    await call('POST', '/oauth/token', '/oauth/token', 200, {
      body: 'grant_type=password&username=admin&password=bacula2026', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    await call('POST', '/oauth/token', '/oauth/token', 400, { json: { username: 'admin' } });
    await call('POST', '/oauth/token', '/oauth/token', 401, { json: { username: 'admin', password: 'nope' } });
    await call('GET', '/cat/Job', '/cat/Job', 401, { headers: { Authorization: 'Bearer 0000' } });

    // Catalog.
    const clients = (await call('GET', '/cat/Client', '/cat/Client', 200)).data;
    t.ok(clients.length >= 2, 'the world has clients');
    const client = clients[0].name;
    await call('GET', '/cat/Client', `/cat/Client?clientid=${clients[0].clientid}&limit=1`, 200);
    await call('GET', '/cat/Job', '/cat/Job?limit=20', 200);
    await call('GET', '/cat/Job', '/cat/Job?order=desc&limit=20', 200);
    const ok = (await call('GET', '/cat/Job', `/cat/Job?client=${encodeURIComponent(client)}&jobstatus=T&type=B&limit=5`, 200)).data;
    await call('GET', '/cat/Job', '/cat/Job?jobstatus=EfA&level=FID&since=2026-11-20&until=1895300000', 200);
    await call('GET', '/cat/Job', '/cat/Job?jobstaus=E', 400);
    await call('GET', '/cat/Job', '/cat/Job?client=no-such-client', 404);
    await call('GET', '/cat/JobTotals', '/cat/JobTotals', 200);
    await call('GET', '/cat/JobTotals', `/cat/JobTotals?clientid=${clients[1].clientid}&jobstatus=TE`, 200);
    await call('GET', '/cat/JobTotals', '/cat/JobTotals?limit=3', 400);
    t.ok(ok.length >= 1, `client ${client} has a successful backup`);
    const backup = ok[0].jobid;
    await call('GET', '/cat/JobLog', `/cat/JobLog?jobid=${backup}`, 200);
    await call('GET', '/cat/JobLog', '/cat/JobLog', 400);
    await call('GET', '/cat/JobLog', '/cat/JobLog?jobid=99999999', 404);
    await call('GET', '/cat/Log', '/cat/Log?limit=30', 200);
    await call('GET', '/cat/Log', `/cat/Log?jobid=${backup}`, 200);
    await call('GET', '/cat/Pool', '/cat/Pool', 200);
    await call('GET', '/cat/Storage', '/cat/Storage', 200);
    t.equal((await call('GET', '/cat/Status', '/cat/Status', 200)).data.find((r: any) => r.jobstatus === 'f')?.jobstatuslong, 'Fatal error');
    t.same((await call('GET', '/cat/Status', '/cat/Status?jobstatus=TA', 200)).data.map((r: any) => r.jobstatus), ['T', 'A']);
    t.same((await call('GET', '/cat/Version', '/cat/Version', 200)).data, [{ versionid: 1024 }]);
    await call('GET', '/cat/Version', '/cat/Version?limit=1', 400);
    await call('GET', '/cat/Storage', '/cat/Storage?director=bacula-dir', 200);
    await call('GET', '/cat/Storage', '/cat/Storage?director=other-dir', 404);
    await call('GET', '/cat/FileSet', '/cat/FileSet', 200);
    const media = (await call('GET', '/cat/Media', '/cat/Media', 200)).data;
    await call('GET', '/cat/Media', '/cat/Media?pool=Nope', 404);
    await call('GET', '/cat/Media', '/cat/Media?volstatus=Append', 200);
    await call('GET', '/cat/JobMedia', '/cat/JobMedia', 200);
    if (media.length) await call('GET', '/cat/JobMedia', `/cat/JobMedia?mediaid=${media[0].mediaid}`, 200);

    // Commands.
    const run = (await call('POST', '/cmd/run', '/cmd/run', 200, { json: { job: `backup-${client}`, level: 'F' } })).data;
    await call('POST', '/cmd/run', '/cmd/run', 200, { json: { job: `backup-${client}`, level: 'Incremental', when: '2026-12-01 03:00:00', priority: 20 } });
    await call('POST', '/cmd/run', '/cmd/run', 400, { json: { level: 'F' } });
    await call('POST', '/cmd/run', '/cmd/run', 400, { body: '{"job":', headers: { 'Content-Type': 'application/json' } });
    await call('POST', '/cmd/run', '/cmd/run', 404, { json: { job: 'no-such-job' } });
    await call('POST', '/cmd/run', '/cmd/run', 413, { json: { job: 'x'.repeat(1_100_000) } });
    await call('POST', '/cmd/cancel', '/cmd/cancel', 200, { json: { jobid: run.jobid } });
    await call('POST', '/cmd/cancel', '/cmd/cancel', 409, { json: { jobid: run.jobid } });
    await call('POST', '/cmd/cancel', '/cmd/cancel', 404, { json: { jobid: 99999999 } });
    await call('POST', '/cmd/restore', '/cmd/restore', 200, { json: { jobid: backup, where: '/tmp/r' } });
    await call('POST', '/cmd/restore', '/cmd/restore', 200, { json: { client } });
    await call('POST', '/cmd/restore', '/cmd/restore', 409, { json: { jobid: run.jobid } });
    await call('POST', '/cmd/estimate', '/cmd/estimate', 200, { json: { client, level: 'I' } });
    await call('POST', '/cmd/estimate', '/cmd/estimate', 200, { json: { job: `backup-${client}` } });
    await call('POST', '/cmd/estimate', '/cmd/estimate', 404, { json: { client: 'nobody' } });
    // A command's arguments may come in the query string too; the two must agree.
    const byQuery = `client=${encodeURIComponent(client)}&level=F`;
    t.same((await call('POST', '/cmd/estimate', `/cmd/estimate?${byQuery}`, 200)).data,
      (await call('POST', '/cmd/estimate', '/cmd/estimate', 200, { json: { client, level: 'F' } })).data, 'query or body, the same answer');
    await call('POST', '/cmd/estimate', `/cmd/estimate?${byQuery}`, 200, { json: { level: 'F' } });
    await call('POST', '/cmd/estimate', `/cmd/estimate?${byQuery}`, 400, { json: { level: 'I' } });
    await call('POST', '/cmd/estimate', `/cmd/estimate?${byQuery}&colour=red`, 400);
    await call('POST', '/cmd/estimate', `/cmd/estimate?${byQuery}&director=bacula-dir`, 200);
    await call('POST', '/cmd/label', '/cmd/label', 200, { json: { volume: 'Vol-Spec-1', pool: 'Default' } });
    await call('POST', '/cmd/label', '/cmd/label', 409, { json: { volume: 'Vol-Spec-1', pool: 'Default' } });
    await call('POST', '/cmd/update', '/cmd/update', 200, { json: { pool: 'Default', maxvols: 50, recycle: true } });
    await call('POST', '/cmd/update', '/cmd/update', 400, { json: { pool: 'Default' } });
    await call('POST', '/cmd/purge', '/cmd/purge', 200, { json: { volume: 'Vol-Spec-1' } });
    await call('POST', '/cmd/prune', '/cmd/prune', 409, { json: { volume: 'Vol-Spec-1' } });
    await call('POST', '/cmd/prune', '/cmd/prune', 200, { json: { client } });
    await call('POST', '/cmd/prune', '/cmd/prune', 400, { json: { client, volume: 'Vol-Spec-1' } });
    for (const what of ['jobs', 'clients', 'pools', 'volumes', 'storages', 'filesets']) {
      await call('GET', '/cmd/list', `/cmd/list?what=${what}&limit=5`, 200);
    }
    await call('GET', '/cmd/list', '/cmd/list?what=tapes', 400);

    // Status, with jobs queued and running (live counts).
    const storage = (await call('GET', '/cat/Storage', '/cat/Storage', 200)).data[0].name;
    const busy = clients[1].name;
    await call('POST', '/cmd/run', '/cmd/run', 200, { json: { job: `backup-${busy}`, level: 'F' } });
    await call('POST', '/mock/clock', '/mock/clock', 200, { json: { advance: '90s' } });
    const dir = (await call('GET', '/status/director', '/status/director', 200)).data;
    t.ok(dir.running.length >= 1, `status director lists ${dir.running.length} held jobs`);
    t.ok(dir.terminated.length >= 1, `and ${dir.terminated.length} terminated jobs`);
    await call('GET', '/status/director', '/status/director?name=bacula-dir', 200);
    await call('GET', '/status/director', '/status/director?name=other-dir', 404);
    const fd = (await call('GET', '/status/client', `/status/client?name=${encodeURIComponent(busy)}`, 200)).data;
    t.ok(fd.running.length >= 1, `status client lists ${fd.running.length} running jobs of ${busy}`);
    await call('POST', '/status/client', '/status/client', 200, { json: { name: client } });
    await call('GET', '/status/client', '/status/client', 400);
    await call('GET', '/status/client', '/status/client?name=nobody', 404);
    const sd = (await call('GET', '/status/storage', `/status/storage?name=${encodeURIComponent(storage)}`, 200)).data;
    t.ok(sd.running.length >= 1, `status storage lists ${sd.running.length} running jobs`);
    await call('POST', '/status/storage', '/status/storage', 200, { json: { name: storage } });
    await call('POST', '/status/storage', '/status/storage', 415, { body: 'name=File', headers: { 'Content-Type': 'text/plain' } });
    await call('GET', '/status', '/status', 200);
    await call('GET', '/status', '/status?director=bacula-dir', 200);
    await call('GET', '/status', `/status?client=${encodeURIComponent(busy)}`, 200);
    await call('GET', '/status', `/status?storage=${encodeURIComponent(storage)}`, 200);
    await call('GET', '/status', `/status?client=${encodeURIComponent(busy)}&storage=${encodeURIComponent(storage)}`, 400);

    // BVFS: every read by GET (query) and by POST (JSON body); changes by POST, with the query or a body.
    const CHANGES = ['/bvfs/update', '/bvfs/clear_cache', '/bvfs/restore', '/bvfs/cleanup'];
    const both = async (path: string, args: Record<string, unknown>, status = 200): Promise<any> => {
      const query = new URLSearchParams(Object.entries(args).map(([k, v]) => [k, String(v)])).toString();
      const got = await call(CHANGES.includes(path) ? 'POST' : 'GET', path, query ? `${path}?${query}` : path, status);
      await call('POST', path, path, status, { json: args });
      return got;
    };
    const chain: number[] = (await both('/bvfs/get_jobids', { jobid: backup })).data;
    await both('/bvfs/get_jobids', { client, count: 1 });
    await both('/bvfs/get_jobids', { ujobid: ok[0].job });
    await both('/bvfs/get_jobids', {}, 400);
    await both('/bvfs/get_jobids', { client: 'nobody' }, 404);
    const jobids = chain.join(',');
    const top = (await both('/bvfs/lsdirs', { jobid: jobids, path: '/' })).data;
    await both('/bvfs/lsdirs', { jobid: jobids }, 400);
    await both('/bvfs/lsdirs', { jobid: 0, client, path: '/', limit: 3 });
    // Down the tree until a directory with files.
    let files: any[] = [];
    const queue = top.filter((d: any) => d.name.endsWith('/')).map((d: any) => d.pathid);
    while (!files.length && queue.length) {
      const pathid = queue.shift();
      files = (await api(s.url, `/bvfs/lsfiles?jobid=${jobids}&pathid=${pathid}&limit=5`)).body.data;
      if (!files.length) queue.push(...(await api(s.url, `/bvfs/lsdirs?jobid=${jobids}&pathid=${pathid}`)).body.data.filter((d: any) => d.name.endsWith('/')).map((d: any) => d.pathid));
    }
    t.ok(files.length >= 1, `a directory with files in JobIds ${jobids}`);
    await both('/bvfs/lsfiles', { jobid: jobids, pathid: files[0].pathid, limit: 5 });
    await both('/bvfs/lsfiles', { jobid: jobids, pathid: files[0].pathid, filename: files[0].name });
    await both('/bvfs/versions', { client, fnid: files[0].fileid, pathid: files[0].pathid });
    await both('/bvfs/versions', { client, pathid: files[0].pathid }, 400);
    const built = (await call('POST', '/bvfs/restore', '/bvfs/restore', 200, { json: { jobid: chain, fileid: [files[0].fileid] } })).data;
    await call('POST', '/bvfs/restore', `/bvfs/restore?jobid=${jobids}&dirid=${files[0].pathid}`, 200);
    await call('POST', '/bvfs/restore', `/bvfs/restore?path=${built.path}&run=yes&where=/tmp/bvfs`, 200);
    await call('POST', '/bvfs/restore', '/bvfs/restore', 200, { json: { jobid: jobids, fileid: files[0].fileid, run: true, client } });
    await both('/bvfs/restore', { path: 'b2999', run: 1 }, 404);
    await both('/bvfs/restore', { jobid: jobids }, 400);
    await call('POST', '/bvfs/cleanup', `/bvfs/cleanup?path=${built.path}`, 200);
    const other = (await call('POST', '/bvfs/restore', '/bvfs/restore', 200, { json: { jobid: jobids, dirid: files[0].pathid } })).data;
    await call('POST', '/bvfs/cleanup', '/bvfs/cleanup', 200, { json: { path: other.path } });
    await both('/bvfs/cleanup', { path: other.path }, 404);
    await both('/bvfs/update', { jobid: backup });
    await both('/bvfs/clear_cache', { yes: 1 });
    await both('/bvfs/clear_cache', {}, 400);

    // Resources: reads of each daemon at each depth, writes of the Director's writable classes.
    const q = encodeURIComponent;
    await call('GET', '/res/director', '/res/director', 200);
    await call('GET', '/res/director', '/res/director?resource=client', 200);
    await call('GET', '/res/director', `/res/director?resource=Client&name=${q(client)}`, 200);
    await call('GET', '/res/director', '/res/director?name=x', 400);
    for (const cls of ['director', 'client', 'job', 'storage', 'catalog', 'schedule', 'fileset', 'pool', 'messages', 'jobdefs', 'console']) {
      await call('GET', '/res/director/{type}', `/res/director/${cls}`, 200);
    }
    await call('GET', '/res/director/{type}', '/res/director/spaceship', 404);
    await call('GET', '/res/director/{type}/{name}', `/res/director/Client/${q(client)}`, 200);
    await call('GET', '/res/director/{type}/{name}', `/res/director/job/backup-${q(client)}`, 200);
    await call('GET', '/res/director/{type}/{name}', '/res/director/pool/Default', 200);
    await call('GET', '/res/director/{type}/{name}', '/res/director/client/nobody', 404);
    for (const daemon of ['filedaemon', 'storagedaemon']) {
      await call('GET', `/res/${daemon}`, `/res/${daemon}`, 200);
      await call('GET', `/res/${daemon}/{type}`, `/res/${daemon}/messages`, 200);
      await call('GET', `/res/${daemon}/{type}/{name}`, `/res/${daemon}/director/bacula-dir`, 200);
    }
    await call('GET', '/res/filedaemon', `/res/filedaemon?client=${q(busy)}`, 200);
    await call('GET', '/res/filedaemon/{type}', '/res/filedaemon/client', 200);
    await call('GET', '/res/filedaemon', '/res/filedaemon?client=nobody', 404);
    await call('GET', '/res/storagedaemon/{type}', `/res/storagedaemon/device?storage=${q(storage)}`, 200);
    await call('GET', '/res/storagedaemon/{type}', '/res/storagedaemon/storage', 200);
    // Each write at each depth: the class and name in the path or in the query.
    const at = [
      { template: '/res/director', url: (n: string) => `/res/director?resource=pool&name=${n}` },
      { template: '/res/director/{type}', url: (n: string) => `/res/director/pool?name=${n}` },
      { template: '/res/director/{type}/{name}', url: (n: string) => `/res/director/pool/${n}` },
    ];
    for (const [i, a] of at.entries()) {
      const name = `SpecPool${i}`;
      await call('POST', a.template, a.url(name), 200, { json: { PoolType: 'Backup', LabelFormat: `Spec${i}-`, MaximumVolumes: 5, VolumeRetention: 864000 } });
      await call('POST', a.template, a.url(name), 409, { json: { PoolType: 'Backup' } });
      await call('PATCH', a.template, a.url(name), 200, { json: { MaximumVolumes: 7, 'Volume Use Duration': 3600 } });
      await call('PATCH', a.template, a.url(name), 400, { json: { Wings: 2 } });
      await call('PUT', a.template, a.url(name), 200, { json: { PoolType: 'Backup', MaximumVolumes: 3 } });
      await call('DELETE', a.template, a.url(name), 200);
      await call('DELETE', a.template, a.url(name), 404);
    }
    await call('POST', '/res/director/{type}', '/res/director/schedule', 200, { json: { Name: 'SpecSchedule', Run: ['Level=Full sun at 02:00', 'Level=Incremental mon-sat at 02:00'] } });
    await call('POST', '/res/director/{type}', '/res/director/fileset', 200, { json: { Name: 'SpecSet', Include: [{ File: ['/srv'], Options: [{ Signature: 'MD5' }] }], Exclude: { File: ['/srv/tmp'] } } });
    await call('POST', '/res/director/{type}', '/res/director/client', 200, { json: { Name: 'spec-client-001', Address: '10.99.0.1', Password: 'secret' } });
    await call('POST', '/res/director/{type}', '/res/director/job', 200, { json: { Name: 'SpecJob', Type: 'Backup', Client: 'spec-client-001', Fileset: 'SpecSet', Schedule: 'SpecSchedule', Pool: 'Default', Storage: storage } });
    await call('DELETE', '/res/director/{type}/{name}', '/res/director/schedule/SpecSchedule', 409);
    await call('DELETE', '/res/director/{type}/{name}', '/res/director/client/spec-client-001', 200);
    await call('DELETE', '/res/director/{type}/{name}', `/res/director/storage/${q(storage)}`, 405);
    await call('POST', '/res/director/{type}', '/res/director/pool', 415, { body: 'Name=X', headers: { 'Content-Type': 'text/plain' } });

    // The event stream refuses a bad query in JSON before it starts.
    await call('GET', '/mock/events', '/mock/events?events=job.exploded', 400);
    await call('GET', '/mock/events', '/mock/events?client=nobody', 404);

    // Any path the spec has answers other methods with 405 and the Allow header.
    await call('DELETE', '/cat/Job', '/cat/Job', 405);
    await call('GET', '/cmd/run', '/cmd/run', 405);

    // The world's own controls last: they replace what the checks above looked at.
    await call('POST', '/mock/initialize', '/mock/initialize', 200, { json: { clients: 3, error_rate: 0.5, seed: 5, history_days: 1 } });
    await call('POST', '/mock/initialize', '/mock/initialize', 400, { json: { clients: -1 } });
    await call('POST', '/mock/reset', '/mock/reset', 200);
    await call('POST', '/mock/reset', '/mock/reset', 400, { json: { everything: true } });
    await call('GET', '/cat/JobTotals', '/cat/JobTotals', 200);

    // Every JSON operation of the spec was seen answering 200 above.
    const jsonOps = Object.entries<Record<string, any>>(spec.paths).flatMap(([path, item]) => METHODS.filter((m) => item[m]?.responses?.['200']?.content?.['application/json']).map((m) => `${m.toUpperCase()} ${path} 200`));
    t.same(jsonOps.filter((op) => !covered.has(op)), [], 'every JSON operation of the spec was exercised');
  });
});

t.test('every kind of event on /mock/events carries the data the spec lists for it', async (t) => {
  const s = await startServer(tempConfig(CONFIG).file);
  t.teardown(() => s.stop());
  const schemas: Record<string, { $ref: string }> = spec.paths['/mock/events'].get['x-sse-events'];
  const wanted = Object.keys(schemas);
  await api(s.url, '/mock/clock', { method: 'POST', json: { paused: true } });
  const ac = new AbortController();
  t.teardown(() => ac.abort());
  const res = await fetch(s.url + '/mock/events?progress=0.1&keepalive=1', { headers: { Authorization: BASIC }, signal: ac.signal });
  t.equal(res.status, 200);
  t.match(res.headers.get('content-type'), /^text\/event-stream/);
  const seen = new Map<string, number>();
  const reading = (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const event = /^event: (.+)$/m.exec(frame)?.[1];
        const data = /^data: (.+)$/m.exec(frame)?.[1];
        if (!event || data === undefined) continue;
        seen.set(event, (seen.get(event) ?? 0) + 1);
        // One check per kind (the first), so a busy stream does not flood the report.
        if (seen.get(event) === 1) {
          t.ok(schemas[event], `"${event}" is a documented event`);
          if (schemas[event]) t.same(schemaErrors(schemas[event].$ref, JSON.parse(data)), [], `${event} data matches ${schemas[event].$ref}`);
        }
        if (wanted.every((e) => seen.has(e))) return;
      }
    }
  })();
  const client = (await api(s.url, '/cat/Client?limit=1')).body.data[0].name;
  await api(s.url, '/cmd/run', { method: 'POST', json: { job: `backup-${client}`, level: 'F' } });
  await api(s.url, '/cmd/label', { method: 'POST', json: { volume: 'Vol-Events-1', pool: 'Default' } });
  await api(s.url, '/mock/clock', { method: 'POST', json: { advance: '2m' } });
  // Live counts move only while virtual time runs.
  await api(s.url, '/mock/clock', { method: 'POST', json: { paused: false, speed: 30 } });
  await new Promise((r) => setTimeout(r, 800));
  await api(s.url, '/mock/clock', { method: 'POST', json: { paused: true, advance: '12h' } });
  await api(s.url, '/mock/reset', { method: 'POST' });
  await Promise.race([reading, new Promise((r) => setTimeout(r, 5000))]);
  t.same(wanted.filter((e) => !seen.has(e)), [], `every kind of event was seen (${[...seen].map(([e, n]) => `${e} ×${n}`).join(', ')})`);
});
