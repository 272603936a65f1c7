import busboy from 'busboy';
import type { IncomingMessage } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { Upload } from '../upload/upload';

export interface MultipartLimits {
  /** The largest file accepted, in bytes. */
  maxFileBytes: number;
  /** The largest `operations` or `map` field, in bytes; 1 MiB (the JSON body limit) when absent. */
  maxFieldBytes?: number;
}

export interface GraphQLRequestBody {
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string | null;
  extensions?: Record<string, unknown>;
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

const DEFAULT_MAX_FIELD_BYTES = 1024 * 1024;

/**
 * Reads a GraphQL multipart request (https://github.com/jaydenseric/graphql-multipart-request-spec) as
 * a stream: `operations`, then `map`, then exactly one file. It resolves as soon as the file part begins,
 * so every refusal of the request's shape is an HTTP refusal, while the file's bytes are left for the
 * resolver to read at its own pace. The file's stream ends only once the whole body has been parsed:
 * a second file or a stray part after it makes the stream fail rather than be silently dropped.
 */
export function readMultipartRequest(req: IncomingMessage, limits: MultipartLimits): Promise<MultipartRequest> {
  const maxFieldBytes = limits.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // One more byte than allowed, so that a file of exactly maxFileBytes is told from a longer one;
        // past that busboy skips the file's bytes itself. A second file or a third field is skipped too,
        // and reported by the *Limit events below.
        limits: { fieldSize: maxFieldBytes, fields: 2, files: 1, fileSize: limits.maxFileBytes + 1 },
        // Browsers send a file name's UTF-8 bytes as they are; busboy's default would read them as Latin-1.
        defParamCharset: 'utf8',
      });
    } catch {
      req.resume();
      return reject(new MultipartRequestError('The request is not multipart/form-data with a boundary.'));
    }

    let operations: GraphQLRequestBody | undefined;
    let mapped: { field: string; path: string } | undefined;
    let file: Transform | undefined;
    let settled = false;
    let stopped = false;

    // Stops parsing and drains what is left of the body, so the socket is not stuck on a paused request.
    const stop = () => {
      if (stopped) return;
      stopped = true;
      req.unpipe(parser);
      parser.destroy();
      req.resume();
    };
    const fail = (error: MultipartRequestError) => {
      if (!settled) {
        settled = true;
        stop();
        reject(error);
      } else if (file && !file.destroyed) {
        file.destroy(error); // its `close` stops parsing
      }
    };

    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) return fail(new MultipartRequestError(`The ${name} field is larger than ${maxFieldBytes} bytes.`, 413));
      if (operations === undefined) {
        if (name !== 'operations') return fail(new MultipartRequestError('The first part of a multipart request must be the operations field.'));
        const parsed = parseOperations(value);
        if (parsed instanceof MultipartRequestError) return fail(parsed);
        operations = parsed;
      } else {
        if (name !== 'map') return fail(new MultipartRequestError('The second part of a multipart request must be the map field.'));
        const parsed = parseMap(value, operations);
        if (parsed instanceof MultipartRequestError) return fail(parsed);
        mapped = parsed;
      }
    });
    parser.on('fieldsLimit', () => fail(new MultipartRequestError('Only the file may follow the map field.')));
    parser.on('filesLimit', () => fail(new MultipartRequestError('A multipart request may carry one file only: a second file was sent.')));

    parser.on('file', (name, stream, info) => {
      stream.on('error', ignore); // busboy destroys it with an error when parsing stops; there is no one else to tell
      if (!operations || !mapped || name !== mapped.field) {
        stream.resume();
        if (!operations) return fail(new MultipartRequestError('The first part of a multipart request must be the operations field.'));
        if (!mapped) return fail(new MultipartRequestError('The map field must come before the file.'));
        return fail(new MultipartRequestError(`The file part "${name}" is not named in map.`));
      }
      const accepted = fileStream(stream, limits.maxFileBytes);
      accepted.on('error', ignore); // an abandoned upload must not bring the process down; a reader has its own listener
      accepted.on('close', stop);
      file = accepted;
      const upload = new Upload(Promise.resolve({ fileName: info.filename ?? '', stream: accepted }));
      placeUpload(operations, mapped.path, upload);
      settled = true;
      const dispose = () => {
        accepted.destroy();
        stop();
      };
      resolve({ body: operations, uploads: [upload], dispose });
    });

    parser.on('close', () => {
      if (!parser.writableFinished || stopped) return;
      // The whole body is parsed, and nothing but the one file came after map: the file is whole.
      if (file) return void (file.destroyed || file.end());
      if (!operations) return fail(new MultipartRequestError('The multipart request has no operations field.'));
      if (!mapped) return fail(new MultipartRequestError('The multipart request has no map field.'));
      fail(new MultipartRequestError(`The file for map entry "${mapped.field}" never arrived.`));
    });
    parser.on('error', (error: Error) => {
      if (!stopped) fail(new MultipartRequestError(`The multipart body is malformed: ${error.message}.`));
    });

    // A caller gone mid-body: the file must fail, not end, or a cut file would pass for a whole one.
    // `readableEnded`, not `complete`: a body received whole but not yet read is lost with its socket too.
    const gone = () => {
      if (!req.readableEnded) fail(new MultipartRequestError('The request ended before its body was complete.'));
    };
    req.once('close', gone);
    req.on('error', gone);
    req.pipe(parser);
  });
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

