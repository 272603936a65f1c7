/** Where a CSV file is not valid, and why: the GraphQL layer tells the caller. */
export class CsvError extends Error {
  constructor(
    readonly reason: string,
    /** 1-based physical line: a line break inside quotes starts a new one. */
    readonly line: number,
    /** 1-based field of the record, when a field is to blame. */
    readonly column?: number,
  ) {
    super(`line ${line}${column === undefined ? '' : `, column ${column}`}: ${reason}`);
    this.name = 'CsvError';
  }
}
