import { headerRefusal, type CsvColumns } from './csv-columns';
import { CsvError } from './csv-error';

// ASSUMPTION: Graph documents no header limit; a header row this long is not a CSV header, and the header is
// the one row held in memory (to compare its names).
export const MAX_HEADER_BYTES = 64 * 1024;

/** The header row's bytes as they stream by, then its names: blank ones refused, and the rule's columns required. */
export class CsvHeader {
  private parts: Buffer[] = [];
  private bytes = 0;

  /** The names' rule (`UPLOAD_CSV_COLUMNS`, see csv-columns.ts); undefined, they are not checked. */
  constructor(private readonly columns: CsvColumns | undefined) {}

  keep(part: Buffer, line: number): void {
    this.bytes += part.length;
    if (this.bytes > MAX_HEADER_BYTES) throw new CsvError(`the header row is longer than ${MAX_HEADER_BYTES} bytes`, line);
    // A copy: the chunk belongs to the stream and is passed on.
    if (part.length > 0) this.parts.push(Buffer.from(part));
  }

  /** The header row ended on `line` (its bytes, already known to be valid CSV, kept); returns its number of fields. */
  end(afterCr: boolean, line: number): number {
    let text = Buffer.concat(this.parts).toString('utf8');
    if (afterCr) text = text.slice(0, -1);
    this.parts = [];
    const names = splitRecord(text);
    names.forEach((name, index) => {
      if (name.trim() === '') throw new CsvError(names.length === 1 ? 'the header row is blank' : 'a blank column name in the header', 1, index + 1);
    });
    const refusal = this.columns && headerRefusal(names, this.columns);
    if (refusal) throw new CsvError(refusal.reason, line, refusal.column);
    return names.length;
  }
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
