// ESLint over every JavaScript file of the project: the dashboard, the
// benchmarks, the scripts, the tests and the bindings' JS (src/bindings/).
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['**/node_modules/', 'pkg/', 'target/', 'www/dist/', 'bench/browser/dist/', 'test-results/', 'tests/package/.work/', 'tests/package/.work-browser/', '.work/'] },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { ...globals.browser, ...globals.node, ...globals.worker },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
];
