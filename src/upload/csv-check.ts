import { Transform, type TransformCallback } from 'node:stream';
import { headerRefusal, type CsvColumns } from './csv-columns';

export interface CsvCheckOptions {
  /** The header's rule (`UPLOAD_CSV_COLUMNS`, see csv-columns.ts); unset, the names are not checked. */
  columns?: CsvColumns;
}

// ASSUMPTION: Graph documents no header limit; a header row this long is not a CSV header, and the header is
// the one row held in memory (to compare its names).
export const MAX_HEADER_BYTES = 64 * 1024;

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

// What a byte means to the scanner. Everything else is field content.
const PLAIN = 0;
const C_COMMA = 1;
const C_QUOTE = 2;
const C_CR = 3;
const C_LF = 4;
const C_HIGH = 5; // a byte of a multi-byte UTF-8 character
const C_NUL = 6;

const CLASS = new Uint8Array(256);
CLASS[COMMA] = C_COMMA;
CLASS[QUOTE] = C_QUOTE;
CLASS[CR] = C_CR;
CLASS[LF] = C_LF;
CLASS[0] = C_NUL;
CLASS.fill(C_HIGH, 0x80);
/** Inside quotes, commas and carriage returns are content. */
const QUOTED_CLASS = CLASS.slice();
QUOTED_CLASS[COMMA] = PLAIN;
QUOTED_CLASS[CR] = PLAIN;

/** Where a CSV file is not valid, and why: the GraphQL layer tells the caller. */
export class CsvError extends Error {
  constructor(
    readonly reason: string,
    /** 1-based physical line. */
    readonly line: number,
    /** 1-based field of the record, when a field is to blame. */
    readonly column?: number,
  ) {
    super(`line ${line}${column === undefined ? '' : `, column ${column}`}: ${reason}`);
    this.name = 'CsvError';
  }
}

const RECORD_START = 0;
const FIELD_START = 1;
const UNQUOTED = 2;
const QUOTED = 3;
const QUOTE_IN_QUOTED = 4; // a quote inside quotes: the field's end, or the first half of `""`
const AFTER_CR = 5;

/**
 * A byte-level RFC 4180 and UTF-8 checker fed one chunk at a time. It throws a `CsvError` (its line,
 * the column when a field is to blame, and why) at the first bad byte, so a bad file is refused while
 * it streams. Only the header row is ever held; rows are counted, never built.
 */
export class CsvScanner {
  private readonly columns: CsvColumns | undefined;
  private bomMatched = 0;
  private bomDone = false;
  private state = RECORD_START;
  /** 1-based physical line: a line break inside quotes starts a new one. */
  private line = 1;
  /** 1-based field number in the current record. */
  private field = 1;
  private quoteLine = 1;
  /** 0 until the header row has ended. */
  private headerFields = 0;
  private headerParts: Buffer[] = [];
  private headerBytes = 0;
  // A UTF-8 character cut by a chunk boundary: how many continuation bytes are still due, and the range
  // the next one must fall in (narrower after E0, ED, F0, F4: no overlong forms, no surrogates, nothing above U+10FFFF).
  private utf8Need = 0;
  private utf8Lower = 0x80;
  private utf8Upper = 0xbf;

  constructor(options: CsvCheckOptions = {}) {
    this.columns = options.columns;
  }

  write(chunk: Buffer): void {
    let start = 0;
    if (!this.bomDone) {
      start = this.skipBom(chunk);
      if (!this.bomDone) return;
    }
    this.scan(chunk, start);
  }

  /** The end of the file: the last record is checked, and a file with no header row refused. */
  end(): void {
    if (!this.bomDone) {
      this.bomDone = true;
      if (this.bomMatched > 0 && this.bomMatched < 3) this.scan(BOM.subarray(0, this.bomMatched), 0);
    }
    if (this.utf8Need > 0) throw csvError('the file ends in the middle of a UTF-8 character', this.line, this.field);
    switch (this.state) {
      case RECORD_START:
        if (this.headerFields === 0) throw csvError('the file is empty: a header row is required', 1);
        return;
      case QUOTED:
        throw csvError(`the file ends inside a quoted field opened on line ${this.quoteLine}`, this.line, this.field);
      case AFTER_CR:
        throw csvError('a carriage return must be followed by a line feed', this.line, this.field);
      default:
        this.endRecord(false);
    }
  }

