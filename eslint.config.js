import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'runs/', 'coverage/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Plain Node scripts CI runs before anything is built, and example scenario files.
    files: ['scripts/**/*.mjs', 'scenarios/examples/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // Issue 13: every connection goes through connectClient (libpq's sslmode fallbacks); a client
    // built elsewhere from one TLS attempt made sslmode=prefer fail against servers without TLS.
    files: ['**/*.ts'],
    ignores: ['test/**', 'core/connect-client.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.property.name=/^(Client|Pool)$/]", message: 'open connections with connectClient (core/connect-client.ts)' },
        { selector: "NewExpression[callee.name=/^(Client|Pool)$/]", message: 'open connections with connectClient (core/connect-client.ts)' },
        { selector: "CallExpression[callee.name='toClientConfig']", message: 'only connectClient builds client configurations (core/connect-client.ts)' },
      ],
    },
  },
);
