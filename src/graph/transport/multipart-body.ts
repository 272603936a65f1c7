import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FileName } from '../upload-sessions/file-name';

/** A file's bytes as they arrive: an async iterable of chunks, or a Node stream. */
export type FileSource = AsyncIterable<Uint8Array> | Readable;

/** A file to send to Graph: its name, and its bytes as they arrive. */
export interface OutgoingFile {
  fileName: FileName;
  body: FileSource;
}

/** What the transport needs from a streamed body: a fresh stream per attempt, and what its source did. */
export interface StreamBody {
  readonly contentType: string;
  /** The body for one attempt; undici pulls it, so the source is read only as fast as Graph takes it. */
  open(): AsyncIterable<Uint8Array>;
  /** None of the source has been asked for: the body can still be sent (again). */
  readonly replayable: boolean;
  /** The body's end was handed over: Graph may have the whole of it. Before that, nothing of it can land. */
  readonly sentWhole: boolean;
  /** What the source threw, if it did: the attempt fails with this, not as a network failure. */
  readonly sourceError: unknown;
}

/**
 * One `multipart/form-data` part named `file` (graph-api.md, uploadFile), built while it is sent: the
 * preamble, the source's chunks as they come, then the closing boundary, and the closing boundary only
 * once the source has ended. A source that throws (the CSV check, the size limit) therefore leaves the
 * body unterminated, undici aborts the request, and Graph never sees a complete part: nothing lands.
 */
export class MultipartFileBody implements StreamBody {
  readonly contentType: string;
  /** Whether any of the source was asked for: after that, the body cannot be sent again. */
  sourceTouched = false;
  sentWhole = false;
  sourceError: unknown = undefined;
  /** File bytes handed to undici so far: the size of what landed, when it did. */
  bytesSent = 0;
  private readonly boundary = `gateway-${randomBytes(16).toString('hex')}`;
  private readonly source: FileSource;
  private readonly chunks: AsyncIterator<Uint8Array | string>;

  constructor(
    readonly fileName: FileName,
    source: FileSource,
  ) {
    this.contentType = `multipart/form-data; boundary=${this.boundary}`;
    this.source = source;
    this.chunks = source[Symbol.asyncIterator]();
  }

  get replayable(): boolean {
    return !this.sourceTouched;
  }

  async *open(): AsyncGenerator<Uint8Array> {
    // A retry may open the body again only while the source is untouched (transport/retry-step.ts).
    if (this.sourceTouched) throw new Error('the file source was already read; the body cannot be sent again');
    yield Buffer.from(
      `--${this.boundary}\r\n` +
        `Content-Disposition: form-data; name="file"; filename="${this.fileName}"\r\n` +
        'Content-Type: application/octet-stream\r\n\r\n',
    );
    for (;;) {
      this.sourceTouched = true;
      let next: IteratorResult<Uint8Array | string>;
      try {
        next = await this.chunks.next();
      } catch (error) {
        this.sourceError = error;
        throw error;
      }
      if (next.done) break;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      this.bytesSent += chunk.byteLength;
      yield chunk;
    }
    this.sentWhole = true;
    yield Buffer.from(`\r\n--${this.boundary}--\r\n`);
  }

  /** Stops the source: after a failed send nothing more of it is wanted (and a finished one ignores it). */
  close(): void {
    if (this.source instanceof Readable) this.source.destroy();
    else void this.chunks.return?.().catch(() => undefined);
  }
}
