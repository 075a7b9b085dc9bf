import { ERRORS, type ErrorKind } from '../../src/errors.js';

/**
 * What can go wrong for the CLI: every kind of the server's error catalogue
 * (src/errors.ts, whose `exit` codes the CLI uses as they are) plus the few
 * that no HTTP answer can carry: the server could not be reached, or the
 * command ran and what it checked failed (a job that did not end OK, a smoke
 * test with failures).
 */
export type CliErrorKind = ErrorKind | 'unreachable' | 'failed';

const LOCAL_EXIT: Record<'unreachable' | 'failed', number> = { failed: 1, unreachable: 7 };

/** The exit code of an error kind. */
export function exitCode(kind: CliErrorKind): number {
  return kind === 'unreachable' || kind === 'failed' ? LOCAL_EXIT[kind] : ERRORS[kind].exit;
}

/** The catalogue kind of an HTTP error status (any other 4xx is a bad request, any 5xx internal). */
export function kindOfStatus(status: number): ErrorKind {
  const kind = (Object.keys(ERRORS) as ErrorKind[]).find((k) => ERRORS[k].status === status);
  return kind ?? (status >= 500 ? 'internal' : 'bad_request');
}

/** An error the CLI reports as one line on stderr, exiting with its kind's code. */
export class CliError extends Error {
  constructor(readonly kind: CliErrorKind, message: string) {
    super(message);
    this.name = 'CliError';
  }

  get exit(): number {
    return exitCode(this.kind);
  }
}
