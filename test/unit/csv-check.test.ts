import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';
import { CsvScanner, csvCheck, type CsvCheckOptions } from '../../src/upload/csv-check';
import { CsvError } from '../../src/upload/csv-error';
import { MAX_HEADER_BYTES } from '../../src/upload/csv-header';

/** The one sample file the README, examples/README.md and the example app's test use. */
const SAMPLE = join(__dirname, '../../examples/access.csv');
const COLUMNS = ['principalId', 'principalType', 'permissionId', 'permissionName', 'permissionDescription', 'permissionType'];

/** The verdict for a file fed in the given pieces: `ok`, or the error's message and extensions. */
function verdict(pieces: Buffer[], options: CsvCheckOptions = {}): { message: string; extensions: Record<string, unknown> } | 'ok' {
  const scanner = new CsvScanner(options);
  try {
    for (const piece of pieces) scanner.write(piece);
    scanner.end();
    return 'ok';
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const { message, extensions } = toGraphQLError(error);
    return { message, extensions };
  }
}

function check(file: string | Buffer, options?: CsvCheckOptions) {
  return verdict([typeof file === 'string' ? Buffer.from(file) : file], options);
}

function bytes(...parts: (string | number[])[]): Buffer {
  return Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))));
}

describe('files it accepts', () => {
  it.each([
    ['LF line ends', 'a,b\n1,2\n3,4\n'],
    ['CR LF line ends', 'a,b\r\n1,2\r\n3,4\r\n'],
    ['mixed line ends', 'a,b\r\n1,2\n3,4\r\n'],
    ['no line end after the last row', 'a,b\n1,2\n3,4'],
    ['quoted fields with commas and doubled quotes', 'a,b\n"x, y","say ""hi"""\n'],
    ['line breaks inside quotes', 'a,b\n"line 1\nline 2\r\nline 3",2\n'],
    ['empty fields, quoted or not', 'a,b,c\n,"",\n'],
    ['a quoted last field with no line end', 'a,b\n1,"2"'],
    ['a leading BOM', '\uFEFFa,b\n1,2\n'],
    ['multi-byte UTF-8 (2, 3 and 4 bytes)', 'name,note\ncafé,€ 😀\n'],
    ['a header with no rows, with a line end', 'a,b\n'],
    ['a header with no rows, without one', 'a,b'],
    ['one column', 'a\n1\n2\n'],
    ['spaces and tabs as content', 'a,b\n 1 ,\t2\n'],
  ])('%s', (_name, file) => {
    expect(check(file)).toBe('ok');
  });

  it('passes the bytes through unchanged, BOM included', async () => {
    const file = bytes([0xef, 0xbb, 0xbf], 'a,b\r\n"x\ny",é\r\n');
    const out: Buffer[] = [];
    await pipeline(Readable.from([file.subarray(0, 2), file.subarray(2, 9), file.subarray(9)]), csvCheck(), collect(out));
    expect(Buffer.concat(out).equals(file)).toBe(true);
  });

  it('accepts the header Microsoft documents when the columns are configured', () => {
    expect(check(`${COLUMNS.join(',')}\r\nu1,EntraIdUser,p1,Read,"Reads, all",Role\r\n`, { columns: COLUMNS })).toBe('ok');
    expect(check('"a","b ""x"""\n1,2\n', { columns: ['a', 'b "x"'] })).toBe('ok');
    expect(check('\uFEFFa,b\r\n', { columns: ['a', 'b'] })).toBe('ok');
  });
});

