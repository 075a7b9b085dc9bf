/**
 * HTTP/1.1 over a bare TCP socket, for requests no well-behaved client sends:
 * odd methods, duplicate or missing headers, raw bytes in the target, bodies
 * whose length, framing or type is wrong, and clients that write slowly.
 *
 *   const r = await rawRequest(port, 'GET /mock/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
 *   r.status; r.headers['content-type']; r.json;
 */
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  /** lower-case names; a repeated header keeps every value */
  headers: Record<string, string[]>;
  body: Buffer;
  /** the body parsed as JSON, or undefined when it is not JSON */
  json: unknown;
  /** the response was an event stream: read up to its headers, then the connection was dropped */
  stream: boolean;
}

export interface RawOptions {
  /** source address (127.x.y.z acts as another caller) */
  localAddress?: string;
  /** give up after this many ms (default 20 s) */
  timeoutMs?: number;
  /** the request is a HEAD: its answer has no body whatever Content-Length says */
  head?: boolean;
  /** answers whose body is not wanted (a 1.4 MB script): read up to the headers, then the connection is dropped */
  headersOnly?: (status: number, headers: Record<string, string[]>) => boolean;
  /** writes the request itself (slowly, in pieces); `data` is then ignored */
  write?: (socket: Socket) => void;
}

/** Whether `buf` holds one whole response after its header block (from `start`), by Content-Length or chunked framing. */
function bodyEnd(buf: Buffer, start: number, headers: Record<string, string[]>, head: boolean): number | null {
  if (head) return start;
  const length = headers['content-length']?.[0];
  if (length !== undefined) return buf.length - start >= Number(length) ? start + Number(length) : null;
  if (!/chunked/i.test(headers['transfer-encoding']?.[0] ?? '')) return null;
  let at = start;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol < 0) return null;
    const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
    if (size === 0) return buf.indexOf('\r\n\r\n', eol) >= 0 ? buf.indexOf('\r\n\r\n', eol) + 4 : null;
    at = eol + 2 + size + 2;
    if (at > buf.length) return null;
  }
}

function dechunk(raw: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = raw.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(raw.subarray(at, eol).toString('latin1'), 16);
    if (!size) break;
    parts.push(raw.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/**
 * Sends `data` (or what `opts.write` writes) and reads one response: to its
 * Content-Length, its last chunk, or the connection's end; interim 1xx answers
 * are skipped. Resolves with an `Error` when no whole response came (the
 * connection was dropped, or the time ran out), so a caller can say which.
 */
export function rawRequest(port: number, data: string | Buffer, opts: RawOptions = {}): Promise<RawResponse | Error> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: opts.localAddress });
    let buf: Buffer = Buffer.alloc(0);
    let settled = false;
    const finish = (r: RawResponse | Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      done(r);
    };
    const timer = setTimeout(() => finish(new Error(`no whole response within ${opts.timeoutMs ?? 20_000} ms (${buf.length} bytes read)`)), opts.timeoutMs ?? 20_000);
    /** The response in `buf`, if it is whole (or `ended`: the connection closed, so whatever came is all). */
    const parse = (ended: boolean): RawResponse | null => {
      let start = 0;
      for (;;) {
        const end = buf.indexOf('\r\n\r\n', start);
        if (end < 0) return null;
        const lines = buf.subarray(start, end).toString('latin1').split('\r\n');
        const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1]);
        if (!status) return null;
        if (status >= 100 && status < 200) {
          start = end + 4;
          continue;
        }
        const headers: Record<string, string[]> = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).trim().toLowerCase();
          (headers[name] ??= []).push(line.slice(colon + 1).trim());
        }
        const bodyStart = end + 4;
        if (/text\/event-stream/.test(headers['content-type']?.[0] ?? '')) {
          return { status, headers, body: Buffer.alloc(0), json: undefined, stream: true };
        }
        if (opts.headersOnly?.(status, headers)) return { status, headers, body: Buffer.alloc(0), json: undefined, stream: false };
        const stop = bodyEnd(buf, bodyStart, headers, opts.head ?? false);
        if (stop === null && !ended) return null;
        let body: Buffer = buf.subarray(bodyStart, stop ?? buf.length);
        if (/chunked/i.test(headers['transfer-encoding']?.[0] ?? '')) body = dechunk(body);
        let json: unknown;
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          json = undefined;
        }
        return { status, headers, body, json, stream: false };
      }
    };
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const r = parse(false);
      if (r) finish(r);
    });
    socket.on('end', () => finish(parse(true) ?? new Error(`connection closed without a whole response (${buf.length} bytes: ${JSON.stringify(buf.subarray(0, 120).toString('latin1'))})`)));
    socket.on('close', () => finish(parse(true) ?? new Error(`connection closed without a whole response (${buf.length} bytes)`)));
    // A reset after the answer was read is not an error: the answer counts.
    socket.on('error', (e) => finish(parse(true) ?? e));
    socket.on('connect', () => {
      if (opts.write) opts.write(socket);
      else socket.write(data);
    });
  });
}
