import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { CliError, kindOfStatus } from './errors.js';
import type { Settings } from './settings.js';
import { SseParser, type SseFrame } from './sse.js';

/** A JSON answer of the server, as received and parsed. */
export interface Answer<T = unknown> {
  status: number;
  /** the body exactly as received (what `--raw` prints) */
  text: string;
  json: T;
}

/** The `{data, error, limit?, offset?}` envelope of the Bacula API. */
export interface Envelope<T = unknown> {
  data: T;
  error: number;
  limit?: number;
  offset?: number;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface CallOptions {
  query?: Query;
  body?: unknown;
  /** send the Basic credentials (everything but `/mock/health` and `/oauth/token` needs them), none, or a Bearer token */
  auth?: boolean | { bearer: string };
  /** give up when the server is silent this long (ms); default 120 s */
  timeoutMs?: number;
}

/** An open `/mock/events` stream. */
export interface EventStream {
  /** resolves when the server ends the stream or it is closed */
  done: Promise<void>;
  close(): void;
}

/**
 * The one HTTP client of the CLI: Basic auth, JSON in and out, HTTP or HTTPS
 * (node:https, so a custom CA or an unverified certificate can be used, which
 * the global fetch cannot do without undici), kept-alive connections for
 * commands that make many calls, and errors turned into one clear line.
 */
export class Api {
  readonly base: string;
  private agent: HttpAgent | HttpsAgent | undefined;
  private readonly authHeader: string;

  constructor(readonly settings: Settings) {
    const host = settings.host.value.includes(':') && !settings.host.value.startsWith('[') ? `[${settings.host.value}]` : settings.host.value;
    this.base = `${settings.tls.value ? 'https' : 'http'}://${host}:${settings.port.value}`;
    this.authHeader = 'Basic ' + Buffer.from(`${settings.user.value}:${settings.password.value}`).toString('base64');
  }

  url(path: string, query?: Query): string {
    const q = query ? new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString() : '';
    return this.base + path + (q ? (path.includes('?') ? '&' : '?') + q : '');
  }

  get<T = unknown>(path: string, query?: Query, opts: CallOptions = {}): Promise<Answer<T>> {
    return this.call<T>('GET', path, { ...opts, query });
  }

  post<T = unknown>(path: string, body?: unknown, opts: CallOptions = {}): Promise<Answer<T>> {
    return this.call<T>('POST', path, { ...opts, body });
  }

  /** One request; resolves with a 2xx answer, throws a CliError for anything else. */
  async call<T = unknown>(method: string, path: string, opts: CallOptions = {}): Promise<Answer<T>> {
    const url = this.url(path, opts.query);
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (typeof opts.auth === 'object') headers.Authorization = `Bearer ${opts.auth.bearer}`;
    else if (opts.auth !== false) headers.Authorization = this.authHeader;
    if (payload !== undefined) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const res = await this.send(method, url, headers, payload, opts.timeoutMs ?? 120_000);
    const text = await readText(res, url);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CliError('internal', `unexpected answer from ${url}: HTTP ${res.statusCode}, not JSON (is a bacula-mock server listening there?)`);
    }
    const status = res.statusCode ?? 0;
    if (status >= 400) throw this.httpError(status, json, method, url);
    return { status, text, json: json as T };
  }

