/**
 * A multipart request the gateway refuses. Before `readMultipartRequest` resolves it is an HTTP refusal
 * (`status`); after, it is how the file's stream fails, and the GraphQL layer tells the caller.
 */
export class MultipartRequestError extends Error {
  constructor(
    message: string,
    readonly status = 400,
    /** Set when the file was larger than allowed. */
    readonly limitBytes?: number,
  ) {
    super(message);
    this.name = 'MultipartRequestError';
  }
}
