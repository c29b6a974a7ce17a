import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** SQL as a statement begins (upper case, as the storage modules write it): only electron/engine/storage/ holds it. */
const SQL_STATEMENT =
  '^\\s*(SELECT\\s|INSERT\\s+(OR\\s+\\w+\\s+)?INTO\\s|UPDATE\\s+\\w+\\s+SET\\s|DELETE\\s+FROM\\s|REPLACE\\s+INTO\\s|CREATE\\s|DROP\\s|ALTER\\s+TABLE\\s|PRAGMA\\s+\\w+\\s*($|[(=;])|BEGIN\\b|COMMIT\\b|ROLLBACK\\b|SAVEPOINT\\s|RELEASE\\s|WITH\\s+(RECURSIVE\\s+)?\\w+|VACUUM\\b|ANALYZE\\b|REINDEX\\b)';
const STORAGE_ONLY = 'The site databases are reached through electron/engine/storage/ only: call (or add) a typed function there.';

export default tseslint.config(
  { ignores: ['out/**', 'release/**', 'node_modules/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Electron's ipcMain must only be reached through electron/host/electron-ipc.ts (sender checks, validation).
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'Only electron/main.ts and electron/preload.ts may import electron.' }] }],
    },
  },
  {
    // No import cycles: a module's dependencies can be read from the top down (two cycles were removed; keep it so).
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // One storage boundary: nothing outside electron/engine/storage/ imports sql.js, writes SQL or holds a connection.
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    ignores: ['electron/engine/storage/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'Only electron/main.ts and electron/preload.ts may import electron.' },
            { name: 'sql.js', message: STORAGE_ONLY },
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: `Literal[value=/${SQL_STATEMENT}/]`, message: `SQL outside the storage layer. ${STORAGE_ONLY}` },
        { selector: `TemplateLiteral > TemplateElement:first-child[value.raw=/${SQL_STATEMENT}/]`, message: `SQL outside the storage layer. ${STORAGE_ONLY}` },
        { selector: "MemberExpression[property.name='db']", message: `A site's connection outside the storage layer. ${STORAGE_ONLY}` },
      ],
    },
  },
  {
    files: ['electron/main.ts', 'electron/preload.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // The rules of hooks and complete effect dependencies. The plugin's React Compiler checks (refs read in render,
    // set-state-in-effect…) are left off: the windowed lists read their scroll position from refs by design.
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // Type-aware rules: a promise nobody awaits or catches, a promise where a callback returns void, an assertion
    // the types already make.
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.{ts,tsx}', 'test/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
    },
  },
  {
    // No `any` flowing through the product (tests read CLI JSON output, and may).
    files: ['electron/**/*.ts', 'shared/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
    },
  },
  {
    files: ['bin/**/*.js', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