  /** Skips a leading byte order mark, which may arrive split across chunks; returns where the content starts. */
  private skipBom(chunk: Buffer): number {
    let i = 0;
    while (i < chunk.length && this.bomMatched < 3) {
      if (chunk[i] !== BOM[this.bomMatched]) {
        this.bomDone = true;
        // Bytes that began like a BOM but are not one are content: scan them as such.
        if (this.bomMatched > 0) this.scan(BOM.subarray(0, this.bomMatched), 0);
        return i;
      }
      this.bomMatched++;
      i++;
    }
    if (this.bomMatched === 3) this.bomDone = true;
    return i;
  }

  // One loop with the state in locals: fields are written back before anything that may throw or return.
  private scan(buf: Buffer, from: number): void {
    const n = buf.length;
    let i = from;
    let state = this.state;
    let headerStart = this.headerFields === 0 ? from : -1;
    if (this.utf8Need > 0) i = this.utf8Continue(buf, i);
    while (i < n) {
      switch (state) {
        case UNQUOTED: {
          let c = 0;
          while (i < n && (c = CLASS[buf[i]!]!) === PLAIN) i++;
          if (i === n) break;
          if (c === C_COMMA) {
            this.nextField();
            state = FIELD_START;
          } else if (c === C_LF) {
            state = this.lineFeed(buf, headerStart, i, false);
            if (headerStart >= 0 && this.headerFields > 0) headerStart = -1;
          } else if (c === C_CR) {
            state = AFTER_CR;
          } else if (c === C_HIGH) {
            i = this.utf8Start(buf, i);
            continue;
          } else if (c === C_QUOTE) {
            throw csvError('a quote inside an unquoted field; quote the whole field and double the quote ("")', this.line, this.field);
          } else {
            throw nulError(this.line, this.field);
          }
          i++;
          break;
        }
        case QUOTED: {
          let c = 0;
          while (i < n && (c = QUOTED_CLASS[buf[i]!]!) === PLAIN) i++;
          if (i === n) break;
          if (c === C_QUOTE) {
            state = QUOTE_IN_QUOTED;
          } else if (c === C_LF) {
            this.line++;
          } else if (c === C_HIGH) {
            i = this.utf8Start(buf, i);
            continue;
          } else {
            throw nulError(this.line, this.field);
          }
          i++;
          break;
        }
        case RECORD_START:
        case FIELD_START: {
          const c = CLASS[buf[i]!]!;
          if (c === C_QUOTE) {
            this.quoteLine = this.line;
            state = QUOTED;
          } else if (c === C_COMMA) {
            this.nextField();
            state = FIELD_START;
          } else if (c === C_LF || c === C_CR) {
            if (state === RECORD_START) throw csvError('a blank line', this.line);
            if (c === C_CR) {
              state = AFTER_CR;
            } else {
              state = this.lineFeed(buf, headerStart, i, false);
              if (headerStart >= 0 && this.headerFields > 0) headerStart = -1;
            }
          } else if (c === C_HIGH) {
            state = UNQUOTED;
            i = this.utf8Start(buf, i);
            continue;
          } else if (c === C_NUL) {
            throw nulError(this.line, this.field);
          } else {
            state = UNQUOTED;
          }
          i++;
          break;
        }
        case QUOTE_IN_QUOTED: {
          const c = CLASS[buf[i]!]!;
          if (c === C_QUOTE) {
            state = QUOTED;
          } else if (c === C_COMMA) {
            this.nextField();
            state = FIELD_START;
          } else if (c === C_LF) {
            state = this.lineFeed(buf, headerStart, i, false);
            if (headerStart >= 0 && this.headerFields > 0) headerStart = -1;
          } else if (c === C_CR) {
            state = AFTER_CR;
          } else {
            throw csvError('text after the closing quote of a quoted field', this.line, this.field);
          }
          i++;
          break;
        }
        case AFTER_CR: {
          if (buf[i] !== LF) throw csvError('a carriage return must be followed by a line feed', this.line, this.field);
          state = this.lineFeed(buf, headerStart, i, true);
          if (headerStart >= 0 && this.headerFields > 0) headerStart = -1;
          i++;
          break;
        }
      }
    }
    this.state = state;
    if (headerStart >= 0 && this.headerFields === 0) this.keepHeader(buf.subarray(headerStart, n));
  }

  private nextField(): void {
    this.field++;
    if (this.headerFields > 0 && this.field > this.headerFields) {
      throw csvError(`more fields than the header's ${this.headerFields}`, this.line, this.field);
    }
  }

