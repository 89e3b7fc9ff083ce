import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import prettier from 'eslint-config-prettier'
import globals from 'globals'

const ACTIONS_ONLY = { group: ['@actions/*'], message: 'Only src/action imports @actions/*.' }
// Every child process goes through one module: each leads its own process group, a timeout ends
// the whole group, and none outlives joulegate (a wrapper's nvidia-smi, git's ssh, a probe's torch).
const PROCESS_SEAM = 'src/adapters/process.ts'
const CHILD_PROCESS = {
  group: ['node:child_process', 'child_process'],
  message: `Start processes through ${PROCESS_SEAM} (process groups, timeouts, exit clean-up).`
}

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
    // A rule's options replace, not add to, those of an earlier block: each block lists all the
    // imports its files may not make.
    files: ['src/**/*.ts'],
    ignores: ['src/action/**', PROCESS_SEAM],
    rules: { 'no-restricted-imports': ['error', { patterns: [ACTIONS_ONLY, CHILD_PROCESS] }] }
  },
  {
    files: ['src/action/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [CHILD_PROCESS] }] }
  },
  {
    files: [PROCESS_SEAM],
    rules: { 'no-restricted-imports': ['error', { patterns: [ACTIONS_ONLY] }] }
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
            ACTIONS_ONLY
          ]
        }
      ],
      'no-restricted-globals': ['error', 'process']
    }
  },
  prettier
)
