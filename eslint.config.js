import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '__tests__/fixtures/**', 'build/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off'
    }
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/action/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@actions/*'], message: 'Only src/action imports @actions/*.' }] }
      ]
    }
  },
  {
    // The environment is read once per shell and passed down as data: a use case, an adapter or a
    // sensor that read it itself would behave differently under the CLI, the action and a test.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/env.ts', 'src/action/env.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read the environment in src/cli/env.ts or src/action/env.ts and pass it down.'
        }
      ]
    }
  },
  {
    // The pure core takes data and returns data: no I/O, no process, no Actions toolkit. A
    // sensor's parser (nvidia-smi CSV, RAPL zones, Prometheus answers) is held to the same rule,
    // so it can be table-tested on real captures without the device.
    files: ['src/core/**/*.ts', 'src/sensors/**/parse.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'child_process', 'os', 'path', 'http', 'https', 'net'],
              message: "src/core and the sensors' parse.ts are pure."
            },
            { group: ['@actions/*'], message: 'Only src/action imports @actions/*.' }
          ]
        }
      ],
      'no-restricted-globals': ['error', 'process']
    }
  },
  prettier
)
