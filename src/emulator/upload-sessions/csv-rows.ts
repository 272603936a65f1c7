/** One CSV row by its header's names, lower-cased (`principalid`, `permissionname`, …). */
export type CsvRow = Readonly<Record<string, string>>;

/**
 * ASSUMPTIONS (Graph documents no limit): the emulator keeps the first 10,000 rows found in the first
 * 16 MiB of an uploaded file, and no field longer than 4 KiB (a longer one is cut), to turn them into
 * review decisions. The rest of the file is counted as usual, never read, so an upload of any size stays cheap.
 */
export const MAX_KEPT_ROWS = 10_000;
export const MAX_READ_BYTES = 16 * 1024 * 1024;
export const MAX_FIELD_CHARS = 4096;

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Reads CSV rows (RFC 4180 quoting, CRLF or LF) from chunks as they flow, leniently: the gateway checks
 * files strictly; the emulator only takes what it can from them. A row whose field count differs from
 * the header's is skipped.
 */
export class CsvRowCollector {
  private header: string[] | undefined;
  private readonly kept: CsvRow[] = [];
  private fields: string[] = [];
  private field: number[] = [];
  private quoted = false;
  private afterQuote = false;
  private done = false;
  private read = 0;
  private readonly decoder = new TextDecoder();

  write(chunk: Buffer): void {
    if (this.done) return;
    this.read += chunk.length;
    if (this.read > MAX_READ_BYTES) this.done = true;
    for (const byte of chunk) {
      this.take(byte);
      if (this.done) return;
    }
  }

  /** The rows read, once the file ended (a last row without a line break counts). */
  rows(): readonly CsvRow[] {
    if (!this.done && (this.fields.length > 0 || this.field.length > 0)) this.endRow();
    this.done = true;
    return this.kept;
  }

  private take(byte: number): void {
    if (this.quoted) {
      if (byte === QUOTE) {
        this.quoted = false;
        this.afterQuote = true;
      } else this.push(byte);
      return;
    }
    if (byte === QUOTE) {
      if (this.afterQuote) this.push(QUOTE); // a doubled quote inside a quoted field
      this.quoted = true;
      this.afterQuote = false;
      return;
    }
    this.afterQuote = false;
    if (byte === COMMA) return this.endField();
    if (byte === LF) return this.endRow();
    if (byte !== CR) this.push(byte);
  }

  private push(byte: number): void {
    if (this.field.length < MAX_FIELD_CHARS * 4) this.field.push(byte);
  }

  private endField(): void {
    this.fields.push(this.decoder.decode(Uint8Array.from(this.field)).slice(0, MAX_FIELD_CHARS));
    this.field = [];
  }

  private endRow(): void {
    this.endField();
    const fields = this.fields;
    this.fields = [];
    if (fields.length === 1 && fields[0] === '') return; // a blank line
    if (!this.header) {
      this.header = fields.map((name) => name.replace(/^\uFEFF/, '').trim().toLowerCase());
      return;
    }
    if (fields.length === this.header.length) this.kept.push(Object.fromEntries(this.header.map((name, index) => [name, fields[index]!])));
    if (this.kept.length >= MAX_KEPT_ROWS) this.done = true;
  }
}
