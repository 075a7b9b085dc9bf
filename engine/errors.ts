/** Why an engine command was refused; the server maps each kind to one HTTP status. */
export type WorldErrorKind = 'bad_request' | 'not_found' | 'conflict';

export class WorldError extends Error {
  constructor(readonly kind: WorldErrorKind, message: string) {
    super(message);
    this.name = 'WorldError';
  }
}
