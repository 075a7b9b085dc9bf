/**
 * Generated hostile requests for every operation of docs/openapi.yaml (read
 * from the spec, so a new route is fuzzed without a change here), as raw
 * HTTP/1.1 bytes: values drawn from each parameter's schema and from the
 * world's own names, mixed with wrong types, edge and huge numbers, long,
 * Unicode and control-character strings, path traversal, malformed and
 * truncated JSON, oversized bodies, wrong content types, chunked framing,
 * duplicate and bad headers, odd methods and HTTP versions.
 *
 * A request that could change the world (a POST, PUT, PATCH or DELETE that
 * reaches an operation which writes) always carries a defect the API must
 * refuse before acting (`mustRefuse`), so the fuzz can check afterwards that
 * the catalog is unchanged; read-only operations get anything.
 */
import fc from 'fast-check';
import { spec } from './openapi.js';

type Json = Record<string, any>;

export interface Param {
  name: string;
  in: 'query' | 'path';
  schema: Json;
}

/** One operation of the spec. */
export interface Op {
  method: string;
  template: string;
  params: Param[];
  /** the JSON body schema, if the operation takes a body */
  body: Json | null;
  /** served without credentials */
  open: boolean;
  /** may change the world */
  writes: boolean;
}

/** Names and ids of the world being fuzzed, so that some generated requests are valid and reach deep. */
export interface WorldNames {
  director: string;
  clients: string[];
  jobs: string[];
  uniqueJobs: string[];
  jobIds: number[];
  pools: string[];
  volumes: string[];
  filesets: string[];
  storages: string[];
  paths: string[];
}

export interface FuzzRequest {
  /** `METHOD /template` of the operation aimed at */
  op: Op;
  method: string;
  /** the request target as sent (path and query, encoded or not) */
  target: string;
  bytes: Buffer;
  /** the answer is one of a HEAD */
  head: boolean;
  /** loopback source address: callers with bad credentials come from their own address, so the limit of failed logins does not block the rest */
  from?: string;
  /** could change the world, so it carries a defect and must be refused */
  mustRefuse: boolean;
  /** what was done to it, for the report */
  notes: string[];
  /** the request reaches `op` as the spec describes it (method and template), so a 2xx can be checked against its schema */
  asDocumented: boolean;
}

export const PASSWORD = 'bacula2026';
const VALID_BASIC = 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64');
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const STANDARD = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** Methods no route has: some Node's parser knows (405 from the app), some it refuses itself (400), CONNECT is a proxy's. */
const ODD_METHODS = ['TRACE', 'PROPFIND', 'PURGE', 'MKCOL', 'LINK', 'SEARCH', 'QUERY', 'CONNECT', 'FOO', 'get', 'G\u00c9T'];
/**
 * POSTs that change nothing: reads that answer POST as GET (status, BVFS
 * browsing), an estimate, a token. Every other POST, PUT, PATCH or DELETE,
 * a new one too, is taken to write.
 */
const READ_ONLY_POSTS = ['/cmd/estimate', '/oauth/token', '/status/client', '/status/storage', '/bvfs/get_jobids', '/bvfs/lsdirs', '/bvfs/lsfiles', '/bvfs/versions'];
export const CORS_ORIGIN = 'https://dash.example';

