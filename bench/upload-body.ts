/**
 * The upload bench's bodies, made while they are sent: a valid six-column CSV of fixed-width rows, and the
 * two multipart envelopes it travels in (Graph's `uploadFile`, and the GraphQL multipart request).
 * Nothing is held but the block being filled, so the client costs little CPU and no memory per MB sent.
 */

export const CSV_HEADER = 'principalId,principalType,permissionId,permissionName,permissionDescription,permissionType\r\n';

// Every row is the same length, so a file's size is known before it is made (its stats can be checked) and a
// block of rows is a template whose row numbers are the only bytes written per block. The 8 B digits are the
// block's number, the 4 R digits the row's within the block; the quoted field keeps RFC 4180 quoting exercised.
const ROW = '00000000-0000-4000-8000-BBBBBBBBRRRR,EntraIdUser,pBBBBBBBBRRRR,Read,"Reads, ""all""",Role\r\n';
const ROWS_PER_BLOCK = 4096;
const BLOCK_DIGITS = 8;
const ROW_BYTES = Buffer.byteLength(ROW);
const BLOCK_AT = [ROW.indexOf('B'), ROW.indexOf('B', ROW.indexOf('B') + BLOCK_DIGITS)];
const TEMPLATE = blockTemplate();

function blockTemplate(): Buffer {
  let rows = '';
  for (let row = 0; row < ROWS_PER_BLOCK; row++) rows += ROW.replaceAll('RRRR', String(row).padStart(4, '0'));
  return Buffer.from(rows);
}

/** The size of the CSV `csvRows` makes for `approxBytes`: the header and the whole rows that reach it. */
export function csvSize(approxBytes: number): { rows: number; bytes: number } {
  const rows = Math.max(1, Math.ceil((approxBytes - CSV_HEADER.length) / ROW_BYTES));
  return { rows, bytes: CSV_HEADER.length + rows * ROW_BYTES };
}

/** The CSV of `csvSize(approxBytes)`, one block of up to 4,096 rows (~350 KB) at a time, each a fresh buffer. */
export function* csvRows(approxBytes: number): Generator<Buffer> {
  const { rows } = csvSize(approxBytes);
  yield Buffer.from(CSV_HEADER);
  for (let block = 0; block * ROWS_PER_BLOCK < rows; block++) {
    const count = Math.min(ROWS_PER_BLOCK, rows - block * ROWS_PER_BLOCK);
    // A fresh buffer each time: undici may still be writing the previous one to the socket.
    const chunk = Buffer.allocUnsafe(count * ROW_BYTES);
    TEMPLATE.copy(chunk, 0, 0, chunk.length);
    const digits = Buffer.from(String(block).padStart(BLOCK_DIGITS, '0'));
    for (let row = 0; row < count; row++) {
      for (const at of BLOCK_AT) {
        const start = row * ROW_BYTES + at;
        for (let digit = 0; digit < BLOCK_DIGITS; digit++) chunk[start + digit] = digits[digit];
      }
    }
    yield chunk;
  }
}

export interface FilePart {
  name: string;
  fileName: string;
  content: Iterable<Buffer>;
}

/** A multipart/form-data body: the fields, then the one file, as buffers while they are read. */
export function* multipartBody(boundary: string, fields: { name: string; value: string }[], file: FilePart): Generator<Buffer> {
  for (const { name, value } of fields) yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.fileName}"\r\nContent-Type: text/csv\r\n\r\n`);
  yield* file.content;
  yield Buffer.from(`\r\n--${boundary}--\r\n`);
}

export const UPLOAD_MUTATION = `mutation Upload($input: UploadSessionFileInput!) {
  uploadSessionFile(input: $input) { id stats { filesUploaded totalBytesUploaded } files { name size } }
}`;
