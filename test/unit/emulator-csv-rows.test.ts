import { CsvRowCollector, MAX_FIELD_CHARS, MAX_KEPT_ROWS } from '../../src/emulator/upload-sessions/csv-rows';

function rowsOf(...chunks: (string | Buffer)[]) {
  const collector = new CsvRowCollector();
  for (const chunk of chunks) collector.write(Buffer.from(chunk));
  return collector.rows();
}

it('reads rows by the header’s names, lower-cased, with RFC 4180 quoting, CRLF or LF, and a last row without a line break', () => {
  expect(rowsOf('\uFEFFPrincipalId,Note\r\n1,"a, ""b"""\n2,"multi\r\nline"\n3,last')).toEqual([
    { principalid: '1', note: 'a, "b"' },
    { principalid: '2', note: 'multi\r\nline' },
    { principalid: '3', note: 'last' },
  ]);
});

it('reads a field split across chunks, a UTF-8 letter cut in two included', () => {
  const text = Buffer.from('name\nMüller\n');
  const cut = text.indexOf(0xc3) + 1; // inside the two bytes of ü
  expect(rowsOf(text.subarray(0, cut), text.subarray(cut))).toEqual([{ name: 'Müller' }]);
});

it('skips blank lines and rows whose field count is not the header’s', () => {
  expect(rowsOf('a,b\n\n1,2\n3\n4,5,6\n7,8\n')).toEqual([
    { a: '1', b: '2' },
    { a: '7', b: '8' },
  ]);
});

it('keeps at most MAX_KEPT_ROWS rows and cuts a field at MAX_FIELD_CHARS', () => {
  const many = rowsOf('n\n' + '1\n'.repeat(MAX_KEPT_ROWS + 5));
  expect(many).toHaveLength(MAX_KEPT_ROWS);
  const [long] = rowsOf(`n\n${'x'.repeat(MAX_FIELD_CHARS + 100)}\n`);
  expect(long!.n).toHaveLength(MAX_FIELD_CHARS);
});
