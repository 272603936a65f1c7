import { GraphQLObjectType, GraphQLSchema, GraphQLString, graphql, type GraphQLError } from 'graphql';
import { PassThrough } from 'node:stream';
import { UploadScalar } from '../../src/graphql/schema/upload.scalar';
import { Upload } from '../../src/upload/upload';

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({ name: 'Query', fields: { ping: { type: GraphQLString } } }),
  mutation: new GraphQLObjectType({
    name: 'Mutation',
    fields: {
      fileName: {
        type: GraphQLString,
        args: { file: { type: UploadScalar } },
        resolve: async (_root, args: { file: Upload }) => (await args.file.file).fileName,
      },
      echo: { type: UploadScalar, resolve: () => new Upload(new Promise(() => undefined)) },
    },
  }),
});

it('passes an Upload variable through to the resolver', async () => {
  const upload = new Upload(Promise.resolve({ fileName: 'a.csv', mimeType: 'text/csv', stream: new PassThrough() }));
  const result = await graphql({ schema, source: 'mutation ($f: Upload) { fileName(file: $f) }', variableValues: { f: upload } });
  expect(result).toEqual({ data: { fileName: 'a.csv' } });
});

it.each([['a string', 'a.csv'], ['an object that looks like an upload', { file: {} }], ['a number', 1]])('refuses %s as the variable', async (_name, value) => {
  const result = await graphql({ schema, source: 'mutation ($f: Upload) { fileName(file: $f) }', variableValues: { f: value } });
  expect(result.errors?.[0]?.message).toContain('Upload value invalid');
});

it('refuses a literal', async () => {
  const result = await graphql({ schema, source: 'mutation { fileName(file: "a.csv") }' });
  expect(result.errors?.[0]?.message).toContain('Upload literal unsupported');
});

it('refuses to serialize', async () => {
  const result = await graphql({ schema, source: 'mutation { echo }' });
  expect((result.errors?.[0] as GraphQLError).message).toBe('Upload serialization unsupported.');
});
