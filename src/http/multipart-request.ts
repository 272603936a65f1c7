import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { Upload } from '../upload/upload';
import { MultipartRequestError } from './multipart-error';
import { parseMap, parseOperations, placeUpload, type GraphQLRequestBody } from './multipart-operations';

export interface MultipartLimits {
  /** The largest file accepted, in bytes. */
  maxFileBytes: number;
  /** The largest `operations` or `map` field, in bytes; 1 MiB (the JSON body limit) when absent. */
  maxFieldBytes?: number;
}

export interface MultipartRequest {
  /** `operations`, with the file's `null` replaced by its `Upload`. */
  body: GraphQLRequestBody;
  uploads: Upload[];
  /**
   * Call once the response is sent: a file nobody read is destroyed and the rest of the body drained,
   * so the connection is not left waiting on a paused request.
   */
  dispose(): void;
}

const DEFAULT_MAX_FIELD_BYTES = 1024 * 1024;

/**
 * Reads a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec) as
 * a stream: `operations`, then `map`, then exactly one file. It resolves as soon as the file part begins,
 * so every refusal of the request's shape is an HTTP refusal, while the file's bytes are left for the
 * resolver to read at its own pace. The file's stream ends only once the whole body has been parsed:
 * a second file or a stray part after it makes the stream fail rather than be silently dropped.
 */
export function readMultipartRequest(req: IncomingMessage, limits: MultipartLimits): Promise<MultipartRequest> {
  return new Promise((resolve, reject) => new MultipartReader(req, limits, resolve, reject).start());
}

/** One multipart request being read: busboy's events in, one settlement (the request or its refusal) out. */
class MultipartReader {
  private readonly maxFieldBytes: number;
  private parser: busboy.Busboy | undefined;
  private operations: GraphQLRequestBody | undefined;
  private mapped: { field: string; path: string } | undefined;
  private file: Transform | undefined;
  private settled = false;
  private stopped = false;

  constructor(
    private readonly req: IncomingMessage,
    private readonly limits: MultipartLimits,
    private readonly resolve: (request: MultipartRequest) => void,
    private readonly reject: (error: MultipartRequestError) => void,
  ) {
    this.maxFieldBytes = limits.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
  }

  start(): void {
    const { req } = this;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // One more byte than allowed, so that a file of exactly maxFileBytes is told from a longer one;
        // past that busboy skips the file's bytes itself. A second file or a third field is skipped too,
        // and reported by the *Limit events below.
        limits: { fieldSize: this.maxFieldBytes, fields: 2, files: 1, fileSize: this.limits.maxFileBytes + 1 },
        // Browsers send a file name's UTF-8 bytes as they are; busboy's default would read them as Latin-1.
        defParamCharset: 'utf8',
      });
    } catch {
      req.resume();
      return this.reject(new MultipartRequestError('The request is not multipart/form-data with a boundary.'));
    }
    this.parser = parser;
    parser.on('field', (name, value, info) => this.field(name, value, info.valueTruncated));
    parser.on('fieldsLimit', () => this.fail(new MultipartRequestError('Only the file may follow the map field.')));
    parser.on('filesLimit', () => this.fail(new MultipartRequestError('A multipart request may carry one file only: a second file was sent.')));
    parser.on('file', (name, stream, info) => this.fileBegins(name, stream, info.filename));
    parser.on('close', () => this.parsed());
    parser.on('error', (error: Error) => {
      if (!this.stopped) this.fail(new MultipartRequestError(`The multipart body is malformed: ${error.message}.`));
    });
    // A caller gone mid-body: the file must fail, not end, or a cut file would pass for a whole one.
    // `readableEnded`, not `complete`: a body received whole but not yet read is lost with its socket too.
    const gone = () => {
      if (!req.readableEnded) this.fail(new MultipartRequestError('The request ended before its body was complete.'));
    };
    req.once('close', gone);
    req.on('error', gone);
    req.pipe(parser);
  }

  private field(name: string, value: string, truncated: boolean): void {
    if (truncated) return this.fail(new MultipartRequestError(`The ${name} field is larger than ${this.maxFieldBytes} bytes.`, 413));
    if (this.operations === undefined) {
      if (name !== 'operations') return this.fail(new MultipartRequestError('The first part of a multipart request must be the operations field.'));
      const parsed = parseOperations(value);
      if (parsed instanceof MultipartRequestError) return this.fail(parsed);
      this.operations = parsed;
    } else {
      if (name !== 'map') return this.fail(new MultipartRequestError('The second part of a multipart request must be the map field.'));
      const parsed = parseMap(value, this.operations);
      if (parsed instanceof MultipartRequestError) return this.fail(parsed);
      this.mapped = parsed;
    }
  }

  private fileBegins(name: string, stream: Readable, fileName: string | undefined): void {
    const { operations, mapped } = this;
    stream.on('error', ignore); // busboy destroys it with an error when parsing stops; there is no one else to tell
    if (!operations || !mapped || name !== mapped.field) {
      stream.resume();
      if (!operations) return this.fail(new MultipartRequestError('The first part of a multipart request must be the operations field.'));
      if (!mapped) return this.fail(new MultipartRequestError('The map field must come before the file.'));
      return this.fail(new MultipartRequestError(`The file part "${name}" is not named in map.`));
    }
    const accepted = fileStream(stream, this.limits.maxFileBytes);
    accepted.on('error', ignore); // an abandoned upload must not bring the process down; a reader has its own listener
    accepted.on('close', () => this.stop());
    this.file = accepted;
    const upload = new Upload(Promise.resolve({ fileName: fileName ?? '', stream: accepted }));
    placeUpload(operations, mapped.path, upload);
    this.settled = true;
    const dispose = () => {
      accepted.destroy();
      this.stop();
    };
    this.resolve({ body: operations, uploads: [upload], dispose });
  }

  /** busboy closed: after the whole body, or because it was stopped. */
  private parsed(): void {
    if (!this.parser!.writableFinished || this.stopped) return;
    // The whole body is parsed, and nothing but the one file came after map: the file is whole.
    if (this.file) return void (this.file.destroyed || this.file.end());
    if (!this.operations) return this.fail(new MultipartRequestError('The multipart request has no operations field.'));
    if (!this.mapped) return this.fail(new MultipartRequestError('The multipart request has no map field.'));
    this.fail(new MultipartRequestError(`The file for map entry "${this.mapped.field}" never arrived.`));
  }

  /** Before the request is handed on, a refusal of it; after, a failure of its file's stream. */
  private fail(error: MultipartRequestError): void {
    if (!this.settled) {
      this.settled = true;
      this.stop();
      this.reject(error);
    } else if (this.file && !this.file.destroyed) {
      this.file.destroy(error); // its `close` stops parsing
    }
  }

  /** Stops parsing and drains what is left of the body, so the socket is not stuck on a paused request. */
  private stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.req.unpipe(this.parser);
    this.parser!.destroy();
    this.req.resume();
  }
}

/**
 * The file as the resolver reads it: busboy's bytes, refused past `maxFileBytes`, and ended by the
 * caller only when the whole body has been parsed. `pipe` carries the back-pressure to the request.
 */
function fileStream(source: Readable, maxFileBytes: number): Transform {
  let received = 0;
  const file = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      received += chunk.length;
      if (received > maxFileBytes) {
        return callback(new MultipartRequestError(`The file is larger than the limit of ${maxFileBytes} bytes.`, 413, maxFileBytes));
      }
      callback(null, chunk);
    },
  });
  source.pipe(file, { end: false });
  return file;
}

function ignore(): void {}
