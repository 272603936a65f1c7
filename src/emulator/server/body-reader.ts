import type { IncomingMessage } from 'node:http';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { HttpError, badRequest } from './http-error';

/** ASSUMPTION (Graph's limit for a JSON body is not documented): 4 MiB. Uploads stream and have no limit. */
export const MAX_JSON_BODY_BYTES = 4 * 1024 * 1024;

/** A `failAfterBytes` fault tripped: more body arrived than the fault lets through. */
export class MidBodyFault extends Error {}

/** Counts the body as it flows, and trips a mid-body fault once more than `failAfterBytes` arrived. */
class BodyMeter extends Transform {
  bytes = 0;

  constructor(private readonly failAfterBytes: number | undefined) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.failAfterBytes !== undefined && this.bytes > this.failAfterBytes) {
      return callback(new MidBodyFault(`The body was cut after ${this.failAfterBytes} bytes.`));
    }
    callback(null, chunk);
  }
}

/** One request's body: read at most once, counted for the request log, never buffered here. */
export class RequestBody {
  private meter: BodyMeter | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly failAfterBytes?: number,
    /** Called once, when the body is first read (the emulator's cue to send `100 Continue`). */
    private readonly beforeRead: () => void = () => undefined,
  ) {}

  /** Bytes of body received so far. */
  get bytes(): number {
    return this.meter?.bytes ?? 0;
  }

  stream(): Readable {
    if (this.meter) throw new Error('The request body can be read only once.');
    const meter = new BodyMeter(this.failAfterBytes);
    this.meter = meter;
    this.beforeRead();
    // A client that goes away mid-body must fail the reader, not leave it waiting.
    this.req.on('error', (error) => meter.destroy(error));
    this.req.pipe(meter);
    return meter;
  }

  /** Stops reading: what is left of the body is received and dropped, so an answer can still be sent. */
  discard(): void {
    if (this.meter) this.req.unpipe(this.meter);
    this.req.resume();
  }
}

export async function readJson(req: IncomingMessage, body: RequestBody): Promise<Record<string, unknown>> {
  if (!(req.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) {
    throw new HttpError(415, 'UnsupportedMediaType', 'Content-Type must be application/json.');
  }
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of body.stream() as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_JSON_BODY_BYTES) {
      body.discard();
      throw new HttpError(413, 'RequestEntityTooLarge', 'The request body is too large.');
    }
    chunks.push(chunk);
  }
  let json: unknown;
  try {
    json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw badRequest('The request body must be a JSON object.');
  return json as Record<string, unknown>;
}
