import { join } from 'node:path';
import { GRAPHIQL_ASSETS_DIRECTORY, readGraphiqlAssets } from '../../src/graphql/console/graphiql-landing-page';

// The offline console serves what `npm run build` bundled (this tier's global setup builds it).
it('finds the bundle npm run build wrote', () => {
  const assets = readGraphiqlAssets();
  expect(assets.js.length).toBeGreaterThan(100_000);
  expect(assets.css).toMatch(/\.graphiql-container/);
  expect(GRAPHIQL_ASSETS_DIRECTORY).toBe(join(__dirname, '..', '..', 'dist', 'graphiql'));
});