describe('files it refuses, naming the line and the column', () => {
  it.each([
    ['zero bytes', '', 1, undefined, 'the file is empty'],
    ['only a BOM', '\uFEFF', 1, undefined, 'the file is empty'],
    ['only a line end', '\n', 1, undefined, 'a blank line'],
    ['only blanks', '   \r\n  \n', 1, 1, 'the header row is blank'],
    ['a blank first line before the header', '\na,b\n1,2\n', 1, undefined, 'a blank line'],
    ['a blank line between rows', 'a,b\n1,2\n\n3,4\n', 3, undefined, 'a blank line'],
    ['a blank CR LF line at the end', 'a,b\r\n1,2\r\n\r\n', 3, undefined, 'a blank line'],
    ['a blank column name', 'a,,c\n1,2,3\n', 1, 2, 'a blank column name'],
    ['too few fields', 'a,b,c\n1,2,3\n4,5\n', 3, 2, '2 fields where the header has 3'],
    ['too few fields on the last line, no line end', 'a,b\n1,2\n3', 3, 1, '1 field where the header has 2'],
    ['too many fields', 'a,b\n1,2\n3,4,5\n', 3, 3, "more fields than the header's 2"],
    ['a trailing comma', 'a,b\n1,2,\n', 2, 3, "more fields than the header's 2"],
    ['a quote inside an unquoted field', 'a,b\n1,2\nx"y,3\n', 3, 1, 'a quote inside an unquoted field'],
    ['text after a closing quote', 'a,b\n"x"y,2\n', 2, 1, 'text after the closing quote'],
    ['a space after a closing quote', 'a,b\n1,"2" \n', 2, 2, 'text after the closing quote'],
    ['an unclosed quote', 'a,b\n1,"2\n3,4\n', 4, 2, 'the file ends inside a quoted field opened on line 2'],
    ['a lone carriage return', 'a,b\n1,2\r3,4\n', 2, 2, 'a carriage return must be followed by a line feed'],
    ['a carriage return at the very end', 'a,b\n1,2\r', 2, 2, 'a carriage return must be followed by a line feed'],
    ['a NUL byte (UTF-16 without BOM)', 'a\0,\0b\0\n', 1, 1, 'a NUL byte'],
    ['wrong field count after a multi-line quoted field', 'a,b\n"1\n\n1",2\n3\n', 5, 1, '1 field where the header has 2'],
  ])('%s', (_name, file, line, column, message) => {
    const result = check(file);
    expect(result).not.toBe('ok');
    if (result === 'ok') return;
    expect(result.message).toContain(message);
    expect(result.message).toContain(column === undefined ? `at line ${line}:` : `at line ${line}, column ${column}:`);
    expect(result.extensions).toEqual({ code: 'BAD_USER_INPUT', line, ...(column === undefined ? {} : { column }) });
  });

  it.each([
    ['a byte that never starts a character', [0xff]],
    ['a lone continuation byte', [0x80]],
    ['an overlong two-byte form', [0xc0, 0x80]],
    ['an overlong three-byte form', [0xe0, 0x80, 0x80]],
    ['a surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a lead byte followed by ASCII', [0xc3, 0x41]],
    ['Latin-1 é', [0xe9]],
  ])('not UTF-8: %s', (_name, bad) => {
    const result = check(bytes('a,b\n1,2\n3,x', bad, 'y\n5,6\n'));
    expect(result).toMatchObject({ extensions: { line: 3, column: 2 } });
    expect(result).toHaveProperty('message', expect.stringContaining('not UTF-8'));
  });

  it('refuses a file cut in the middle of a UTF-8 character', () => {
    expect(check(bytes('a,b\n1,', [0xe2, 0x82]))).toMatchObject({ extensions: { line: 2, column: 2 } });
  });

  it('refuses a UTF-16 file with its BOM', () => {
    expect(check(Buffer.from('\uFEFFa,b\n', 'utf16le'))).toMatchObject({ extensions: { line: 1, column: 1 } });
  });

  it('refuses by default a header without the columns of a set Microsoft documents, naming the missing ones and the sets', () => {
    const documented = { columns: 'documented' as const };
    const without = COLUMNS.filter((column) => column !== 'permissionType');
    expect(check(`${without.join(',')}\nu1,EntraIdUser,p1,Read,Reads\n`, documented)).toEqual({
      message:
        'The CSV file is invalid at line 1: the header lacks the column(s) permissionType; Microsoft documents the columns ' +
        'principalId,principalType,permissionId,permissionName,permissionDescription,permissionType or ' +
        'PrincipalAADId,ResourceId,ResourceName,ResourceDescription,ResourceType,PermissionId,PermissionName,PermissionDescription,PermissionType,ResourceOwners (any order and case).',
      extensions: { code: 'BAD_USER_INPUT', line: 1 },
    });
    expect(check('user,permission\n', documented)).toMatchObject({ message: expect.stringContaining('lacks the column(s) principalId, principalType, permissionId, permissionName, permissionDescription, permissionType;') });
  });

  it('accepts by default the documented columns in any order and case, with more columns beside them', () => {
    const documented = { columns: 'documented' as const };
    expect(check(readFileSync(SAMPLE), documented)).toBe('ok');
    expect(check(`${[...COLUMNS].reverse().map((column) => column.toUpperCase()).join(',')}\n`, documented)).toBe('ok');
    // The 2026 how-to's columns hold the six.
    expect(check('PrincipalId,PrincipalType,PermissionId,PermissionName,PermissionDescription,PermissionType,ScopeId,ScopeDisplayName,CustomData,EntitlementOwners_Users,EntitlementOwners_Groups\n', documented)).toBe('ok');
    expect(check('PrincipalAADId,ResourceId,ResourceName,ResourceDescription,ResourceType,PermissionId,PermissionName,PermissionDescription,PermissionType,ResourceOwners\n', documented)).toBe('ok');
  });

  it('shows the one sample CSV verbatim in examples/README.md', () => {
    const readme = readFileSync(join(__dirname, '../../examples/README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`csv\n${readFileSync(SAMPLE, 'utf8')}\`\`\``);
  });

  it('refuses a header other than the configured columns: a name, the order, the count', () => {
    const options = { columns: ['a', 'b', 'c'] };
    expect(check('a,x,c\n1,2,3\n', options)).toMatchObject({
      message: 'The CSV file is invalid at line 1, column 2: the header must be exactly a,b,c (UPLOAD_CSV_COLUMNS); column 2 is "x".',
      extensions: { line: 1, column: 2 },
    });
    expect(check('a,c,b\n', options)).toMatchObject({ extensions: { line: 1, column: 2 } });
    expect(check('a,b\n', options)).toMatchObject({ message: expect.stringContaining('it has 2 columns'), extensions: { line: 1 } });
    expect(check('a,b,c,d\n', options)).toMatchObject({ extensions: { line: 1, column: 4 } });
    expect(check('A,b,c\n', options)).toMatchObject({ extensions: { line: 1, column: 1 } });
    expect(check(' a,b,c\n', options)).toMatchObject({ extensions: { line: 1, column: 1 } });
  });

  it(`refuses a header row over ${MAX_HEADER_BYTES} bytes without waiting for its end`, () => {
    const long = Buffer.alloc(MAX_HEADER_BYTES + 1, 'a');
    expect(verdict([long])).toMatchObject({ extensions: { line: 1 } });
  });
});

describe('chunk boundaries', () => {
  const files: Buffer[] = [
    bytes([0xef, 0xbb, 0xbf], 'a,"b ""q"""\r\n"x\r\ny",é😀\r\n,""\r\n'),
    bytes('a,b\n1,"2"'),
    bytes([0xef, 0xbb, 0x80], ',b\n1,2\n'), // starts like a BOM but is the character U+FEC0
    bytes([0xef, 0xbb]),
    bytes('a,b\n1,"x"y\n'),
    bytes('a,b\n1,2\r3,4\n'),
    bytes('a,b\n1,€', [0x82], '\n'),
    bytes('a,b\n1,', [0xf0, 0x9f, 0x98], '\n'),
    bytes('a,b\n"1\n2",3,4\n'),
    bytes('a,b\n1,2\n\n'),
    bytes('a,b,c\n1,2\r\n'),
    bytes('a,b\n1,"2'),
    bytes('x,y\r\n1,2\r\n', [0xef, 0xbb, 0xbf], '3,4\r\n'), // a BOM that is not leading is content
  ];

  it.each(files.map((file) => [JSON.stringify(file.toString('latin1')), file]))('%s: the same verdict split at every offset, and byte by byte', (_name, file) => {
    const whole = verdict([file]);
    for (let at = 0; at <= file.length; at++) {
      expect([at, verdict([file.subarray(0, at), file.subarray(at)])]).toEqual([at, whole]);
    }
    const single = Array.from(file, (_byte, index) => file.subarray(index, index + 1));
    expect(verdict(single)).toEqual(whole);
    expect(verdict(single, { columns: ['a', 'b'] })).toEqual(verdict([file], { columns: ['a', 'b'] }));
  });

  it('gives the verdicts these files should have', () => {
    expect(files.map((file) => verdict([file]) === 'ok')).toEqual([true, true, true, false, false, false, false, false, false, false, false, false, true]);
  });
});

describe('streaming', () => {
  it('fails at the bad chunk, before the end of the stream', async () => {
    const check = csvCheck();
    const failed = new Promise<unknown>((resolve) => check.once('error', resolve));
    check.resume();
    check.write('a,b\n1,2\n');
    check.write('3,4,5\n');
    await expect(failed).resolves.toMatchObject({ line: 3, column: 3 });
  });

  it('finds a bad row at line 1,000,000 of a generated stream, without reading on to its end', async () => {
    let rowsMade = 0;
    async function* rows(): AsyncGenerator<Buffer> {
      yield Buffer.from(`${COLUMNS.join(',')}\r\n`);
      for (let line = 2; line <= 1_200_000; line += 1000) {
        let text = '';
        for (let row = line; row < line + 1000; row++) {
          text += row === 1_000_000 ? `u${row},EntraIdUser,p${row},Read,"broken" row,Role\r\n` : `u${row},EntraIdUser,p${row},Read,"Reads, ""all""",Role\r\n`;
        }
        rowsMade += 1000;
        yield Buffer.from(text);
      }
    }
    const refused = pipeline(Readable.from(rows()), csvCheck({ columns: COLUMNS }), collect([], true));
    await expect(refused.catch(toGraphQLError)).resolves.toMatchObject({
      message: 'The CSV file is invalid at line 1000000, column 5: text after the closing quote of a quoted field.',
      extensions: { code: 'BAD_USER_INPUT', line: 1_000_000, column: 5 },
    });
    expect(rowsMade).toBeLessThan(1_010_000);
  });
});

function collect(into: Buffer[], discard = false): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      if (!discard) into.push(chunk);
      callback();
    },
  });
}
