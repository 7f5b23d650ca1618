// Lint that holds the shape (README "Layout"): run by `npm test`, so CI fails on a violation.
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'crypto', 'child_process', 'net', 'http', 'https', 'os', 'stream', 'util', 'worker_threads', 'dns', 'zlib'];

export default tseslint.config(
  { ignores: ['node_modules/**', '**/dist/**', '.tools/**', '.data/**', 'test-artifacts/**', 'test/fixtures/**', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      // A promise nobody awaits loses its error and its ordering: await it or say `void`.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    // SQL and Sequelize live in db/ (README "Layout"); everyone else asks db/'s stores.
    files: ['**/*.ts'],
    ignores: ['db/**', 'test/**', 'dev/**', 'scripts/**', '**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'sequelize', message: 'SQL and Sequelize live in db/.', allowTypeImports: true },
        ],
      }],
    },
  },
  {
    // Below the workflows' clients: mail, intake and activities get a ticket commands port
    // (domain/ticket-commands.ts) that the worker and the API wire to the client, so no arrow
    // points back up at a workflow; the domain imports nothing of ours but itself.
    files: ['mail/**/*.ts', 'intake/**/*.ts', 'activities/**/*.ts', 'domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'sequelize', message: 'SQL and Sequelize live in db/.', allowTypeImports: true },
          { name: '@temporalio/client', message: 'Below the workflows: ask the ticket commands port (domain/ticket-commands.ts).' },
        ],
        patterns: [
          { group: ['**/workflows/*/client'], message: 'Below the workflows: ask the ticket commands port (domain/ticket-commands.ts).' },
        ],
      }],
    },
  },
  {
    files: ['domain/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['../*', '!./*'], message: 'The domain is pure: it imports only itself.' }],
      }],
    },
  },
  {
    // Last, so it wins over the rule above for these files. Workflow code runs in Temporal's deterministic sandbox: no I/O, no Node, no database,
    // and activities only as types (they run in the worker, not here).
    files: ['workflows/**/workflow.ts', 'workflows/**/definitions.ts', 'workflows/index.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [
          ...NODE_BUILTINS.filter((name) => !name.includes('*')).map((name) => ({ name, message: 'Workflow code is deterministic: no Node built-ins (do I/O in an activity).' })),
          { name: 'sequelize', message: 'Workflow code reaches the database only through activities.' },
          { name: 'pg', message: 'Workflow code reaches the database only through activities.' },
          { name: '@temporalio/client', message: 'Workflow code talks to Temporal through @temporalio/workflow.' },
          { name: '@temporalio/activity', message: 'Activities run in the worker, not in the workflow sandbox.' },
        ],
        patterns: [
          { group: ['node:*'], message: 'Workflow code is deterministic: no Node built-ins (do I/O in an activity).' },
          { group: ['../../activities', '../../activities/*', '../activities', '../activities/*'], allowTypeImports: true, message: 'Import activities as types only: `import type`.' },
          { group: ['../../db', '../../db/*', '../../mail/*', '../../email/*', '../../api/*', '../../config'], message: 'Workflow code imports the domain and its own definitions only.' },
        ],
      }],
    },
  },
);
