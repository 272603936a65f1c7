import { Transform, type TransformCallback } from 'node:stream';
import { CsvError } from './csv-error';
import type { CsvColumns } from './csv-columns';
import { CsvHeader } from './csv-header';
import { Utf8Check } from './utf8-check';

export interface CsvCheckOptions {
  /** The header's rule (`UPLOAD_CSV_COLUMNS`, see csv-columns.ts); unset, the names are not checked. */
  columns?: CsvColumns;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

// What a byte means to the scanner. Everything else is field content (UTF-8 is Utf8Check's).
const PLAIN = 0;
const C_COMMA = 1;
const C_QUOTE = 2;
const C_CR = 3;
const C_LF = 4;
const C_NUL = 5;

const CLASS = new Uint8Array(256);
CLASS[COMMA] = C_COMMA;
CLASS[QUOTE] = C_QUOTE;
CLASS[CR] = C_CR;
CLASS[LF] = C_LF;
CLASS[0] = C_NUL;
/** Inside quotes, commas and carriage returns are content. */
const QUOTED_CLASS = CLASS.slice();
QUOTED_CLASS[COMMA] = PLAIN;
QUOTED_CLASS[CR] = PLAIN;

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
  private readonly utf8 = new Utf8Check();
  private readonly header: CsvHeader;
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

  constructor(options: CsvCheckOptions = {}) {
    this.header = new CsvHeader(options.columns);
  }

  write(chunk: Buffer): void {
    const bad = this.utf8.write(chunk);
    if (bad < 0) return this.consume(chunk);
    // What comes before the bad byte may hold an earlier refusal of its own.
    this.consume(chunk.subarray(0, bad));
    throw utf8Error(this.line, this.field);
  }

  /** The end of the file: the last record is checked, and a file with no header row refused. */
  end(): void {
    if (!this.bomDone) {
      this.bomDone = true;
      if (this.bomMatched > 0 && this.bomMatched < 3) this.scan(BOM.subarray(0, this.bomMatched), 0);
    }
    if (!this.utf8.end()) throw new CsvError('the file ends in the middle of a UTF-8 character', this.line, this.field);
    switch (this.state) {
      case RECORD_START:
        if (this.headerFields === 0) throw new CsvError('the file is empty: a header row is required', 1);
        return;
      case QUOTED:
        throw new CsvError(`the file ends inside a quoted field opened on line ${this.quoteLine}`, this.line, this.field);
      case AFTER_CR:
        throw new CsvError('a carriage return must be followed by a line feed', this.line, this.field);
      default:
        this.endRecord(false);
    }
  }

  private consume(chunk: Buffer): void {
    let start = 0;
    if (!this.bomDone) {
      start = this.skipBom(chunk);
      if (!this.bomDone) return;
    }
    this.scan(chunk, start);
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

  // Runs of field content are skipped in this loop, without a call per byte; `next` decides the rest.
  private scan(buf: Buffer, from: number): void {
    const n = buf.length;
    let i = from;
    let state = this.state;
    let headerStart = this.headerFields === 0 ? from : -1;
    while (i < n) {
      if (state === UNQUOTED) while (i < n && CLASS[buf[i]!] === PLAIN) i++;
      else if (state === QUOTED) while (i < n && QUOTED_CLASS[buf[i]!] === PLAIN) i++;
      else if (state <= FIELD_START && CLASS[buf[i]!] === PLAIN) {
        state = UNQUOTED; // the common start of a field, without a call
        continue;
      }
      if (i === n) break;
      const byte = buf[i]!;
      if (byte === COMMA && state !== AFTER_CR) {
        state = this.nextField(); // the common end of a field, without the switch (inside quotes a comma is content)
        i++;
        continue;
      }
      if (headerStart >= 0 && byte === LF && state !== QUOTED) {
        this.header.keep(buf.subarray(headerStart, i), this.line);
        headerStart = -1;
      }
      state = this.next(state, byte);
      i++;
    }
    this.state = state;
    if (headerStart >= 0) this.header.keep(buf.subarray(headerStart, n), this.line);
  }

  /** The state after `byte`, a byte that is not plain content in `state`; throws at one the format does not allow. */
  private next(state: number, byte: number): number {
    const c = CLASS[byte]!;
    switch (state) {
      case UNQUOTED:
      case QUOTE_IN_QUOTED:
        if (c === C_COMMA) return this.nextField();
        if (c === C_LF) return this.endLine(false);
        if (c === C_CR) return AFTER_CR;
        if (state === QUOTE_IN_QUOTED) {
          if (c === C_QUOTE) return QUOTED;
          throw new CsvError('text after the closing quote of a quoted field', this.line, this.field);
        }
        if (c === C_QUOTE) throw new CsvError('a quote inside an unquoted field; quote the whole field and double the quote ("")', this.line, this.field);
        throw nulError(this.line, this.field);
      case QUOTED:
        if (c === C_QUOTE) return QUOTE_IN_QUOTED;
        if (c !== C_LF) throw nulError(this.line, this.field);
        this.line++;
        return QUOTED;
      case AFTER_CR:
        if (c !== C_LF) throw new CsvError('a carriage return must be followed by a line feed', this.line, this.field);
        return this.endLine(true);
      default: // RECORD_START, FIELD_START
        if (c === C_QUOTE) {
          this.quoteLine = this.line;
          return QUOTED;
        }
        if (c === C_COMMA) return this.nextField();
        if (c === C_NUL) throw nulError(this.line, this.field);
        if (c === PLAIN) return UNQUOTED;
        if (state === RECORD_START) throw new CsvError('a blank line', this.line);
        return c === C_CR ? AFTER_CR : this.endLine(false);
    }
  }

  private nextField(): number {
    this.field++;
    if (this.headerFields > 0 && this.field > this.headerFields) {
      throw new CsvError(`more fields than the header's ${this.headerFields}`, this.line, this.field);
    }
    return FIELD_START;
  }

  /** A line feed ends the record. */
  private endLine(afterCr: boolean): number {
    this.endRecord(afterCr);
    this.line++;
    return RECORD_START;
  }

  private endRecord(afterCr: boolean): void {
    if (this.headerFields === 0) {
      this.headerFields = this.header.end(afterCr, this.line);
    } else if (this.field !== this.headerFields) {
      throw new CsvError(`${this.field} ${this.field === 1 ? 'field' : 'fields'} where the header has ${this.headerFields}`, this.line, this.field);
    }
    this.field = 1;
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

function utf8Error(line: number, column: number): CsvError {
  return new CsvError('bytes that are not UTF-8 (save the file as UTF-8)', line, column);
}

// ASSUMPTION: a NUL byte is refused although RFC 4180 is silent: it is what a UTF-16 file without a
// BOM looks like to a UTF-8 reader, and never meaningful in this data.
function nulError(line: number, column: number): CsvError {
  return new CsvError('a NUL byte (is the file UTF-16? save it as UTF-8)', line, column);
}
