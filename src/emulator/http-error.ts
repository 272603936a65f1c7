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

export function notFound(): HttpError {
  return new HttpError(404, 'ResourceNotFound', 'The upload session was not found.');
}

export function methodNotAllowed(): HttpError {
  return new HttpError(405, 'MethodNotAllowed', 'The method is not allowed on this resource.');
}
