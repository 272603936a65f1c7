import { InvalidInputError, type FileNameProblem } from '../odata/invalid-input';

declare const fileName: unique symbol;
/** A name Graph takes for an uploaded file: made only by `parseFileName`. */
export type FileName = string & { readonly [fileName]: true };

const MAX_CHARACTERS = 255;
// Cc: C0 controls, DEL and C1 controls, never meaningful in a name (and some end a header line).
// Cs: with the u flag, only an unpaired surrogate matches, which no encoding can carry to Graph.
const CONTROL_OR_SURROGATE = /[\p{Cc}\p{Cs}]/u;
const RESERVED = /[/\\:*?"<>|]/;

/**
 * The name a file is uploaded to Graph under: 1 to 255 characters (code points), no control
 * characters, none of / \ : * ? " < > |, not `.` or `..`, and ending in `.csv` in any case.
 * Returns the name unchanged, or throws InvalidInputError with the reason.
 */
export function parseFileName(name: string): FileName {
  const refuse = (why: FileNameProblem) => new InvalidInputError({ kind: 'file-name', why, max: MAX_CHARACTERS });
  const length = [...name].length;
  if (length === 0) throw refuse('empty');
  if (length > MAX_CHARACTERS) throw refuse('too-long');
  if (CONTROL_OR_SURROGATE.test(name)) throw refuse('control-character');
  if (RESERVED.test(name)) throw refuse('reserved-character');
  if (name === '.' || name === '..') throw refuse('dot-name');
  // ASSUMPTION: Graph documents CSV files only and every example is named *.csv; a name that says
  // otherwise is most likely the wrong file, caught here before any byte is sent.
  if (!/.\.csv$/i.test(name)) throw refuse('not-csv');
  return name as FileName;
}