function parseOperations(text: string): GraphQLRequestBody | MultipartRequestError {
  const value = parseField(text, 'operations');
  if (value instanceof MultipartRequestError) return value;
  if (Array.isArray(value)) return new MultipartRequestError('Batched operations are not supported in a multipart request: send one operation.');
  if (!isObject(value)) return new MultipartRequestError('The operations field must be a JSON object.');
  const { query, variables, operationName, extensions } = value;
  if (query !== undefined && typeof query !== 'string') return new MultipartRequestError('operations.query must be a string.');
  if (variables !== undefined && variables !== null && (!isObject(variables) || Array.isArray(variables))) return new MultipartRequestError('operations.variables must be an object.');
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    return new MultipartRequestError('operations.operationName must be a string.');
  }
  if (extensions !== undefined && !isObject(extensions)) return new MultipartRequestError('operations.extensions must be an object.');
  return value as GraphQLRequestBody;
}

function parseMap(text: string, operations: GraphQLRequestBody): { field: string; path: string } | MultipartRequestError {
  const value = parseField(text, 'map');
  if (value instanceof MultipartRequestError) return value;
  if (!isObject(value)) return new MultipartRequestError('The map field must be a JSON object.');
  const entries = Object.entries(value);
  if (entries.length !== 1) return new MultipartRequestError(`The map field must name exactly one file; it names ${entries.length}.`);
  const [field, paths] = entries[0]!;
  if (!Array.isArray(paths) || paths.length !== 1 || typeof paths[0] !== 'string') {
    return new MultipartRequestError(`map entry "${field}" must be a list of exactly one path.`);
  }
  const path = paths[0];
  if (!path.startsWith('variables.') || containerOf(operations, path) === undefined) {
    return new MultipartRequestError(`map path "${path}" must name a null in operations.variables.`);
  }
  return { field, path };
}

/** The object or array holding the `null` at `path`, or undefined when there is none. */
function containerOf(operations: GraphQLRequestBody, path: string): Record<string, unknown> | undefined {
  const keys = path.split('.');
  const last = keys.pop()!;
  let node: unknown = operations;
  for (const key of keys) {
    // Own properties only: a path through `__proto__` or `constructor` leads nowhere.
    if (!isObject(node) || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return isObject(node) && Object.hasOwn(node, last) && node[last] === null ? node : undefined;
}

function placeUpload(operations: GraphQLRequestBody, path: string, upload: Upload): void {
  containerOf(operations, path)![path.slice(path.lastIndexOf('.') + 1)] = upload;
}

function parseField(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return new MultipartRequestError(`The ${field} field is not valid JSON.`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function ignore(): void {}