const resolve = (x: Json): Json => (x?.$ref ? resolve((x.$ref as string).replace(/^#\//, '').split('/').reduce((o: Json, k) => o[k], spec)) : x);

/** Every operation of the spec. */
export function specOperations(): Op[] {
  const ops: Op[] = [];
  for (const [template, item] of Object.entries<Json>(spec.paths)) {
    for (const m of METHODS.filter((x) => item[x])) {
      const op = item[m];
      const params: Param[] = (op.parameters ?? []).map(resolve).map((p: Json) => ({ name: p.name, in: p.in, schema: resolve(p.schema ?? {}) }));
      const content = op.requestBody ? resolve(op.requestBody).content : undefined;
      const body = content?.['application/json']?.schema ? resolve(content['application/json'].schema) : null;
      const method = m.toUpperCase();
      ops.push({
        method, template, params, body,
        open: Array.isArray(op.security) && op.security.length === 0,
        writes: method !== 'GET' && !(method === 'POST' && READ_ONLY_POSTS.includes(template)),
      });
    }
  }
  return ops;
}

/** Each operation's path as the router matches it: any case, a trailing slash, a parameter any run of characters but `/`. */
const patterns = new Map<Op, RegExp>();
const patternOf = (op: Op): RegExp => {
  let re = patterns.get(op);
  if (!re) {
    re = new RegExp('^' + op.template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+') + '/?$', 'i');
    patterns.set(op, re);
  }
  return re;
};

/** The operations a request with this method and (raw) path may reach, the path taken as sent and percent-decoded. */
function reached(ops: Op[], method: string, path: string): Op[] {
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    // left as sent
  }
  return ops.filter((op) => op.method === method && (patternOf(op).test(path) || patternOf(op).test(decoded)));
}

// ───────────────────────────── values ─────────────────────────────

const HOSTILE_STRINGS = [
  '', ' ', '0', '-1', '1e12', '1e999', 'NaN', 'Infinity', '-0', '0x1F', '1.5', '+7', ' 7 ', '\u0663', '\uff15', 'true', 'null', '[]', '{}',
  '../', '../../etc/passwd', '..\\..\\windows\\win.ini', '/etc/../../../root/', '%2e%2e%2f', '..%2F..%2Fconfig.yaml', '/var/vmail/../../../',
  '\u0000', 'a\u0000b', '\r\nX-Injected: 1', '\t', '\u202e', '\u{1F600}', '\ud800', '\u00e9', '__proto__', 'constructor', 'toString',
  'hasOwnProperty', "' OR 1=1 --", '%s%s%n', '$(reboot)', '`id`', '(a+)+$', '(.*)*x', '([a-z]+)*[0-9]', '[', '\\', '*', '?', '#', '&', '=',
  '/', '//', 'C:\\', 'b2', 'b2999999999999999999', 'admin', PASSWORD,
];
/** Number literals as JSON text: what JSON.stringify cannot write (1e999 parses as Infinity). */
const NUMBER_TEXTS = ['-1', '0', '-0', '1e12', '-1e12', '1e999', '-1e999', '9007199254740993', '2147483648', '4294967296', '1.5', '0.0000001', '123456789012345678901234567890', '1E3'];

const long = fc.tuple(fc.constantFrom('a', '\u00e9', '\u{1F600}', '/', '../', '\u0000', '9', ',1'), fc.integer({ min: 100, max: 2000 })).map(([s, n]) => s.repeat(n));
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: long },
);
const hostileNumberText = fc.constantFrom(...NUMBER_TEXTS);

/** JSON text of a value of the wrong kind: any type, edge numbers, deep nesting. */
const hostileJson: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('null', 'true', 'false', '[]', '{}', '\ufeff{}', '[null]', '{"$gt":""}', '[[[[[[[[[[1]]]]]]]]]]', '"\\u0000"', '"\\ud800"'),
  hostileNumberText,
  hostileString.map((s) => JSON.stringify(s)),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  fc.integer({ min: 50, max: 2000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
);

const namesFor = (w: WorldNames, name: string): string[] => {
  const all = [...w.clients, ...w.jobs, ...w.pools, ...w.volumes, ...w.filesets, ...w.storages];
  if (/client/i.test(name)) return w.clients;
  if (/^(job|name)$/.test(name)) return [...w.jobs, ...w.clients, ...w.pools];
  if (/ujobid/.test(name)) return w.uniqueJobs;
  if (/pool/.test(name)) return w.pools;
  if (/vol/.test(name)) return w.volumes;
  if (/fileset/.test(name)) return w.filesets;
  if (/storage/.test(name)) return w.storages;
  if (/path|where|files/.test(name)) return w.paths;
  if (/director/.test(name)) return [w.director];
  return all;
};

/** A plausible value for `schema` (JS value), named `name`: what a client that read the spec might send. */
function plausible(schema: Json, name: string, w: WorldNames, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  if (depth > 3) return fc.constant(null);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.allOf) return plausible(s.allOf[0], name, w, depth + 1);
  if (s.oneOf || s.anyOf) return fc.oneof(...(s.oneOf ?? s.anyOf).map((x: Json) => plausible(x, name, w, depth + 1)));
  if (Array.isArray(s.type)) return fc.oneof(...s.type.map((t: string) => plausible({ ...s, type: t }, name, w, depth + 1)));
  switch (s.type) {
    case 'integer': {
      const min = s.minimum ?? -10;
      const max = s.maximum ?? 1_000_000;
      const ids = /id$/.test(name) && w.jobIds.length ? [fc.constantFrom(...w.jobIds)] : [];
      return fc.oneof(fc.constantFrom(min, max), fc.integer({ min, max }), ...ids);
    }
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(plausible(s.items ?? {}, name, w, depth + 1), { minLength: 1, maxLength: 4 });
    case 'object':
      if (!s.properties) return fc.constant({});
      return fc.record(Object.fromEntries(Object.entries<Json>(s.properties).map(([k, v]) => [k, plausible(v, k, w, depth + 1)])), { requiredKeys: s.required ?? [] });
    case 'string': {
      const names = namesFor(w, name);
      const choices: Array<fc.Arbitrary<unknown>> = [];
      if (s.pattern) choices.push(fc.stringMatching(new RegExp(s.pattern), { size: 'xsmall' }));
      if (s.examples?.length) choices.push(fc.constantFrom(...s.examples));
      if (names.length) choices.push(fc.constantFrom(...names));
      if (!choices.length) choices.push(fc.string({ maxLength: 12 }));
      return fc.oneof(...choices);
    }
    default:
      return fc.oneof(fc.constantFrom(...namesFor(w, name)), fc.integer({ min: 0, max: 100 }), fc.boolean());
  }
}

/** A query-string value for a parameter: plausible, hostile, or a number's edge. */
function queryValue(p: Param, w: WorldNames): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: plausible(p.schema, p.name, w).map((v) => (Array.isArray(v) ? v.join(',') : String(v))) },
    { weight: 3, arbitrary: hostileString },
    { weight: 1, arbitrary: hostileNumberText },
  );
}