  /** A record ends at `buf[at]` (a line feed); returns the state for what follows. */
  private lineFeed(buf: Buffer, headerStart: number, at: number, afterCr: boolean): number {
    if (this.headerFields === 0 && headerStart >= 0) this.keepHeader(buf.subarray(headerStart, at));
    this.endRecord(afterCr);
    this.line++;
    return RECORD_START;
  }

  private endRecord(afterCr: boolean): void {
    if (this.headerFields === 0) {
      this.endHeader(afterCr);
    } else if (this.field !== this.headerFields) {
      throw csvError(`${this.field} ${this.field === 1 ? 'field' : 'fields'} where the header has ${this.headerFields}`, this.line, this.field);
    }
    this.field = 1;
  }

  private keepHeader(part: Buffer): void {
    this.headerBytes += part.length;
    if (this.headerBytes > MAX_HEADER_BYTES) throw csvError(`the header row is longer than ${MAX_HEADER_BYTES} bytes`, this.line);
    // A copy: the chunk belongs to the stream and is passed on.
    if (part.length > 0) this.headerParts.push(Buffer.from(part));
  }

  private endHeader(afterCr: boolean): void {
    let text = Buffer.concat(this.headerParts).toString('utf8');
    if (afterCr) text = text.slice(0, -1);
    this.headerParts = [];
    const names = splitRecord(text);
    names.forEach((name, index) => {
      if (name.trim() === '') throw csvError(names.length === 1 ? 'the header row is blank' : 'a blank column name in the header', 1, index + 1);
    });
    const refusal = this.columns && headerRefusal(names, this.columns);
    if (refusal) throw csvError(refusal.reason, this.line, refusal.column);
    this.headerFields = names.length;
  }

  /** `buf[i]` is a byte of 0x80 or more where a character starts; returns the index after what it checked. */
  private utf8Start(buf: Buffer, i: number): number {
    const b = buf[i]!;
    if (b >= 0xc2 && b <= 0xdf) {
      this.utf8Need = 1;
    } else if (b >= 0xe0 && b <= 0xef) {
      this.utf8Need = 2;
      if (b === 0xe0) this.utf8Lower = 0xa0;
      else if (b === 0xed) this.utf8Upper = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      this.utf8Need = 3;
      if (b === 0xf0) this.utf8Lower = 0x90;
      else if (b === 0xf4) this.utf8Upper = 0x8f;
    } else {
      throw utf8Error(this.line, this.field);
    }
    return this.utf8Continue(buf, i + 1);
  }

  private utf8Continue(buf: Buffer, i: number): number {
    const n = buf.length;
    while (this.utf8Need > 0 && i < n) {
      const b = buf[i]!;
      if (b < this.utf8Lower || b > this.utf8Upper) throw utf8Error(this.line, this.field);
      this.utf8Lower = 0x80;
      this.utf8Upper = 0xbf;
      this.utf8Need--;
      i++;
    }
    return i;
  }
}

/** A pass-through stream: the same bytes out, or an error at the first bad byte (see `CsvScanner`). */
export function csvCheck(options: CsvCheckOptions = {}): Transform {
  const scanner = new CsvScanner(options);
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      try {
        scanner.write(chunk);
      } catch (error) {
        return callback(error as Error);
      }
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      try {
        scanner.end();
      } catch (error) {
        return callback(error as Error);
      }
      callback();
    },
  });
}

/** Splits one record already known to be valid CSV: the header's names. */
function splitRecord(text: string): string[] {
  const names: string[] = [];
  let i = 0;
  for (;;) {
    let name = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        name += text.slice(i, close);
        i = close + 1;
        if (text[i] !== '"') break;
        name += '"';
        i++;
      }
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      name = text.slice(i, end);
      i = end;
    }
    names.push(name);
    if (text[i] !== ',') return names;
    i++;
  }
}

function csvError(reason: string, line: number, column?: number): CsvError {
  return new CsvError(reason, line, column);
}

function utf8Error(line: number, column: number): CsvError {
  return csvError('bytes that are not UTF-8 (save the file as UTF-8)', line, column);
}

// ASSUMPTION: a NUL byte is refused although RFC 4180 is silent: it is what a UTF-16 file without a
// BOM looks like to a UTF-8 reader, and never meaningful in this data.
function nulError(line: number, column: number): CsvError {
  return csvError('a NUL byte (is the file UTF-16? save it as UTF-8)', line, column);
}
