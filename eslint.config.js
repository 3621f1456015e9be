import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'coverage/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../*/src/*', '../../../libs/*', '../../libs/*'],
              message: 'Import another library through its alias (#yizhi/<lib>).',
            },
          ],
        },
      ],
      // Config is read once in libs/core/config.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through AppConfig (libs/core/config).' },
      ],
    },
  },
  {
    files: ['libs/core/src/config/**', 'test/**', 'scripts/**', 'bench/**', 'jest.config.js', '**/*.spec.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
);
