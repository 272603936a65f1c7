import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'dist-bench/', 'coverage/', 'src/client/generated.ts', 'node_modules/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration in src/config/ only.' }],
    },
  },
  { files: ['src/config/index.ts', 'test/**', 'scripts/**', '*.js', '*.mjs'], rules: { 'no-restricted-properties': 'off' } },
  // The house's sizes (issue 28): no file over 250 lines, in test/ too; no function over 60 lines in src/ (a test
  // file's describe blocks are not the point). Counted as written: blank lines and comments included.
  { files: ['src/**/*.{ts,tsx,js}', 'test/**/*.{ts,tsx,js}'], rules: { 'max-lines': ['error', { max: 250, skipBlankLines: false, skipComments: false }] } },
  { files: ['src/**/*.{ts,tsx,js}'], rules: { 'max-lines-per-function': ['error', { max: 60, skipBlankLines: false, skipComments: false, IIFEs: true }] } },
  { files: ['**/*.js', '**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly', process: 'readonly', __dirname: 'readonly', console: 'readonly' } }, rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { files: ['test/e2e/vite-app/main.js'], languageOptions: { sourceType: 'module', globals: { document: 'readonly' } } },
);