/** JSON text of a body field's value: plausible or of the wrong kind. */
function fieldJson(schema: Json, name: string, w: WorldNames): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: plausible(schema, name, w).map((v) => JSON.stringify(v) ?? 'null') },
    { weight: 2, arbitrary: hostileJson },
  );
}

/** Directive names a resource body may carry (bdirjson's), some wrong. */
const DIRECTIVES = ['Name', 'Address', 'Password', 'PoolType', 'LabelFormat', 'MaximumVolumes', 'VolumeRetention', 'Maximum Volume Bytes',
  'Description', 'Client', 'FileSet', 'Schedule', 'Storage', 'Pool', 'Messages', 'Type', 'Level', 'Enabled', 'Priority', 'Run', 'Include',
  'JobRetention', 'FileRetention', 'AutoPrune', 'MaximumConcurrentJobs', 'FdPort', 'Catalog', 'name', 'NAME', '__proto__', 'constructor', 'zz_unknown'];

const UNKNOWN_KEYS = ['zz_unknown', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ' ', '\u0000', 'data', 'error'];

const objectText = (pairs: Array<[string, string]>): string => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

/** JSON text of an object body for `op`: its fields, each plausible or hostile, some left out, maybe unknown ones. */
function bodyObject(op: Op, w: WorldNames): fc.Arbitrary<string> {
  const props: Record<string, Json> = op.body?.properties ?? {};
  const fields = new Map(Object.entries(props).map(([k, schema]) => [k, fieldJson(schema, k, w).map((v) => [k, v] as [string, string])]));
  const known = fields.size
    ? fc.subarray([...fields.keys()]).chain((keys) => (keys.length ? fc.tuple(...keys.map((k) => fields.get(k)!)) : fc.constant([] as Array<[string, string]>)))
    : fc.array(fc.tuple(fc.constantFrom(...DIRECTIVES), fieldJson({}, 'name', w)), { maxLength: 5 });
  const extra = fc.array(fc.tuple(fc.constantFrom(...UNKNOWN_KEYS), hostileJson), { maxLength: 2 });
  return fc.tuple(known, fc.oneof({ weight: 4, arbitrary: fc.constant([] as Array<[string, string]>) }, { weight: 1, arbitrary: extra }))
    .map(([a, b]) => objectText([...a, ...b]));
}

