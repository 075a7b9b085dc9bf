import { WorldError } from '../engine/errors.js';

/**
 * Every error a client can get, once: HTTP status, the non-zero `error` code
 * of the envelope, and the CLI exit code.
 */
export const ERRORS = {
  bad_request: { status: 400, code: 1, exit: 2 },
  unauthorized: { status: 401, code: 6, exit: 3 },
  forbidden: { status: 403, code: 13, exit: 3 },
  not_found: { status: 404, code: 2, exit: 4 },
  method_not_allowed: { status: 405, code: 3, exit: 2 },
  request_timeout: { status: 408, code: 10, exit: 2 },
  conflict: { status: 409, code: 4, exit: 5 },
  payload_too_large: { status: 413, code: 5, exit: 2 },
  uri_too_long: { status: 414, code: 11, exit: 2 },
  unsupported_media_type: { status: 415, code: 7, exit: 2 },
  rate_limited: { status: 429, code: 8, exit: 6 },
  header_too_large: { status: 431, code: 12, exit: 2 },
  internal: { status: 500, code: 9, exit: 1 },
} as const;

export type ErrorKind = keyof typeof ERRORS;

/** The error codes of RFC 6749 §5.2 the token endpoint answers with. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_grant' | 'unsupported_grant_type';

export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly headers: Record<string, string> = {},
    /** set by the OAuth2 token endpoint: its refusals speak RFC 6749 (see `errorBody`) */
    readonly oauth?: OAuthErrorCode,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The JSON body of an error answer: `{"data": "<message>", "error": <code>}`.
 * A refusal of the OAuth2 token endpoint carries RFC 6749's `error` code and
 * `error_description` instead, so OAuth2 client libraries report it, and keeps
 * `data` for readers of the envelope.
 */
export function errorBody(e: ApiError): { data: string; error: number | OAuthErrorCode; error_description?: string } {
  const message = e.message.length > MAX_MESSAGE ? `${e.message.slice(0, MAX_MESSAGE - 3)}...` : e.message;
  if (e.oauth) return { data: message, error: e.oauth, error_description: message };
  return { data: message, error: ERRORS[e.kind].code };
}

/**
 * Longest message an error answer carries: a message quoting a caller's
 * value (a name given as 1 MB of text) is cut here, so no answer echoes a
 * request back. Validators quote values with `shown`, which keeps the rest of
 * their message.
 */
export const MAX_MESSAGE = 1000;

/** A value a caller sent, as a message shows it: JSON (control characters escaped), at most 60 characters of it. */
export function shown(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}...` : s;
}

/** Maps anything thrown while answering to an ApiError (engine refusals, body parser errors). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof WorldError) return new ApiError(err.kind, err.message);
  const e = err as { status?: number; type?: string; message?: string; code?: unknown };
  if (e?.type === 'entity.too.large' || e?.status === 413) return new ApiError('payload_too_large', 'Request body is too large');
  // zlib's and brotli's errors, from a body whose Content-Encoding it is not in.
  if (typeof e?.code === 'string' && /^(Z_|ERR__ERROR)/.test(e.code)) {
    return new ApiError('bad_request', `Request body does not decompress as its Content-Encoding says (${e.message ?? e.code})`);
  }
  if (e?.type === 'entity.parse.failed' || (e?.status === 400 && /JSON|parse|Unexpected/i.test(e.message ?? ''))) {
    return new ApiError('bad_request', `Malformed JSON body: ${e.message ?? 'parse error'}`);
  }
  if (e?.status === 415) return new ApiError('unsupported_media_type', e.message ?? 'Unsupported content type');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    const kind = (Object.keys(ERRORS) as ErrorKind[]).find((k) => ERRORS[k].status === e.status) ?? 'bad_request';
    return new ApiError(kind, e.message ?? 'Bad request');
  }
  return new ApiError('internal', 'Internal error');
}
