import type { Readable } from 'node:stream';

/** A file part of a GraphQL multipart request, as the resolver receives it. */
export interface FileUpload {
  /** The part's `filename`, as sent ('' when it has none): parsed at the GraphQL edge before use. */
  fileName: string;
  /** The file's bytes, read once. It errors, and never just ends, when the file is not whole. */
  stream: Readable;
}

/**
 * The value of an `Upload` variable: the multipart request put it where `map` said. Its file is a
 * promise so that an HTTP layer may hand the request on before the file part arrives.
 */
export class Upload {
  constructor(readonly file: Promise<FileUpload>) {}
}