// ───────────────────────────── requests ─────────────────────────────

type BodyKind = 'none' | 'object' | 'hostile' | 'truncated' | 'garbage' | 'oversize' | 'form';
/** Never valid JSON, whatever reads it (a byte-order mark is not here: the decoder drops it and `{}` is left). */
const GARBAGE = ['{', '{"a":1,}', "{'a':1}", 'NaN', '{"a":01}', '\u0000', '{"a":"\\x"}', '}{', '{"a":1}{"b":2}', '<xml/>', 'a=1&b=2', '[1,2', '"unterminated'];
const CONTENT_TYPES = ['application/json; charset=utf-8', 'application/vnd.api+json', 'application/json; charset=latin1', 'application/json; charset=bogus',
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '', '*/*', 'application/json, text/plain', ';;;', 'json'];
const BAD_AUTH = [
  'Basic', 'Basic ', 'Basic !!!', 'Basic ' + Buffer.from('admin').toString('base64'), 'Basic ' + Buffer.from('admin:wrong').toString('base64'),
  'Basic ' + Buffer.from(':').toString('base64'), 'Basic ' + Buffer.from(`admin:${PASSWORD}:x`).toString('base64'), 'Basic ' + Buffer.from(`admin:${PASSWORD}`).toString('base64').slice(0, -4),
  'Bearer', 'Bearer ', 'Bearer 0123456789abcdef0123456789abcdef01234567', 'Bearer ' + 'f'.repeat(4000), 'Digest username="admin"', 'Negotiate abc',
  'Basic\t' + Buffer.from('admin:x').toString('base64'), 'Token x', '\u00e9', 'Basic ' + Buffer.from(`ADMIN:${PASSWORD}`).toString('base64'),
];
const EXTRA_HEADERS: Array<Array<[string, string]>> = [
  [['Expect', '100-continue']], [['Expect', 'bogus']], [['X-Forwarded-For', '203.0.113.9']], [['Origin', CORS_ORIGIN]], [['Origin', 'https://evil.example']],
  [['Origin', 'null']], [['Accept', 'text/html']], [['Accept-Encoding', 'gzip, br']], [['Upgrade', 'websocket']], [['Range', 'bytes=0-10']],
  [['If-None-Match', '*']], [['Content-Encoding', 'gzip']], [['Content-Encoding', 'bogus']], [['Cookie', 'a=b']], [['X-Huge', 'x'.repeat(17_000)]],
  [['Host', 'second.example']], [['Content-Type', 'text/plain']], [['Transfer-Encoding', 'chunked']], [['Last-Event-ID', '\u00ff']],
  [['Access-Control-Request-Method', 'DELETE'], ['Origin', CORS_ORIGIN]],
];
/** A JSON body over the 1 MB limit. */
const OVERSIZE = Buffer.from(objectText([['x', JSON.stringify('a'.repeat(1_100_000))]]));
/** Defects that make any request to an authenticated operation be refused before it acts. */
const DEFECTS = ['badAuth', 'noAuth', 'unknownQuery', 'wrongDirector', 'truncatedJson', 'garbageJson', 'wrongType', 'oversize', 'dupAuth', 'noHost', 'longUrl'] as const;
type Defect = (typeof DEFECTS)[number];

interface Parts {
  method: string;
  pathValues: string[];
  rawPath: boolean;
  query: Array<[string, string]>;
  rawQuery: boolean;
  bodyKind: BodyKind;
  body: string;
  hostileBody: string;
  cut: number;
  contentType: string | null;
  chunked: boolean;
  auth: 'valid' | 'none' | 'bad' | 'token';
  badAuth: string;
  extra: Array<[string, string]>;
  version: string;
  defect: Defect;
  defectAlways: boolean;
  from: [number, number];
}

