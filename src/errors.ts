import { WorldError } from '../engine/errors.js';

/**
 * Every error a client can get, once: HTTP status, the non-zero `error` code
 * of the envelope, and the CLI exit code.
 */
export const ERRORS = {
  bad_request: { status: 400, code: 1, exit: 2 },
  unauthorized: { status: 401, code: 6, exit: 3 },
  not_found: { status: 404, code: 2, exit: 4 },
  method_not_allowed: { status: 405, code: 3, exit: 2 },
  conflict: { status: 409, code: 4, exit: 5 },
  payload_too_large: { status: 413, code: 5, exit: 2 },
  unsupported_media_type: { status: 415, code: 7, exit: 2 },
  rate_limited: { status: 429, code: 8, exit: 6 },
  internal: { status: 500, code: 9, exit: 1 },
} as const;

export type ErrorKind = keyof typeof ERRORS;

export class ApiError extends Error {
  constructor(readonly kind: ErrorKind, message: string, readonly headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Maps anything thrown while answering to an ApiError (engine refusals, body parser errors). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof WorldError) return new ApiError(err.kind, err.message);
  const e = err as { status?: number; type?: string; message?: string };
  if (e?.type === 'entity.too.large' || e?.status === 413) return new ApiError('payload_too_large', 'Request body is too large');
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
