/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  globalSetup: '<rootDir>/test/support/build-once.js',
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
  testTimeout: 30000,
};
