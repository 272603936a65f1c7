/** Every tier compiles TypeScript the same way. */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        // type-graphql infers field types from emitted decorator metadata: all three flags are needed.
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
    '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // jose ships ES modules only: src/auth/jose.ts imports it dynamically, which jest's CommonJS runtime turns into a require,
  // so jose's files are compiled to CommonJS for tests.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
};

/**
 * Three tiers (docs/development.md): `npm run test:unit`, `test:integration`, `test:e2e`; `npm test` runs all three.
 * Unit and integration tests run the TypeScript sources in this process; only the end-to-end tier runs the build
 * (spawned processes, the GraphiQL bundle, the bench), so only it builds dist/ first.
 */
/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 30000,
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    { ...shared, displayName: 'integration', roots: ['<rootDir>/test/integration'] },
    { ...shared, displayName: 'e2e', roots: ['<rootDir>/test/e2e'], globalSetup: '<rootDir>/test/support/build-once.js' },
  ],
};
