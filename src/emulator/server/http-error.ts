/** A refusal the emulator answers with Graph's error envelope. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, 'BadRequest', message);
}

export function notFound(what = 'upload session'): HttpError {
  return new HttpError(404, 'ResourceNotFound', `The ${what} was not found.`);
}

export function methodNotAllowed(): HttpError {
  return new HttpError(405, 'MethodNotAllowed', 'The method is not allowed on this resource.');
}

/** How much of a client's own text (a path segment, a name) an error message repeats. */
const MAX_ECHOED_CHARACTERS = 64;

/** A client's text as an error message quotes it: at most a prefix, so a huge path never makes a huge answer. */
export function echo(text: string): string {
  const characters = [...text];
  return characters.length <= MAX_ECHOED_CHARACTERS ? text : `${characters.slice(0, MAX_ECHOED_CHARACTERS).join('')}…`;
}