  /**
   * Opens `/mock/events` and calls `onFrame` for every event. Resolves once
   * the server accepted the stream (a refused query throws like `call`).
   */
  async events(query: Query, onFrame: (f: SseFrame) => void): Promise<EventStream> {
    const url = this.url('/mock/events', query);
    const res = await this.send('GET', url, { Accept: 'text/event-stream', Authorization: this.authHeader }, undefined, 0);
    const status = res.statusCode ?? 0;
    if (status >= 400) {
      const text = await readText(res, url);
      let json: unknown = text;
      try {
        json = JSON.parse(text);
      } catch {
        // not JSON: reported as it is
      }
      throw this.httpError(status, json, 'GET', url);
    }
    const parser = new SseParser(onFrame);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => parser.push(chunk));
    const done = new Promise<void>((ok) => {
      res.once('end', () => ok());
      res.once('close', () => ok());
      res.once('error', () => ok());
    });
    return { done, close: () => res.destroy() };
  }

  /** Drops kept-alive connections so the process can exit at once. */
  close(): void {
    this.agent?.destroy();
  }

  private async send(method: string, url: string, headers: Record<string, string>, payload: string | undefined, timeoutMs: number): Promise<IncomingMessage> {
    const s = this.settings;
    const options: RequestOptions & { ca?: Buffer; rejectUnauthorized?: boolean } = { method, headers, agent: await this.agentFor() };
    let request: (url: string, o: RequestOptions, cb: (res: IncomingMessage) => void) => ClientRequest = httpRequest;
    if (s.tls.value) request = (await import('node:https')).request;
    return new Promise<IncomingMessage>((ok, fail) => {
      const req = request(url, options, ok);
      req.once('error', (e) => fail(this.transportError(e as NodeJS.ErrnoException, url)));
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      }
      req.end(payload);
    });
  }

  private async agentFor(): Promise<HttpAgent | HttpsAgent> {
    if (this.agent) return this.agent;
    const s = this.settings;
    if (!s.tls.value) return (this.agent = new HttpAgent({ keepAlive: true }));
    let ca: Buffer | undefined;
    if (s.ca.value !== undefined) {
      try {
        ca = readFileSync(s.ca.value);
      } catch (e) {
        throw new CliError('bad_request', `cannot read the CA file ${s.ca.value} (${s.ca.source}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    const { Agent } = await import('node:https');
    return (this.agent = new Agent({ keepAlive: true, ca, rejectUnauthorized: !s.insecure.value }));
  }

  private httpError(status: number, json: unknown, method: string, url: string): CliError {
    const kind = kindOfStatus(status);
    const said = typeof json === 'object' && json !== null && typeof (json as Envelope).data === 'string' ? (json as Envelope<string>).data : undefined;
    const s = this.settings;
    if (kind === 'unauthorized') {
      return new CliError(kind, `${url.split('?')[0]} refused the credentials (HTTP 401${said ? `: ${said}` : ''}); user "${s.user.value}" from ${s.user.source}, password from ${s.password.source}`);
    }
    if (status >= 500) return new CliError(kind, `server error on ${method} ${url}: HTTP ${status}${said ? ` (${said})` : ''}`);
    return new CliError(kind, said ?? `${method} ${url}: HTTP ${status}`);
  }

  private transportError(e: NodeJS.ErrnoException, url: string): CliError {
    const s = this.settings;
    const where = `${url.split('?')[0]} (host from ${s.host.source}, port from ${s.port.source})`;
    const code = e.code ?? '';
    if (code === 'ECONNREFUSED') return new CliError('unreachable', `cannot connect to ${where}: connection refused; is the server running? (bacula-mock start)`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new CliError('unreachable', `cannot connect to ${where}: host "${s.host.value}" not found`);
    if (code === 'ETIMEDOUT') return new CliError('unreachable', `no answer from ${where} in time`);
    if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/.test(code)) {
      return new CliError('unreachable', `TLS: the certificate of ${url.split('?')[0]} is not trusted (${e.message}); trust it with --ca <file> (BACULA_MOCK_CA) or skip the check with --insecure (BACULA_MOCK_INSECURE=true)`);
    }
    if (code === 'EPROTO' || /wrong version number|packet length/i.test(e.message)) {
      const reason = /SSL routines:[^:]*:([^:]+)/.exec(e.message)?.[1] ?? e.message.split('\n')[0];
      return new CliError('unreachable', `TLS handshake with ${where} failed (${reason}); does the server speak plain HTTP? (tls from ${s.tls.source})`);
    }
    if (code === 'ECONNRESET' || code === 'HPE_INVALID_CONSTANT' || /socket hang up/.test(e.message)) {
      return new CliError('unreachable', `${where} closed the connection (${e.message})${s.tls.value ? '' : `; does the server want HTTPS? (tls from ${s.tls.source})`}`);
    }
    return new CliError('unreachable', `cannot talk to ${where}: ${e.message}`);
  }
}

/** The whole body of an answer, as text. */
function readText(res: IncomingMessage, url: string): Promise<string> {
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    res.once('error', (e) => fail(new CliError('unreachable', `connection to ${url} broke while reading the answer (${e.message})`)));
  });
}
