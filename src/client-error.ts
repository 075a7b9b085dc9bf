import { STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { ApiError, ERRORS, errorBody } from './errors.js';
import { DEFAULT_CSP, JSON_TYPE, SECURITY_HEADERS } from './headers.js';

/** Methods the API answers somewhere (the `Allow` of a refused CONNECT). */
const METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/**
 * A whole HTTP/1.1 error answer in the JSON contract, for a request Koa never
 * sees; it closes the connection, as the request's end cannot be trusted.
 */
export function rawAnswer(e: ApiError): string {
  const body = JSON.stringify(errorBody(e));
  const status = ERRORS[e.kind].status;
  const headers: Record<string, string | number> = {
    'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body),
    ...SECURITY_HEADERS, 'Content-Security-Policy': DEFAULT_CSP, ...e.headers, Connection: 'close',
  };
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`;
}

/** What a request Node's HTTP parser refused (or a client too slow to send one) is told. */
export function clientErrorOf(err: NodeJS.ErrnoException & { reason?: string }, maxHeaderSize: number): ApiError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError('header_too_large', `The request line and headers are larger than ${maxHeaderSize} bytes`);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError('request_timeout', 'The request was not received in time (server.headers_timeout / server.request_timeout)');
    case 'HPE_INVALID_METHOD':
      return new ApiError('bad_request', `Malformed HTTP request: unknown method (methods: ${METHODS})`);
    default:
      return new ApiError('bad_request', `Malformed HTTP request${err.reason ? `: ${err.reason}` : ''} (${err.code ?? 'parse error'})`);
  }
}

/** Writes `e` and closes the socket once it is written (a half-open socket would stay forever otherwise). */
function refuse(socket: Duplex, e: ApiError): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(rawAnswer(e), () => socket.destroy());
}

/**
 * Answers, in the JSON contract, what never reaches the app: requests Node's
 * parser refuses (headers over `maxHeaderSize` 431, unknown methods and bad
 * framing 400, slow clients cut off by the server's timeouts 408) and CONNECT
 * (405: not a proxy). Node would otherwise write a bare status line, or for
 * CONNECT close the connection without a word.
 */
export function answerUnparsed(server: Server, log: Logger, maxHeaderSize: number): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's own handler: no answer into a response already under way, or on a connection the peer reset.
    const inflight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || inflight?.headersSent) {
      socket.destroy();
      return;
    }
    const e = clientErrorOf(err, maxHeaderSize);
    log.info({ status: ERRORS[e.kind].status, reason: err.code, remote: (socket as Socket).remoteAddress }, 'request refused before routing');
    refuse(socket, e);
  });
  server.on('connect', (req, socket: Duplex) => {
    log.info({ method: req.method, status: 405, remote: (socket as Socket).remoteAddress }, 'request refused before routing');
    refuse(socket, new ApiError('method_not_allowed', 'Method CONNECT not allowed: this server is not a proxy', { Allow: METHODS }));
  });
}