function pathValue(p: Param, w: WorldNames): fc.Arbitrary<string> {
  const byName: Record<string, string[]> = {
    type: ['client', 'Client', 'CLIENT', 'job', 'pool', 'fileset', 'schedule', 'storage', 'director', 'messages', 'catalog', 'console', 'jobdefs', 'device', 'filedaemon'],
    asset: ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png', 'init.js', '../../package.json', '..%2f..%2fconfig.yaml', '%2e%2e/%2e%2e/etc/passwd'],
  };
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(byName[p.name] ?? namesFor(w, p.name))) },
    { weight: 2, arbitrary: hostileString.filter((s) => s.length > 0) },
  );
}

function partsFor(op: Op, w: WorldNames, ops: Op[]): fc.Arbitrary<Parts> {
  const served = ops.filter((o) => o.template === op.template).map((o) => o.method);
  const query = new Map(op.params.filter((p) => p.in === 'query').map((p) => [p.name, queryValue(p, w).map((v) => [p.name, v] as [string, string])]));
  const queryArb = fc.tuple(
    query.size ? fc.subarray([...query.keys()]).chain((ps) => (ps.length ? fc.tuple(...ps.map((p) => query.get(p)!)) : fc.constant([] as Array<[string, string]>))) : fc.constant([] as Array<[string, string]>),
    fc.array(fc.tuple(fc.constantFrom(...UNKNOWN_KEYS, 'limit', 'offset', 'director', 'access_token', 'jobid', 'name'), fc.oneof(hostileString, hostileNumberText)), { maxLength: 2 }),
    fc.oneof({ weight: 9, arbitrary: fc.constant([] as Array<[string, string]>) }, { weight: 1, arbitrary: fc.constantFrom<Array<[string, string]>>([['limit', '-1']], [['limit', '1e12']], [['offset', '-1']], [['limit', '1'], ['limit', '2']], [['director', w.director]], [['director', 'other-dir']]) }),
  ).map(([a, b, c]) => [...a, ...b, ...c]);
  const takesBody = op.body !== null || ['POST', 'PUT', 'PATCH'].includes(op.method);
  const bodyKind = fc.constantFrom<BodyKind>(...(takesBody
    ? ['object', 'object', 'object', 'object', 'none', 'hostile', 'truncated', 'garbage', 'form'] as BodyKind[]
    : ['none', 'none', 'none', 'none', 'none', 'none', 'object', 'hostile', 'garbage'] as BodyKind[]));
  return fc.record({
    method: fc.oneof(
      { weight: 16, arbitrary: fc.constant(op.method) },
      { weight: 2, arbitrary: fc.constantFrom(...STANDARD.filter((m) => !served.includes(m))) },
      { weight: 1, arbitrary: fc.constantFrom(...ODD_METHODS) },
    ),
    pathValues: fc.tuple(...op.params.filter((p) => p.in === 'path').map((p) => pathValue(p, w))),
    query: queryArb,
    rawQuery: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
    bodyKind,
    body: bodyObject(op, w),
    hostileBody: hostileJson,
    cut: fc.nat(),
    contentType: fc.oneof({ weight: 12, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES) }),
    chunked: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
    auth: fc.constantFrom<Parts['auth']>('valid', 'valid', 'valid', 'valid', 'valid', 'valid', 'valid', 'none', 'bad', 'bad', 'token'),
    badAuth: fc.constantFrom(...BAD_AUTH),
    extra: fc.oneof({ weight: 5, arbitrary: fc.constant([] as Array<[string, string]>) }, { weight: 2, arbitrary: fc.constantFrom(...EXTRA_HEADERS) }),
    version: fc.oneof({ weight: 30, arbitrary: fc.constant('HTTP/1.1') }, { weight: 1, arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/1.2', 'HTTP/0.9', 'http/1.1') }),
    // Oversized bodies are 1.1 MB each: a few go a long way.
    defect: fc.oneof({ weight: 1, arbitrary: fc.constant<Defect>('oversize') }, { weight: 60, arbitrary: fc.constantFrom(...DEFECTS.filter((d) => d !== 'oversize')) }),
    defectAlways: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    from: fc.tuple(fc.integer({ min: 1, max: 254 }), fc.integer({ min: 1, max: 254 })),
  }).map((p) => ({ ...p, rawPath: p.pathValues.length > 0 && p.cut % 7 === 0 }));
}

/** Percent-encoded UTF-8 (a lone surrogate goes as U+FFFD, where encodeURIComponent would throw), or the string as it is. */
const enc = (s: string, raw: boolean): string => (raw ? s : encodeURIComponent(s.replace(/\p{Cs}/gu, '\ufffd')));

function build(op: Op, p: Parts, w: WorldNames, ops: Op[]): FuzzRequest {
  const notes: string[] = [];
  let i = 0;
  const path = op.template.replace(/\{[^}]+\}/g, () => enc(p.pathValues[i++], p.rawPath));
  const query = [...p.query];
  let method = p.method;
  let version = p.version;
  let auth = p.auth;
  let bodyKind = p.bodyKind;
  let contentType = p.contentType;
  const extra = [...p.extra];
  if (p.rawPath) notes.push('raw path value');
  const writes = (m: string, pth: string) => reached(ops, m, pth).some((o) => o.writes);
  const mustRefuse = writes(method, path);
  const defect = mustRefuse || p.defectAlways ? p.defect : null;
  switch (defect) {
    case 'badAuth': auth = 'bad'; break;
    case 'noAuth': auth = 'none'; break;
    case 'unknownQuery': query.push(['zz_not_a_parameter', '1']); break;
    case 'wrongDirector': query.push(['director', 'no-such-director']); break;
    case 'truncatedJson': bodyKind = 'truncated'; contentType = 'application/json'; break;
    case 'garbageJson': bodyKind = 'garbage'; contentType = 'application/json'; break;
    case 'wrongType': bodyKind = 'object'; contentType = 'text/plain'; break;
    case 'oversize': bodyKind = 'oversize'; contentType = 'application/json'; break;
    case 'dupAuth': extra.push(['Authorization', VALID_BASIC]); if (auth !== 'valid') auth = 'valid'; break;
    case 'noHost': version = 'HTTP/1.1'; break;
    case 'longUrl': query.push(['pad', 'x'.repeat(9000)]); break;
  }
  if (defect) notes.push(`defect ${defect}`);
  // A defect must stand: nothing else may make the request valid again.
  if (mustRefuse && defect === 'wrongType' && /json/.test(contentType ?? '')) contentType = 'text/plain';
  const qs = query.map(([k, v]) => `${enc(k, p.rawQuery)}=${enc(v, p.rawQuery)}`).join('&');
  if (p.rawQuery && qs) notes.push('raw query');
  let target = path + (qs ? `?${qs}` : '');
  if (auth === 'token') target += `${qs ? '&' : '?'}access_token=${'0'.repeat(40)}`;

  let body: Buffer | null = null;
  switch (bodyKind) {
    case 'object': body = Buffer.from(p.body); break;
    case 'hostile': body = Buffer.from(p.hostileBody); break;
    case 'truncated': body = Buffer.from(p.body.slice(0, Math.max(1, p.body.length - 1 - (p.cut % p.body.length)))); break;
    case 'garbage': body = Buffer.from(GARBAGE[p.cut % GARBAGE.length]); break;
    case 'oversize': body = OVERSIZE; break;
    case 'form': body = Buffer.from(`username=admin&password=${p.cut % 3 ? 'x' : PASSWORD}&grant_type=${['password', 'client_credentials', ''][p.cut % 3]}`); contentType = 'application/x-www-form-urlencoded'; break;
    case 'none': break;
  }
  notes.push(`body ${bodyKind}`);
  const headers: Array<[string, string]> = [];
  if (!(defect === 'noHost')) headers.push(['Host', '127.0.0.1']);
  if (auth === 'valid') headers.push(['Authorization', VALID_BASIC]);
  if (auth === 'bad') headers.push(['Authorization', p.badAuth]);
  if (body && contentType !== null) headers.push(['Content-Type', contentType]);
  headers.push(...extra);
  const chunked = body !== null && p.chunked && defect !== 'oversize';
  if (body) headers.push(chunked ? ['Transfer-Encoding', 'chunked'] : ['Content-Length', String(body.length)]);
  headers.push(['Connection', 'close']);
  const head = `${method} ${target} ${version}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
  let payload = body ?? Buffer.alloc(0);
  if (chunked && body) {
    const size = 1 + (p.cut % 64);
    const pieces: Buffer[] = [];
    for (let at = 0; at < body.length; at += size) {
      const piece = body.subarray(at, at + size);
      pieces.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
    }
    payload = Buffer.concat([...pieces, Buffer.from('0\r\n\r\n')]);
    notes.push('chunked');
  }
  if (extra.length) notes.push(`headers ${extra.map(([k, v]) => `${k}: ${v.slice(0, 30)}`).join('; ')}`);
  // Credentials that are not the right ones count against the caller's address: such callers come from an address of their own.
  const rightOrNone = (auth === 'valid' && defect !== 'dupAuth') || (auth === 'none' && !query.some(([k]) => k === 'access_token'));
  const from = rightOrNone && op.template !== '/oauth/token' ? undefined : `127.1.${p.from[0]}.${p.from[1]}`;
  return described({
    op, method, target, bytes: Buffer.concat([Buffer.from(head, 'utf8'), payload]), head: method === 'HEAD', from, mustRefuse, notes,
    asDocumented: method === op.method && !p.rawPath && version === 'HTTP/1.1',
  });
}

/** The request in a line: what fast-check prints for a counterexample instead of every byte. */
function described(r: FuzzRequest): FuzzRequest {
  const line = r.bytes.subarray(0, 300).toString('utf8').replace(/\r\n/g, '\\r\\n');
  return Object.assign(r, { [fc.toStringMethod]: () => `${r.method} ${r.op.template} [${r.notes.join(', ')}] ${JSON.stringify(line)}${r.bytes.length > 300 ? ` (${r.bytes.length} bytes)` : ''}` });
}

/** Hostile requests aimed at the operations `ops` (all of the spec's unless narrowed), `w` naming the world's things. */
export function hostileRequest(ops: Op[], w: WorldNames, all: Op[] = ops): fc.Arbitrary<FuzzRequest> {
  // One arbitrary per operation, built once: building them is most of the cost of drawing a request.
  const perOp = new Map(ops.map((op) => [op, partsFor(op, w, all).map((p) => build(op, p, w, all))]));
  return fc.constantFrom(...ops).chain((op) => perOp.get(op)!);
}

/**
 * Requests a careful client would send to a writing operation (right method,
 * credentials, JSON), with each field plausible or hostile: accepted or
 * refused, never a 5xx. These may change the world.
 */
export function writeRequest(ops: Op[], w: WorldNames): fc.Arbitrary<FuzzRequest> {
  const perOp = new Map(ops.map((op) => [op, writeRequestFor(op, w)]));
  return fc.constantFrom(...ops).chain((op) => perOp.get(op)!);
}

function writeRequestFor(op: Op, w: WorldNames): fc.Arbitrary<FuzzRequest> {
  return fc.tuple(
    fc.tuple(...op.params.filter((p) => p.in === 'path').map((p) => fc.constantFrom(...(p.name === 'type' ? ['client', 'pool', 'job', 'fileset', 'schedule'] : namesFor(w, p.name))))),
    bodyObject(op, w),
  ).map(([values, body]) => {
    let i = 0;
    const target = op.template.replace(/\{[^}]+\}/g, () => enc(values[i++], false));
    const payload = op.method === 'DELETE' ? '' : body;
    const head = `${op.method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${VALID_BASIC}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\nConnection: close\r\n\r\n`;
    return described({ op, method: op.method, target, bytes: Buffer.from(head + payload), head: false, mustRefuse: false, notes: ['careful client'], asDocumented: true });
  });
}
