/**
 * Why a caller is refused: `unauthenticated`, no usable credential (a new sign-in helps); `forbidden`,
 * a valid token that lacks a scope or role; `unavailable`, its token cannot be checked right now.
 */
export type CallerRefusalReason = 'unauthenticated' | 'forbidden' | 'unavailable';

/** A caller the gateway will not act for; the GraphQL layer renders it (status, challenge, code). */
export class CallerRefusedError extends Error {
  constructor(
    readonly reason: CallerRefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'CallerRefusedError';
  }
}

/** No usable credential: a new sign-in helps. */
export function unauthenticated(message: string): CallerRefusedError {
  return new CallerRefusedError('unauthenticated', message);
}
