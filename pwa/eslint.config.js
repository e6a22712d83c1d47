/**
 * ESLint (`npm run lint`, run by scripts/test): the recommended rules and a few more that catch bugs,
 * with the globals of where each file runs: the page (src/), the service worker (src/sw.js), Node
 * (the configs, scripts/, and the unit tests, which Vitest runs in Node).
 */
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['dist/', 'dev-dist/', 'node_modules/'] },
  js.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'smart'], // `== null` still covers undefined
      'no-var': 'error',
      'prefer-const': 'error',
      'no-unused-expressions': 'error', // `a && b()` as a statement: usually a call left out
      'array-callback-return': 'error', // a .map() or .filter() callback that forgot to return
      'no-self-compare': 'error',
      'no-template-curly-in-string': 'error', // '${x}' in plain quotes
      'no-unmodified-loop-condition': 'error',
      'no-unreachable-loop': 'error',
      'no-throw-literal': 'error', // the outbox and the screens read error.status and error.message
    },
  },
  {
    files: ['src/**/*.js'],
    ignores: ['src/sw.js'],
    languageOptions: { globals: { ...globals.browser, __APP_VERSION__: 'readonly' } },
  },
  {
    // index.html's inline classic script (vite.config.js puts it there), run before the app's module.
    files: ['src/boot.js'],
    languageOptions: { sourceType: 'script' },
  },
  {
    // No window or document here; the lib/ modules it imports run in the page and in the worker.
    files: ['src/sw.js'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    files: ['*.js', 'scripts/**/*.mjs', 'tests/**/*.js'],
    languageOptions: { globals: { ...globals.node } },
  },
];
