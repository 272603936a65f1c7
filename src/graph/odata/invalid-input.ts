/**
 * A value Graph would not take (an id that is not a GUID, a file name Graph refuses, a cursor this
 * client did not make), refused before any call. Its message is for the caller; `invalidArguments`
 * names the arguments to blame when there are such.
 */
export class InvalidInputError extends Error {
  constructor(
    message: string,
    readonly invalidArguments?: readonly string[],
  ) {
    super(message);
    this.name = 'InvalidInputError';
  }
}
