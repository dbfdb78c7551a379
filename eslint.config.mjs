// Lint rules for the library, apps, templates, tests, scripts and bench (checked by `npm test`):
// typescript-eslint's recommended set. Formatting is Prettier's job, so rules that conflict are off.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'build/**',
      'dist/**',
      'dist-*/**',
      '.cdk8s.out/**',
      'node_modules/**',
      '.tools/**',
      'scratch/**',
      'test/peers/**',
      'coverage/**',
      'docs/api/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // The reader and the printers match control characters on purpose (escaping, YAML's rules).
      'no-control-regex': 'off',
      // `interface XProps extends HardenedWorkloadProps {}` is how jsii libraries name a kind's props.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { varsIgnorePattern: '^_', argsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // The command, the plugin and the jest set-up are CommonJS JavaScript: the cdk8s CLI require()s the plugin.
    files: ['**/*.js'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Tests read synthesized manifests as untyped JSON, and require() lazily where jest spies on a module object.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
);
