import { parseFileName } from '../../src/graph/upload-sessions/file-name';
import { InvalidInputError } from '../../src/graph/odata/invalid-input';
import { toGraphQLError } from '../../src/graphql/edge/to-graphql-error';

it.each(['building-a-access.csv', 'A.CSV', 'report 2026 (final).Csv', 'accès-é😀.csv', '.hidden.csv', `${'x'.repeat(251)}.csv`, `${'😀'.repeat(251)}.csv`])(
  'accepts %j unchanged',
  (name) => {
    expect(parseFileName(name)).toBe(name);
  },
);

it.each([
  ['empty', '', 'it is empty'],
  ['256 characters', `${'x'.repeat(252)}.csv`, 'longer than 255 characters'],
  ['a line feed', 'a\nb.csv', 'control character'],
  ['a NUL', 'a\0.csv', 'control character'],
  ['DEL', 'a\u007f.csv', 'control character'],
  ['a C1 control', 'a\u0085.csv', 'control character'],
  ['an unpaired surrogate', 'a\ud800.csv', 'unpaired surrogate'],
  ['a slash', 'dir/a.csv', 'one of'],
  ['a backslash', 'dir\\a.csv', 'one of'],
  ['a colon', 'c:a.csv', 'one of'],
  ['a star', 'a*.csv', 'one of'],
  ['a question mark', 'a?.csv', 'one of'],
  ['a double quote', 'a".csv', 'one of'],
  ['angle brackets', '<a>.csv', 'one of'],
  ['a pipe', 'a|b.csv', 'one of'],
  ['a dot', '.', 'it is . or ..'],
  ['two dots', '..', 'it is . or ..'],
  ['another extension', 'a.txt', 'must end in .csv'],
  ['no extension', 'a', 'must end in .csv'],
  ['.csv alone', '.csv', 'must end in .csv'],
  ['.csv not at the end', 'a.csv.exe', 'must end in .csv'],
])('refuses a name with %s', (_name, name, why) => {
  let error: unknown;
  try {
    parseFileName(name);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(InvalidInputError);
  expect(toGraphQLError(error)).toMatchObject({ message: expect.stringContaining(why), extensions: { code: 'BAD_USER_INPUT' } });
});
