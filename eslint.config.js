import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const GITHUB = [
  { name: '@actions/core', message: 'Only src/action talks to the runner.' },
  { name: '@actions/github', message: 'Only src/action reads GitHub (src/action/context.ts).' }
]
const OCTOKIT = { group: ['@octokit/*'], message: 'Only src/action reads GitHub (src/action/context.ts).' }

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly'
      }
    },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }]
    }
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
  // The layer rule (also checked with dependency-cruiser, see .dependency-cruiser.cjs): the engine
  // knows nothing of GitHub, the runner or the process; HTTP goes through core/http.ts alone.
  {
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/http.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [...GITHUB, { name: '@actions/http-client', message: 'HTTP goes through src/core/http.ts.' }],
          patterns: [OCTOKIT, { group: ['**/action/*', '**/cli/*', '**/host/*'], message: 'src/core uses nothing of the front ends.' }]
        }
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'src/core takes what it needs through its ports and options.' }]
    }
  },
  {
    files: ['src/core/http.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: GITHUB, patterns: [OCTOKIT] }],
      'no-restricted-globals': ['error', 'process']
    }
  },
  {
    files: ['src/cli/**/*.ts', 'src/host/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: GITHUB, patterns: [OCTOKIT, { group: ['**/action/*'], message: 'The CLI carries nothing of the action.' }] }
      ]
    }
  }
)
