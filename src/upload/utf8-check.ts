import { isUtf8 } from 'node:buffer';

const STREAM = { stream: true } as const;
const NOTHING = Buffer.alloc(0);

/**
 * UTF-8 validation of a file fed in chunks, by the platform: `buffer.isUtf8` (simdutf) for whole
 * characters, and WHATWG's fatal decoder for the start of a character a chunk boundary cuts (no
 * overlong forms, no surrogates, nothing above U+10FFFF), completed by the next chunk. Only when a
 * chunk is refused is the position of its first bad byte worked out, so the caller can name the line
 * and column.
 */
export class Utf8Check {
  /** The bytes of the character the file so far ends inside of (0 to 3). */
  private open: Buffer = NOTHING;

  /** The index of the chunk's first byte that is not UTF-8, or -1 when there is none. */
  write(chunk: Buffer): number {
    const bytes = this.open.length === 0 ? chunk : Buffer.concat([this.open, chunk]);
    const cut = bytes.length - openLength(bytes);
    if (!isUtf8(bytes.subarray(0, cut)) || (cut < bytes.length && !isUtf8SoFar(bytes.subarray(cut)))) return firstBadByte(this.open, chunk);
    this.open = cut === bytes.length ? NOTHING : Buffer.from(bytes.subarray(cut));
    return -1;
  }

  /** Whether the file ended between characters. */
  end(): boolean {
    return this.open.length === 0;
  }
}

/** How many bytes at the end of `bytes` begin a character they do not finish (0 to 3). */
function openLength(bytes: Buffer): number {
  for (let back = 1; back <= 3 && back <= bytes.length; back++) {
    const byte = bytes[bytes.length - back]!;
    if (byte >> 6 === 0b10) continue; // a continuation byte: look further back for its lead
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return back < length ? back : 0;
  }
  return 0;
}

/** Whether `bytes` is UTF-8 as far as it goes: in stream mode the decoder waits for the rest of a cut character. */
function isUtf8SoFar(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, STREAM);
    return true;
  } catch {
    return false;
  }
}

/** Binary search for the shortest prefix of `open` + `chunk` a decoder refuses: its last byte is the bad one. */
function firstBadByte(open: Buffer, chunk: Buffer): number {
  let valid = 0;
  let invalid = chunk.length;
  while (invalid - valid > 1) {
    const middle = (valid + invalid) >>> 1;
    if (isUtf8SoFar(Buffer.concat([open, chunk.subarray(0, middle)]))) valid = middle;
    else invalid = middle;
  }
  return invalid - 1;
}
